"""Planner: where the balance stands, when it reaches the threshold, how each payout method
pays it out, whether waiting pays, what a goal takes, and the true rate of a past payout,
which can be saved as the region's rate from the payout's day (app.services.rates).

Every figure comes from app.services.planner; the slots read the inputs, call one service
function and show its result.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pyqtgraph as pg
from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.core.forecast import BalancePath, Goal
from app.core.money import format_money, round_money
from app.core.planner import WaitChoice
from app.services import planner as service
from app.services import rates as rates_service
from app.services.planner import MethodPlan, Planner, Withdrawal
from app.ui import format as fmt
from app.ui.charts.axes import DayAxis, UsdAxis
from app.ui.charts.earnings_chart import COLORS, ThresholdLine, style_plot
from app.ui.dialogs import confirm
from app.ui.edits import Edit, Runner, run_here
from app.ui.page_reads import PageReads
from app.ui.read_only import refused, writes
from app.ui.tablemodels import ROW_HEIGHT, Column, RowsModel, table_view
from app.ui.widgets.cards import CardRow, StatCard
from app.ui.widgets.empty_state import EmptyState
from app.ui.widgets.named import named
from app.ui.widgets.page import page_layout, rates_line, title_block
from app.ui.widgets.side_by_side import SideBySide, least_width, table_card_needs

DASH = "\u2014"
EMPTY_HEADING = "Nothing to plan yet"
EMPTY_BODY = ("Import a gift log, LIVE list or payout file with <b>File \u203a Import</b> "
              "(Ctrl+I); the planner then shows when and how to withdraw. Or try it on "
              "sample data:")
FIXED_FEE_NOTE = "fixed fees apply to each withdrawal"
CHART_LEAST = 300  # px: the When chart beside the methods; narrower, it goes above them
SPREAD_COLUMN, LOCAL_COLUMN, SCHEDULE_LOCAL_COLUMN = 6, 2, 5


def _percent(fraction: Decimal) -> str:
    """2% / 2.5%: a rate table's fraction as the percent it is."""
    return f"{(fraction * 100).normalize():f}%"


def _x(day: date) -> float:
    return datetime.combine(day, time(), UTC).timestamp()


def _short(day: date) -> str:
    return f"{day:%b} {day.day}"


# ---- the method table --------------------------------------------------------------------------

def method_columns(currency: str) -> list[Column[MethodPlan]]:
    def fee(m: MethodPlan) -> str:
        parts = [_percent(m.method.percent_fee)] if m.method.percent_fee else []
        if m.method.fixed_fee_usd:
            parts.append(fmt.usd(m.method.fixed_fee_usd))
        return " + ".join(parts) or "none"

    def money(amount: Decimal, m: MethodPlan, code: str = "USD") -> str:
        return format_money(amount, code) if m.withdrawals else DASH

    # what arrives and when first, then what it costs and why: the card is narrow on a
    # 1,024 px window and scrolls sideways only to the fee's parts and the days
    return [
        Column("Method", lambda m: m.method.name, fill=112),  # "Bank transfer" whole
        Column("Net USD", lambda m: money(m.net_usd, m), True,
               tip=lambda m: "what arrives, in USD terms"),
        Column(f"Net {currency}", lambda m: money(m.net_local, m, currency), True),
        Column("Arrives", lambda m: fmt.day(m.arrives) if m.arrives else "not at this pace"),
        Column("Costs", lambda m: money(m.fee_usd + m.spread_usd, m), True,
               tip=lambda m: "fee + FX spread, all withdrawals"),
        Column("Fee", fee, tip=lambda m: "fixed + percent of each withdrawal"),
        Column("Spread", lambda m: _percent(m.method.fx_spread) if currency != "USD"
               else "none", True),
        Column("Days", lambda m: str(m.method.processing_days), True,
               tip=lambda m: "processing days after each request"),
    ]


