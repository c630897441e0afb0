"""The gift reader reads a block of rows at a time in C (map, set, min) and reads a block row by
row only when something in it needs a closer look. Both ways must give exactly the same records,
occurrence numbers, rejected rows and notes: these tests read the same files both ways, with
tiny blocks so that every boundary case (a second split across blocks, a step back in time
right after a block, a totals line at a block's end) comes up.
"""

from __future__ import annotations

import hashlib
from itertools import product
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.importers import readers, sources
from app.importers.base import Feedback, ImportRefused
from app.importers.fields import guess_mapping
from app.importers.readers import ReadContext, read_gifts
from app.importers.sources import CsvTable
from app.services.catalogue import effective_catalogue

# each file layout with the values its columns hold in a good row
ID, NAME, GID, GIFT, NUM = (["1", "2", "77"], ["Al", "Bo", "José"], ["5655", "5879"],
                            ["Rose", "Doughnut"], ["1", "3", "5"])
HEADERS = [
    ("time,sender_id,sender,gift_id,gift,count,coins", [ID, NAME, GID, GIFT, NUM, NUM]),
    ("timestamp,user_id,nickname,gift_id,gift_name,repeat_count,coin_total",
     [ID, NAME, GID, GIFT, NUM, NUM]),
    ("time,sender,gift,coins_each,count", [NAME, GIFT, NUM, NUM]),
    ("time,sender_id,gift_id,coins", [ID, GID, NUM]),
]
TIMES = ["2026-08-03T10:00:0{}+00:00", "2026-08-03T10:00:0{}Z", "2026-08-03 10:00:0{}",
         "2026-08-03T10:00:0{}+02:00", "178575120{}", "03/08/2026 10:00:0{}"]
ODD_TIMES = ["", "2026-02-30T10:00:00+00:00", "2026-08-03T24:00:00+00:00",
             "2026-08-03T23:59:60+00:00", "2031-01-01T00:00:00+00:00", "yesterday",
             "2015-01-01T00:00:00+00:00", " 2026-08-03T10:00:01+00:00",
             "2026-08-03T10:00:01.5+00:00", "2026-08-03T10:00:01+0000"]
ODD_CELLS = ["", "0", "-3", "1,000", "1.5", "x", "99999999999", "٣", "+4", "1_0", " 7 ",
             "1000001", "Total", "=1+1", "張", "\udcff", " Cy "]


def read_both(path: Path, block: int, monkeypatch: pytest.MonkeyPatch
              ) -> list[tuple[list[Any], list[Any], list[str], bool, tuple[int, int, int]]]:
    outcomes = []
    monkeypatch.setattr(sources, "BLOCK", block)
    for fast in (True, False):
        monkeypatch.setattr(readers, "FAST_BLOCKS", fast)
        table = CsvTable(path.name, lambda: path.open("rb"), path.stat().st_size)
        mapping = guess_mapping("gifts", table.header)
        fb = Feedback()
        ctx = ReadContext(effective_catalogue(None), "Europe/Berlin", True, fb)
        try:
            rows = list(read_gifts(table, mapping, ctx))
        except ImportRefused as exc:
            outcomes.append(([str(exc)], [], [], True, (0, 0, 0)))
            continue
        errors = sorted((e.line, e.reason, e.raw, e.skipped) for e in fb.errors)
        outcomes.append((rows, errors, fb.notes, fb.in_time_order,
                         (fb.rejected, fb.skipped, fb.folded)))
    return outcomes


@st.composite
def gift_files(draw: st.DrawFn) -> str:
    """Mostly good rows (so whole blocks are read in C), some with one odd cell, some odd
    times, identical rows, steps back in time, blank, short and totals lines."""
    header, pools = draw(st.sampled_from(HEADERS))
    layout = draw(st.sampled_from(TIMES))
    lines = [header]
    second = 0
    for _ in range(draw(st.integers(0, 40))):
        kind = draw(st.integers(0, 11))
        if kind == 0 and len(lines) > 1:
            lines.append(lines[-1])  # an identical row in the same second
            continue
        if kind == 1:
            lines.append(draw(st.sampled_from(["", "Total,,,5", "a,b", ",,,,,,,,,"])))
            continue
        second = min(9, max(0, second + draw(st.sampled_from([0, 0, 1, 1, 2, -1]))))
        time = draw(st.sampled_from(ODD_TIMES)) if kind == 2 else layout.format(second)
        cells = [draw(st.sampled_from(pool)) for pool in pools]
        if kind == 3:
            cells[draw(st.integers(0, len(cells) - 1))] = draw(st.sampled_from(ODD_CELLS))
        lines.append(",".join(f'"{c}"' if "," in c else c for c in [time, *cells]))
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=gift_files(), block=st.sampled_from([1, 2, 3, 7, 2048]))
def test_blocks_read_whole_give_what_rows_read_one_by_one_give(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, block: int) -> None:
    path = tmp_path / "gifts.csv"
    path.write_text(text, encoding="utf-8", errors="surrogateescape")
    fast, slow = read_both(path, block, monkeypatch)
    assert fast == slow


