"""Small charts drawn on the server as SVG: no script, no build step, a table beside each.

A chart is an inline `<svg role="img">` (a "group" when its bars are links) with an
aria-label, a `<title>` tooltip on every bar or point, and the same numbers as a table
(`lib/_chart.html` puts it in a `<details>`). Used by the dashboards and by the pages of
any lower app (opinion's synthesis), hence here.
Colours come from classes in danvan.css, with presentation attributes as a fallback: the
content security policy forbids style attributes.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from html import escape  # the standard library's: Django's is lazy-aware and slower here

from django.utils import formats, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# Natural widths: half of the page's content, and all of it. A chart is drawn at its natural
# size (its text at the page's size) and shrinks on narrow screens.
WIDTH = 540
WIDE = 1120
FONT = 12  # px in the viewBox: the svg's font-size
CHAR = 6.6  # mean width of a character at that size, to fit labels


@dataclass(frozen=True)
class Point:
    label: str
    value: float | None
    href: str = ""
    title: str = ""  # the tooltip; "label: value" when empty
    highlight: bool = False
    axis: str = ""  # a shorter label under the axis ("05", or "01\n2026"); the label if empty


@dataclass(frozen=True)
class Series:
    name: str
    points: list[Point]
    css: str = "s1"


@dataclass
class Chart:
    title: str
    svg: SafeString
    headers: list[str]
    rows: list[list[str]]  # the table beside the chart: a label, then one value per series
    wide: bool = False
    legend: tuple[tuple[str, str], ...] = ()  # (colour, text) above the chart, in the page's type


# Numbers


def _separators() -> dict[int, str]:
    """The active language's decimal and thousand separators, as a str.translate table."""
    language = translation.get_language()
    if language not in _SEPARATORS:
        _SEPARATORS[language] = str.maketrans(
            {
                ".": str(formats.get_format("DECIMAL_SEPARATOR")),
                ",": str(formats.get_format("THOUSAND_SEPARATOR")),
            }
        )
    return _SEPARATORS[language]


_SEPARATORS: dict[str | None, dict[int, str]] = {}


def format_value(value: float | None, unit: str = "count") -> str:
    """A figure as Vietnamese (or English) readers write it: 1.234.567 and 85,3%.

    What `formats.number_format(value, decimals, force_grouping=True)` gives, a tenth of its
    cost: a ranking formats some 700 figures."""
    if value is None:
        return "—"
    if unit == "percent":
        return f"{value:,.1f}".translate(_separators()) + "%"
    if float(value).is_integer():
        return f"{int(value):,}".translate(_separators())
    return f"{value:,.1f}".translate(_separators())


# Drawing helpers


def _num(value: float) -> str:
    """A coordinate: short, and the same whatever the locale."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _esc(text) -> str:
    return escape(str(text))


def _attrs(**attrs) -> str:
    parts = []
    for name, value in attrs.items():
        if value is None or value == "":
            continue
        name = name.rstrip("_").replace("_", "-")
        if isinstance(value, float | int) and not isinstance(value, bool):
            value = _num(value)
        parts.append(f'{name}="{_esc(value)}"')
    return " ".join(parts)


def _tag(name: str, content: str = "", **attrs) -> str:
    opening = f"<{name} {_attrs(**attrs)}".rstrip()
    return f"{opening}>{content}</{name}>" if content else f"{opening}/>"


def _text(x, y, text: str, **attrs) -> str:
    return _tag("text", _esc(text), x=x, y=y, **attrs)


def _axis_label(x, y, text: str, room: float) -> str:
    """A label under the x axis, on two lines where it holds a line break."""
    first, _sep, second = text.partition("\n")
    if not second:
        return _text(x, y, _fit(first, room), class_="axis", text_anchor="middle")
    lines = _tag("tspan", _esc(first), x=x) + _tag("tspan", _esc(second), x=x, dy=FONT + 2)
    return _tag("text", lines, x=x, y=y, class_="axis", text_anchor="middle")


def _link(href: str, content: str) -> str:
    return _tag("a", content, href=href) if href else content


def _svg(title: str, width: float, height: float, body: list[str], css: str) -> SafeString:
    attrs = _attrs(
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {_num(width)} {_num(height)}",
        width=width,
        height=height,
        # Bars that link to a drill-down are focusable: an image may not hold them, a group may.
        role="group" if any("<a " in part for part in body) else "img",
        aria_label=title,
        class_=f"chart-svg {css}",
        font_size=FONT,
        preserveAspectRatio="xMinYMin meet",
    )
    return mark_safe(f"<svg {attrs}>{''.join(body)}</svg>")  # noqa: S308 - every text is escaped


def nice_max(value: float, *, whole: bool = False) -> float:
    """The top of an axis: 1, 2, 2.5 or 5 times a power of ten, at least the value (a whole
    number for counts)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        top = step * power
        if top >= value and (not whole or float(top).is_integer()):
            return top
    return 10 * power


