"""Build the standalone Diamond Ledger, for a creator without Python: one command.

    pip install -e ".[build]"
    python packaging/build.py [--smoke] [--archive] [--dist DIR] [--work DIR]

Runs PyInstaller on this platform's spec (PyInstaller cannot build for another platform):
Linux dist/diamond-ledger/ (a folder with the executable diamond-ledger, its .desktop entry
and icon), Windows dist/diamond-ledger/ (diamond-ledger.exe for the window,
diamond-ledger-cli.exe for the terminal), macOS dist/Diamond Ledger.app. `--smoke` then starts
the build once (`--demo --smoke`: the window opens on a demo ledger, paints, loads every page
and closes) and fails when it does not exit 0; `--archive` packs the folder into a .tar.gz
(.zip on Windows) to hand to another computer. Prints how long the build took and its size.
Exit 0 done, 1 failed (one line on stderr).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import bundle  # noqa: E402 (the specs' shared part, beside this file)

SPECS = {"linux": "diamond-ledger.spec", "win32": "diamond-ledger-windows.spec",
         "darwin": "diamond-ledger-macos.spec"}
ICON_SVG = ROOT / "resources" / "icons" / "diamond.svg"
DESKTOP = HERE / "diamond-ledger.desktop"
SMOKE_TIMEOUT_S = 120
# the environment as started: the icon is rendered offscreen in this process, but the smoke
# start must use the platform the caller chose (CI: its Xvfb server through DISPLAY)
START_ENV = dict(os.environ)


class Failed(Exception):
    """The build cannot go on; the message is the one line the user sees."""


def spec_for(platform: str) -> Path:
    if platform.startswith("linux"):
        platform = "linux"
    if platform not in SPECS:
        raise Failed(f"no spec for {platform}: PyInstaller builds on Linux, Windows or macOS")
    return HERE / SPECS[platform]


def render_icon(folder: Path, size: int = 512) -> Path:
    """resources/icons/diamond.svg as a PNG, which PyInstaller turns into the .exe's .ico and
    the .app's .icns (Linux desktops take the SVG itself)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 (kept alive)
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(ICON_SVG)).render(painter)
    painter.end()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{bundle.NAME}.png"
    if not image.save(str(path)):
        raise Failed(f"could not write the icon {path}")
    return path


def run_pyinstaller(spec: Path, dist: Path, work: Path, icon: Path) -> None:
    env = {**os.environ, "DIAMOND_LEDGER_ICON": str(icon)}
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(dist), "--workpath", str(work), str(spec)]
    if subprocess.run(command, cwd=ROOT, env=env).returncode != 0:
        raise Failed(f"PyInstaller failed on {spec.name} (its messages are above)")


def strip_python(folder: Path) -> None:
    """Drop the debug symbols of Python's own library and extension modules (a Python built
    from source keeps them: libpython is 23 MB with them, 5.5 MB without). Only those: the
    libraries that wheels bring (numpy's OpenBLAS) break when stripped."""
    strip = shutil.which("strip")
    if strip is None:
        return
    internal = folder / "_internal"
    targets = [*internal.glob("libpython3*.so*"), *internal.glob("python3*/lib-dynload/*.so")]
    if targets:
        subprocess.run([strip, "--strip-debug", *map(str, targets)], check=True)


def add_desktop_entry(folder: Path) -> None:
    """The .desktop entry and its icon beside the executable: the README's install lines
    copy them from there."""
    shutil.copy2(DESKTOP, folder / DESKTOP.name)
    shutil.copy2(ICON_SVG, folder / f"{bundle.NAME}.svg")


def output(dist: Path, platform: str) -> Path:
    """What the build made: the .app on macOS, else the folder."""
    return dist / (f"{bundle.APP_NAME}.app" if platform == "darwin" else bundle.NAME)


def executable(dist: Path, platform: str) -> Path:
    """The program the smoke start runs (on Windows the console one, whose exit code a
    script can wait for)."""
    if platform == "win32":
        return output(dist, platform) / f"{bundle.NAME}-cli.exe"
    if platform == "darwin":
        return output(dist, platform) / "Contents" / "MacOS" / bundle.NAME
    return output(dist, platform) / bundle.NAME


def smoke(program: Path) -> float:
    """Start the build once on a demo ledger; the seconds it took to paint and close."""
    started = time.perf_counter()
    try:
        done = subprocess.run([str(program), "--demo", "--smoke"], env=START_ENV,
                              timeout=SMOKE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise Failed(f"{program.name} --demo --smoke did not end within "
                     f"{SMOKE_TIMEOUT_S} s") from None
    if done.returncode != 0:
        raise Failed(f"{program.name} --demo --smoke exited {done.returncode}")
    return time.perf_counter() - started


def archive(dist: Path, platform: str) -> Path:
    name = f"{bundle.NAME}-{bundle.version()}-{platform}"
    kind = "zip" if platform == "win32" else "gztar"
    return Path(shutil.make_archive(str(dist / name), kind, root_dir=dist,
                                    base_dir=output(dist, platform).name))


def size_mb(path: Path) -> float:
    """Megabytes on disk, each file once (the bundle links some libraries under two names)."""
    files = [path] if path.is_file() else [p for p in path.rglob("*")
                                           if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files) / 1e6


def build(args: argparse.Namespace) -> int:
    platform = "linux" if sys.platform.startswith("linux") else sys.platform
    spec = spec_for(platform)
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise Failed("PyInstaller is not installed: pip install -e \".[build]\"") from None
    dist, work = args.dist.resolve(), args.work.resolve()
    started = time.perf_counter()
    run_pyinstaller(spec, dist, work, render_icon(work))
    if platform == "linux":
        strip_python(dist / bundle.NAME)
        add_desktop_entry(dist / bundle.NAME)
    seconds = time.perf_counter() - started
    made = output(dist, platform)
    print(f"build: {made} in {seconds:.0f} s, {size_mb(made):.0f} MB")
    if args.smoke:
        print(f"smoke: started, painted, loaded every page and closed in "
              f"{smoke(executable(dist, platform)):.1f} s")
    if args.archive:
        packed = archive(dist, platform)
        print(f"archive: {packed}, {size_mb(packed):.0f} MB")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true",
                        help="start the build once on a demo ledger; fail unless it exits 0")
    parser.add_argument("--archive", action="store_true",
                        help="pack the build into a .tar.gz (.zip on Windows)")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="default: dist/")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller",
                        help="PyInstaller's work folder (default: build/pyinstaller/)")
    try:
        return build(parser.parse_args(argv))
    except Failed as exc:
        print(f"build: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
