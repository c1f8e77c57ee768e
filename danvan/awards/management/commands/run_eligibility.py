"""Compute this year's (or a given year's) award eligibility verdicts for the whole city."""

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from danvan.awards.eligibility import run_eligibility


class Command(BaseCommand):
    help = (
        "Evaluate every cadre against the medal's rule and the title rules in force on the "
        "year's last day, and store the verdicts (earlier years' verdicts stay)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="default: this year")

    def handle(self, *args, **options):
        year = options["year"] or timezone.localdate().year
        started = time.perf_counter()
        result = run_eligibility(year)
        self.stdout.write(
            f"{result.cadres:,} cadres evaluated for {year}: {result.verdicts:,} verdicts "
            f"({', '.join(f'{code} {n:,}' for code, n in sorted(result.eligible.items()))} "
            f"eligible) in {time.perf_counter() - started:.1f} s"
        )