def _is_round(step: float) -> bool:
    """1, 2, 2.5 or 5 times a power of ten."""
    if step <= 0:
        return False
    mantissa = step / 10 ** math.floor(math.log10(step))
    return any(math.isclose(mantissa, m) for m in (1, 2, 2.5, 5))


def _ticks(top: float, *, whole: bool = False) -> list[float]:
    """Four or five round steps from 0 to the top; whole numbers for counts."""
    choices = [k for k in (4, 5, 2, 1) if not whole or float(top / k).is_integer()]
    n = next((k for k in choices if _is_round(top / k)), choices[0] if choices else 1)
    return [top * i / n for i in range(n + 1)]


def _grid(top: float, unit: str, x1: float, x2: float, y_of: Callable[[float], float]) -> list:
    """The value axis of a chart: a grid line and its label at each tick, from 0 to the top."""
    body = []
    for tick in _ticks(top, whole=unit == "count"):
        y = y_of(tick)
        body.append(_tag("line", x1=x1, y1=y, x2=x2, y2=y, class_="grid", stroke="#e3e3e3"))
        body.append(
            _text(x1 - 6, y + 4, format_value(tick, unit), class_="tick", text_anchor="end")
        )
    return body


def _top(values: list[float], unit: str) -> float:
    return 100.0 if unit == "percent" else nice_max(max(values, default=0), whole=unit == "count")


def _fit(text: str, width: float) -> str:
    most = max(int(width / CHAR), 3)
    return text if len(text) <= most else text[: most - 1] + "…"


def _label_every(labels: list[str], room: float) -> int:
    """Label every n-th bar, so that the labels under the axis do not overlap."""
    longest = max((len(line) for label in labels for line in label.split("\n")), default=1)
    return max(1, math.ceil(len(labels) * (longest * CHAR + 8) / room))


def _tooltip(point: Point, unit: str, series: str = "") -> str:
    if point.title:
        return point.title
    name = f"{series} · {point.label}" if series else point.label
    return f"{name}: {format_value(point.value, unit)}"


# Charts


def bar_chart(
    title: str,
    series: list[Series],
    *,
    unit: str = "count",
    height: int = 240,
    values_on_bars: bool | None = None,
    wide: bool = False,
    category: str = "",
) -> Chart:
    """Vertical bars over categories or time, side by side when there are several series."""
    labels = [p.label for p in series[0].points]
    values = [p.value or 0 for s in series for p in s.points]
    top = _top(values, unit)
    width = WIDE if wide else WIDTH
    legend = 22 if len(series) > 1 else 0
    left, right, bottom, top_margin = 52, 8, 44, 12 + legend
    plot_w, plot_h = width - left - right, height - top_margin - bottom
    slot = plot_w / max(len(labels), 1)
    bar_w = min(slot * 0.72 / len(series), 56)
    if values_on_bars is None:
        values_on_bars = len(labels) * len(series) <= 14

    def y_of(value: float) -> float:
        return top_margin + plot_h - plot_h * value / top

    body = _grid(top, unit, left, width - right, y_of)
    axes = [p.axis or p.label for p in series[0].points]
    label_every = _label_every(axes, plot_w)
    for i in range(len(labels)):
        x0 = left + slot * i + (slot - bar_w * len(series)) / 2
        for j, s in enumerate(series):
            point = s.points[i]
            value = point.value or 0
            y = y_of(value)
            css = f"bar {s.css}" + (" hl" if point.highlight else "")
            rect = _tag(
                "rect",
                _tag("title", _esc(_tooltip(point, unit, s.name if len(series) > 1 else ""))),
                x=x0 + bar_w * j,
                y=y,
                width=max(bar_w - 2, 1),
                height=max(top_margin + plot_h - y, 0),
                class_=css,
                fill="#0b57d0",
            )
            body.append(_link(point.href, rect))
            if values_on_bars and point.value is not None:
                body.append(
                    _text(
                        x0 + bar_w * j + bar_w / 2 - 1,
                        y - 4,
                        format_value(point.value, unit),
                        class_="value",
                        text_anchor="middle",
                    )
                )
        if i % label_every == 0:
            x = left + slot * (i + 0.5)
            body.append(_axis_label(x, height - bottom + 16, axes[i], slot * label_every))
    body.append(_baseline(left, width - right, top_margin + plot_h))
    body.extend(_legend(series, left))
    headers, rows = _table(series, labels, category, unit)
    return Chart(title, _svg(title, width, height, body, "bars"), headers, rows, wide=wide)


