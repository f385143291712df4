"""The one markdown table writer of ovlr-bbo (reports, the CLI, speed and training demos)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

__all__ = ["markdown_table", "format_number"]


def format_number(value: Any, digits: int = 3) -> str:
    """``value`` for a table cell: floats with ``digits`` significant digits, ``-`` for None
    and NaN, ``inf`` for infinities, anything else as ``str``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float):
        return "inf" if math.isinf(value) else f"{value:.{digits}g}"
    return str(value)


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], digits: int = 3) -> str:
    """A GitHub markdown table; cells go through :func:`format_number` (strings unchanged).

    >>> print(markdown_table(["name", "value"], [["a", 0.123456], ["b", None]]))
    | name | value |
    |---|---|
    | a | 0.123 |
    | b | - |
    """
    width = len(headers)
    for row in rows:
        if len(row) != width:
            raise ValueError(f"a row has {len(row)} cells for {width} headers: {list(row)!r}")
    lines = ["| " + " | ".join(str(header) for header in headers) + " |",
             "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(format_number(cell, digits) for cell in row) + " |"
              for row in rows]
    return "\n".join(lines)
