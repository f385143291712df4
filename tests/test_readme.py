"""Every ```python block of the README runs as written and prints its result."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
TEXT = README.read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", TEXT, flags=re.S)


def test_every_python_block_is_found():
    """The pattern finds each fenced block (a missed one would silently go untested); the README
    shows the four uses: ask/tell, the training loss, IOHexperimenter and nevergrad."""
    assert len(BLOCKS) == TEXT.count("```python") >= 4
    assert all(block.strip() for block in BLOCKS)


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs_and_prints_its_result(index, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    exec(compile(BLOCKS[index], f"README.md block {index}", "exec"), {"__name__": "__readme__"})
    printed = capsys.readouterr().out
    assert printed.strip(), f"README block {index} prints nothing: show the reader its result"
    assert "nan" not in printed.lower().split(), printed
