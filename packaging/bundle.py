"""What every platform's PyInstaller spec shares: the entry point, the data, the modules.

The specs beside this file (diamond-ledger.spec for Linux, diamond-ledger-windows.spec,
diamond-ledger-macos.spec) import it, so the three builds cannot drift apart in what they put
in the bundle; each spec only says how its platform packs the result (a folder, an .exe, an
.app). packaging/build.py runs the spec of the platform it runs on.

The app reads its shipped files through importlib.resources, as the packages `app.data`
(the repository's data/) and `app.resources` (resources/), so the bundle keeps them under
app/data and app/resources and collects those packages as modules: PyInstaller's frozen
importer then answers `resources.files("app.data")` with the folder inside the bundle. No
sys._MEIPASS in the app itself.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NAME = "diamond-ledger"
APP_NAME = "Diamond Ledger"
BUNDLE_ID = "io.github.diamond-ledger"

# Shipped files and where the bundle keeps them (the installed package names, as pyproject's
# package-dir maps them). README screenshots are for the repository page, not for the app.
DATA_FOLDERS = {"data": "app/data", "resources": "app/resources"}
SKIP_FOLDERS = {"__pycache__", "screenshots"}
SKIP_SUFFIXES = {".py", ".pyc"}  # the packages' __init__ modules are collected as modules

# Modules PyInstaller cannot see being imported. app.data and app.resources are read only
# through importlib.resources (packaging/hooks says how they are found). pyqtgraph imports
# QtOpenGL and QtOpenGLWidgets through importlib (Qt/OpenGLHelpers.py) and dies at start-up
# without them. The window's pages load by name on first view (app/ui/window.py
# build_page), so every module of app/ goes in (app_modules). pyqtgraph's templates are
# collected by pyinstaller-hooks-contrib's hook.
HIDDEN_IMPORTS = ["app.data", "app.data.sample", "app.resources",
                  "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets"]

# Nothing of these is used by the window or the command line; the test tools are in the build
# venv when CI reuses its test venv. pyqtgraph tries QtTest at import and works without it
# (only its own tests use it); QtOpenGL and QtOpenGLWidgets it needs (see above).
EXCLUDES = [
    "PySide6.QtTest", "PySide6.QtQml",
    "PySide6.QtQuick", "PySide6.QtQuickWidgets", "PySide6.QtQuickControls2",
    "PySide6.QtQuick3D", "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets",
    "PySide6.Qt3DCore", "PySide6.Qt3DRender", "PySide6.QtMultimedia", "PySide6.QtNetwork",
    "PySide6.QtSql", "PySide6.QtDesigner", "PySide6.QtUiTools", "PySide6.QtHelp",
    "PySide6.QtDBus", "PySide6.QtConcurrent", "PyQt5", "PyQt6", "PySide2",
    "tkinter", "pytest", "_pytest", "pytestqt", "hypothesis", "mypy",
    "importlinter", "grimp", "ruff", "pypdfium2", "IPython", "matplotlib", "scipy",
]


def version() -> str:
    """app.__version__, read from the source (the specs run in PyInstaller, not the app)."""
    text = (ROOT / "app" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    return found.group(1) if found else "0"


def data_files() -> list[tuple[str, str]]:
    """(file, folder in the bundle) for every shipped data file and resource."""
    pairs = []
    for folder, target in DATA_FOLDERS.items():
        for path in sorted((ROOT / folder).rglob("*")):
            relative = path.relative_to(ROOT / folder)
            if (path.is_dir() or path.suffix in SKIP_SUFFIXES
                    or SKIP_FOLDERS.intersection(relative.parts)):
                continue
            pairs.append((str(path), str(Path(target, *relative.parts[:-1]))))
    return pairs


def app_modules() -> list[str]:
    """Every module of the package app/, by name, from the source tree."""
    names = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__main__":  # the entry script itself
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def analysis_options() -> dict[str, Any]:
    """The keyword arguments of the specs' Analysis(...)."""
    return {
        "scripts": [str(ROOT / "app" / "__main__.py")],
        "pathex": [str(ROOT)],
        "datas": data_files(),
        "hiddenimports": HIDDEN_IMPORTS + app_modules(),
        "hookspath": [str(ROOT / "packaging" / "hooks")],
        "excludes": EXCLUDES,
        "noarchive": False,
    }


# Qt's own translations (7 MB): the app loads no QTranslator, its text is English, so they
# would never be read.
UNUSED_DATA = ("PySide6/Qt/translations/",)


def trimmed(toc: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """An Analysis' datas (bundle name, source, kind) without the files the app never reads."""
    return [entry for entry in toc if not entry[0].replace("\\", "/").startswith(UNUSED_DATA)]


def icon() -> str | None:
    """The PNG icon build.py rendered from resources/icons/diamond.svg, which PyInstaller
    turns into the .exe's .ico or the .app's .icns (with Pillow); None when a spec runs
    without build.py: the bundle then has PyInstaller's default icon."""
    path = os.environ.get("DIAMOND_LEDGER_ICON")
    return path if path and Path(path).is_file() else None
