"""Every staff read of public-opinion work, scoped: lists, who has not reported, the monthly
synthesis.

Aggregates are GROUP BY queries over the items (a month's synthesis is five of them,
whatever the number of items); figures are grouped by the child of the scope unit that
holds each place, which is the first `len(scope.path) + SEGMENT_WIDTH + 1` characters of
the place's path. Sensitive topics are left out of every figure for a reader the rule in
force does not name (services.can_see_sensitive).
"""

import dataclasses
import datetime

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404
from django.utils import timezone

from danvan.lib.vntext import filter_search
from danvan.lib.workdays import add_months, month_start
from danvan.opinion.models import (
    Breadth,
    Collaborator,
    OpinionItem,
    OpinionReport,
    OpinionRule,
    Tendency,
    Theme,
    Topic,
)
from danvan.opinion.services import (
    can_see_sensitive,
    closing_date,
    due_date,
    month_rule,
)
from danvan.organisations.models import SEGMENT_WIDTH, Unit

Kind = OpinionReport.Kind


def _child_prefix(scope: Unit, field: str) -> Substr:
    """The path of the scope's child holding the row (the scope's own path for its own)."""
    return Substr(field, 1, len(scope.path) + SEGMENT_WIDTH + 1)


def _units_by_path(paths) -> dict[str, Unit]:
    return {u.path: u for u in Unit.objects.filter(path__in=list(paths))}


# --- Lists ----------------------------------------------------------------------------------


def collaborators_for_list(user, *, unit: Unit | None = None):
    """Collaborators in the user's scope (under `unit` if given): codes and units only."""
    qs = Collaborator.objects.visible_to(user).for_list()
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    return qs.order_by("unit__path", "code")


def reports_for_list(user, *, unit: Unit, month=None, kind: str = ""):
    """Reports of collaborators under the unit; their item counts leave out the sensitive
    topics for a reader who may not see them."""
    qs = OpinionReport.objects.visible_to(user).for_list(sensitive=can_see_sensitive(user, unit))
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if month is not None:
        qs = qs.filter(month=month)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-month", "-filed_at", "-pk")


def get_report_for_user(user, pk) -> OpinionReport:
    """The report if the user's scope reaches its unit, else 404."""
    return get_object_or_404(
        OpinionReport.objects.visible_to(user).select_related("collaborator", "unit", "rule"),
        pk=pk,
    )


def get_collaborator_for_user(user, pk, *, perm: str = "opinion.view") -> Collaborator:
    return get_object_or_404(
        Collaborator.objects.visible_to(user, perm=perm).select_related("unit"), pk=pk
    )


def report_items(user, report: OpinionReport) -> list[OpinionItem]:
    """The report's items the user may see (no sensitive topic without the right)."""
    items = report.items.select_related("topic", "place", "suggested_topic").order_by("pk")
    if not can_see_sensitive(user, report.unit):
        items = items.exclude(topic__sensitive=True)
    return list(items)


def visible_topics(user, unit: Unit) -> list[Topic]:
    topics = Topic.objects.filter(is_active=True)
    if not can_see_sensitive(user, unit):
        topics = topics.exclude(sensitive=True)
    return list(topics)


# --- Who has not reported -------------------------------------------------------------------


@dataclasses.dataclass
class UnitStanding:
    unit: Unit
    expected: int
    reported: int

    @property
    def missing(self) -> int:
        return self.expected - self.reported


@dataclasses.dataclass
class Standing:
    """Who has filed a month's report under a unit: per child unit, and the codes missing
    (as the periodic reports split submitted, late and not yet due)."""

    scope: Unit
    month: datetime.date
    rule: OpinionRule
    due: datetime.date
    closes: datetime.date
    late: bool  # past the due date: the missing are late, not just not yet in
    rows: list[UnitStanding]
    missing: list[Collaborator]

    @property
    def expected(self) -> int:
        return sum(row.expected for row in self.rows)

    @property
    def reported(self) -> int:
        return sum(row.reported for row in self.rows)


def expected_collaborators(scope: Unit, month: datetime.date):
    """Collaborators under the scope who owe a report for the month."""
    end = add_months(month, 1) - datetime.timedelta(days=1)
    return Collaborator.objects.filter(
        Q(until__isnull=True) | Q(until__gte=month),
        unit__path__startswith=scope.path,
        is_active=True,
        since__lte=end,
    )


