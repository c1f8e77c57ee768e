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
from collections.abc import Iterable

from django.conf import settings
from django.db import connection
from django.db.models import Q, Sum

from danvan.organisations.models import Unit
from danvan.voice.models import CaseDayStat, CaseMonthStat

STATS = ("received", "answered", "on_time", "rated", "satisfied", "reopened")
SUMS = {name: Sum(name) for name in STATS}
# The columns of a case the counts depend on: an update of any other column changes nothing.
WATCHED = (
    "responsible_path",
    "received_at",
    "answered_at",
    "answered_late",
    "satisfied",
    "reopened_count",
)
TABLES = {"day": CaseDayStat._meta.db_table, "month": CaseMonthStat._meta.db_table}


def _counts(row: str) -> list[str]:
    """SQL for the six 0/1 counts of one case (`row` is NEW or OLD), in STATS order."""
    answered = f"{row}.answered_at IS NOT NULL"
    return [
        "1",
        f"CASE WHEN {answered} THEN 1 ELSE 0 END",
        f"CASE WHEN {answered} AND NOT {row}.answered_late THEN 1 ELSE 0 END",
        f"CASE WHEN {row}.satisfied IS NOT NULL THEN 1 ELSE 0 END",
        f"CASE WHEN {row}.satisfied THEN 1 ELSE 0 END",
        f"CASE WHEN {answered} AND {row}.reopened_count > 0 THEN 1 ELSE 0 END",
    ]


def _day_sql(vendor: str, column: str, level: str) -> str:
    """The local day (or first day of the month) of a timestamp column, in SQL."""
    zone = settings.TIME_ZONE
    if vendor == "postgresql":
        local = f"({column} AT TIME ZONE '{zone}')"
        return f"{local}::date" if level == "day" else f"date_trunc('month', {local})::date"
    # SQLite keeps UTC text and knows no time zones: the zone's offset, which for Vietnam
    # has not changed since 1975 (no summer time).
    offset = datetime.datetime.now(zoneinfo.ZoneInfo(zone)).utcoffset()
    minutes = int(offset.total_seconds() // 60)
    modifiers = f"'{minutes:+d} minutes'" + (", 'start of month'" if level == "month" else "")
    return f"date({column}, {modifiers})"


def _upsert(vendor: str, level: str, row: str, sign: str) -> str:
    """Add (sign '+') or take away ('-') one case's counts from its row of a table."""
    table = TABLES[level]
    counts = ", ".join(f"{sign}({c})" for c in _counts(row))
    names = ", ".join(STATS)
    update = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in STATS)
    day = _day_sql(vendor, f"{row}.received_at", level)
    # Only constants and settings go into these statements; no user input.
    return (
        f"INSERT INTO {table} (responsible_path, day, {names}) "  # noqa: S608
        f"VALUES ({row}.responsible_path, {day}, {counts}) "
        f"ON CONFLICT (responsible_path, day) DO UPDATE SET {update};"
    )


def _changed(old: str = "OLD", new: str = "NEW") -> str:
    return " OR ".join(f"{old}.{c} IS DISTINCT FROM {new}.{c}" for c in WATCHED)


