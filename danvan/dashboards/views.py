"""Staff dashboards: a unit's figures for a period against the one before, charts, and a
ranking of its child units for each figure."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from danvan.dashboards.forms import PeriodForm
from danvan.dashboards.queries import (
    Dashboard,
    Period,
    build_dashboard,
    format_value,
    list_link,
    list_url,
    rank_children,
)
from danvan.lib import charts
from danvan.lib.charts import Point, Series
from danvan.lib.metrics import METRICS, pct
from danvan.organisations.models import Unit
from danvan.organisations.queries import breadcrumb, get_unit_for_user, scope_roots

TOP_CHILDREN = 20  # bars in a ranking's chart; the table below lists every child


def _period(request) -> tuple[PeriodForm, Period, str]:
    form = PeriodForm(request.GET or None)
    name, period = form.chosen()
    keep = {"period": name}
    if name == "custom":
        keep.update(start=period.start.isoformat(), end=period.end.isoformat())
    return form, period, urlencode(keep)


@login_required
def dashboard(request, pk=None):
    """A unit's dashboard; without a unit, the top of the user's scope."""
    roots = scope_roots(request.user)
    if pk is not None:
        unit = get_unit_for_user(request.user, pk)
    elif roots:
        unit = roots[0]
    else:
        raise PermissionDenied
    form, period, period_query = _period(request)
    board = build_dashboard(unit, period)
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "form": form,
            "unit": unit,
            "crumbs": breadcrumb(unit, request.user),
            "board": board,
            "period_query": period_query,
            "cards": _cards(board, period_query),
            "roots": roots if len(roots) > 1 else [],
            # Models count by year: say so when the period is not made of whole years.
            "years_note": not board.current.whole_years,
            "since_first": _since_first(board),
        },
    )


def _since_first(board: Dashboard) -> dict | None:
    """The registry's totals over every year, whatever the period (the figures the city
    reports: models registered and recognised since the movement began)."""
    if board.since_first is None:
        return None
    first, registered, recognised = board.since_first
    return {
        "first": first,
        "registered": format_value(registered),
        "recognised": format_value(recognised),
    }


PK_MARK = 987654321987


def _href_of(name: str, query: str, *more):
    """A function giving the URL `name` takes for a unit's id (its first argument), with the
    query string: reversed once."""
    head, tail = reverse(name, args=[PK_MARK, *more]).split(str(PK_MARK))
    return lambda pk: f"{head}{pk}{tail}?{query}"


def _ranking_rows(rows, *, snapshot: bool, href, list_of) -> str:
    """The ranking's table rows. A ranking lists every child (126 communes for the city):
    written here rather than by the template language, which spends about ten times as long
    on each row's twenty look-ups."""
    closed, the_list = _("closed"), _("The list")
    html = []
    for row in rows:
        figure = row.figure
        value = figure.text
        if row.parts:
            value = format_html('{} <span class="muted">({})</span>', value, row.parts_text)
        before = ""
        if not snapshot:
            change = figure.change
            before = format_html(
                '<td class="num">{}</td><td class="num">{}</td>',
                figure.previous_text,
                change.html if change else "",
            )
        link = list_of(row.unit)
        html.append(
            format_html(
                '<tr><td class="num">{}</td><th scope="row"><a href="{}">{}</a>{}</th>'
                '<td class="num">{}</td>{}<td>{}</td></tr>',
                "—" if row.rank is None else row.rank,
                href(row.unit.pk),
                row.unit.name,
                format_html(' <span class="badge closed">{}</span>', closed)
                if row.is_closed
                else "",
                value,
                before,
                format_html('<a href="{}">{}</a>', link, the_list) if link else "",
            )
        )
    return mark_safe("\n".join(html))  # noqa: S308  (each row escaped by format_html)


@login_required
def drill(request, pk, code):
    unit = get_unit_for_user(request.user, pk)
    metric = METRICS.get(code)
    if metric is None:
        raise Http404
    form, period, period_query = _period(request)
    ranking = rank_children(unit, metric, period)
    worst_first = request.GET.get("order") == "worst"
    rows = ranking.rows
    if worst_first:  # units without a figure stay last
        rows = [r for r in reversed(rows) if r.value is not None] + [
            r for r in rows if r.value is None
        ]
    # One reverse per page, not per row: the rows' links differ only by the unit's id.
    unit_href = _href_of("dashboard:unit", period_query)
    drill_href = _href_of("dashboard:drill", period_query, code)
    points = [
        Point(row.unit.name, row.value, href=drill_href(row.unit.pk))
        for row in rows[:TOP_CHILDREN]
        if row.value is not None
    ]
    chart = charts.hbar_chart(
        _("%(metric)s: the units below %(name)s") % {"metric": metric.label, "name": unit.name},
        points,
        unit=metric.unit,
        name=str(metric.label),
        category=_("Unit"),
        wide=True,
    )
    return render(
        request,
        "dashboards/dashboard_drill.html",
        {
            "form": form,
            "unit": unit,
            "metric": metric,
            "crumbs": breadcrumb(unit, request.user),
            "ranking": ranking,
            "rows": _ranking_rows(
                rows,
                snapshot=metric.snapshot,
                href=unit_href,
                list_of=list_link(code, period),
            ),
            "own_list": list_url(code, unit, period),
            "chart": chart if points else None,
            "chart_is_top": len(ranking.rows) > TOP_CHILDREN,
            "top": TOP_CHILDREN,
            "worst_first": worst_first,
            "snapshot": metric.snapshot,
            "period_query": period_query,
        },
    )


