"""PyInstaller hook for our own package `app`, run before the analysis imports it.

pyproject.toml installs the repository's data/ and resources/ folders as the packages
`app.data` and `app.resources` (package-dir), which PyInstaller's module finder, looking only
under app/, cannot see. Adding the repository root to `app`'s search path for the analysis
lets it find them, so they go into the bundle as real packages, and the frozen
`importlib.resources.files("app.data")` is the bundle's app/data folder, where
packaging/bundle.py puts the files. The names are in bundle.HIDDEN_IMPORTS.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def pre_safe_import_module(api):  # noqa: ANN001, ANN201 (PyInstaller's hook interface)
    api.append_package_path(str(ROOT))
