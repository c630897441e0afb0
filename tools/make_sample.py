"""Generate the synthetic sample data in data/sample/ (deterministic, stdlib only).

    python tools/make_sample.py

Writes data/sample/gift_log.csv, sessions.csv, payouts.csv and README.md for a made-up US
creator streaming 2026-08-01 .. 2026-10-31 from America/New_York. Gift prices come from
data/gifts.csv; only names that match exactly one gift id there are used. Same seed, same files.
"""

from __future__ import annotations

import csv
import io
import math
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
OUT = DATA / "sample"

SEED = 2026
FIRST_DAY = date(2026, 8, 1)
LAST_DAY = date(2026, 10, 31)
N_SESSIONS = 45
N_FANS = 78
USD_PER_DIAMOND = Decimal("0.005")  # data/regions.json default, 1 diamond per coin
# America/New_York is on EDT (UTC-4) for the whole period (DST ends 2026-11-01), so a fixed
# offset is exact here and avoids needing tzdata on Windows.
LOCAL = timezone(timedelta(hours=-4), "EDT")

# Gifts the sample uses: name -> streakable (gift_type 1 / combo_streakable in the raw API data,
# shared/reference/gifts_extended.csv). Coins are read from data/gifts.csv.
STREAKABLE = {
    "Rose": True,
    "TikTok": True,
    "GG": True,
    "Ice Cream Cone": True,
    "Finger Heart": True,
    "Rosa": True,
    "Perfume": True,
    "Doughnut": True,
    "Heart Me": False,
    "Hand Hearts": False,
    "Confetti": False,
    "Sunglasses": False,
    "Shiba Inu": False,
    "Corgi": False,
    "Money Gun": False,
    "Swan": False,
    "Gold Mine": False,
    "Fireworks": False,
    "Interstellar": False,
    "Lion": False,
}

# Gift menus per fan tier: (name, weight).
MENU = {
    "casual": [
        ("Rose", 40),
        ("TikTok", 14),
        ("GG", 8),
        ("Ice Cream Cone", 8),
        ("Heart Me", 10),
        ("Finger Heart", 12),
        ("Rosa", 3),
        ("Perfume", 3),
        ("Doughnut", 2),
    ],
    "regular": [
        ("Rose", 24),
        ("TikTok", 8),
        ("Finger Heart", 14),
        ("Heart Me", 6),
        ("Rosa", 6),
        ("Perfume", 9),
        ("Doughnut", 7),
        ("Hand Hearts", 8),
        ("Confetti", 4),
        ("Sunglasses", 3),
        ("Shiba Inu", 2),
        ("Corgi", 2),
    ],
    "whale": [
        ("Rose", 10),
        ("Finger Heart", 8),
        ("Perfume", 8),
        ("Doughnut", 10),
        ("Hand Hearts", 10),
        ("Confetti", 6),
        ("Sunglasses", 5),
        ("Shiba Inu", 5),
        ("Corgi", 8),
        ("Money Gun", 5),
        ("Swan", 3),
        ("Gold Mine", 2),
        ("Fireworks", 1),
        ("Interstellar", 0.2),
    ],
}

FIRST = [
    "Alex",
    "Sam",
    "Jordan",
    "Taylor",
    "Casey",
    "Riley",
    "Morgan",
    "Jamie",
    "Avery",
    "Quinn",
    "Maria",
    "Luis",
    "Sofia",
    "Mateo",
    "Aisha",
    "Omar",
    "Mei",
    "Kenji",
    "Priya",
    "Ravi",
    "Emma",
    "Liam",
    "Olivia",
    "Noah",
    "Ava",
    "Ethan",
    "Mia",
    "Lucas",
    "Zoe",
    "Leo",
    "Chloe",
    "Ben",
    "Grace",
    "Dan",
    "Ivy",
    "Max",
    "Nina",
    "Owen",
    "Ruby",
    "Theo",
]
TAIL = ["", "_", "x", "22", "99", "_official", "lol", "vibes", "2k", "_tv", "🌹", "✨", "💎"]


@dataclass
class Fan:
    user_id: str
    nickname: str
    tier: str
    activity: float  # heavy-tailed: how often and how much this fan gifts


@dataclass
class Action:
    t: float  # seconds after session start
    fan: Fan
    gift: str
    count: int  # final repeat_count (1 for non-streakable gifts)


