"""Which names are time zones: one rule for the Settings dialog, the setup page, the command
line's --timezone and a saved import profile.

zoneinfo answers "Europe" (a folder of zones) with IsADirectoryError and "../x" with ValueError;
a name is a zone only when it is in the system's list *and* loads.
"""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


@cache
def zones() -> frozenset[str]:
    return frozenset(available_timezones())


def zone_problem(name: str) -> str | None:
    """Why `name` is not a time zone, in a sentence; None when it is one."""
    name = name.strip()
    if not name:
        return "Choose a time zone, such as America/New_York."
    if name in zones() or name == "UTC":
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
        else:
            return None
    inside = sorted(z for z in zones() if z.startswith(name.rstrip("/") + "/"))
    if inside:
        return (f"{name!r} is a region, not a time zone: choose one in it, such as "
                f"{inside[0]}.")
    return f"Unknown time zone {name!r}: use a name such as America/New_York."