def standing(scope: Unit, month: datetime.date, *, today=None) -> Standing:
    """Who has and has not reported for the month under the scope: three queries."""
    today = today or timezone.localdate()
    month = month_start(month)
    rule = month_rule(month)
    filed = OpinionReport.objects.filter(
        collaborator=OuterRef("pk"), month=month, kind=Kind.MONTHLY
    )
    expected = expected_collaborators(scope, month).annotate(filed=Exists(filed))
    grouped = (
        expected.annotate(prefix=_child_prefix(scope, "unit__path"))
        .values("prefix")
        .annotate(expected=Count("pk"), reported=Count("pk", filter=Q(filed=True)))
        .order_by("prefix")
    )
    grouped = list(grouped)
    units = _units_by_path(row["prefix"] for row in grouped)
    rows = [
        UnitStanding(units[row["prefix"]], row["expected"], row["reported"])
        for row in grouped
        if row["prefix"] in units
    ]
    rows.sort(key=lambda row: (-row.missing, row.unit.name))
    missing = list(
        expected.filter(filed=False).select_related("unit").order_by("unit__path", "code")
    )
    due = due_date(month, rule)
    return Standing(
        scope=scope,
        month=month,
        rule=rule,
        due=due,
        closes=closing_date(month, rule),
        late=today > due,
        rows=rows,
        missing=missing,
    )


# --- Synthesis ------------------------------------------------------------------------------


@dataclasses.dataclass
class TopicRow:
    topic: Topic
    count: int
    previous: int
    cells: dict[tuple[int, int], int]  # (breadth, tendency) → items
    oppose: int

    @property
    def change(self) -> int:
        return self.count - self.previous


@dataclasses.dataclass
class HotSpot:
    unit: Unit
    topic: Topic
    oppose: int
    previous: int

    @property
    def rise(self) -> int:
        return self.oppose - self.previous


@dataclasses.dataclass
class ChildRow:
    unit: Unit
    count: int
    oppose: int
    rumours: int


@dataclasses.dataclass
class RumourRow:
    topic: Topic
    count: int
    handled: int


@dataclasses.dataclass
class Synthesis:
    scope: Unit
    month: datetime.date
    previous_month: datetime.date
    topic: Topic | None  # the drill-down's topic, if any
    sensitive_shown: bool
    topics: list[TopicRow]
    children: list[ChildRow]
    hot_spots: list[HotSpot]
    rumours: list[RumourRow]
    trend: list[tuple[datetime.date, int]]

    @property
    def total(self) -> int:
        return sum(row.count for row in self.topics)

    @property
    def previous_total(self) -> int:
        return sum(row.previous for row in self.topics)

    @property
    def rumour_count(self) -> int:
        return sum(row.count for row in self.rumours)

    @property
    def rumours_handled(self) -> int:
        return sum(row.handled for row in self.rumours)

    def breadth_tendency(self) -> list[tuple[Breadth, list[int]]]:
        """Items of the month by breadth (rows) and tendency (columns), all topics."""
        table = []
        for breadth in Breadth:
            counts = [
                sum(row.cells.get((breadth.value, tendency.value), 0) for row in self.topics)
                for tendency in Tendency
            ]
            table.append((breadth, counts))
        return table


def scoped_items(user, scope: Unit, *, topic: Topic | None = None):
    """Items about places under the scope; without sensitive topics unless the user may
    see them."""
    items = OpinionItem.objects.filter(place__path__startswith=scope.path)
    if not can_see_sensitive(user, scope):
        items = items.exclude(topic__sensitive=True)
    if topic is not None:
        items = items.filter(topic=topic)
    return items


