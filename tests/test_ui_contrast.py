"""Readable: every text colour of both themes and every chart line pass WCAG contrast
(4.5:1 for text on its background, 3:1 for a chart line against the plot)."""

from __future__ import annotations

import re

import pyqtgraph as pg
import pytest

from app.ui.charts.earnings_chart import COLORS
from app.ui.pages.lives import COLORS as LIVES_COLORS
from app.ui.resources import CHART_COLORS, DARK_SERIES, stylesheet, theme_charts
from app.ui.window import MainWindow

# where a rule without its own background is drawn: the canvas and the cards on it
SURFACES = {"light": ("#ffffff", "#f5f6fa"), "dark": ("#1f2937", "#111827")}
DATA_LINES = ("bars", "balance", "threshold", "payout")


def luminance(colour: str) -> float:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = [int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_rules(theme: str) -> list[tuple[str, str, str]]:
    """(selector, text colour, background) for each rule of the theme that sets a colour;
    disabled controls are exempt from WCAG's minimum."""
    qss = re.sub(r"/\*.*?\*/", "", stylesheet(theme), flags=re.S)
    found = []
    for selector, body in re.findall(r"([^{}]+)\{([^}]*)\}", qss):
        colour = re.search(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})\b", body)
        if colour is None or ":disabled" in selector:
            continue
        own = re.search(r"background(?:-color)?:\s*(#[0-9a-fA-F]{3,6})\b", body)
        for background in (own.group(1),) if own else SURFACES[theme]:
            found.append((" ".join(selector.split()), colour.group(1), background))
    return found


def test_the_contrast_formula_gives_wcags_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_text_colour_of_the_theme_reads_at_4_5_to_1(theme):
    rules = text_rules(theme)
    assert len(rules) > 40
    weak = [(s, c, b, round(contrast(c, b), 2)) for s, c, b in rules if contrast(c, b) < 4.5]
    assert weak == []


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_chart_line_stands_out_at_3_to_1_from_the_plot(theme):
    background = CHART_COLORS[theme].background
    lines = [COLORS[name] for name in DATA_LINES] + [LIVES_COLORS["caught"],
                                                     LIVES_COLORS["missed"]]
    for colour in lines:
        shown = DARK_SERIES.get(colour, colour) if theme == "dark" else colour
        assert contrast(shown, background) >= 3, f"{shown} on {background}"
    assert contrast(CHART_COLORS[theme].text, background) >= 4.5  # tick labels


def test_the_dark_balance_and_forecast_lines_stay_light_when_the_page_reloads(
        qtbot, demo_db):
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show()
    theme_charts(window, "dark")
    chart = window.overview.chart
    window.overview.refresh()  # the page alone reloads (an account chosen): setData again
    dark_plot = CHART_COLORS["dark"].background
    for item in (chart.balance, chart.forecast_line):
        assert isinstance(item, pg.PlotDataItem)
        colour = item.curve.opts["pen"].color().name()
        assert contrast(colour, dark_plot) >= 3, colour
    theme_charts(window, "light")
    assert chart.balance.curve.opts["pen"].color().name() == COLORS["balance"]
