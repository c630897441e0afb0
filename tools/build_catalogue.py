"""Write data/gifts.csv from shared/reference/gifts_extended.csv (deterministic, stdlib only).

    python tools/build_catalogue.py [PATH/TO/gifts_extended.csv]

Each gift gets the day it is known from (valid_from), the last day it existed (valid_to, empty
while it may still exist) and the confidence of its source:

- high (raw TikTok API responses, 7 snapshots 2023-09-02 .. 2024-01-05): valid_from is the first
  snapshot that shows it. valid_to is set only where the snapshots show a replacement: a gift
  last seen before the newest snapshot whose name a later-seen gift took over (TikTok Universe
  34,999, id 6038, seen 2023-09-02 only; 44,999, id 9072, from 2023-10-02) ends the day
  before its successor appears. A gift merely missing from later snapshots is not ended
  (seasonal gifts come back).
- medium/low (hand-curated lists, unverified): only those with a gift id (the catalogue is keyed
  by id); valid_from is the day the list was committed, the only date it gives.
"""

from __future__ import annotations

import csv
import sys
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO.parent / "shared" / "reference" / "gifts_extended.csv"
OUT = REPO / "data" / "gifts.csv"

HEAD = """\
# Diamond Ledger gift catalogue (shipped default): {high} firm gifts, {medium} unverified ones.
#   Written by tools/build_catalogue.py from shared/reference/gifts_extended.csv.
# confidence 'high': raw TikTok webcast gift/list API responses, 7 snapshots
#   2023-09-02 .. 2024-01-05, kept in the public repository jwdeveloper/TikTokLiveJava
#   (Tools/src/main/resources/gifts/official/*.json).
# confidence 'medium/low': hand-curated lists (rqinix/TNTCoin), unverified; only the gifts
#   with an id ({unnamed} without one are left out); valid_from = the list's commit date.
# coins = API field diamond_count (the gift's price in coins). valid_from = first snapshot in
#   which this price was seen (not the launch date: 2023-09-02 is the oldest snapshot).
# valid_to = the last day the gift existed, set only where a same-name gift replaced it
#   (TikTok Universe 34999, id 6038, until 2023-10-01; 44999, id 9072, since 2023-10-02);
#   empty = it may still exist.
# gift_id is unique; names are NOT (Heart 1 and 10, Gift Box 1999 and 3999, 'Love you' 1 vs
#   'Love You' 199): a name resolves to the gift that existed on the record's day. Add a row
#   with a later valid_from for a price change of the same gift_id.
"""


def _day(text: str) -> str:
    return text.split(" ", 1)[0].strip()


def build(source: Path) -> tuple[list[dict[str, str]], int]:
    rows = list(csv.DictReader(source.open(encoding="utf-8")))
    unnamed = sum(1 for r in rows if not r["gift_id"].strip())
    rows = [r for r in rows if r["gift_id"].strip()]
    high = [r for r in rows if r["confidence"].startswith("high")]
    newest = max(_day(r["last_seen_snapshot"]) for r in high)
    out = []
    for r in rows:
        firm = r["confidence"].startswith("high")
        first = _day(r["first_seen_snapshot"]) if firm else _day(r["last_seen_snapshot"])
        out.append({"gift_id": r["gift_id"], "name": r["name"], "coins": r["coins"],
                    "valid_from": first, "valid_to": _valid_to(r, high, newest) if firm else "",
                    "confidence": "high" if firm else "medium/low"})
    out.sort(key=lambda g: (int(g["coins"]), g["name"].casefold(), int(g["gift_id"])))
    return out, unnamed


def _valid_to(gift: dict[str, str], high: list[dict[str, str]], newest: str) -> str:
    last = _day(gift["last_seen_snapshot"])
    if last >= newest:
        return ""
    later = [_day(r["first_seen_snapshot"]) for r in high
             if r["name"].casefold() == gift["name"].casefold() and r is not gift
             and _day(r["first_seen_snapshot"]) > last]
    if not later:
        return ""
    return (date.fromisoformat(min(later)) - timedelta(days=1)).isoformat()


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else SOURCE
    gifts, unnamed = build(source)
    high = sum(1 for g in gifts if g["confidence"] == "high")
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        handle.write(HEAD.format(high=high, medium=len(gifts) - high, unnamed=unnamed))
        writer = csv.DictWriter(handle, list(gifts[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(gifts)
    print(f"wrote {OUT.relative_to(REPO)}: {len(gifts)} gifts")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