def synthesis(
    user, scope: Unit, month: datetime.date, *, topic: Topic | None = None, trend_months=12
) -> Synthesis:
    """The month's synthesis under a scope unit: topic × breadth × tendency, change since the
    previous month, child units, hot spots, rumours, and the trend of the last months."""
    month = month_start(month)
    previous = add_months(month, -1)
    sensitive = can_see_sensitive(user, scope)
    items = scoped_items(user, scope, topic=topic)
    topics = {t.pk: t for t in Topic.objects.all()}

    # 1. This month by topic × breadth × tendency.
    cells: dict[int, dict[tuple[int, int], int]] = {}
    for row in (
        items.filter(month=month)
        .values("topic", "breadth", "tendency")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        cells.setdefault(row["topic"], {})[(row["breadth"], row["tendency"])] = row["n"]
    # 2. The previous month by topic.
    before = dict(
        items.filter(month=previous)
        .values("topic")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("topic", "n")
    )
    rows = []
    for topic_id in sorted(set(cells) | set(before), key=lambda pk: topics[pk].position):
        got = cells.get(topic_id, {})
        rows.append(
            TopicRow(
                topic=topics[topic_id],
                count=sum(got.values()),
                previous=before.get(topic_id, 0),
                cells=got,
                oppose=sum(n for (_b, t), n in got.items() if t == Tendency.OPPOSE),
            )
        )
    rows.sort(key=lambda row: (-row.count, row.topic.position))

    # 3. Per child unit and, for "oppose", per child × topic × month: the hot spots.
    prefix = _child_prefix(scope, "place__path")
    by_child = list(
        items.filter(month=month)
        .annotate(prefix=prefix)
        .values("prefix")
        .annotate(
            n=Count("pk"),
            oppose=Count("pk", filter=Q(tendency=Tendency.OPPOSE)),
            rumours=Count("pk", filter=Q(is_rumour=True)),
        )
        .order_by()
    )
    opposing = list(
        items.filter(month__in=[month, previous], tendency=Tendency.OPPOSE)
        .annotate(prefix=prefix)
        .values("prefix", "topic", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    units = _units_by_path({r["prefix"] for r in by_child} | {r["prefix"] for r in opposing})
    children = [
        ChildRow(units[r["prefix"]], r["n"], r["oppose"], r["rumours"])
        for r in by_child
        if r["prefix"] in units
    ]
    children.sort(key=lambda row: (-row.count, row.unit.name))
    now_: dict[tuple[str, int], int] = {}
    then: dict[tuple[str, int], int] = {}
    for r in opposing:
        target = now_ if r["month"] == month else then
        target[(r["prefix"], r["topic"])] = r["n"]
    hot = [
        HotSpot(units[key[0]], topics[key[1]], n, then.get(key, 0))
        for key, n in now_.items()
        if n > then.get(key, 0) and key[0] in units
    ]
    hot.sort(key=lambda spot: (-spot.rise, -spot.oppose, spot.unit.name))

    # 4. Rumours of the month by topic, handled or not.
    rumours = [
        RumourRow(topics[r["topic"]], r["n"], r["handled"])
        for r in items.filter(month=month, is_rumour=True)
        .values("topic")
        .annotate(n=Count("pk"), handled=Count("pk", filter=Q(handled=True)))
        .order_by()
    ]
    rumours.sort(key=lambda row: (-row.count, row.topic.position))

    # 5. Items per month over the last months.
    first = add_months(month, -(trend_months - 1))
    per_month = dict(
        items.filter(month__gte=first, month__lte=month)
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("month", "n")
    )
    trend = [
        (add_months(first, i), per_month.get(add_months(first, i), 0)) for i in range(trend_months)
    ]
    return Synthesis(
        scope=scope,
        month=month,
        previous_month=previous,
        topic=topic,
        sensitive_shown=sensitive,
        topics=rows,
        children=children,
        hot_spots=hot,
        rumours=rumours,
        trend=trend,
    )


def rumour_items(user, scope: Unit, month: datetime.date, *, limit: int = 50):
    """The month's rumours under the scope, with their handling (no collaborator)."""
    return list(
        scoped_items(user, scope)
        .filter(month=month_start(month), is_rumour=True)
        .select_related("topic", "place")
        .order_by("handled", "-intensity", "pk")[:limit]
    )


# --- Themes -----------------------------------------------------------------------------------


def themes_for_list(user, scope: Unit, *, query: str = ""):
    """Themes with at least one item under the scope the user may see, each with the number
    of such items and whether its most typical item is one of them; a theme touching a
    sensitive topic only for the roles the rule names. Searched by folded words."""
    items = scoped_items(user, scope)
    count = (
        items.filter(theme=OuterRef("pk"))
        .order_by()
        .values("theme")
        .annotate(n=Count("pk"))
        .values("n")
    )
    themes = Theme.objects.annotate(
        visible=Subquery(count, output_field=IntegerField()),
        central_visible=Exists(items.filter(pk=OuterRef("central_item_id"))),
    ).filter(visible__gt=0)
    if not can_see_sensitive(user, scope):
        themes = themes.filter(sensitive=False)
    if query.strip():
        themes = filter_search(themes, query)
    return themes.order_by("-visible", "-size", "pk")


def get_theme_for_user(user, scope: Unit, pk) -> Theme:
    """A theme the user may see under the scope, or 404."""
    return get_object_or_404(themes_for_list(user, scope), pk=pk)


def theme_items(user, scope: Unit, theme: Theme):
    """The theme's items under the scope the user may see, newest month first."""
    return (
        scoped_items(user, scope)
        .filter(theme=theme.pk)
        .select_related("topic", "place", "report")
        .order_by("-month", "pk")
    )