def _cards(board: Dashboard, period_query: str) -> list[dict]:
    """Each panel with its figures, their links down the tree and to the list behind them."""
    unit, period = board.unit, board.current
    panel_charts = _charts(board, period_query)
    return [
        {
            "panel": panel,
            "charts": panel_charts.get(panel.code, []),
            "figures": [
                {
                    "figure": figure,
                    "change": figure.change,
                    "drill": reverse("dashboard:drill", args=[unit.pk, figure.metric.code])
                    + "?"
                    + period_query,
                    "list": list_url(figure.metric.code, unit, period),
                }
                for figure in panel.figures
            ],
        }
        for panel in board.panels
    ]


def _charts(board: Dashboard, period_query: str) -> dict[str, list]:
    """The charts of each panel that has breakdowns."""
    unit, period = board.unit, board.current
    found: dict[str, list] = {}
    if board.panel("registry") is not None and board.by_year:
        found["registry"] = _registry_charts(board, unit, period)
    if board.panel("voice") is not None and board.case_buckets:
        found["voice"] = _voice_charts(board, unit, period)
        on_time = _on_time_map(unit, period, period_query)
        if on_time is not None:
            found["voice"].append(on_time)
    return found


def _on_time_map(unit: Unit, period: Period, period_query: str) -> charts.Chart | None:
    """The unit's children that have coordinates (communes and wards under the city) as dots
    coloured by their on-time rate, each linked to its dashboard. One query when no child has
    coordinates, three when some have."""
    placed = Unit.objects.filter(parent=unit, latitude__isnull=False, longitude__isnull=False)
    if not placed.exists():
        return None
    spots = []
    for row in rank_children(unit, METRICS["cases_on_time"], period).rows:  # best first
        child = row.unit
        if child is None or child.latitude is None or child.longitude is None:
            continue
        href = reverse("dashboard:unit", args=[child.pk]) + "?" + period_query
        spots.append(charts.Spot(child.name, child.latitude, child.longitude, row.value, href))
    if not spots:
        return None
    return charts.dot_map(
        _("Answered on time, unit by unit"),
        spots,
        category=_("Unit"),
        value_name=_("Answered on time"),
        no_data=_("no answered case"),
    )


def _registry_charts(board: Dashboard, unit: Unit, period: Period) -> list:
    years = set(period.years)
    by_year = charts.bar_chart(
        _("Models registered by year, %(first)s–%(last)s")
        % {"first": board.by_year[0][0], "last": board.by_year[-1][0]},
        [
            Series(
                _("Models registered"),
                [
                    Point(
                        str(year),
                        n,
                        href=list_url("models_registered", unit, period, year=year) or "",
                        highlight=year in years,
                    )
                    for year, n in board.by_year
                ],
            )
        ],
        wide=True,
        category=_("Year"),
    )
    total = sum(n for _f, n in board.by_field) or 0

    def breakdown(title, rows, key: str, category, *, wide=False):
        """The models of the period by one of their attributes, each bar linked to the list."""
        points = [
            Point(
                label,
                n,
                href=list_url("models_registered", unit, period, **{key: value}) or "",
                title=_share(label, n, total),
            )
            for value, label, n in rows
        ]
        return charts.hbar_chart(title, points, name=_("Models"), category=category, wide=wide)

    by_field = breakdown(
        _("Models by field"), [(f.pk, f.name, n) for f, n in board.by_field], "field", _("Field")
    )
    by_status = breakdown(_("Models by status"), board.by_status, "status", _("Status"))
    by_kind = breakdown(
        _("Collective models and individual exemplars"),
        board.by_kind,
        "kind",
        _("Kind"),
        wide=True,
    )
    return [by_year, by_field, by_status, by_kind]


def _share(label: str, n: int, total: int) -> str:
    share = format_value(pct(n, total), "percent")
    return f"{label}: {format_value(n)} ({share})"


def _month_href(unit: Unit, start: datetime.date, end: datetime.date) -> str:
    return list_url("cases_received", unit, Period(start, end)) or ""


def _voice_charts(board: Dashboard, unit: Unit, period: Period) -> list:
    current, before = board.case_buckets, board.previous_buckets
    series = [
        Series(
            _("This period"),
            [
                Point(b.label, f["received"], href=_month_href(unit, b.start, b.end), axis=b.axis)
                for b, f in current
            ],
        )
    ]
    if len(before) == len(current):
        series.append(
            Series(
                _("Previous period"),
                [
                    Point(
                        now.label,
                        f["received"],
                        title=_("%(label)s (previous period): %(n)s")
                        % {"label": b.label, "n": format_value(f["received"])},
                    )
                    for (now, _f), (b, f) in zip(current, before, strict=True)
                ],
                css="s2",
            )
        )
    by_years = bool(current) and len(current[0][0].label) == 4
    received = charts.bar_chart(
        _("Cases received by year") if by_years else _("Cases received by month"),
        series,
        category=_("Year") if by_years else _("Month"),
    )
    rates = charts.line_chart(
        _("Answered on time and citizens satisfied, by year")
        if by_years
        else _("Answered on time and citizens satisfied, by month"),
        [
            Series(
                _("On time"),
                [Point(b.label, pct(f["on_time"], f["answered"]), axis=b.axis) for b, f in current],
            ),
            Series(
                _("Satisfied"),
                [Point(b.label, pct(f["satisfied"], f["rated"])) for b, f in current],
                css="s3",
            ),
        ],
        category=_("Year") if by_years else _("Month"),
    )
    return [received, rates]
