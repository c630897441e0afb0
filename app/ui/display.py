"""Can a window open here? Checked before Qt loads, so a missing display or system library
is one line saying what to do instead of a Qt core dump (exit 134) naming the wrong library.

No Qt in this module: it runs before PySide6 is imported. `problem()` is pure (the
environment, a library loader and /etc/os-release are passed in); `startup_problem()` gives it
the real ones.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

# platforms that draw without a display server (Qt's offscreen, minimal, vnc, framebuffers)
HEADLESS = ("offscreen", "minimal", "minimalegl", "vnc", "eglfs", "linuxfb", "vkkhrdisplay")


@dataclass(frozen=True)
class Library:
    soname: str
    debian: str  # the Debian/Ubuntu package that ships it
    fedora: str  # the Fedora package that ships it


def _libs(rows: str) -> tuple[Library, ...]:
    return tuple(Library(*row.split()) for row in rows.strip().splitlines())


# what Qt's GUI module needs on every platform (readelf -d libQt6Gui.so.6: NEEDED)
GUI = _libs("""
libEGL.so.1 libegl1 libglvnd-egl
libGL.so.1 libgl1 libglvnd-glx
libfontconfig.so.1 libfontconfig1 fontconfig
libfreetype.so.6 libfreetype6 freetype
libX11.so.6 libx11-6 libX11
libxkbcommon.so.0 libxkbcommon0 libxkbcommon
libglib-2.0.so.0 libglib2.0-0 glib2
""")
# what the xcb platform plugin needs besides (libqxcb.so and libQt6XcbQpa.so.6: NEEDED)
XCB = _libs("""
libxcb.so.1 libxcb1 libxcb
libX11-xcb.so.1 libx11-xcb1 libX11-xcb
libxkbcommon-x11.so.0 libxkbcommon-x11-0 libxkbcommon-x11
libxcb-cursor.so.0 libxcb-cursor0 xcb-util-cursor
libxcb-icccm.so.4 libxcb-icccm4 xcb-util-wm
libxcb-image.so.0 libxcb-image0 xcb-util-image
libxcb-keysyms.so.1 libxcb-keysyms1 xcb-util-keysyms
libxcb-render-util.so.0 libxcb-render-util0 xcb-util-renderutil
libxcb-util.so.1 libxcb-util1 xcb-util
libxcb-randr.so.0 libxcb-randr0 libxcb
libxcb-render.so.0 libxcb-render0 libxcb
libxcb-shape.so.0 libxcb-shape0 libxcb
libxcb-shm.so.0 libxcb-shm0 libxcb
libxcb-sync.so.1 libxcb-sync1 libxcb
libxcb-xfixes.so.0 libxcb-xfixes0 libxcb
libxcb-xkb.so.1 libxcb-xkb1 libxcb
""")
NO_DISPLAY = ("no display to open the window on ({names} not set): start it from a desktop "
              "session, or render the pages with --screenshot DIR")


def platform(env: Mapping[str, str]) -> str:
    """The Qt platform the window will use: QT_QPA_PLATFORM's first choice, else xcb, or
    wayland in a Wayland session (Qt tries it first there)."""
    chosen = env.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip().lower()
    if chosen:
        return chosen
    return "wayland" if env.get("WAYLAND_DISPLAY") else "xcb"


def distro(os_release: str) -> str:
    """"debian", "fedora" or "" from the text of /etc/os-release (its ID and ID_LIKE)."""
    fields = dict(line.split("=", 1) for line in os_release.splitlines() if "=" in line)
    ids = " ".join(fields.get(k, "").strip().strip("\"'").lower() for k in ("ID", "ID_LIKE"))
    words = set(ids.split())
    if words & {"debian", "ubuntu"}:
        return "debian"
    if words & {"fedora", "rhel", "centos"}:
        return "fedora"
    return ""


def install_hint(missing: list[Library], family: str) -> str:
    """What to run to install `missing` on this distribution family."""
    if family == "debian":
        return "sudo apt install " + " ".join(dict.fromkeys(lib.debian for lib in missing))
    if family == "fedora":
        return "sudo dnf install " + " ".join(dict.fromkeys(lib.fedora for lib in missing))
    return "install the packages that provide " + ", ".join(lib.soname for lib in missing)


def problem(env: Mapping[str, str], loads: Callable[[str], bool], os_release: str = "",
            system: str = "linux") -> str | None:
    """Why the window cannot open here, in one line, or None when nothing stands in its way.

    `loads(soname)` tells whether a system library can be loaded."""
    if not system.startswith("linux"):
        return None
    name = platform(env)
    if name == "xcb" and not env.get("DISPLAY"):
        names = "DISPLAY" if env.get("QT_QPA_PLATFORM") else "DISPLAY and WAYLAND_DISPLAY"
        return NO_DISPLAY.format(names=names)
    if name == "wayland" and not env.get("WAYLAND_DISPLAY"):
        return NO_DISPLAY.format(names="WAYLAND_DISPLAY")
    needed = GUI + (XCB if name == "xcb" else ())
    missing = [lib for lib in needed if not loads(lib.soname)]
    if not missing:
        return None
    names = ", ".join(lib.soname for lib in missing)
    return (f"the window needs system libraries that are missing ({names}): "
            f"{install_hint(missing, distro(os_release))}")


def can_load(soname: str) -> bool:
    """True when the dynamic linker finds `soname` (as Qt will, LD_LIBRARY_PATH included)."""
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def _os_release() -> str:
    for path in (Path("/etc/os-release"), Path("/usr/lib/os-release")):
        try:
            return path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
    return ""


def startup_problem(headless: bool = False) -> str | None:
    """problem() for this machine, as it is now; `headless` for a window drawn offscreen
    (--screenshot: offscreen unless QT_QPA_PLATFORM says otherwise), which needs no display."""
    env = {"QT_QPA_PLATFORM": "offscreen", **os.environ} if headless else os.environ
    return problem(env, can_load, _os_release(), sys.platform)


def packages(family: str) -> list[str]:
    """Every package the window needs on `family` ("debian" or "fedora"), for CI and README."""
    return list(dict.fromkeys(getattr(lib, family) for lib in GUI + XCB))


if __name__ == "__main__":  # `python3 -m app.ui.display debian`: the list CI installs
    print(" ".join(packages(sys.argv[1] if len(sys.argv) > 1 else "debian")))
