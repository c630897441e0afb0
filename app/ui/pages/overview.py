"""Overview: where the money stands (cards) and how it got there (chart)."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.core.charts import BUCKETS
from app.core.forecast import SAMPLES, WEEKS
from app.core.money import ZERO
from app.services.dashboard import Dashboard, accounts_for_picker, overview
from app.ui import format as fmt
from app.ui.charts.earnings_chart import EarningsChartWidget, legend_html
from app.ui.dialogs.checkin_dialog import CheckInDialog
from app.ui.edits import Runner, run_here
from app.ui.page_reads import PageReads, busy_label, say_busy
from app.ui.read_only import refused, writes
from app.ui.widgets.cards import CardRow, ProgressCard, StatCard
from app.ui.widgets.empty_state import EmptyState
from app.ui.widgets.named import named
from app.ui.widgets.page import empty_or_content, rates_line

RANGES: list[tuple[str, int | None]] = [("7 d", 7), ("30 d", 30), ("90 d", 90), ("1 y", 365),
                                        ("All", None)]
DEFAULT_RANGE = 2  # 90 days
CHART_MIN_HEIGHT = 260
BUCKET_NAMES = {"day": "Day", "week": "Week", "month": "Month"}
FORECAST_CAPTION = (f"Forecast from today's balance: weekday means of the last {WEEKS} weeks "
                    f"with earnings; band: 10th-90th percentile of {SAMPLES} resampled futures")
EMPTY_HEADING = "No earnings in this ledger yet"
EMPTY_BODY = ("Import a gift log, LIVE list or payout file with <b>File \u203a Import</b> "
              "(Ctrl+I) or drop it on this window, or try the app on sample data, without "
              "touching this ledger:")


class OverviewPage(QWidget):
    ledger_changed = Signal()  # a check-in changed the balance: the window reloads its pages

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.dashboard: Dashboard | None = None
        self.account: str | None = None  # the handle shown; None until the first refresh
        # who makes a check-in: at once here; in the window, its undo stack on the worker
        self.run_edit: Runner = run_here(self, db, self._checked_in)
        self.empty = EmptyState(EMPTY_HEADING, EMPTY_BODY, demo=True)
        self.stack = empty_or_content(self, self.empty, self._scrolling(self._content()))
        self.busy = busy_label(self.stack)
        self.reads = PageReads(self, db, self.show_dashboard, self._show_busy)
        self.loaded = self.reads.loaded  # the dashboard (or the empty state) is on screen

    def _content(self) -> QWidget:
        content = QWidget()
        self.heading = named(QLabel("Overview"), "pageTitle")
        self.subtitle = named(QLabel(), "pageSubtitle")
        self.balance_card = StatCard("Balance")
        self.threshold_card = ProgressCard("Withdrawal threshold")
        self.period_card = StatCard("Last 30 days")
        self.forecast_card = StatCard("Threshold forecast")
        self.cards = CardRow([self.balance_card, self.threshold_card, self.period_card,
                              self.forecast_card])
        layout = QVBoxLayout(content)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(16)
        titles = QVBoxLayout()
        titles.setSpacing(2)
        titles.addWidget(self.heading)
        titles.addWidget(self.subtitle)
        self.rates = rates_line(titles)
        header = QHBoxLayout()
        header.addLayout(titles, 1)
        header.addWidget(self._account_picker(), 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addLayout(header)
        layout.addWidget(self.cards)
        layout.addLayout(self._balance_row())
        layout.addWidget(self._chart_card(), 1)
        return content

    def _scrolling(self, content: QWidget) -> QScrollArea:
        """On a low screen (1,024 x 600) the wrapped cards leave the chart too little height:
        it keeps CHART_MIN_HEIGHT and the page scrolls down instead."""
        self.chart.setMinimumHeight(CHART_MIN_HEIGHT)
        scroll = named(QScrollArea(), "overviewScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        return scroll

    def _balance_row(self) -> QHBoxLayout:
        """Why the two balances differ (or why it is negative), and the check-in."""
        self.balance_note = named(QLabel(), "cardDetail")
        self.balance_note.setWordWrap(True)
        self.checkin_button = writes(QPushButton("Check in balance..."))
        self.checkin_button.setToolTip("Type the balance TikTok shows, to compare or correct")
        self.checkin_button.clicked.connect(self.open_checkin)
        self.checkin_dialog: CheckInDialog | None = None
        row = QHBoxLayout()
        row.addWidget(self.balance_note, 1)
        row.addWidget(self.checkin_button, 0, Qt.AlignmentFlag.AlignRight)
        return row

    def open_checkin(self) -> None:
        if refused(self, "No check-in was saved"):
            return
        self.checkin_dialog = CheckInDialog(self._db, self.account, self, self.run_edit)
        self.checkin_dialog.open()

    def _checked_in(self) -> None:
        self.refresh()
        self.ledger_changed.emit()

    def _account_picker(self) -> QWidget:
        self.account_box = QWidget()
        self.account_picker = QComboBox(self.account_box)
        self.account_picker.setMinimumContentsLength(14)
        self.account_picker.setToolTip("The creator account this Overview shows")
        self.account_picker.activated.connect(self._account_chosen)
        row = QHBoxLayout(self.account_box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(named(QLabel("Account"), "filterLabel"))
        row.addWidget(self.account_picker)
        self.account_box.hide()
        return self.account_box

    def _chart_card(self) -> QFrame:
        card = named(QFrame(), "card")
        self.chart = EarningsChartWidget(card)
        self.bucket_buttons = _segmented(card, [BUCKET_NAMES[b] for b in BUCKETS], 0)
        self.bucket_buttons.idClicked.connect(self._bucket_clicked)
        self.range_buttons = _segmented(card, [text for text, _days in RANGES], DEFAULT_RANGE)
        self.range_buttons.idClicked.connect(self._range_clicked)
        header = QHBoxLayout()
        header.setSpacing(6)
        header.addWidget(named(QLabel("Earnings and balance"), "cardHeading"))
        header.addStretch(1)
        for button in self.bucket_buttons.buttons():
            header.addWidget(button)
        header.addSpacing(14)
        for button in self.range_buttons.buttons():
            header.addWidget(button)
        self.caption = named(QLabel(FORECAST_CAPTION), "cardDetail")
        self.caption.setWordWrap(True)  # a long method line must not widen the page
        layout = QVBoxLayout(card)
        layout.setContentsMargins(18, 14, 18, 12)
        layout.addLayout(header)
        layout.addWidget(named(QLabel(legend_html()), "chartLegend"))
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.caption)
        return card

    def range_button(self, text: str) -> QAbstractButton:
        return next(b for b in self.range_buttons.buttons() if b.text() == text)

    def _range_clicked(self, index: int) -> None:
        self.chart.show_last(RANGES[index][1])

    def _bucket_clicked(self, index: int) -> None:
        self.chart.set_bucket(BUCKETS[index])

    def _account_chosen(self, index: int) -> None:
        self.account = self.account_picker.itemData(index)
        self._read()

    @property
    def showing_empty_state(self) -> bool:
        return self.stack.currentWidget() is self.empty

    def refresh(self) -> None:
        """Reload from the ledger (an import may have added an account); on a big ledger the
        dashboard is read on the worker (1M gifts: ~50 ms of SQL and valuation)."""
        self._fill_picker()
        self._read()

    def _read(self) -> None:
        account = self.account
        self.reads.start(lambda db: overview(db, account=account))

    @property
    def loading(self) -> bool:
        return self.reads.running

    def _show_busy(self, text: str) -> None:
        say_busy(self.stack, self.busy, self.subtitle, text, self.dashboard is not None)

    def _fill_picker(self) -> None:
        choices, default = accounts_for_picker(self._db)
        if self.account not in {c.handle for c in choices}:
            self.account = default
        self.account_picker.clear()
        for choice in choices:
            self.account_picker.addItem(choice.label, choice.handle)
        self.account_picker.setCurrentIndex(self.account_picker.findData(self.account))
        self.account_box.setVisible(len(choices) > 1)

    def show_dashboard(self, dashboard: Dashboard | None) -> None:
        self.dashboard = dashboard
        if dashboard is None:
            self.stack.setCurrentWidget(self.empty)
            return
        self.stack.setCurrentIndex(1)
        self._fill_cards(dashboard)
        days = RANGES[max(self.range_buttons.checkedId(), 0)][1]
        self.chart.set_series(dashboard.chart, days,
                              dashboard.local.days if dashboard.local else None,
                              dashboard.local.currency if dashboard.local else "USD")
        self.caption.setVisible(not dashboard.chart.forecast.empty)

    def _fill_cards(self, d: Dashboard) -> None:
        s = d.summary
        self.subtitle.setText(f"@{d.handle}"
                              + (f" \u00b7 last earnings {fmt.day(s.last_day)}"
                                 if s.last_day else ""))
        self.rates.setText(f"Rates used: {d.rates_line}")
        local = d.local
        worth = "" if local is None else (
            f"{_worth(local.balance.local, local.currency)} at today's rate \u00b7 ")
        self.balance_card.set_text(fmt.balance(s.balance_usd),
                                   f"{worth}{fmt.diamonds(s.balance_diamonds)} diamonds")
        if local is not None:
            self.balance_card.setToolTip(local.balance.rate.note())
        self.balance_note.setText(d.balance_note)
        self.balance_note.setVisible(bool(d.balance_note))
        self._fill_threshold(d)
        self._fill_period(d)
        self._fill_forecast(d)

    def _fill_threshold(self, d: Dashboard) -> None:
        s = d.summary
        self.threshold_card.set_progress(fmt.whole_percent(d.progress))
        if s.withdrawable:
            self.threshold_card.set_text("Withdrawable now",
                                         f"{fmt.progress(d.progress)} of the "
                                         f"{fmt.usd(s.threshold_usd)} minimum", "good")
        else:
            self.threshold_card.set_text(fmt.progress(d.progress),
                                         f"{fmt.missing(d.missing_usd)} still missing to "
                                         f"{fmt.usd(s.threshold_usd)}")

    def _fill_period(self, d: Dashboard) -> None:
        p = d.period
        if p is None:
            self.period_card.set_text(fmt.usd(ZERO), "no earnings yet")
            return
        # up to today, or (on a stale ledger) up to the last earnings, which the title names
        recent = p.end >= d.plan.today
        self.period_card.title.setText(f"Last {p.days} days" if recent
                                       else f"{p.days} days to {fmt.day(p.end)}")
        self.period_card.setToolTip("" if recent else (
            f"Nothing was earned since {fmt.day(p.end)}: these are the {p.days} days up to the "
            "last earnings, not the last days before today"))
        change = p.change
        if change is None:
            detail, tone = f"nothing in the {p.days} days before", ""
        else:
            detail = f"{fmt.change(change)} vs previous {p.days} days ({fmt.usd(p.previous_usd)})"
            tone = "good" if change >= 0 else "bad"
        local = d.local
        if local is not None:
            detail = f"{fmt.local(local.period, local.currency)} \u00b7 {detail}"
            if local.fallback_days:
                self.period_card.setToolTip(
                    f"{local.fallback_days} days are before the first {local.currency} rate "
                    "and use that rate (see the rates line)")
        self.period_card.set_text(fmt.usd(p.usd), detail, tone)

    def _fill_forecast(self, d: Dashboard) -> None:
        s, plan = d.summary, d.plan
        if s.withdrawable:
            w = plan.chosen
            arrives = (fmt.usd(w.net_usd) if d.local is None
                       else fmt.money(w.net_local, plan.rates.currency))
            self.forecast_card.set_text(
                "Now", f"withdraw {fmt.usd(w.gross_usd)}: {arrives} arrives by {w.method.name}",
                "good")
        else:
            self.forecast_card.set_text(*fmt.forecast_day(plan.forecast))


def _worth(amount: Decimal | None, currency: str) -> str:
    """What the balance is worth in the account's currency, rounded down as the balance is."""
    return fmt.local(None, currency) if amount is None else fmt.balance(amount, currency)


def _segmented(parent: QWidget, texts: list[str], checked: int) -> QButtonGroup:
    """Exclusive toggle buttons, one checked; the ids are the positions in `texts`."""
    group = QButtonGroup(parent)
    for i, text in enumerate(texts):
        button = named(QPushButton(text, parent), "rangeButton")
        button.setCheckable(True)
        group.addButton(button, i)
    group.button(checked).setChecked(True)
    return group
