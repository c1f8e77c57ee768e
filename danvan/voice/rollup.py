"""The daily and monthly roll-up of cases (CaseDayStat, CaseMonthStat) and how to read it.

A case counts once, on the local day it was received, for the unit responsible for it:
received, answered, answered on time, rated, satisfied and reopened, as
`scorecards.FIGURES` counts them. Database triggers on the case table keep both tables: an
insert adds the case's counts, a delete takes them away, an update of a column they depend
on does both. Every way a case is written (the services, a bulk load, an UPDATE of many
rows when a unit moves) is therefore counted, in the same transaction as the write.
`rebuild()` recounts everything from the cases, for databases made before the triggers.

Readers sum the rows of a period: whole months from the month table, the days at either
end from the day table.
"""

import datetime
import zoneinfo
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, Sum

from danvan.lib import rollups
from danvan.organisations.models import Unit
from danvan.voice.models import Case, CaseDayStat, CaseMonthStat, subtree_q

STATS = (
    "received",
    "answered",
    "on_time",
    "rated",
    "satisfied",
    "reopened",
    "information",
    "time_barred",
    "hours",
)
SUMS = {name: Sum(name) for name in STATS}
COUNTS = {
    "received": lambda vendor, row: "1",
    "answered": rollups.flag("{row}.answered_at IS NOT NULL"),
    "on_time": rollups.flag("{row}.answered_at IS NOT NULL AND NOT {row}.answered_late"),
    "rated": rollups.flag("{row}.satisfied IS NOT NULL"),
    "satisfied": rollups.flag("{row}.satisfied"),
    "reopened": rollups.flag("{row}.answered_at IS NOT NULL AND {row}.reopened_count > 0"),
    "information": rollups.flag("{row}.kind = 'information'"),
    "time_barred": rollups.flag("{row}.limitation_outcome = 'rejected'"),
    "hours": lambda vendor, row: f"COALESCE({row}.handling_hours, 0)",
}


def _local_day(level: str):
    """The local day (or first day of the month) a case was received on, in SQL."""

    def sql(vendor: str, row: str) -> str:
        column, zone = f"{row}.received_at", settings.TIME_ZONE
        if vendor == "postgresql":
            local = f"({column} AT TIME ZONE '{zone}')"
            return f"{local}::date" if level == "day" else f"date_trunc('month', {local})::date"
        # SQLite keeps UTC text and knows no time zones: the zone's offset, which for Vietnam
        # has not changed since 1975 (no summer time).
        offset = datetime.datetime.now(zoneinfo.ZoneInfo(zone)).utcoffset()
        assert offset is not None  # an aware datetime always has one
        minutes = int(offset.total_seconds() // 60)
        month = ", 'start of month'" if level == "month" else ""
        return f"date({column}, '{minutes:+d} minutes'{month})"

    return sql


# The columns of a case the counts depend on: an update of any other column changes nothing.
WATCHED = (
    "responsible_path",
    "received_at",
    "answered_at",
    "answered_late",
    "satisfied",
    "reopened_count",
    "handling_hours",
    "kind",
    "limitation_outcome",
)


def case_rollup(stats=STATS, watched=WATCHED) -> rollups.Rollup:
    """The roll-up of the cases counting `stats` (a migration names the ones of its time)."""
    counts = {name: COUNTS[name] for name in stats}
    return rollups.Rollup(
        name="voice_case_stats",
        source=Case._meta.db_table,
        watched=tuple(watched),
        targets=tuple(
            rollups.Target(
                model._meta.db_table,
                {"responsible_path": rollups.column("responsible_path"), "day": _local_day(level)},
                counts,
            )
            for level, model in (("day", CaseDayStat), ("month", CaseMonthStat))
        ),
    )


CASES = case_rollup()


def rebuild() -> None:
    """Recount the roll-up from the cases (one grouped query per table)."""
    with transaction.atomic():
        rollups.run(CASES.rebuild_sql(connection.vendor), connection)


# Reading


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def spans(start: datetime.date, end: datetime.date):
    """The days at either end of [start, end] read day by day, and the whole months between
    (first days of the first and the last whole month), or None when there is none."""
    first = start if start.day == 1 else _next_month(start)
    after = end + datetime.timedelta(days=1)
    stop = after if after.day == 1 else end.replace(day=1)  # first day after the whole months
    if first >= stop:
        return [(start, end)], None
    days = []
    if start < first:
        days.append((start, first - datetime.timedelta(days=1)))
    if stop <= end:
        days.append((stop, end))
    last_month = (stop - datetime.timedelta(days=1)).replace(day=1)
    return days, (first, last_month)


def scope_of(unit: Unit) -> Q:
    """The roll-up rows of a unit's subtree (as its cases: `models.subtree_q`)."""
    return subtree_q(unit.path)


def stat_rows(scope: Q, *periods: tuple[datetime.date, datetime.date], group=(), annotate=None):
    """Summed counts of the rows matching `scope` for cases received in the periods (first
    and last day, inclusive; periods that do not overlap), grouped by the `group` fields
    (after `annotate`): at most two queries, whatever the number of periods. A month read
    whole comes as its first day."""
    in_days, in_months = Q(), Q()
    for start, end in periods:
        days, months = spans(start, end)
        for first, last in days:
            in_days |= Q(day__gte=first, day__lte=last)
        if months:
            in_months |= Q(day__gte=months[0], day__lte=months[1])
    parts = [
        model.objects.filter(scope, within)
        for model, within in ((CaseDayStat, in_days), (CaseMonthStat, in_months))
        if within
    ]
    rows: list[dict[str, Any]] = []
    for qs in parts:
        if annotate:
            qs = qs.annotate(**annotate)
        rows.extend(
            qs.order_by().values(*group).annotate(**SUMS) if group else [qs.aggregate(**SUMS)]
        )
    return [{**row, **{name: row[name] or 0 for name in STATS}} for row in rows]


def totals(scope: Q, start: datetime.date, end: datetime.date) -> dict[str, int]:
    """The counts of the cases matching `scope` received from start to end."""
    total = dict.fromkeys(STATS, 0)
    for row in stat_rows(scope, (start, end)):
        for name in STATS:
            total[name] += row[name]
    return total
