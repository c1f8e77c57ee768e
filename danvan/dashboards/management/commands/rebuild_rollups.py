"""Recount the roll-ups the dashboards and scorecards read, from the rows they count."""

import time

from django.core.management.base import BaseCommand

from danvan.registry import rollup as registry_rollup
from danvan.voice import rollup as voice_rollup


class Command(BaseCommand):
    help = (
        "Recount the cases per unit and day or month and the models per unit and year. "
        "Triggers keep them as rows change; this repairs a database whose triggers were off "
        "(a raw restore of some tables, for instance)."
    )

    def handle(self, *args, **options):
        for name, rebuild in (
            ("cases per unit and day or month", voice_rollup.rebuild),
            ("models per unit and year", registry_rollup.rebuild),
        ):
            started = time.perf_counter()
            rebuild()
            self.stdout.write(f"Recounted the {name} in {time.perf_counter() - started:.1f} s.")