def load_catalogue() -> dict[str, int]:
    """Case-insensitive name -> coins, for names with exactly one gift id in data/gifts.csv."""
    ids: dict[str, set[int]] = defaultdict(set)
    coins: dict[str, int] = {}
    with open(DATA / "gifts.csv", encoding="utf-8", newline="") as f:
        lines = [line for line in f if not line.startswith("#")]
    for row in csv.DictReader(lines):
        key = " ".join(row["name"].casefold().split())
        ids[key].add(int(row["gift_id"]))
        coins[key] = int(row["coins"])
    out = {}
    for name in STREAKABLE:
        key = " ".join(name.casefold().split())
        if len(ids.get(key, ())) != 1:
            raise SystemExit(f"gift {name!r} is unknown or ambiguous in data/gifts.csv")
        out[name] = coins[key]
    return out


def make_fans(rng: random.Random) -> list[Fan]:
    fans: list[Fan] = []
    used: set[str] = set()
    for _ in range(N_FANS):
        while True:
            nick = rng.choice(FIRST) + rng.choice(TAIL)
            if nick not in used:
                used.add(nick)
                break
        activity = min(rng.paretovariate(1.3), 12.0)  # heavy tail: most ~1-2, a few large
        fans.append(
            Fan(
                str(rng.randrange(6_800_000_000_000_000_000, 7_400_000_000_000_000_000)),
                nick,
                "casual",
                activity,
            )
        )
    fans.sort(key=lambda fan: -fan.activity)
    for i, fan in enumerate(fans):
        fan.tier = "whale" if i < 4 else "regular" if i < 22 else "casual"
    # Nicknames that test CSV quoting and UTF-8.
    fans[7].nickname = "Jess, night owl"
    fans[12].nickname = "José 🌹"
    return fans


def streak_length(rng: random.Random, gift: str, coins: int) -> int:
    if not STREAKABLE[gift]:
        return 1
    mean = 14 if coins == 1 else 5 if coins <= 10 else 2.5
    n = 1 + int(rng.expovariate(1 / mean))
    return min(n, 199)