def _baseline(x1: float, x2: float, y: float) -> str:
    """The axis line under a chart's bars or lines."""
    return _tag("line", x1=x1, y1=y, x2=x2, y2=y, class_="baseline", stroke="#5f6368")


def _table(series, labels, category: str, unit: str) -> tuple[list, list]:
    """The accessible table behind a chart: a row per label, a column per series."""
    headers = [category] + [s.name for s in series]
    rows = [
        [label] + [format_value(s.points[i].value, unit) for s in series]
        for i, label in enumerate(labels)
    ]
    return headers, rows


def _legend(series: list[Series], left: float) -> list[str]:
    if len(series) < 2:
        return []
    body, x = [], left
    for s in series:
        body.append(
            _tag("rect", x=x, y=4, width=12, height=12, class_=f"bar {s.css}", fill="#0b57d0")
        )
        body.append(_text(x + 17, 14, s.name, class_="legend"))
        x += 30 + len(s.name) * CHAR
    return body


def hbar_chart(
    title: str,
    points: list[Point],
    *,
    unit: str = "count",
    name: str = "",
    category: str = "",
    wide: bool = False,
) -> Chart:
    """Horizontal bars, one a row: for categories with long names (fields, statuses, units)."""
    width = WIDE if wide else WIDTH
    row_h, top_margin, bottom = 28, 4, 4
    longest = max((len(p.label) for p in points), default=0)
    left = min(max(longest * CHAR + 12, 60), width * 0.42)
    values = [p.value or 0 for p in points]
    top = _top(values, unit)
    value_room = 70
    plot_w = width - left - value_room
    height = top_margin + bottom + row_h * max(len(points), 1)
    body = []
    for i, point in enumerate(points):
        y = top_margin + row_h * i
        value = point.value or 0
        w = plot_w * value / top
        label = _fit(point.label, left - 12)
        body.append(_text(left - 8, y + row_h / 2 + 4, label, class_="axis", text_anchor="end"))
        rect = _tag(
            "rect",
            _tag("title", _esc(_tooltip(point, unit))),
            x=left,
            y=y + 4,
            width=max(w, 1 if point.value else 0),
            height=row_h - 8,
            class_="bar s1" + (" hl" if point.highlight else ""),
            fill="#0b57d0",
        )
        body.append(_link(point.href, rect))
        value_text = format_value(point.value, unit)
        body.append(_text(left + w + 6, y + row_h / 2 + 4, value_text, class_="value"))
    body.append(
        _tag(
            "line",
            x1=left,
            y1=top_margin,
            x2=left,
            y2=height - bottom,
            class_="baseline",
            stroke="#5f6368",
        )
    )
    rows = [[p.label, format_value(p.value, unit)] for p in points]
    svg = _svg(title, width, height, body, "hbars")
    return Chart(title, svg, [category, name or title], rows, wide=wide)