def test_a_clean_file_is_read_in_whole_blocks(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The case the fast path exists for: it must actually be taken (else the speed-up is
    gone without any test noticing), and identical gifts in one second, even split across a
    block boundary, still count 1, 2, 3."""
    lines = ["time,sender_id,sender,gift_id,gift,count,coins"]
    lines += [f"2026-08-03T10:00:{s:02d}+00:00,1,Al,5655,Rose,1,1" for s in range(10)]
    lines += ["2026-08-03T10:00:10+00:00,2,Bo,5655,Rose,1,1"] * 3  # rows 12-14
    lines += [f"2026-08-03T10:01:{s:02d}Z,3,Cy,5655,Rose,2,2" for s in range(5)]
    path = tmp_path / "clean.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    whole: list[int] = []
    original = readers._GiftBlock.read

    def counting(self: readers._GiftBlock, lines: list[int], cells: list[list[str]]
                 ) -> list[Any] | None:
        result = original(self, lines, cells)
        whole.append(result is not None)
        return result

    monkeypatch.setattr(readers._GiftBlock, "read", counting)
    fast, slow = read_both(path, 12, monkeypatch)
    assert fast == slow
    assert whole and all(whole)
    rows = fast[0]
    assert [r[-1] for r in rows[10:13]] == [1, 2, 3]
    assert all(r[-1] == 1 for r in rows[:10] + rows[13:])
    assert fast[3] is True  # in time order: the store needs no sort


def test_every_odd_cell_in_every_column_reads_the_same_both_ways(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One odd value at a time, in every column of every layout, inside a block of good rows:
    the block must fall back to row by row (or read the value exactly as the row reader does)."""
    path = tmp_path / "one_odd.csv"
    checked = 0
    for header, pools in HEADERS:
        good = [pool[0] for pool in pools]
        for column in range(len(pools) + 1):
            for odd, place in product(ODD_TIMES if column == 0 else ODD_CELLS, (0, 3, 5)):
                rows = [[f"2026-08-03T10:00:0{s}+00:00", *good] for s in range(6)]
                rows[place][column] = odd  # first and last too: a time can stay in order
                text = "\n".join([header] + [",".join(
                    f'"{c}"' if "," in c else c for c in row) for row in rows]) + "\n"
                path.write_text(text, encoding="utf-8", errors="surrogateescape")
                for block in (2, 2048):
                    fast, slow = read_both(path, block, monkeypatch)
                    assert fast == slow, (header, column, odd, block)
                    checked += 1
    assert checked > 900


# ---- the CSV table: blocks of physical lines read whole --------------------------------------

CSV_LINES = ["2026-08-03T10:00:00Z,1,Al,5655,Rose,1,1", "", "   ", "a", "x,y",
             '2026-08-03T10:00:01Z,2,"Bo, the fan",5655,Rose,1,1',
             '2026-08-03T10:00:02Z,3,"two\nlines",5655,Rose,1,1',  # a record over two lines
             '2026-08-03T10:00:03Z,4,"opens\r\nand closes",5655,Rose,1,1',
             '2026-08-03T10:00:04Z,5,"never closes,5655,Rose,1,1',
             '2026-08-03T10:00:05Z,6,"dj ""max""",5655,Rose,1,1', "Total,,,,,,5",
             "2026-08-03T10:00:06Z,7,Cy\r", "2026-08-03T10:00:07Z,8,Di,5655,Rose,1,1\r"]


@settings(max_examples=200, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.sampled_from(CSV_LINES), max_size=30),
       block=st.sampled_from([1, 2, 3, 5, 2048]), end=st.sampled_from(["\n", "\r\n", ""]))
def test_csv_blocks_give_the_records_and_lines_csv_reader_gives(
        tmp_path: Path, lines: list[str], block: int, end: str) -> None:
    """Whole blocks of lines through csv.reader at once must give the same (physical line,
    cells) as reading record by record, whatever spans lines or upsets the csv module."""
    path = tmp_path / "lines.csv"
    head = ["time,sender_id,sender,gift_id,gift,count,coins"] + [CSV_LINES[0]] * 40  # to sniff
    path.write_bytes(("\n".join(head + lines) + end).encode())
    table = CsvTable(path.name, lambda: path.open("rb"), path.stat().st_size)
    got = [pair for lines_, cells in table.blocks(block)
           for pair in zip(lines_, cells, strict=True)]
    with path.open(encoding="utf-8", newline="") as text:
        text.readline()
        expected = [pair for lines_, cells in sources._record_blocks(text, ",", 2, block)
                    for pair in zip(lines_, cells, strict=True)]
    assert got == expected
    assert table.sha256() == hashlib.sha256(path.read_bytes()).hexdigest()