def install_sql(vendor: str) -> list[str]:
    """The statements creating the triggers on this database."""
    sides = {
        "add": [_upsert(vendor, level, "NEW", "+") for level in TABLES],
        "remove": [_upsert(vendor, level, "OLD", "-") for level in TABLES],
    }
    if vendor == "postgresql":
        body = f"""
            BEGIN
                IF TG_OP = 'UPDATE' AND NOT ({_changed()}) THEN
                    RETURN NULL;
                END IF;
                IF TG_OP IN ('UPDATE', 'DELETE') THEN
                    {" ".join(sides["remove"])}
                END IF;
                IF TG_OP IN ('INSERT', 'UPDATE') THEN
                    {" ".join(sides["add"])}
                END IF;
                RETURN NULL;
            END;"""
        return [
            "CREATE OR REPLACE FUNCTION voice_case_stats() RETURNS trigger "
            f"LANGUAGE plpgsql AS $body${body}$body$;",
            "CREATE TRIGGER voice_case_stats AFTER INSERT OR DELETE OR UPDATE OF "
            f"{', '.join(WATCHED)} ON voice_case FOR EACH ROW EXECUTE FUNCTION voice_case_stats();",
        ]
    if vendor == "sqlite":
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in WATCHED)
        return [
            "CREATE TRIGGER voice_case_stats_insert AFTER INSERT ON voice_case "
            f"BEGIN {' '.join(sides['add'])} END;",
            "CREATE TRIGGER voice_case_stats_delete AFTER DELETE ON voice_case "
            f"BEGIN {' '.join(sides['remove'])} END;",
            f"CREATE TRIGGER voice_case_stats_update AFTER UPDATE OF {', '.join(WATCHED)} "
            f"ON voice_case WHEN {changed} "
            f"BEGIN {' '.join(sides['remove'] + sides['add'])} END;",
        ]
    raise NotImplementedError(f"No case roll-up triggers for {vendor}.")


def uninstall_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            "DROP TRIGGER IF EXISTS voice_case_stats ON voice_case;",
            "DROP FUNCTION IF EXISTS voice_case_stats();",
        ]
    return [
        f"DROP TRIGGER IF EXISTS voice_case_stats_{event};"
        for event in ("insert", "delete", "update")
    ]


def rebuild_sql(vendor: str) -> list[str]:
    """Recount both tables from the cases."""
    statements = []
    for level, table in TABLES.items():
        counts = ", ".join(f"SUM({c})" for c in _counts("c")[1:])
        day = _day_sql(vendor, "c.received_at", level)
        statements += [
            f"DELETE FROM {table};",  # noqa: S608  (constants only)
            f"INSERT INTO {table} (responsible_path, day, {', '.join(STATS)}) "  # noqa: S608
            f"SELECT c.responsible_path, {day}, COUNT(*), {counts} "
            f"FROM voice_case c GROUP BY c.responsible_path, {day};",
        ]
    return statements


def run(statements: Iterable[str], conn=connection) -> None:
    with conn.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def rebuild() -> None:
    """Recount the roll-up from the cases (one grouped query per table)."""
    from django.db import transaction

    with transaction.atomic():
        run(rebuild_sql(connection.vendor))


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
    """The roll-up rows of a unit's subtree. Below the top of the tree, naming the subtree's
    paths lets the database seek the (responsible_path, day) index path by path (SQLite
    serves no LIKE from an index); the city holds nearly every row, read by day."""
    if unit.depth == 0:
        return Q(responsible_path__startswith=unit.path)
    return Q(responsible_path__in=Unit.objects.filter(path__startswith=unit.path).values("path"))


def stat_rows(scope: Q, start: datetime.date, end: datetime.date, *, group=(), annotate=None):
    """Summed counts of the rows matching `scope` for cases received from start to end
    (inclusive), grouped by the `group` fields (after `annotate`): at most two queries."""
    days, months = spans(start, end)
    parts = []
    if days:
        in_days = Q()
        for first, last in days:
            in_days |= Q(day__gte=first, day__lte=last)
        parts.append(CaseDayStat.objects.filter(scope, in_days))
    if months:
        parts.append(CaseMonthStat.objects.filter(scope, day__gte=months[0], day__lte=months[1]))
    rows = []
    for qs in parts:
        if annotate:
            qs = qs.annotate(**annotate)
        rows.extend(
            qs.order_by().values(*group).annotate(**SUMS) if group else [qs.aggregate(**SUMS)]
        )
    return [{**row, **{name: row[name] or 0 for name in STATS}} for row in rows]


def totals(scope: Q, start: datetime.date, end: datetime.date) -> dict[str, int]:
    """The six counts of the cases matching `scope` received from start to end."""
    total = dict.fromkeys(STATS, 0)
    for row in stat_rows(scope, start, end):
        for name in STATS:
            total[name] += row[name]
    return total
