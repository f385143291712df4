"""pyproject lists every package: a subpackage missing there is left out of a non-editable install
(an editable one still finds it, so no other test would notice)."""

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def _installed_name(folder: Path) -> str:
    """The dotted name a source folder installs as, by the package-dir mapping."""
    for name, source in sorted(SETUPTOOLS["package-dir"].items(), key=lambda kv: -len(kv[1])):
        base = ROOT / source
        if folder == base or base in folder.parents:
            return ".".join([name, *folder.relative_to(base).parts])
    raise AssertionError(f"{folder} is under no package-dir entry")


def test_every_package_folder_is_listed():
    folders = {init.parent for source in SETUPTOOLS["package-dir"].values()
               for init in (ROOT / source).rglob("__init__.py")}
    found = {_installed_name(folder) for folder in folders}
    assert found <= set(SETUPTOOLS["packages"]), sorted(found - set(SETUPTOOLS["packages"]))


def test_presets_ship_as_package_data():
    presets = ROOT / "ovlr_bbo" / "presets"
    assert "ovlr_bbo.presets" in SETUPTOOLS["packages"]
    assert SETUPTOOLS["package-data"]["ovlr_bbo.presets"] == ["*.toml"]
    assert len(list(presets.glob("*.toml"))) >= 8