def line_chart(
    title: str,
    series: list[Series],
    *,
    unit: str = "percent",
    height: int = 240,
    category: str = "",
) -> Chart:
    """Lines over time, with a dot (and its tooltip) at each value; gaps where there is none."""
    labels = [p.label for p in series[0].points]
    values = [p.value for s in series for p in s.points if p.value is not None]
    top = _top(values, unit)
    left, right, bottom, top_margin = 52, 12, 44, 34
    plot_w, plot_h = WIDTH - left - right, height - top_margin - bottom
    step = plot_w / max(len(labels), 1)

    def x_of(i: int) -> float:
        return left + step * (i + 0.5)

    def y_of(value: float) -> float:
        return top_margin + plot_h - plot_h * value / top

    body = _grid(top, unit, left, WIDTH - right, y_of)
    for s in series:
        runs: list[list[str]] = []
        run: list[str] = []
        for i, point in enumerate(s.points):
            if point.value is None:
                if run:
                    runs.append(run)
                run = []
            else:
                run.append(f"{_num(x_of(i))},{_num(y_of(point.value))}")
        if run:
            runs.append(run)
        for run in runs:
            body.append(
                _tag(
                    "polyline",
                    points=" ".join(run),
                    class_=f"line {s.css}",
                    fill="none",
                    stroke="#0b57d0",
                    stroke_width=2,
                )
            )
        for i, point in enumerate(s.points):
            if point.value is not None:
                dot = _tag(
                    "circle",
                    _tag("title", _esc(_tooltip(point, unit, s.name))),
                    cx=x_of(i),
                    cy=y_of(point.value),
                    r=4,
                    class_=f"dot {s.css}",
                    fill="#0b57d0",
                )
                body.append(_link(point.href, dot))
    axes = [p.axis or p.label for p in series[0].points]
    label_every = _label_every(axes, plot_w)
    for i in range(len(labels)):
        if i % label_every == 0:
            body.append(_axis_label(x_of(i), height - bottom + 16, axes[i], step * label_every))
    body.append(_baseline(left, WIDTH - right, top_margin + plot_h))
    body.extend(_legend(series, left))
    headers, rows = _table(series, labels, category, unit)
    return Chart(title, _svg(title, WIDTH, height, body, "lines"), headers, rows)


# A map: places at their coordinates, coloured by a figure (no tile server, no script)


@dataclass(frozen=True)
class Spot:
    label: str
    latitude: float
    longitude: float
    value: float | None  # the figure that colours the dot (a percentage)
    href: str = ""
    more: tuple[float | None, ...] = ()  # counts shown in the table before the value


# Bands of a percentage, best first: (lowest value, colour, legend). Presentation only: where
# a figure is good or bad by rule, the rule is data elsewhere.
RATE_BANDS = ((90.0, "#1a7f37", "≥ 90%"), (70.0, "#b35900", "70–90%"), (0.0, "#c21f32", "< 70%"))
NO_DATA = "#6e7781"
MAP_MARGIN = 14
DOT_RADIUS = 8


def band_colour(value: float | None, bands=RATE_BANDS) -> str:
    if value is not None:
        for lowest, colour, _legend in bands:
            if value >= lowest:
                return colour
    return NO_DATA


def dot_map(
    title: str,
    spots: list[Spot],
    *,
    category: str,
    value_name: str,
    more_names: tuple[str, ...] = (),
    no_data: str = "",
    bands=RATE_BANDS,
    wide: bool = False,
) -> Chart:
    """Each place as a dot at its coordinates (an equirectangular projection, fine for a
    city), coloured by its band, with a legend; the table lists the same places in the same
    order: the label (a link where the dot is one), the counts, then the value."""
    width = WIDE if wide else WIDTH
    lats = [s.latitude for s in spots] or [0.0]
    lons = [s.longitude for s in spots] or [0.0]
    shrink = math.cos(math.radians(sum(lats) / len(lats)))
    span_x = max((max(lons) - min(lons)) * shrink, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    scale = (width - 2 * MAP_MARGIN) / span_x
    plot_h = span_y * scale
    if plot_h > width * 1.5:  # a tall, thin set of places: fit its height instead
        scale *= width * 1.5 / plot_h
        plot_h = width * 1.5
    height = plot_h + 2 * MAP_MARGIN
    left = MAP_MARGIN + (width - 2 * MAP_MARGIN - span_x * scale) / 2  # centred when narrower
    body = []
    for spot in spots:
        dot = _tag(
            "circle",
            _tag("title", _esc(f"{spot.label}: {format_value(spot.value, 'percent')}")),
            cx=left + (spot.longitude - min(lons)) * shrink * scale,
            cy=MAP_MARGIN + (max(lats) - spot.latitude) * scale,
            r=DOT_RADIUS,
            class_="spot",
            fill=band_colour(spot.value, bands),
            stroke="#fff",
            data_value="" if spot.value is None else repr(float(spot.value)),
        )
        body.append(_link(spot.href, dot))
    headers = [category, *more_names, value_name]
    rows = [
        [
            format_html('<a href="{}">{}</a>', spot.href, spot.label) if spot.href else spot.label,
            *(format_value(n) for n in spot.more),
            format_value(spot.value, "percent"),
        ]
        for spot in spots
    ]
    legend = tuple((colour, text) for _lowest, colour, text in bands)
    if no_data:
        legend += ((NO_DATA, no_data),)
    svg = _svg(title, width, height, body, "map")
    return Chart(title, svg, headers, rows, wide=wide, legend=legend)
