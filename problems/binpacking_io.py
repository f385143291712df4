"""Readers and a writer for bin packing instance files.

- Plain BPP text format (BPPLIB): the item count ``n``, the capacity ``C``, then ``n`` weights,
  one per line. BPPLIB is CC BY-NC-ND, so ovlr-bbo ships none of it; users read their own copies.
- OR-Library ``binpack`` format: the number of problems, then for each problem an identifier line,
  a line ``C n best_known`` and ``n`` weights, one per line.

Blank lines are skipped. Fractional weights (OR-Library's triplet files use one decimal) are
scaled, with the capacity, by the smallest power of ten that makes them all integers, which leaves
every fill ratio unchanged. Malformed files raise :class:`BinPackingFormatError` naming the file and
the line.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np

from .binpacking import BinPackingInstance

__all__ = ["BinPackingFormatError", "read_bpp", "read_orlib", "write_bpp"]


class BinPackingFormatError(ValueError):
    """A bin packing file that cannot be read; the message names the file and the line."""

    def __init__(self, path: str | Path, line: int, message: str):
        super().__init__(f"{path}, line {line}: {message}")
        self.path, self.line = str(path), line


class _Lines:
    """The non-blank lines of a file with their 1-based line numbers."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        text = self.path.read_text()
        self._end = len(text.splitlines()) + 1
        self._lines: Iterator[tuple[int, str]] = (
            (number, line.strip()) for number, line in enumerate(text.splitlines(), start=1)
            if line.strip()
        )
        self.last_line = 0

    def next(self, what: str) -> tuple[int, str]:
        """The next non-blank line, or an error saying that ``what`` is missing."""
        try:
            number, line = next(self._lines)
        except StopIteration:
            raise BinPackingFormatError(self.path, self._end,
                                        f"file ends early: expected {what}") from None
        self.last_line = number
        return number, line

    def number(self, what: str) -> tuple[int, Decimal]:
        """The next line as a single positive number."""
        line_number, line = self.next(what)
        tokens = line.split()
        if len(tokens) != 1:
            raise BinPackingFormatError(self.path, line_number,
                                        f"expected {what} alone on the line, got {line!r}")
        return line_number, self.parse(line_number, tokens[0], what)

    def parse(self, line_number: int, token: str, what: str) -> Decimal:
        try:
            value = Decimal(token)
        except InvalidOperation:
            raise BinPackingFormatError(self.path, line_number,
                                        f"expected {what}, got {token!r}") from None
        if not value.is_finite() or value <= 0:
            raise BinPackingFormatError(self.path, line_number,
                                        f"{what} must be a positive number, got {token!r}")
        return value

    def count(self, line_number: int, value: Decimal, what: str) -> int:
        if value != value.to_integral_value():
            raise BinPackingFormatError(self.path, line_number,
                                        f"{what} must be a whole number, got {value}")
        return int(value)

    def remaining(self) -> tuple[int, str] | None:
        return next(self._lines, None)


def _read_items(lines: _Lines, n: int, capacity: Decimal, cap_line: int) -> list[Decimal]:
    weights = []
    for i in range(n):
        line_number, weight = lines.number(f"the weight of item {i + 1} of {n}")
        if weight > capacity:
            raise BinPackingFormatError(
                lines.path, line_number,
                f"item {i + 1} has weight {weight}, larger than the capacity {capacity} "
                f"(line {cap_line}); no packing exists")
        weights.append(weight)
    return weights


def _to_integers(values: list[Decimal]) -> tuple[list[int], int]:
    """Scale decimals by the smallest power of ten that makes all integral."""
    places = max(max(-int(v.normalize().as_tuple().exponent), 0) for v in values)
    factor = 10**places
    return [int(v * factor) for v in values], factor


def _instance(lines: _Lines, name: str, weights: list[Decimal], capacity: Decimal,
              optimum: int | None) -> BinPackingInstance:
    """Build an instance, turning its consistency errors into errors that name the file."""
    scaled, _ = _to_integers([capacity, *weights])
    try:
        return BinPackingInstance(name=name, weights=np.asarray(scaled[1:], dtype=np.int64),
                                  capacity=scaled[0], optimum=optimum, family=name)
    except ValueError as error:
        raise BinPackingFormatError(lines.path, lines.last_line, str(error)) from None


def read_bpp(path: str | Path, optimum: int | None = None) -> BinPackingInstance:
    """Read a plain BPP file (``n``, ``C``, then ``n`` weights). ``optimum``: the optimal bin
    count if the user knows it (BPPLIB lists them in separate files)."""
    lines = _Lines(path)
    line_number, value = lines.number("the number of items n on the first line")
    n = lines.count(line_number, value, "the number of items")
    cap_line, capacity = lines.number("the capacity C on the second line")
    weights = _read_items(lines, n, capacity, cap_line)
    extra = lines.remaining()
    if extra is not None:
        raise BinPackingFormatError(lines.path, extra[0],
                                    f"unexpected content {extra[1]!r} after the {n} weights")
    return _instance(lines, lines.path.stem, weights, capacity, optimum)


def read_orlib(path: str | Path) -> list[BinPackingInstance]:
    """Read every problem of an OR-Library ``binpack`` file. The file's best-known bin count
    becomes the instance's ``optimum`` (proven optimal for Falkenauer's u and t instances)."""
    lines = _Lines(path)
    line_number, value = lines.number("the number of problems on the first line")
    instances = []
    for _ in range(lines.count(line_number, value, "the number of problems")):
        _, name = lines.next("a problem identifier line")
        cap_line, header = lines.next(f"the line 'capacity n best_known' of problem {name}")
        tokens = header.split()
        if len(tokens) != 3:
            raise BinPackingFormatError(lines.path, cap_line,
                                        f"expected 'capacity n best_known', got {header!r}")
        capacity = lines.parse(cap_line, tokens[0], "the capacity")
        n = lines.count(cap_line, lines.parse(cap_line, tokens[1], "the item count"), "n")
        best = lines.count(cap_line, lines.parse(cap_line, tokens[2], "the best-known bin count"),
                           "the best-known bin count")
        weights = _read_items(lines, n, capacity, cap_line)
        instances.append(_instance(lines, name, weights, capacity, best))
    extra = lines.remaining()
    if extra is not None:
        raise BinPackingFormatError(lines.path, extra[0],
                                    f"unexpected content {extra[1]!r} after the last problem")
    return instances


def write_bpp(instance: BinPackingInstance, path: str | Path) -> Path:
    """Write ``instance`` in the plain BPP format; returns the path."""
    path = Path(path)
    text = "\n".join([str(instance.n_items), str(instance.capacity),
                      *map(str, instance.weights.tolist())])
    path.write_text(text + "\n")
    return path
