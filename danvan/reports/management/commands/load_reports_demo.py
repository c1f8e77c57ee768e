"""Load the demo's citizen cases, annual report and work programme (idempotent)."""

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from danvan.plans.demo import load_plans_demo
from danvan.reports.demo import load_reports_demo


class Command(BaseCommand):
    help = (
        "Give the Hà Nội demo citizen cases (once), the city's annual report of last year "
        "opened for every commune, and this year's work programme with targets."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        year = timezone.localdate().year
        loaded = load_reports_demo(year)
        targets = load_plans_demo(year)
        self.stdout.write(
            f"{loaded.cases} cases generated, {loaded.reports} reports opened, "
            f"{targets} targets set ({time.monotonic() - started:.1f} s)."
        )
