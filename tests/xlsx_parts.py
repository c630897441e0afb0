"""Workbooks assembled by hand, part by part, the way the spreadsheet programs write them.

Not openpyxl's writer: the XML below is what Excel, LibreOffice Calc and Google Sheets put in
an .xlsx (ECMA-376 SpreadsheetML), including the parts readers trip over:

- strings in the shared string table (`t="s"`, Excel, LibreOffice, Sheets) or inline
  (`t="inlineStr"`, written by streaming exporters);
- dates as serial numbers of days, shown as dates only through a style whose number format is
  a date (built-in 14 and 22, or a custom `numFmt` from 164 on), and the 1904 date system
  (`<workbookPr date1904="1"/>`, workbooks from old Mac Excel) where the same serial is
  1,462 days later;
- a `<dimension ref>` that lies: `A1` from some writers, `A1:AMJ<n>` (1,024 columns) from
  LibreOffice;
- merged title cells (`<mergeCell ref="A1:E1"/>`), empty styled cells and rows that Excel and
  LibreOffice leave after the data, hidden sheets.

`python tests/xlsx_parts.py` writes the committed fixtures (tests/fixtures/spreadsheets/*.xlsx
and the fuzzer's seeds) from the same functions.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# cellXfs indexes of the style sheet below
GENERAL, DATETIME, CUSTOM_DATE, TWO_DECIMALS, CLOCK, DATE_ONLY = 0, 1, 2, 3, 4, 5
STYLES = (HEAD + f'<styleSheet xmlns="{MAIN}">'
          '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd\\ hh:mm:ss"/>'
          '</numFmts>'
          '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
          '<fills count="2"><fill><patternFill patternType="none"/></fill>'
          '<fill><patternFill patternType="gray125"/></fill></fills>'
          '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
          '</borders>'
          '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
          '</cellStyleXfs>'
          '<cellXfs count="6">'
          '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
          '<xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
          '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" '
          'applyNumberFormat="1"/>'
          '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
          '<xf numFmtId="21" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
          '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
          '</cellXfs>'
          '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
          '</styleSheet>')


@dataclass(frozen=True)
class N:
    """A number cell written exactly as `text` (a serial, a float with its artefact)."""

    text: str
    style: int = GENERAL


@dataclass(frozen=True)
class Blank:
    """An empty cell that only carries a style (what Excel leaves after formatting a row)."""

    style: int = TWO_DECIMALS


Cell = str | int | N | Blank | None


@dataclass
class Sheet:
    name: str
    rows: dict[int, list[Cell]]  # sheet row number -> cells from column A
    dimension: str | None = None  # None: the true one
    merged: list[str] = field(default_factory=list)
    state: str = "visible"


def column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def sheet_xml(sheet: Sheet, strings: list[str] | None) -> str:
    """A worksheet part; strings go to `strings` (shared) or inline when it is None."""
    rows = []
    width = 1
    for number in sorted(sheet.rows):
        cells = []
        for i, value in enumerate(sheet.rows[number]):
            ref = f"{column(i)}{number}"
            width = max(width, i + 1)
            if value is None:
                continue
            if isinstance(value, Blank):
                cells.append(f'<c r="{ref}" s="{value.style}"/>')
            elif isinstance(value, N):
                cells.append(f'<c r="{ref}" s="{value.style}"><v>{value.text}</v></c>')
            elif isinstance(value, int):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            elif strings is None:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>')
            else:
                if value not in strings:
                    strings.append(value)
                cells.append(f'<c r="{ref}" t="s"><v>{strings.index(value)}</v></c>')
        rows.append(f'<row r="{number}">{"".join(cells)}</row>')
    last = max(sheet.rows, default=1)
    dimension = sheet.dimension or f"A1:{column(width - 1)}{last}"
    merged = ""
    if sheet.merged:
        merged = (f'<mergeCells count="{len(sheet.merged)}">'
                  + "".join(f'<mergeCell ref="{m}"/>' for m in sheet.merged) + "</mergeCells>")
    return (HEAD + f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}"><dimension ref="{dimension}"/>'
            '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>'
            f'<sheetData>{"".join(rows)}</sheetData>{merged}'
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
            'footer="0.3"/></worksheet>')


def workbook(sheets: list[Sheet], *, shared: bool = True, date1904: bool = False,
             libreoffice_order: bool = False) -> bytes:
    """The bytes of an .xlsx. Excel writes [Content_Types].xml first; LibreOffice starts
    with _rels/.rels and writes [Content_Types].xml last (`libreoffice_order`)."""
    strings: list[str] | None = [] if shared else None
    parts = {f"xl/worksheets/sheet{i}.xml": sheet_xml(s, strings)
             for i, s in enumerate(sheets, 1)}
    overrides = "".join(
        f'<Override PartName="/{name}" ContentType="{CT}.worksheet+xml"/>' for name in parts)
    rels = "".join(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" '
                   f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
    rels += f'<Relationship Id="rIdS" Type="{REL}/styles" Target="styles.xml"/>'
    if strings is not None:
        rels += f'<Relationship Id="rIdT" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        overrides += (f'<Override PartName="/xl/sharedStrings.xml" '
                      f'ContentType="{CT}.sharedStrings+xml"/>')
        parts["xl/sharedStrings.xml"] = (
            HEAD + f'<sst xmlns="{MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">'
            + "".join(f"<si><t xml:space=\"preserve\">{escape(s)}</t></si>" for s in strings)
            + "</sst>")
    listed = "".join(
        f'<sheet name="{escape(s.name)}" sheetId="{i}"'
        + (f' state="{s.state}"' if s.state != "visible" else "") + f' r:id="rId{i}"/>'
        for i, s in enumerate(sheets, 1))
    book = (HEAD + f'<workbook xmlns="{MAIN}" xmlns:r="{REL}">'
            + ('<workbookPr date1904="1"/>' if date1904 else '<workbookPr/>')
            + f"<sheets>{listed}</sheets></workbook>")
    types = (HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
             'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
             f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
             f'<Override PartName="/xl/styles.xml" ContentType="{CT}.styles+xml"/>'
             f"{overrides}</Types>")
    root_rels = (HEAD + f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
                 f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    book_rels = HEAD + f'<Relationships xmlns="{PKG_REL}">{rels}</Relationships>'
    ordered = {"[Content_Types].xml": types, "_rels/.rels": root_rels,
               "xl/workbook.xml": book, "xl/_rels/workbook.xml.rels": book_rels,
               "xl/styles.xml": STYLES, **parts}
    if libreoffice_order:
        ordered = {k: ordered[k] for k in [*list(ordered)[1:], "[Content_Types].xml"]}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in ordered.items():  # a fixed time: the same bytes every run
            info = zipfile.ZipInfo(name, (2026, 8, 3, 20, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text)
    return out.getvalue()


# ---- the committed fixtures ------------------------------------------------------------------

# 2026-08-03 20:15:00 is serial 46237.84375 in the 1900 system (days since 1899-12-30)
def serial(day: int, minute: int, base: float = 46237.0) -> str:
    """The serial of 2026-08-03 + `day` days, 20:00 + `minute` minutes, as Excel writes it."""
    return repr(base + day + (20 * 60 + minute) / 1440)


def excel_gift_report() -> bytes:
    """Excel: shared strings, a merged title over the table, an empty row, dates styled
    m/d/yyyy h:mm, and formatted empty cells and rows left below the data."""
    rows: dict[int, list[Cell]] = {
        1: ["Gift report \u2013 August 2026"],
        3: ["Date", "Username", "Gift", "Quantity", "Coins"],
        4: [N(serial(0, 15), DATETIME), "Lena", "Rose", 1, 1],
        5: [N(serial(0, 16), DATETIME), "Marco", "Lion", 1, 29999],
        6: [N(serial(0, 17), DATETIME), "Sam", "Finger Heart", 2, 5],
        7: [N(serial(0, 18), DATETIME), "\u00c9lodie \U0001f339", "Rose", 5, 1],
        8: [N(serial(1, 5), DATETIME), "Lena", "Doughnut", 1, 30],
        10: [Blank(), Blank(), Blank(), Blank(), Blank()],
        11: [Blank()],
    }
    return workbook([Sheet("Gifts", rows, merged=["A1:E1"])])


def libreoffice_payouts_1904() -> bytes:
    """LibreOffice's part order and its 1,024-column dimension, the 1904 date system, a
    date stored as text, and amounts with float artefacts (0.1+0.2 style)."""
    base = 46237.0 - 1462  # the same days in the 1904 system
    rows: dict[int, list[Cell]] = {
        1: ["Date", "Amount", "Currency", "Method", "Status"],
        2: [N(repr(base + 26), DATE_ONLY), N("100.00000000000001"), "USD", "PayPal", "paid"],
        3: [N(repr(base + 40), DATE_ONLY), N("0.30000000000000004"), "USD", "PayPal", "paid"],
        4: ["2026-09-29", N("149.99499999999998"), "USD", "Bank transfer", "pending",
            Blank(), Blank()],
        6: [Blank(), Blank(), Blank()],
    }
    return workbook([Sheet("Withdrawals", rows, dimension="A1:AMJ6")], date1904=True,
                    libreoffice_order=True)


def sheets_lives_second_sheet() -> bytes:
    """A cover sheet in front, the LIVEs on the second sheet with start times saved as plain
    serials (no date style), durations styled h:mm:ss, a dimension of `A1`, inline strings,
    and a hidden sheet behind."""
    rows: dict[int, list[Cell]] = {
        1: ["Start", "Duration", "Diamonds", "Title"],
        2: [N(serial(0, 0)), N(repr(1.5 / 24), CLOCK), 1200, "Monday chill"],
        3: [N(serial(1, 30)), N(repr(2 / 24), CLOCK), 2800, "Q&A <live>"],
        4: [N(serial(3, 0)), N(repr(0.75 / 24), CLOCK), 640, "short one"],
    }
    cover = Sheet("About", {1: ["LIVE history exported for my manager"],
                            3: ["Ask me before sharing"]})
    hidden = Sheet("Lookup", {1: ["Start", "Diamonds"], 2: [N("46000"), 5]}, state="hidden")
    return workbook([cover, Sheet("LIVEs", rows, dimension="A1"), hidden], shared=False)


FIXTURES = {
    "excel_gift_report.xlsx": excel_gift_report,
    "libreoffice_payouts_1904.xlsx": libreoffice_payouts_1904,
    "sheets_lives_second_sheet.xlsx": sheets_lives_second_sheet,
}

if __name__ == "__main__":
    here = Path(__file__).parent
    for name, make in FIXTURES.items():
        (here / "fixtures" / "spreadsheets" / name).write_bytes(make())
    (here / "fuzz" / "seeds" / "gifts_excel.xlsx").write_bytes(excel_gift_report())
    (here / "fuzz" / "seeds" / "payouts_1904.xlsx").write_bytes(libreoffice_payouts_1904())