def make_sessions(rng: random.Random) -> list[tuple[datetime, datetime]]:
    all_days = [FIRST_DAY + timedelta(d) for d in range((LAST_DAY - FIRST_DAY).days + 1)]
    days = []
    for month in (8, 9, 10):  # a steady schedule: N_SESSIONS / 3 LIVEs a month
        days += rng.sample([d for d in all_days if d.month == month], N_SESSIONS // 3)
    days.sort()
    out = []
    for day in days:
        if rng.random() < 0.12:  # an occasional weekend-afternoon LIVE
            minute = rng.randrange(13 * 60, 16 * 60, 5)
        else:
            minute = rng.randrange(19 * 60, 22 * 60 + 31, 5)
        start = datetime(day.year, day.month, day.day, tzinfo=LOCAL) + timedelta(minutes=minute)
        start = start.astimezone(UTC) + timedelta(seconds=rng.randrange(60))
        length = timedelta(minutes=rng.randrange(60, 181))
        out.append((start, start + length))
    return out


def session_actions(
    rng: random.Random, fans: list[Fan], coins: dict[str, int], duration: float
) -> list[Action]:
    hours = duration / 3600
    actions: list[Action] = []
    for fan in fans:
        p_attend = min(0.85, 0.05 + 0.07 * fan.activity)
        if rng.random() >= p_attend:
            continue
        mean = 0.62 * math.sqrt(fan.activity) * hours
        n = max(1, round(rng.expovariate(1 / mean)))
        names, weights = zip(*MENU[fan.tier], strict=True)
        for _ in range(n):
            gift = rng.choices(names, weights)[0]
            t = rng.uniform(30, duration - 60)
            actions.append(Action(t, fan, gift, streak_length(rng, gift, coins[gift])))
    return actions


def log_rows(rng: random.Random, start: datetime, actions: list[Action]) -> list[tuple]:
    """Gift-logger rows (sort key first): streak events with rising repeat_count, then the end."""
    rows = []
    seq = 0
    for a in actions:
        t = a.t
        if STREAKABLE[a.gift]:
            k = 1
            while k < a.count:  # streaking events; long streaks arrive in batches
                rows.append((t, seq, a, k, True, True))
                seq += 1
                t += rng.uniform(0.15, 0.5)
                k += 1 if k < 10 else rng.randint(2, 6)
            rows.append((t + rng.uniform(0.2, 1.0), seq, a, a.count, True, False))
        else:
            rows.append((t, seq, a, 1, False, False))
        seq += 1
    out = []
    for t, s, a, k, streakable, streaking in rows:
        ts = (start + timedelta(seconds=t)).replace(microsecond=0)
        out.append(
            (
                (ts, s),
                [
                    ts.isoformat(),
                    a.fan.user_id,
                    a.fan.nickname,
                    a.gift,
                    k,
                    "true" if streakable else "false",
                    "true" if streaking else "false",
                ],
            )
        )
    return out


def value(actions: list[Action], coins: dict[str, int]) -> int:
    return sum(coins[a.gift] * a.count for a in actions)


def drop_window(
    rng: random.Random, actions: list[Action], coins: dict[str, int], duration: float
) -> list[Action]:
    """The actions a logger disconnect missed: 2-8 % of the official session total, by fans who
    also gifted while the logger was connected (so the gifter count matches the log)."""
    total = value(actions, coins)
    for _ in range(2000):
        a0 = rng.uniform(300, duration - 900)
        a1 = a0 + rng.uniform(120, 900)
        missed = [a for a in actions if a0 <= a.t < a1]
        kept = [a for a in actions if not (a0 <= a.t < a1)]
        if not missed or not 0.02 <= value(missed, coins) / total <= 0.08:
            continue
        if {a.fan.user_id for a in missed} <= {a.fan.user_id for a in kept}:
            return missed
    raise SystemExit("no suitable disconnect window; change the seed")


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")


def main() -> None:
    rng = random.Random(SEED)
    coins = load_catalogue()
    fans = make_fans(rng)
    sessions = make_sessions(rng)
    disconnected = set(rng.sample(range(len(sessions)), 3))
    duplicate_in = rng.choice([i for i in range(len(sessions)) if i not in disconnected])
    lion_in = rng.choice(
        [i for i, (start, _) in enumerate(sessions) if start.month == 9 and i not in disconnected]
    )

    log: list[tuple] = []
    session_rows = []
    official_by_end: list[tuple[datetime, int]] = []
    logged_coins = 0
    folded = 0
    room = 7_390_000_000_000_000_000
    for i, (start, end) in enumerate(sessions):
        duration = (end - start).total_seconds()
        actions = session_actions(rng, fans, coins, duration)
        if i == lion_in:  # the top fan's one big moment
            actions.append(Action(duration * 0.6, fans[0], "Lion", 1))
        official = value(actions, coins)
        gifters = len({a.fan.user_id for a in actions})
        if i in disconnected:
            missed = drop_window(rng, actions, coins, duration)
            actions = [a for a in actions if a not in missed]
        rows = log_rows(rng, start, actions)
        if i == duplicate_in:  # two identical rows: same second, same fan, same non-streak gift
            fan = fans[5]
            ts = (start + timedelta(minutes=37, seconds=12)).replace(microsecond=0)
            row = [ts.isoformat(), fan.user_id, fan.nickname, "Hand Hearts", 1, "false", "false"]
            rows += [((ts, -2), row), ((ts, -1), list(row))]
            extra = 2 * coins["Hand Hearts"]
            official += extra
            logged_coins += extra
            folded += 2
            gifters = len({a.fan.user_id for a in actions} | {fan.user_id})
        rows.sort(key=lambda r: r[0])
        log += [r[1] for r in rows]
        logged_coins += value(actions, coins)
        folded += len(actions)
        room += rng.randrange(10**15, 10**16)
        viewers = int(gifters * rng.uniform(9, 25) + rng.randrange(50, 300))
        likes = int(viewers * rng.uniform(8, 40))
        title = rng.choice(
            [
                "Late night chat",
                "Q&A + chill",
                "Singing requests 🎤",
                "Friday vibes",
                "Road to 10k!",
                "Cooking stream",
                "Just chatting",
            ]
        )
        session_rows.append(
            [
                start.strftime("%Y-%m-%d %H:%M:%S UTC"),
                end.strftime("%Y-%m-%d %H:%M:%S UTC"),
                str(room),
                title,
                official,
                gifters,
                viewers,
                likes,
            ]
        )
        official_by_end.append((end, official))

    # Payouts: never more than earned (official diamonds) before the request, minus earlier payouts.
    plan = [
        (datetime(2026, 8, 29, 15, 12, tzinfo=UTC), 9, "PayPal", "PP-2026-0829-7731"),
        (datetime(2026, 9, 27, 14, 40, tzinfo=UTC), 8, "Bank transfer", "BT-2026-0927-4182"),
    ]
    payout_rows = []
    paid_so_far = 0
    payout_log = []
    for requested, days, method, ref in plan:
        earned = sum(d for e, d in official_by_end if e <= requested)
        diamonds = (earned - paid_so_far) * 9 // 10 // 1000 * 1000
        assert 20_000 <= diamonds <= earned - paid_so_far  # $100 minimum, balance
        assert diamonds * USD_PER_DIAMOND <= 1000  # $1,000 daily cap
        paid_so_far += diamonds
        amount = (diamonds * USD_PER_DIAMOND).quantize(Decimal("0.01"))
        paid = requested + timedelta(days=days, hours=3)
        payout_rows.append(
            [
                requested.strftime("%Y-%m-%dT%H:%M:%SZ"),
                paid.strftime("%Y-%m-%dT%H:%M:%SZ"),
                diamonds,
                f"{amount}",
                "USD",
                method,
                "paid",
                ref,
            ]
        )
        payout_log.append((requested.date(), method, diamonds, amount, earned))

    OUT.mkdir(parents=True, exist_ok=True)
    write_csv(
        OUT / "gift_log.csv",
        [
            "timestamp",
            "user_id",
            "nickname",
            "gift_name",
            "repeat_count",
            "streakable",
            "streaking",
        ],
        log,
    )
    write_csv(
        OUT / "sessions.csv",
        ["Start", "End", "Room ID", "Title", "Diamonds", "Gifters", "Viewers", "Likes"],
        session_rows,
    )
    write_csv(
        OUT / "payouts.csv",
        ["Requested", "Paid", "Diamonds", "Amount", "Currency", "Method", "Status", "Reference"],
        payout_rows,
    )

    official_total = sum(r[4] for r in session_rows)
    by_month: dict[str, int] = defaultdict(int)
    for r in session_rows:
        by_month[r[0][:7]] += r[4]
    senders = len({r[1] for r in log})
    lines = [
        f"- gift log rows: {len(log)} ({folded} gifts after folding streaks), "
        f"{senders} distinct gifters",
        f"- logged coins (folded): {logged_coins:,} = ${logged_coins * USD_PER_DIAMOND:,.2f} "
        "at 1 diamond/coin, $0.005/diamond",
        f"- sessions: {len(session_rows)}; official diamonds: {official_total:,} = "
        f"${official_total * USD_PER_DIAMOND:,.2f}; missing from the log: "
        f"{official_total - logged_coins:,} (sessions "
        + ", ".join(session_rows[i][0][:10] for i in sorted(disconnected))
        + ")",
        "- official diamonds per month: "
        + ", ".join(
            f"{m} {v:,} (${v * USD_PER_DIAMOND:,.2f})" for m, v in sorted(by_month.items())
        ),
    ]
    for day, method, diamonds, amount, earned in payout_log:
        lines.append(
            f"- payout {day} {method}: {diamonds:,} diamonds = ${amount} "
            f"(earned by then: {earned:,})"
        )
    lines.append(f"- balance after payouts: {official_total - paid_so_far:,} diamonds")
    lines.append(f"- identical-row pair in the session starting {session_rows[duplicate_in][0]}")
    print("\n".join(lines))
    (OUT / "README.md").write_text(
        README.format(totals="\n".join(lines)), encoding="utf-8", newline=""
    )


README = """# Sample data (synthetic)

Made-up data for demos and tests, generated by `tools/make_sample.py` (stdlib only, seed 2026;
re-running it writes identical files). Nothing here is real TikTok data; names and ids are
invented. Do not edit by hand: change the script and re-run it.

A US creator streaming 2026-08-01 .. 2026-10-31 from America/New_York (EDT, UTC-4 throughout),
mostly evenings 19:00-22:30 local (about 23:00-02:30 UTC), 1-3 hours per LIVE.

**All times in these files are UTC** (`gift_log.csv` with a `+00:00` offset, `sessions.csv` and
`payouts.csv` as `YYYY-MM-DD HH:MM:SS` in UTC).

- `gift_log.csv`: an open-source gift logger's CSV,
  `timestamp,user_id,nickname,gift_name,repeat_count,streakable,streaking`. No coin column:
  join to `data/gifts.csv` by name (only names with a single gift id there are used).
  Streakable gifts have `streaking=true` rows with a rising `repeat_count`, then one
  `streaking=false` row with the final count; only that row counts (coins x repeat_count).
  Two identical rows (same second, fan and non-streak gift) are two real gifts: both count.
  Nicknames include a comma and emoji (CSV quoting, UTF-8).
- `sessions.csv`: one row per LIVE (like TikTok's Go Live History),
  `Start,End,Room ID,Title,Diamonds,Gifters,Viewers,Likes`. Diamonds is the official total =
  the folded gift coins of that LIVE, except 3 LIVEs where the logger disconnected and missed
  2-8 % of the gifts (so the official total is higher). Gifters = distinct senders.
- `payouts.csv`: 2 withdrawals, `Requested,Paid,Diamonds,Amount,Currency,Method,Status,Reference`;
  Amount = Diamonds x $0.005 in USD (before any PayPal/bank fees), never more than the
  balance earned by the request date, under the $1,000 daily cap.

## Totals

Printed by the script (seed 2026); months by the UTC start of each LIVE.

{totals}
"""


if __name__ == "__main__":
    main()
