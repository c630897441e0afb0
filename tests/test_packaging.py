"""The standalone build's parts that can be checked without running PyInstaller (CI builds
and starts the bundle itself: .ci/run)."""

from __future__ import annotations

import configparser
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).parent.parent
sys.path.insert(0, str(REPO / "packaging"))
import bundle  # noqa: E402


def test_the_desktop_entry_starts_the_installed_program_with_the_app_icon() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    entry.read(REPO / "packaging" / "diamond-ledger.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert desktop["Type"] == "Application"
    assert desktop["Exec"] in scripts  # the README's sed line rewrites exactly this
    assert desktop["Icon"] == bundle.NAME == desktop["StartupWMClass"]
    assert desktop["Terminal"] == "false"


def test_the_bundle_carries_every_page_the_window_loads_by_name() -> None:
    from app.ui.window import PAGES
    modules = set(bundle.app_modules())
    assert {f"app.ui.pages.{name.lower()}" for name in PAGES} <= modules
    assert "app.__main__" not in modules  # the entry script, not a module to collect


def test_the_bundle_carries_the_shipped_data_and_themes_but_not_the_readme_screenshots() -> None:
    files = {(Path(src).relative_to(REPO).as_posix(), dest) for src, dest in bundle.data_files()}
    assert ("data/regions.json", "app/data") in files
    assert ("data/sample/gift_log.csv", "app/data/sample") in files
    assert ("resources/themes/dark.qss", "app/resources/themes") in files
    assert ("resources/icons/diamond.svg", "app/resources/icons") in files
    assert ("resources/fonts/NotoEmoji-Regular.ttf", "app/resources/fonts") in files  # emoji
    assert ("resources/fonts/OFL.txt", "app/resources/fonts") in files  # and its licence
    assert not any("screenshots" in src or src.endswith(".py") for src, _ in files)
