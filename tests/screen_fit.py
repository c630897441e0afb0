"""Run as a script (a fresh process per scale and theme): start the window as the app does
(app.ui.main.application(), which registers the emoji font; the theme; a demo ledger), build
every page, size the window to a 1,024 x 600 screen (or the screen's available geometry when
smaller), show each page (each section of the Rates page; the Imports page on a batch with
rejected rows) and print what a user would see as JSON: the window's narrowest size, the
screen Qt reports, and per page the problems found (a page scrolling sideways, a widget cut
off at the page's edge, a table scrolling sideways inside itself, its last columns cut off)
and, per table, where each column lies.

    QT_SCALE_FACTOR=2 python tests/screen_fit.py --theme dark

The factor is read when the QApplication starts, hence the separate process."""

from __future__ import annotations

import argparse
import json
import re
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QScrollArea, QTableView, QWidget

from app.ui.dialogs.import_dialog import sample_gift_log
from app.ui.main import application, open_ledger
from app.ui.resources import apply_theme
from app.ui.window import PAGES, MainWindow

WIDTH, HEIGHT = 1024, 600
TABLES = ("dataTable", "giftTable", "gifterTable")
# a gift log whose rows are rejected for their gifts: the Imports page shows them, and the fix
REJECTED = Path(__file__).parent / "fixtures" / "retry" / "new_gifts_2026.csv"
SIDEWAYS = "table scrolls sideways"  # how a table's problem of that kind begins


def settle(app: QApplication, rounds: int = 5) -> None:
    for _ in range(rounds):  # cards re-wrap and tables resize to their contents in turns
        app.processEvents()


def shown(widget: QWidget, page: QWidget) -> bool:
    return widget.isVisibleTo(page) and widget.width() > 0 and widget.height() > 0


def cut_off(page: QWidget) -> list[str]:
    """Widgets of the page whose right edge lies past the page's (or past the scroll area's
    viewport that holds them), or narrower than the narrowest they can be drawn."""
    problems = []
    for area in page.findChildren(QScrollArea):
        if shown(area, page) and area.horizontalScrollBar().isVisible():
            problems.append(f"scrolls sideways ({area.objectName() or type(area).__name__})")
    if page.width() < page.minimumSizeHint().width():
        problems.append(f"page {page.width()} px < its narrowest {page.minimumSizeHint().width()}")
    page_rect = QRect(QPoint(0, 0), page.size())
    for child in page.findChildren(QWidget):
        if not shown(child, page) or _inside_scrolled(child, page):
            continue
        top_left = child.mapTo(page, QPoint(0, 0))
        rect = QRect(top_left, child.size())
        if rect.right() > page_rect.right() + 1:
            problems.append(f"{_name(child)} ends at x={rect.right()} past the page's "
                            f"{page_rect.right()}")
    return problems


def tables(page: QWidget) -> list[QTableView]:
    return [view for view in page.findChildren(QTableView)
            if view.objectName() in TABLES and shown(view, page)]


def sideways(page: QWidget) -> list[str]:
    """Tables of the page that scroll sideways inside themselves: their scroll bar shows, or
    their columns are wider than what shows of them (the last ones cut off)."""
    problems = []
    for view in tables(page):
        width, room = view.horizontalHeader().length(), view.viewport().width()
        if view.horizontalScrollBar().isVisible() or width > room:
            titles = ", ".join(c["title"] or "\u2026" for c in _columns(view)[:3])
            problems.append(f"{SIDEWAYS} ({titles}, \u2026): its columns take {width} px "
                            f"of {room}")
    return problems


def _inside_scrolled(widget: QWidget, page: QWidget) -> bool:
    """Inside a table or a list (it scrolls its own contents), not the page's own layout."""
    parent = widget.parentWidget()
    while parent is not None and parent is not page:
        if isinstance(parent, QAbstractScrollArea) and not isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def _name(widget: QWidget) -> str:
    text = getattr(widget, "text", None)
    label = text() if callable(text) else ""
    return f"{type(widget).__name__}#{widget.objectName()}" + (f" {label[:30]!r}" if
                                                               isinstance(label, str) and label
                                                               else "")


def columns(page: QWidget) -> list[dict[str, Any]]:
    """Each visible table: its viewport's width, its columns' and, per column, its title,
    left and right edge with the table scrolled fully left."""
    found = []
    for view in tables(page):
        view.horizontalScrollBar().setValue(0)
        model = view.model()
        row_height = max(view.verticalHeader().defaultSectionSize(), 1)
        found.append({"name": view.objectName(), "viewport": view.viewport().width(),
                      "width": view.horizontalHeader().length(),
                      "scrollbar": view.horizontalScrollBar().isVisible(),
                      "columns": _columns(view), "rows": model.rowCount(),
                      "rows_shown": view.viewport().height() // row_height,
                      # how much of it is on screen without scrolling the page down
                      "in_view": view.visibleRegion().boundingRect().height()})
    return found