def schedule_columns(currency: str) -> list[Column[Withdrawal]]:
    return [
        Column("Request", lambda w: fmt.day(w.day)),
        Column("Amount", lambda w: fmt.usd(w.quote.gross_usd), True),
        Column("Fee", lambda w: fmt.usd(w.quote.fee_usd), True),
        Column("Spread", lambda w: fmt.usd(w.quote.spread_usd), True),
        Column("Net USD", lambda w: fmt.usd(w.quote.net_usd), True),
        Column(f"Net {currency}", lambda w: format_money(w.quote.net_local, currency), True),
        Column("Arrives", lambda w: fmt.day(w.arrives)),
    ]


# ---- the forecast chart ------------------------------------------------------------------------

class ForecastChart(pg.PlotWidget):
    """The expected balance from today's balance, its 10th-90th percentile band,
    and the threshold line it crosses. Items are kept and refreshed with setData."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.date_axis = DayAxis("bottom", utcOffset=0)
        super().__init__(parent, background="w",
                         axisItems={"bottom": self.date_axis, "left": UsdAxis("left")})
        plot = self.getPlotItem()
        style_plot(plot)
        edge = pg.mkPen(COLORS["band_edge"], width=1)
        self.low = pg.PlotDataItem(pen=edge)
        self.high = pg.PlotDataItem(pen=edge)
        self.band = pg.FillBetweenItem(self.low, self.high, brush=COLORS["band"])
        self.expected = pg.PlotDataItem(antialias=True, pen=pg.mkPen(COLORS["balance"], width=2.5))
        self.threshold = ThresholdLine(
            angle=0, movable=False, label="Minimum",
            labelOpts={"position": 0.98, "color": COLORS["threshold"],
                       "fill": (255, 255, 255, 210), "anchors": [(1, 1), (1, 1)]},
            pen=pg.mkPen(COLORS["threshold"], width=1.5, style=Qt.PenStyle.DashLine))
        self.crossing = pg.ScatterPlotItem(symbol="o", size=10, brush="w",
                                           pen=pg.mkPen(COLORS["balance"], width=2))
        self.label = pg.TextItem(color=COLORS["balance"], anchor=(1, 1.15),
                                 fill=(255, 255, 255, 210))
        self.today = pg.InfiniteLine(angle=90, movable=False, label="today",
                                     pen=pg.mkPen(COLORS["crosshair"], width=1,
                                                  style=Qt.PenStyle.DotLine),
                                     # right of the line: today is the path's first day,
                                     # at the plot's left edge (left of it, "today" was cut
                                     # to "y")
                                     labelOpts={"position": 0.95, "color": COLORS["axis"],
                                                "anchors": [(-0.1, 0), (-0.1, 0)]})
        for item in (self.low, self.high, self.expected, self.threshold, self.crossing,
                     self.today):
            self.addItem(item)
        self.addItem(self.band, ignoreBounds=True)
        self.addItem(self.label, ignoreBounds=True)
        self.threshold_usd: Decimal | None = None

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_threshold_label()

    def _fit_threshold_label(self) -> None:
        """"Minimum $100.00" where the plot has room for it, else "$100.00" (a narrow card
        cut it to "nimum $100.00")."""
        threshold = getattr(self, "threshold_usd", None)  # None while being built
        if threshold is None or self.plotItem is None:  # or once closed
            return
        amount = fmt.usd(threshold)
        full = f"Minimum {amount}"
        room = self.getPlotItem().getViewBox().width()
        wide = QFontMetrics(self.threshold.label.textItem.font()).horizontalAdvance(full)
        self.threshold.label.setFormat(full if wide + 12 <= room else amount)

    def show_path(self, path: BalancePath, threshold_usd: Decimal, crossing: date | None,
                  today: date) -> None:
        xs = [_x(d) for d in path.days]
        self.expected.setData(xs, [float(v) for v in path.expected])
        self.low.setData(xs, [float(v) for v in path.low])
        self.high.setData(xs, [float(v) for v in path.high])
        self.threshold.setValue(float(threshold_usd))
        self.threshold_usd = threshold_usd
        self._fit_threshold_label()
        # a balance already above the threshold has no crossing to mark
        shown = crossing is not None and crossing in path.days and crossing != path.days[0]
        if crossing is not None and shown:
            y = float(path.expected[path.days.index(crossing)])
            self.crossing.setData([_x(crossing)], [y])
            self.label.setText(f"{fmt.usd(threshold_usd)} \u2248 {_short(crossing)}")
            self.label.setPos(_x(crossing), y)
        else:
            self.crossing.setData([], [])
        self.label.setVisible(shown)
        self.today.setValue(_x(today))
        self.today.setVisible(path.days[0] <= today <= path.days[-1])
        self.getPlotItem().setXRange(xs[0], xs[-1], padding=0.02)
        low = min(min(path.low), threshold_usd)
        high = max(max(path.high), threshold_usd)
        self.getPlotItem().setYRange(float(low), float(high), padding=0.08)


# ---- the page ----------------------------------------------------------------------------------

def _card(heading: str) -> tuple[QFrame, QVBoxLayout]:
    card = named(QFrame(), "card")
    layout = QVBoxLayout(card)
    layout.setContentsMargins(18, 14, 18, 14)
    layout.setSpacing(8)
    layout.addWidget(named(QLabel(heading), "cardHeading"))
    return card, layout


def _detail(text: str = "") -> QLabel:
    label = named(QLabel(text), "cardDetail")
    label.setWordWrap(True)
    return label


def _to_day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("MMM d, yyyy")
    return edit


class Page(QWidget):
    ledger_changed = Signal()  # this page changed the ledger: the window reloads its pages

    def __init__(self, db: Database, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self._db = db
        # who saves a calibrated rate: at once here; in the window, its undo stack on the worker
        self.run_edit: Runner = run_here(self, db, self.ledger_changed.emit)
        self.today = today  # None: the real today (tests fix it)
        self.plan: Planner | None = None
        self._cal_default: QDate | None = None  # the payout day shown until one is chosen
        self.empty = EmptyState(EMPTY_HEADING, EMPTY_BODY, demo=True)
        self.content = self._content()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.content)
        scroll.setObjectName("plannerScroll")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.empty)
        outer.addWidget(scroll)
        self.scroller = scroll
        self.busy = named(QLabel(), "busyLabel")  # a first visit's "Loading..." line
        self.busy.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.busy.setWordWrap(True)
        self.busy.hide()
        outer.addWidget(self.busy)
        self.reads = PageReads(self, db, self.show_plan, self._show_busy)

    def _content(self) -> QWidget:
        content = named(QWidget(), "plannerContent")
        layout, self.subtitle = page_layout(content, "Planner")
        self.rates = rates_line(title_block(layout))
        layout.addWidget(self._cards())
        chart, methods = self._chart_card(), self._methods_card()
        # the methods' table needs the page's width on a 1,024 px window: the chart goes
        # under it (a 600 px high window shows the table without scrolling)
        self.middle = SideBySide([chart, methods],
                                 [least_width(chart, CHART_LEAST),
                                  table_card_needs(methods, self.methods_table)], [3, 8],
                                 last_on_top=True)
        layout.addWidget(self.middle, 1)
        layout.addWidget(CardRow([self._wait_card(), self._goal_card(),
                                  self._calibrate_card()]))
        return content

    def _cards(self) -> CardRow:
        self.balance_card = StatCard("Balance")
        self.minimum_card = StatCard("Minimum and daily cap")
        self.pending_card = StatCard("Pending payouts")
        self.when_card = StatCard("Withdraw")
        return CardRow([self.balance_card, self.minimum_card, self.pending_card,
                        self.when_card])

    def _chart_card(self) -> QFrame:
        card, layout = _card("When")
        self.chart = ForecastChart(card)
        self.chart.setMinimumHeight(180)
        self.method_note = _detail()
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.method_note)
        return card

    def _methods_card(self) -> QFrame:
        card, layout = _card("How")
        self.how_note = _detail()
        self.methods_model: RowsModel[MethodPlan] = RowsModel(method_columns("USD"), parent=self)
        self.methods_table = table_view(self.methods_model)
        self.methods_table.selectionModel().selectionChanged.connect(self._method_selected)
        self.schedule_model: RowsModel[Withdrawal] = RowsModel(
            schedule_columns("USD"), parent=self)
        self.schedule_table = table_view(self.schedule_model)
        self.schedule_note = _detail()
        layout.addWidget(self.how_note)
        layout.addWidget(self.methods_table)
        layout.addWidget(self.schedule_note)
        layout.addWidget(self.schedule_table, 1)
        layout.addStretch(0)
        return card

    def _wait_card(self) -> QFrame:
        card, layout = _card("Now or later")
        self.wait_method = QComboBox()
        self.wait_until = _date_edit()
        form = QGridLayout()
        form.addWidget(named(QLabel("Method"), "filterLabel"), 0, 0)
        form.addWidget(self.wait_method, 0, 1)
        form.addWidget(named(QLabel("Wait until"), "filterLabel"), 1, 0)
        form.addWidget(self.wait_until, 1, 1)
        self.wait_result = _detail()
        layout.addLayout(form)
        layout.addWidget(self.wait_result, 1)
        self.wait_method.activated.connect(self.update_wait)
        self.wait_until.dateChanged.connect(self.update_wait)
        return card

    def _goal_card(self) -> QFrame:
        card, layout = _card("Goal")
        self.goal_amount = QDoubleSpinBox()
        self.goal_amount.setRange(0, 10_000_000)
        self.goal_amount.setDecimals(2)
        self.goal_amount.setGroupSeparatorShown(True)
        self.goal_amount.setValue(1000)
        self.goal_by = _date_edit()
        row = QHBoxLayout()
        row.addWidget(named(QLabel("I want"), "filterLabel"))
        row.addWidget(self.goal_amount, 1)
        row.addWidget(named(QLabel("by"), "filterLabel"))
        row.addWidget(self.goal_by, 1)
        self.goal_result = _detail()
        layout.addLayout(row)
        layout.addWidget(self.goal_result, 1)
        self.goal_amount.valueChanged.connect(self.update_goal)
        self.goal_by.dateChanged.connect(self.update_goal)
        return card

    def _calibrate_card(self) -> QFrame:
        card, layout = _card("Calibrate from a payout")
        self.cal_diamonds = QSpinBox()
        self.cal_diamonds.setRange(0, 1_000_000_000)
        self.cal_diamonds.setGroupSeparatorShown(True)
        self.cal_cash = QDoubleSpinBox()
        self.cal_cash.setRange(0, 10_000_000)
        self.cal_cash.setDecimals(2)
        self.cal_cash.setPrefix("$")
        self.cal_cash.setGroupSeparatorShown(True)
        self.cal_day = _date_edit()
        self.cal_method = QComboBox()  # the payout's method: its fee is in the rate it gives
        self.cal_method.setToolTip("The saved rate is net of this method's fee: the plan does "
                                   "not charge that fee again when withdrawing by it")
        form = QGridLayout()
        for row, (label, field) in enumerate((("Diamonds withdrawn", self.cal_diamonds),
                                              ("Cash received (USD)", self.cal_cash),
                                              ("Paid on", self.cal_day),
                                              ("Paid by", self.cal_method))):
            form.addWidget(named(QLabel(label), "filterLabel"), row, 0)
            form.addWidget(field, row, 1)
        self.cal_result = _detail("Enter a real payout to see the rate you were paid.")
        self.cal_save = writes(named(QPushButton("Save as my region's rate\u2026"),
                                     "secondaryButton"))
        self.cal_save.setEnabled(False)
        layout.addLayout(form)
        layout.addWidget(self.cal_result, 1)
        layout.addWidget(self.cal_save, 0, Qt.AlignmentFlag.AlignLeft)
        self.cal_diamonds.valueChanged.connect(self.update_calibration)
        self.cal_cash.valueChanged.connect(self.update_calibration)
        self.cal_day.dateChanged.connect(self.update_calibration)
        self.cal_save.clicked.connect(self.save_calibration)
        return card

    # ---- showing ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the plan again: on a big ledger on the worker (1M gifts: ~30-40 ms)."""
        today = self.today
        self.reads.start(lambda db: service.planner(db, today=today))

    @property
    def loading(self) -> bool:
        return self.reads.running

    def _show_busy(self, text: str) -> None:
        """A first visit says it is loading; a plan on screen stays until the new one."""
        if self.plan is not None:
            self.subtitle.setText(text)
            return
        self.busy.setText(text)
        self.empty.hide()
        self.scroller.hide()
        self.busy.show()

    def show_plan(self, plan: Planner | None) -> None:
        self.plan = plan
        self.busy.hide()
        self.empty.setVisible(plan is None)
        self.scroller.setVisible(plan is not None)
        if plan is None:
            return
        last = (f"last earnings {fmt.day(plan.last_day)}" if plan.last_day
                else "no earnings yet")
        self.subtitle.setText(f"@{plan.handle} \u00b7 {plan.rates.region} rates \u00b7 paid in "
                              f"{plan.currency} \u00b7 {last}")
        self.rates.setText(f"Rates used: {plan.rates_line}")
        self._fill_cards(plan)
        self._fill_when(plan)
        self._fill_how(plan)
        self._reset_inputs(plan)

    def _fill_cards(self, p: Planner) -> None:
        s = p.summary
        local = "" if p.currency == "USD" else (
            f"{fmt.balance(p.balance_local, p.currency)} at {round_money(p.per_usd, 4)} "
            f"{p.currency}/USD"
            " \u00b7 ")
        self.balance_card.set_text(fmt.balance(s.balance_usd),
                                   f"{local}{fmt.diamonds(s.balance_diamonds)} diamonds")
        self.minimum_card.set_text(
            fmt.usd(s.threshold_usd),
            f"at most {fmt.usd(p.rates.daily_cap_usd)} a day \u00b7 {p.rates.region} rates "
            f"from {fmt.day(p.rates.valid_from)}")
        self.pending_card.set_text(
            fmt.usd(p.pending_usd),
            f"{p.pending_count} on the way: already off the balance" if p.pending_count
            else "nothing on the way")
        self._fill_when_card(p)

    def _fill_when_card(self, p: Planner) -> None:
        s = p.summary
        if s.withdrawable:
            self.when_card.set_text("Now", f"{fmt.balance(s.balance_usd)} is above the "
                                    f"{fmt.usd(s.threshold_usd)} minimum", "good")
        else:
            self.when_card.set_text(*fmt.forecast_day(p.forecast))

    def _fill_when(self, p: Planner) -> None:
        self.chart.show_path(p.path, p.summary.threshold_usd, p.plan.threshold_date, p.today)
        if p.forecast.stale and p.last_day is not None:
            self.method_note.setText(
                f"From today's balance on {fmt.day(p.today)}: nothing was earned in the "
                f"{p.forecast.quiet_days} days since {fmt.day(p.last_day)}, so nothing is "
                "projected to grow (weeks that long gone are no pattern to follow).")
            return
        start = (f"the weeks up to {fmt.day(p.last_day)}, the last day with earnings"
                 if p.last_day else "no earnings yet")
        self.method_note.setText(
            f"From today's balance on {fmt.day(p.today)}, following {start}, at "
            f"{fmt.usd(p.pace_usd)}/day on average. Method: {p.forecast.method}.")

    def _fill_how(self, p: Planner) -> None:
        self.how_note.setText(how_text(p))
        self.methods_model.columns = method_columns(p.currency)
        self.methods_model.set_rows(list(p.methods))
        usd = p.currency == "USD"  # no spread, and the local amount is the USD one
        self.middle.set_stretches([5, 6] if usd else [3, 8])  # two more columns need the room
        for column in (SPREAD_COLUMN, LOCAL_COLUMN):
            self.methods_table.setColumnHidden(column, usd)
        self.schedule_table.setColumnHidden(SCHEDULE_LOCAL_COLUMN, usd)
        self.schedule_model.columns = schedule_columns(p.currency)
        table = self.methods_table
        # every method's row, and room for the scroll bar a narrow card gives the table
        table.setFixedHeight(table.horizontalHeader().sizeHint().height()
                             + ROW_HEIGHT * len(p.methods) + 2
                             + table.horizontalScrollBar().sizeHint().height())
        best = max(range(len(p.methods)), key=lambda i: p.methods[i].net_usd, default=None)
        if best is None:
            self.show_schedule(None)
        else:
            table.selectRow(best)  # shows its schedule
            self.show_schedule(p.methods[best])

    def _method_selected(self, *_args: object) -> None:
        chosen = self.methods_table.selectionModel().selectedRows()
        if chosen:
            self.show_schedule(self.methods_model.row_at(chosen[0].row()))

    def show_schedule(self, m: MethodPlan | None) -> None:
        """The day-by-day withdrawals of one method, when the cap makes more than one."""
        several = m is not None and len(m.withdrawals) > 1
        if m is not None and several:
            assert self.plan is not None
            self.schedule_note.setText(
                f"Above the {fmt.usd(self.plan.rates.daily_cap_usd)} daily cap: "
                f"{len(m.withdrawals)} withdrawals by {m.method.name}, one a day; "
                f"{FIXED_FEE_NOTE}.")
        self.schedule_model.set_rows(list(m.withdrawals) if m is not None and several else [])
        self.schedule_note.setVisible(several)
        self.schedule_table.setVisible(several)

    def _reset_inputs(self, p: Planner) -> None:
        """New choices for a new plan; the typed amounts stay."""
        chosen = self.wait_method.currentText()
        self.wait_method.clear()
        self.wait_method.addItems([m.method.name for m in p.methods])
        if chosen:
            self.wait_method.setCurrentText(chosen)
        paid_by = self.cal_method.currentText()
        self.cal_method.clear()
        self.cal_method.addItems([m.method.name for m in p.methods])
        if paid_by:
            self.cal_method.setCurrentText(paid_by)
        self.cal_day.blockSignals(True)
        self.cal_day.setMaximumDate(_to_qdate(p.today))  # a payout already made
        if self._cal_default in (None, self.cal_day.date()):  # not chosen by hand: today
            self._cal_default = _to_qdate(p.today)
            self.cal_day.setDate(self._cal_default)
        self.cal_day.blockSignals(False)
        tomorrow = _to_qdate(p.today + timedelta(days=1))
        for edit, default in ((self.wait_until, 14), (self.goal_by, 30)):
            edit.blockSignals(True)
            edit.setMinimumDate(tomorrow)
            if edit.date() <= tomorrow:
                edit.setDate(_to_qdate(p.today + timedelta(days=default)))
            edit.blockSignals(False)
        self.goal_amount.setSuffix(f" {p.currency}")
        self.update_wait()
        self.update_goal()
        self.update_calibration()

    # ---- the inputs ---------------------------------------------------------------------------

    def update_wait(self) -> None:
        if self.plan is None or not self.wait_method.currentText():
            return
        choice = service.wait(self.plan, self.wait_method.currentText(),
                              _to_day(self.wait_until.date()))
        self.wait_result.setText(wait_text(self.plan, choice))

    def update_goal(self) -> None:
        if self.plan is None:
            return
        amount = Decimal(f"{self.goal_amount.value():.2f}")
        try:
            result = service.goal_for(self.plan, amount, _to_day(self.goal_by.date()))
        except ValueError as exc:
            self.goal_result.setText(str(exc))
            return
        self.goal_result.setText(goal_text(result))

    def _cash(self) -> Decimal:
        return Decimal(f"{self.cal_cash.value():.2f}")

    def update_calibration(self) -> None:
        day = _to_day(self.cal_day.date())
        region = self.plan.rates.region if self.plan else ""
        self.cal_save.setText(f"Save as my {region} rate from {fmt.day(day)}\u2026")
        ready = self.plan is not None and self.cal_diamonds.value() > 0 and self._cash() > 0
        self.cal_save.setEnabled(ready)
        if self.plan is None or self.cal_diamonds.value() <= 0:
            return
        cal = service.calibration(self.plan, self.cal_diamonds.value(), self._cash())
        nominal = self.plan.rates.usd_per_diamond
        self.cal_result.setText(
            f"<b>${cal.usd_per_diamond.normalize():f} per diamond</b> (nominal "
            f"${nominal.normalize():f}): {fmt.percent(cal.implied_fee_fraction)} of the "
            "nominal value went to fees.")

    def save_calibration(self) -> None:
        """The calibrated rate as the region's entry from the payout's day, after asking."""
        if self.plan is None or refused(self, "Rate not saved") or not self.cal_save.isEnabled():
            return
        region, day = self.plan.rates.region, _to_day(self.cal_day.date())
        diamonds, cash = self.cal_diamonds.value(), self._cash()
        form = rates_service.calibration_form(self._db, region, day, diamonds, cash,
                                              self.cal_method.currentText())
        if not confirm.ask(self, "Save calibrated rate", calibration_question(
                region, day, diamonds, cash, form.usd_per_diamond,
                rates_service.form_for(self._db, region, day).usd_per_diamond,
                form.net_of_method), "Save rate"):
            return
        self.run_edit(Edit(f"Save calibrated {region} rate from {day.isoformat()}",
                           lambda db: rates_service.save_region_rate(db, region, form),
                           "Rate not saved"))


