"""One JSON encoder for what the services return, so that every `--json` output reads alike.

The command-line contract (DESIGN.md): Decimal amounts are strings in plain notation with every
digit they have ("149.995", never 149.99 or "1.5E+2"), counts are integers, days ISO
("2026-10-31"); a frozen dataclass is an object of its fields.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from app.core.money import plain


def jsonable(value: Any) -> Any:
    """`value` as plain JSON data (see the module's docstring)."""
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    return value


def dumps(value: Any) -> str:
    """The JSON text of `value`, indented, non-ASCII kept as it is."""
    return json.dumps(jsonable(value), indent=2, ensure_ascii=False)
