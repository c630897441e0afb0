"""Start anywhere: a machine that cannot show the window says why in one line, before Qt loads."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from app.ui import display

DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n'
UBUNTU = 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n'
FEDORA = 'NAME="Fedora Linux"\nID=fedora\n'
ROCKY = 'ID="rocky"\nID_LIKE="rhel centos fedora"\n'
ARCH = "ID=arch\n"
X11 = {"DISPLAY": ":0"}
EVERY = display.GUI + display.XCB


def without(*sonames: str):
    return lambda soname: soname not in sonames


def everything(_soname: str) -> bool:
    return True


def test_a_desktop_with_every_library_opens_the_window() -> None:
    assert display.problem(X11, everything, DEBIAN) is None
    assert display.problem({"WAYLAND_DISPLAY": "wayland-0"}, everything, FEDORA) is None


def test_the_missing_xcb_libraries_are_named_with_the_apt_line_to_install_them() -> None:
    found = display.problem(X11, without("libxcb-icccm.so.4", "libxcb-keysyms.so.1"), DEBIAN)
    assert found == ("the window needs system libraries that are missing "
                     "(libxcb-icccm.so.4, libxcb-keysyms.so.1): "
                     "sudo apt install libxcb-icccm4 libxcb-keysyms1")


def test_ubuntu_gets_apt_and_fedora_and_its_relatives_get_dnf() -> None:
    missing = without("libxcb-cursor.so.0")
    assert display.problem(X11, missing, UBUNTU).endswith("sudo apt install libxcb-cursor0")
    assert display.problem(X11, missing, FEDORA).endswith("sudo dnf install xcb-util-cursor")
    assert display.problem(X11, missing, ROCKY).endswith("sudo dnf install xcb-util-cursor")


def test_another_distribution_is_told_which_libraries_to_find() -> None:
    found = display.problem(X11, without("libxkbcommon-x11.so.0"), ARCH)
    assert found.endswith("install the packages that provide libxkbcommon-x11.so.0")


def test_packages_that_ship_several_missing_libraries_are_named_once() -> None:
    found = display.problem(X11, without("libxcb-shape.so.0", "libxcb-xkb.so.1"), FEDORA)
    assert found.endswith(": sudo dnf install libxcb")


def test_no_display_at_all_is_said_before_any_library() -> None:
    found = display.problem({}, without("libxcb-icccm.so.4"), DEBIAN)
    assert found.startswith("no display to open the window on (DISPLAY and WAYLAND_DISPLAY")
    assert "--screenshot" in found


def test_a_chosen_platform_needs_its_own_display() -> None:
    assert "(DISPLAY not set)" in display.problem({"QT_QPA_PLATFORM": "xcb"}, everything)
    wayland = {"QT_QPA_PLATFORM": "wayland", "DISPLAY": ":0"}
    assert "(WAYLAND_DISPLAY not set)" in display.problem(wayland, everything)


def test_headless_platforms_need_no_display_and_no_xcb_library() -> None:
    xcb_missing = without(*(lib.soname for lib in display.XCB))
    for name in ("offscreen", "minimal", "vnc", "offscreen:fontengine=freetype"):
        assert display.problem({"QT_QPA_PLATFORM": name}, xcb_missing, DEBIAN) is None


def test_a_wayland_session_needs_no_xcb_library() -> None:
    xcb_missing = without(*(lib.soname for lib in display.XCB))
    assert display.problem({"WAYLAND_DISPLAY": "wayland-0"}, xcb_missing, DEBIAN) is None
    # but Qt's GUI libraries are needed on every platform
    found = display.problem({"QT_QPA_PLATFORM": "offscreen"}, without("libEGL.so.1"), DEBIAN)
    assert found.endswith("sudo apt install libegl1")


def test_windows_and_macos_are_not_checked() -> None:
    assert display.problem({}, without("libxcb.so.1"), "", system="win32") is None
    assert display.problem({}, without("libxcb.so.1"), "", system="darwin") is None


@settings(max_examples=60, deadline=None)
@given(missing=st.sets(st.sampled_from([lib.soname for lib in EVERY]), min_size=1),
       release=st.sampled_from([DEBIAN, UBUNTU, FEDORA, ROCKY, ARCH]))
def test_whatever_is_missing_is_one_line_naming_each_library_and_a_package(
        missing: set[str], release: str) -> None:
    found = display.problem(X11, lambda soname: soname not in missing, release)
    assert found is not None and "\n" not in found
    named, hint = found.split("): ", 1)
    assert set(named.split("(", 1)[1].split(", ")) == missing
    words = hint.replace(",", "").split()
    family = display.distro(release)
    for lib in EVERY:
        if lib.soname in missing:
            assert {"debian": lib.debian, "fedora": lib.fedora}.get(family, lib.soname) in words


def test_the_real_loader_finds_a_library_the_python_process_has_and_not_a_made_up_one() -> None:
    assert display.can_load("libc.so.6")
    assert not display.can_load("libdiamond-ledger-nothing.so.9")


def test_the_window_without_a_display_exits_1_with_one_line_and_no_core_dump(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run([sys.executable, "-m", "app", "--demo"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("diamond-ledger: no display to open the window on")


def _readme_command(tool: str) -> set[str]:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index(f"sudo {tool} install ")
    lines = []
    for line in readme[start:].splitlines():
        lines.append(line.rstrip("\\"))
        if not line.endswith("\\"):
            break
    return set(" ".join(lines).split()[3:])


def test_the_readme_installs_every_package_the_check_asks_for_on_debian_and_fedora() -> None:
    assert _readme_command("apt") == set(display.packages("debian"))
    assert _readme_command("dnf") == set(display.packages("fedora"))