def _columns(view: QTableView) -> list[dict[str, Any]]:
    header, model = view.horizontalHeader(), view.model()
    cols = []
    for column in range(model.columnCount()):
        if header.isSectionHidden(column):
            continue
        left = header.sectionViewportPosition(column)
        cols.append({"title": _plain(model.headerData(column, header.orientation())),
                     "left": left, "right": left + header.sectionSize(column),
                     "content": view.sizeHintForColumn(column),  # the rows in view
                     "free": _free(view, column)})
    return cols


def _free(view: QTableView, column: int) -> bool:
    """A free-text column, which ends in "…" where it is short (app.ui.column_fit)."""
    fit = getattr(view, "fit", None)
    return bool(fit is not None and fit.least(column))


def _plain(title: object) -> str:
    """The title without its sort arrow."""
    return re.sub(r"[\u25b2-\u25c5]", "", str(title or "")).strip()


def move_demo(db: Any, region: str) -> None:
    """The demo account moved to `region`: its pages show a column of its currency too."""
    from app.services.demo import DEMO_HANDLE
    from app.store import queries
    account = queries.account_by_handle(db, DEMO_HANDLE)
    assert account is not None
    queries.update_account(db, account.id, region, account.timezone)


def seen(page: QWidget) -> dict[str, Any]:
    return {"problems": cut_off(page) + sideways(page), "tables": columns(page)}


def sections(app: QApplication, page: Any, name: str, found: dict[str, Any]) -> None:
    """The Rates page's other sections (the gift catalogue, the coin packs), each shown in
    turn: their problems and tables join the page's."""
    if name != "Rates":
        return
    from app.ui.pages.rates import SECTIONS
    for index, section in enumerate(SECTIONS[1:], 1):
        page.show_section(index)
        settle(app)
        more = seen(page)
        found["problems"] += [f"{section}: {p}" for p in more["problems"]]
        found["tables"] += more["tables"]
    page.show_section(0)


def measure(theme: str, region: str = "US") -> dict[str, Any]:
    app = application()  # what the window does at start-up: the emoji font among it
    apply_theme(app, theme)
    with ExitStack() as stack:
        db, label = open_ledger(stack, None)  # the demo, in a temporary ledger
        if region != "US":
            move_demo(db, region)
        from app.services import importing
        importing.import_files(db, [REJECTED])  # the newest batch: the Imports page shows it
        window = MainWindow(db, label, settings=None)
        stack.callback(window.close)
        window.show()
        for index in range(len(PAGES)):
            window.page(index)  # built: the narrowest the window can be counts every page
        settle(app)
        available = window.screen().availableGeometry()
        hint = window.minimumSizeHint()
        size = (min(WIDTH, available.width()), min(HEIGHT, available.height()))
        window.resize(*size)
        settle(app)
        pages = {}
        for index, name in enumerate(PAGES):
            window.show_page(index)
            page = window.page(index)
            settle(app)
            pages[name] = seen(page)
            sections(app, page, name, pages[name])
        dialog = window.import_paths([sample_gift_log()])  # the biggest dialog
        assert dialog is not None
        settle(app)
        dialog_frame = dialog.frameGeometry()
        dialog_hint = dialog.minimumSizeHint()
        dialog.close()
        return {
            "import_dialog": [dialog_frame.width(), dialog_frame.height()],
            "import_dialog_minimum": [dialog_hint.width(), dialog_hint.height()],
            "scale": window.devicePixelRatioF(),
            "available": [available.width(), available.height()],
            "minimum": [hint.width(), hint.height()],
            "window": [window.width(), window.height()],
            "asked": list(size),
            "average_char_width": QFontMetrics(app.font()).averageCharWidth(),
            "families": app.font().families(),
            "cards_columns": window.overview.cards.columns,
            "side_panel": window.side_panel.width(),
            # the widest page name with the style's padding, and the room the list gives it
            "sidebar_needs": window.sidebar.sizeHintForColumn(0),
            "sidebar_room": window.sidebar.viewport().width(),
            "pages": pages,
        }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--theme", default="light")
    parser.add_argument("--region", default="US")
    args = parser.parse_args()
    json.dump(measure(args.theme, args.region), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
