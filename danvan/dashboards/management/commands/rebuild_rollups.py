"""Recount the roll-ups the dashboards and scorecards read, from the rows they count."""

import time

from django.core.management.base import BaseCommand

from danvan.democracy import rollup as democracy_rollup
from danvan.registry import rollup as registry_rollup
from danvan.voice import rollup as voice_rollup


class Command(BaseCommand):
    help = (
        "Recount the cases per unit and day or month, the models per unit and year, the "
        "publications per commune and month and the households per hamlet. "
        "Triggers keep them as rows change; this repairs a database whose triggers were off "
        "(a raw restore of some tables, for instance)."
    )

    def handle(self, *args, **options):
        for name, rebuild in (
            ("cases per unit and day or month", voice_rollup.rebuild),
            ("models per unit and year", registry_rollup.rebuild),
            ("publications per commune and month, households per hamlet", democracy_rollup.rebuild),
        ):
            started = time.perf_counter()
            rebuild()
            self.stdout.write(f"Recounted the {name} in {time.perf_counter() - started:.1f} s.")