def calibration_question(region: str, day: date, diamonds: int, cash: Decimal, rate: str,
                         before: str, method: str = "") -> str:
    return (f"From {fmt.day(day)} on, value every day's diamonds in {region} at ${rate} per "
            f"diamond (until then ${before}), as this payout paid: {diamonds:,} diamonds for "
            f"{fmt.usd(cash)}. Earlier days keep their rates; a later entry still takes over "
            f"from its own day. {fee_note(method)} You can delete the entry on the Rates page.")


def fee_note(method: str) -> str:
    if not method:
        return "The payout methods' fees still apply on top in the plan."
    return (f"The rate is net of {method}'s fee: the plan charges no {method} fee again "
            "(other methods' fees still apply).")


def how_text(p: Planner) -> str:
    """What the method table withdraws, from when, and what stays."""
    if p.request_day is None:
        return f"{p.forecast.note or 'No day to plan for'}: fees only."
    if p.summary.withdrawable:
        what = (f"Withdrawing the balance, {fmt.balance(p.amount_usd)}, from "
                f"{fmt.day(p.request_day)}.")
    else:
        what = (f"Withdrawing the {fmt.usd(p.amount_usd)} minimum on the forecast day, "
                f"{fmt.day(p.request_day)}.")
    stays = p.plan.chosen.stays_note
    return f"{what} {stays}." if stays else what


