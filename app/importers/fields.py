"""What each kind of file holds, the names its columns go by, and column mapping profiles."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from app.core.zones import zone_problem
from app.importers.values import FORMATS

KINDS = ("gifts", "sessions", "payouts")

# field -> header synonyms, best first. Headers are compared in a normal form: lower case,
# letters and digits only ("Gift Name", "gift_name" and "giftName" are all "giftname").
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "gifts": {
        "time": ("timestamp", "time", "datetime", "date", "createdat", "createtime", "sentat",
                 "giftedat", "eventtime", "when", "dateandtime", "timeutc", "datetimeutc", "ts"),
        "sender_id": ("userid", "senderid", "fromuserid", "uid", "viewerid", "fanid",
                      "uniqueid", "handle", "userhandle"),
        "sender_name": ("nickname", "username", "sender", "sendername", "displayname", "user",
                        "from", "fan", "viewer", "gifter", "fromuser", "name"),
        "gift_id": ("giftid", "gifttypeid"),
        "gift_name": ("giftname", "gift", "item", "giftitem", "present", "gifttitle"),
        "repeat_count": ("repeatcount", "count", "quantity", "qty", "combo", "repeat",
                         "giftcount", "number", "amount", "giftamount"),
        "coins_each": ("coins", "coinseach", "coinprice", "price", "giftcoins", "diamondcount",
                       "giftprice", "unitcoins", "costcoins", "coinvalue", "value"),
        "coins_total": ("totalcoins", "coinstotal", "coinsspent", "totalvalue", "total",
                        "totaldiamonds", "diamonds"),
        "room_id": ("roomid", "liveid", "room", "streamid", "sessionid", "live"),
        "streakable": ("streakable", "combostreakable", "gifttype"),
        "streaking": ("streaking", "isstreaking", "instreak"),
        "repeat_end": ("repeatend", "streakend", "comboend"),
    },
    "sessions": {
        "start": ("start", "starttime", "livestarttime", "startedat", "begin", "starttimeutc",
                  "startdate", "date", "time", "datetime"),
        "end": ("end", "endtime", "liveendtime", "endedat", "finish", "endtimeutc", "enddate"),
        "duration": ("duration", "liveduration", "length", "durationseconds", "durations",
                     "durationmin", "durationminutes", "livedurationminutes"),
        "room_id": ("roomid", "liveid", "room", "streamid", "id", "sessionid"),
        "title": ("title", "roomtitle", "livetitle", "name", "topic"),
        "diamonds": ("diamonds", "totalearning", "totaldiamonds", "diamondsearned", "earnings",
                     "earning", "giftdiamonds", "diamondsreceived", "livediamonds"),
        "gifters": ("gifters", "totalgifter", "totalgifters", "uniquegifters", "giftercount"),
        "viewers": ("viewers", "totalview", "totalviews", "views", "viewercount",
                    "uniqueviewers"),
        "likes": ("likes", "totallike", "totallikes", "likecount"),
    },
    "payouts": {
        "requested": ("requested", "requestedat", "requestdate", "date", "time", "createdat",
                      "withdrawaldate", "transactiondate", "datetime", "transactiontime",
                      "createtime", "createtimeutc", "timestamp"),
        "paid": ("paid", "paidat", "paiddate", "completed", "completedat", "arrival",
                 "arriveddate", "settledat"),
        "diamonds": ("diamonds", "diamondswithdrawn", "diamondamount"),
        "amount": ("amount", "cash", "withdrawalamount", "netamount", "money", "sum", "value",
                   "total", "amountusd", "usd"),
        "currency": ("currency", "cur", "ccy", "currencycode"),
        "usd": ("usdvalue", "valueusd", "inusd"),
        "fee": ("fee", "fees", "feeusd", "charge", "charges"),
        "method": ("method", "paymentmethod", "payoutmethod", "channel", "provider", "via",
                   "account", "withdrawto"),
        "status": ("status", "state", "result"),
        "reference": ("reference", "ref", "transactionid", "txid", "orderid", "id", "payoutid",
                      "transactionno", "orderno"),
    },
}

# At least one field of each group must be mapped for a file to be this kind.
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "gifts": (("time",), ("gift_id", "gift_name"), ("sender_id", "sender_name")),
    "sessions": (("start",), ("diamonds", "end", "duration", "room_id")),
    "payouts": (("requested", "paid"), ("amount", "diamonds")),
}

# Fields that point at one kind only: they settle a tie between kinds.
_TELLING = {
    "gifts": {"gift_id", "gift_name", "repeat_count", "streaking", "repeat_end", "streakable"},
    "sessions": {"end", "duration", "title", "gifters", "viewers", "likes"},
    "payouts": {"amount", "currency", "method", "status", "paid", "fee"},
}

_NORM_RE = re.compile(r"[^0-9a-z]+")


def norm(header: str) -> str:
    return _NORM_RE.sub("", header.casefold())


def score_header(cells: list[str]) -> int:
    """How many cells look like a column name we know, for finding the header line."""
    return sum(1 for c in cells if norm(c) in _KNOWN_NAMES)


@dataclass(frozen=True)
class Mapping:
    """A kind and, for each of its fields, the header it is read from; plus reading options."""

    kind: str
    columns: dict[str, str]
    date_format: str = "auto"  # auto, iso, dmy, mdy, text, epoch_s, epoch_ms
    decimal: str = "auto"  # auto, '.', ','
    timezone: str = ""  # for times without an offset; '' = the account's time zone
    name: str = ""  # the profile's name when it came from one
    options: dict[str, str] = field(default_factory=dict)

    def missing(self) -> list[str]:
        return [" or ".join(group) for group in REQUIRED[self.kind]
                if not any(f in self.columns for f in group)]

    def problem(self) -> str | None:
        """What makes these reading options unusable (None: they can be used)."""
        if self.date_format not in ("auto", *FORMATS):
            return (f"unknown date format {self.date_format!r} (use auto, "
                    + ", ".join(FORMATS) + ")")
        if self.decimal not in ("auto", ".", ","):
            return f"unknown decimal mark {self.decimal!r} (use auto, '.' or ',')"
        if self.timezone and (zone := zone_problem(self.timezone)):
            return zone
        return None

    def to_json(self) -> str:
        return json.dumps({"name": self.name, "kind": self.kind, "columns": self.columns,
                           "date_format": self.date_format, "decimal": self.decimal,
                           "timezone": self.timezone, "options": self.options},
                          indent=2, ensure_ascii=False)

    @staticmethod
    def from_json(text: str) -> Mapping:
        data = json.loads(text)
        if data.get("kind") not in KINDS:
            raise ValueError(f"profile kind must be one of {', '.join(KINDS)}")
        columns = data.get("columns")
        if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
            raise ValueError("profile 'columns' must map field names to header names")
        unknown = set(columns) - set(SYNONYMS[data["kind"]])
        if unknown:
            raise ValueError(f"unknown fields for {data['kind']}: {', '.join(sorted(unknown))}")
        mapping = Mapping(data["kind"], dict(columns), data.get("date_format", "auto"),
                          data.get("decimal", "auto"), data.get("timezone", ""),
                          data.get("name", ""), dict(data.get("options", {})))
        problem = mapping.problem()
        if problem:
            raise ValueError(problem)
        return mapping


def header_signature(header: list[str]) -> str:
    """The same columns in the same order give the same signature, whatever their spelling."""
    return hashlib.sha1("|".join(norm(h) for h in header).encode()).hexdigest()[:16]


def guess_mapping(kind: str, header: list[str]) -> Mapping:
    """Map each field to the first header that is one of its synonyms, each header used once."""
    normed = [norm(h) for h in header]
    used: set[int] = set()
    columns: dict[str, str] = {}
    # exact synonyms in priority order: a field's best synonym beats another field's weaker one
    candidates: list[tuple[int, int, str, int]] = []
    for fld, syns in SYNONYMS[kind].items():
        for rank, syn in enumerate(syns):
            for index, h in enumerate(normed):
                if h == syn:
                    candidates.append((rank, index, fld, index))
    for _rank, _pos, fld, index in sorted(candidates):
        if fld in columns or index in used:
            continue
        columns[fld] = header[index]
        used.add(index)
    return Mapping(kind, columns)


# A payout list says it is one: a method, status, currency or fee column, a column whose name
# speaks of paying out, or such words or currency marks in its values. An amount and a date
# alone (a likes log's `count,total`) are not money.
_PAYOUT_SIGNAL_FIELDS = frozenset({"method", "status", "currency", "fee", "paid", "usd"})
_PAYOUT_WORDS_RE = re.compile(
    r"withdraw|payout|paidout|payment|cashout|transaction|wallet|paypal|bank|transfer",
    re.IGNORECASE)
_MONEY_VALUE_RE = re.compile(r"[$€£₱₺]|\b(?:USD|EUR|GBP|BRL|IDR|PHP|TRY|MXN|CAD|AUD|JPY)\b")


def _payout_signal(mapping: Mapping, header: list[str], samples: list[list[str]]) -> bool:
    if _PAYOUT_SIGNAL_FIELDS & set(mapping.columns):
        return True
    if any(_PAYOUT_WORDS_RE.search(norm(h)) for h in header):
        return True
    return any(_PAYOUT_WORDS_RE.search(v) or _MONEY_VALUE_RE.search(v)
               for row in samples for v in row)


def _fits(kind: str, mapping: Mapping, header: list[str], samples: list[list[str]]) -> bool:
    if mapping.missing():
        return False
    if kind == "payouts":
        if "amount" in mapping.columns:
            return _payout_signal(mapping, header, samples)
        return "status" in mapping.columns  # diamonds withdrawn, with their status
    return True


def detect_kind(header: list[str], samples: list[list[str]] | None = None
                ) -> tuple[str, Mapping] | None:
    """The kind whose required fields the header covers best; None when no kind fits. A gift
    log needs a gift column; a payout list an amount and a payout signal (see _fits), so a
    file of counts is never taken for money. `samples` are a few rows, for that signal."""
    best: tuple[int, str, Mapping] | None = None
    for kind in KINDS:
        mapping = guess_mapping(kind, header)
        if not _fits(kind, mapping, header, samples or []):
            continue
        telling = len(_TELLING[kind] & set(mapping.columns))
        score = telling * 10 + len(mapping.columns)
        if best is None or score > best[0]:
            best = (score, kind, mapping)
    return None if best is None else (best[1], best[2])


# Event logs that hold no money, as the TikTokLive / TikTok-Live-Connector loggers write them
# beside the gift log: each recognised by a column only it has, best first.
EVENT_LOGS: tuple[tuple[str, frozenset[str]], ...] = (
    ("comments log", frozenset({"comment", "comments", "message", "chatmessage", "chat",
                                "commenttext"})),
    ("follows log", frozenset({"followcount", "follow", "follows", "followed", "followers"})),
    ("shares log", frozenset({"sharetype", "sharetarget", "sharecount", "shares", "share"})),
    ("joins log", frozenset({"entertype", "istopuser", "cliententersource", "joined", "join",
                             "joins", "membercount"})),
    ("viewer log", frozenset({"viewercount", "viewers", "topviewers", "totalviewers",
                              "viewercountupdate"})),
    ("likes log", frozenset({"likecount", "likes", "totallikecount", "totallikes", "like",
                             "count"})),
    ("session log", frozenset({"event", "eventtype", "connected", "disconnected"})),
)


_KNOWN_NAMES = frozenset(
    {syn for kind in SYNONYMS.values() for syns in kind.values() for syn in syns}
    | {mark for _what, marks in EVENT_LOGS for mark in marks})


def event_log(header: list[str], file_name: str = "") -> str | None:
    """What kind of money-free event log this header (or, failing that, the file name:
    `..._likes.csv`) belongs to; None when it is not one we know."""
    cells = {norm(h) for h in header}
    for what, marks in EVENT_LOGS:
        if cells & marks:
            return what
    name = norm(file_name.rsplit(".", 1)[0])
    for what, _marks in EVENT_LOGS:
        word = norm(what.split()[0])
        if name.endswith(word) or name.endswith(word.rstrip("s")):
            return what
    return None


def apply_overrides(mapping: Mapping, overrides: dict[str, str], header: list[str]) -> Mapping:
    """User choices (field=header) on top of a guessed mapping; headers matched loosely."""
    by_norm = {norm(h): h for h in header}
    columns = dict(mapping.columns)
    for fld, col in overrides.items():
        if fld not in SYNONYMS[mapping.kind]:
            raise ValueError(f"{fld!r} is not a field of {mapping.kind}; fields: "
                             + ", ".join(SYNONYMS[mapping.kind]))
        if col == "":
            columns.pop(fld, None)
            continue
        if norm(col) not in by_norm:
            raise ValueError(f"no column {col!r} in this file; columns: " + ", ".join(header))
        for other, existing in list(columns.items()):
            if norm(existing) == norm(col) and other != fld:
                del columns[other]
        columns[fld] = by_norm[norm(col)]
    return Mapping(mapping.kind, columns, mapping.date_format, mapping.decimal,
                   mapping.timezone, mapping.name, mapping.options)
