"""Models registered and recognised per unit and year (ModelYearStat), kept by triggers."""

from django.db import connection, transaction

from danvan.lib import rollups
from danvan.registry.models import ModelYearStat, PracticeModel

MODELS = rollups.Rollup(
    name="registry_model_stats",
    source=PracticeModel._meta.db_table,
    watched=("unit_id", "year", "recognised_level_id"),
    targets=(
        rollups.Target(
            ModelYearStat._meta.db_table,
            {"unit_id": rollups.column("unit_id"), "year": rollups.column("year")},
            {
                "registered": lambda vendor, row: "1",
                "recognised": rollups.flag("{row}.recognised_level_id IS NOT NULL"),
            },
        ),
    ),
)


def rebuild() -> None:
    """Recount the roll-up from the models."""
    with transaction.atomic():
        rollups.run(MODELS.rebuild_sql(connection.vendor), connection)
