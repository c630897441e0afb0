"""The window's own settings, declared once: key, default, type (as Picard declares its options).

They live in QSettings (organisation and application "DiamondLedger"): the theme, where the
window was and which page it showed, and where the ledger is. What belongs to an account
(region, time zone) lives in the ledger instead, through app.services.settings.

The file carries a version; `upgrade` brings an older file to the current layout step by step
when the window starts, so a setting renamed or re-typed keeps the creator's choice.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from app.services.paths import default_db_path

ORGANIZATION = "DiamondLedger"
APPLICATION = "DiamondLedger"
VERSION = 2
VERSION_KEY = "settings_version"
THEMES = ("system", "light", "dark")


@dataclass(frozen=True)
class Setting:
    key: str
    default: Callable[[], Any]  # called on each read: the ledger's default follows the env
    type: type
    choices: tuple[str, ...] = ()


def _constant(value: Any) -> Callable[[], Any]:
    return lambda: value


SETTINGS = {s.key: s for s in (
    Setting("theme", _constant("system"), str, THEMES),
    Setting("window/geometry", QByteArray, QByteArray),
    Setting("window/state", QByteArray, QByteArray),
    Setting("window/last_page", _constant("Overview"), str),  # a page's name
    Setting("ledger/path", lambda: str(default_db_path()), str),
    Setting("ledger/recent", _constant(""), str),  # File > Open Recent: paths, one a line
    Setting("import/last_folder", _constant(""), str),  # where files were last chosen from
)}


def _upgrade_to_2(store: QSettings) -> None:
    """Version 1 kept the last page as its index; a name survives pages being reordered."""
    v1_pages = ("Overview", "Gifts", "Gifters", "LIVEs", "Payouts", "Imports")  # v1's order
    index = store.value("window/page")
    store.remove("window/page")
    # no page, or one that no longer exists: the default applies
    with contextlib.suppress(TypeError, ValueError, IndexError):
        store.setValue("window/last_page", v1_pages[int(index)])


UPGRADES: dict[int, Callable[[QSettings], None]] = {2: _upgrade_to_2}


def qsettings() -> QSettings:
    """The settings file in the platform's usual place (tests point the default format and
    its path at a temporary folder, see tests/conftest.py)."""
    return QSettings(QSettings.defaultFormat(), QSettings.Scope.UserScope,
                     ORGANIZATION, APPLICATION)


def upgrade(store: QSettings) -> int:
    """Run every upgrade step newer than the file's version; returns the version found.

    A file without a version but with keys is version 1 (it had none); an empty one is new."""
    try:
        found = int(str(store.value(VERSION_KEY, 1 if store.allKeys() else VERSION)))
    except ValueError:
        found = 1  # edited by hand: upgrading again is safe, each step checks what it finds
    for version in sorted(v for v in UPGRADES if v > found):
        UPGRADES[version](store)
    if found < VERSION:
        store.setValue(VERSION_KEY, VERSION)  # a newer app's file keeps its own number
    return found


class Settings:
    """Typed access to the declared settings; an unknown key is a programming error.

    Reading never writes: a window that only reads (screenshots) leaves no file behind."""

    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store if store is not None else qsettings()
        upgrade(self.store)

    def get(self, key: str) -> Any:
        setting = SETTINGS[key]
        if not self.store.contains(key):
            return setting.default()
        try:
            value = self.store.value(key, setting.default(), type=setting.type)
        except (TypeError, ValueError):  # edited by hand into something else
            return setting.default()
        if setting.choices and value not in setting.choices:
            return setting.default()
        return value

    def set(self, key: str, value: Any) -> None:
        setting = SETTINGS[key]
        if not isinstance(value, setting.type):
            raise TypeError(f"setting {key} takes {setting.type.__name__}, not {value!r}")
        if setting.choices and value not in setting.choices:
            raise ValueError(f"setting {key} is one of {', '.join(setting.choices)}")
        if not self.store.contains(VERSION_KEY):
            self.store.setValue(VERSION_KEY, VERSION)  # written with the first value only
        if value == setting.default():
            self.store.remove(key)  # not pinned: a default that moves (the ledger's) follows
        else:
            self.store.setValue(key, value)

    def sync(self) -> None:
        self.store.sync()

    def file_name(self) -> str:
        return self.store.fileName()


def ledger_path(settings: Settings, explicit: str | None = None) -> Path:
    """--db, then DIAMOND_LEDGER_DB, then the location chosen in Settings (by default the
    app-data folder)."""
    if explicit or os.environ.get("DIAMOND_LEDGER_DB"):
        return default_db_path(explicit)
    return Path(settings.get("ledger/path")).expanduser()
