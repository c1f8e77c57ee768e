"""Counts kept by triggers (`lib.rollups`): publications per commune and month they are due
in (PublicationMonthStat), and the households on each hamlet's register (HamletStat)."""

from django.db import connection, transaction

from danvan.democracy.models import HamletStat, Household, Publication, PublicationMonthStat
from danvan.lib import rollups


def _month_of(column: str):
    def sql(vendor: str, row: str) -> str:
        if vendor == "postgresql":
            return f"date_trunc('month', {row}.{column})::date"
        return f"date({row}.{column}, 'start of month')"

    return sql


PUBLICATIONS = rollups.Rollup(
    name="democracy_publication_stats",
    source=Publication._meta.db_table,
    watched=("commune_id", "due_on", "published_on", "late"),
    targets=(
        rollups.Target(
            PublicationMonthStat._meta.db_table,
            {"unit_id": rollups.column("commune_id"), "month": _month_of("due_on")},
            {
                "registered": lambda vendor, row: "1",
                "published": rollups.flag("{row}.published_on IS NOT NULL"),
                "on_time": rollups.flag("{row}.published_on IS NOT NULL AND NOT {row}.late"),
            },
        ),
    ),
)

HOUSEHOLDS = rollups.Rollup(
    name="democracy_household_stats",
    source=Household._meta.db_table,
    watched=("hamlet_id", "is_active", "members"),
    targets=(
        rollups.Target(
            HamletStat._meta.db_table,
            {"hamlet_id": rollups.column("hamlet_id")},
            {
                "households": rollups.flag("{row}.is_active"),
                "members": lambda vendor, row: (
                    f"CASE WHEN {row}.is_active THEN {row}.members ELSE 0 END"
                ),
            },
        ),
    ),
)

ROLLUPS = (PUBLICATIONS, HOUSEHOLDS)


def rebuild() -> None:
    """Recount both roll-ups from their tables."""
    with transaction.atomic():
        for rollup in ROLLUPS:
            rollups.run(rollup.rebuild_sql(connection.vendor), connection)


def households_of(hamlet) -> int:
    """The households on a hamlet's register now (one indexed read)."""
    found = HamletStat.objects.filter(hamlet_id=hamlet.pk).values_list("households", flat=True)
    return next(iter(found), 0)