def wait_text(p: Planner, choice: WaitChoice) -> str:
    local = p.currency != "USD"

    def part(label: str, w: MethodPlan) -> str:
        if not w.withdrawals:
            return (f"{label}: nothing to withdraw, "
                    f"{fmt.balance(w.stays_usd)} is under the {fmt.usd(w.minimum_usd)} minimum.")
        extra = f" ({format_money(w.net_local, p.currency)})" if local else ""
        days = f" over {len(w.withdrawals)} days" if len(w.withdrawals) > 1 else ""
        return (f"{label}: withdraw {fmt.usd(w.gross_usd)}{days}, "
                f"<b>{fmt.usd(w.net_usd)}{extra}</b> arrives.")

    return "<br>".join([
        part("Now", choice.now), part(fmt.day(choice.later_day), choice.later),
        f"Waiting adds <b>{fmt.usd(choice.gain_usd)}</b> at {fmt.usd(p.pace_usd)}/day."])


def goal_text(g: Goal) -> str:
    gifts = ", ".join(f"{e.count:,} {e.name}" for e in g.gifts_per_day)
    if not g.missing_usd:
        return "Already there: the balance covers it."
    return (f"<b>{fmt.diamonds(g.diamonds_per_day)} diamonds a day</b> for {g.days} days "
            f"({fmt.usd(g.missing_usd)} missing), a day's worth in one kind of gift: {gifts}.")
