"""
Server-rendered SVG bar charts for back-office dashboards. Pure: data in, markup out; no JavaScript.

A chart is drawn for sighted readers and hidden from assistive technology's detail (``role="img"`` with a
title); ``organizations/backoffice/_chart.html`` puts the same numbers in a table with a caption beside it,
which is what screen-reader users and keyboard users read (decision 0304).
"""

from dataclasses import dataclass, field
from itertools import count

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

_ids = count(1)

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 190
BAR_WIDTH = 360
VALUE_WIDTH = 70


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    display: str = ""

    @property
    def text(self) -> str:
        return self.display or f"{self.value:g}"


@dataclass
class Chart:
    title: str
    bars: list[Bar]
    column: str = ""
    unit: str = ""
    max_value: float | None = None
    chart_id: str = field(default_factory=lambda: f"chart-{next(_ids)}")

    @property
    def empty(self) -> bool:
        return not self.bars

    @property
    def svg(self) -> SafeString:
        return bar_chart_svg(self)


def _truncate(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart_svg(chart: Chart) -> SafeString:
    """A horizontal bar chart; bar lengths scale to ``max_value`` (or the largest value)."""
    top = max([chart.max_value or 0, *(bar.value for bar in chart.bars)]) or 1
    height = len(chart.bars) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    rows = []
    for index, bar in enumerate(chart.bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = max(0.0, min(1.0, bar.value / top)) * BAR_WIDTH
        rows.append(
            (
                LABEL_WIDTH - 8,
                f"{y + BAR_HEIGHT * 0.7:.1f}",
                _truncate(bar.label),
                LABEL_WIDTH,
                y,
                f"{length:.1f}",
                BAR_HEIGHT,
                f"{LABEL_WIDTH + length + 6:.1f}",
                f"{y + BAR_HEIGHT * 0.7:.1f}",
                bar.text + chart.unit,
            )
        )
    body = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end" fill="#212529" font-size="13">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" rx="2" fill="#23415f"></rect>'
        '<text x="{}" y="{}" fill="#212529" font-size="13">{}</text>',
        rows,
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-labelledby="{}-title" '
        'viewBox="0 0 {} {}" width="100%" preserveAspectRatio="xMinYMin meet" focusable="false">'
        '<title id="{}-title">{}</title>{}</svg>',
        chart.chart_id,
        width,
        height,
        chart.chart_id,
        chart.title,
        body,
    )
