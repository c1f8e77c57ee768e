"""Load the Hà Nội demo: units, clusters, demo accounts and the registry (idempotent)."""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from danvan.accounts.demo import create_demo_accounts
from danvan.organisations.demo import load_hanoi_clusters
from danvan.registry.demo import load_registry_demo
from danvan.registry.models import PracticeModel


class Command(BaseCommand):
    help = (
        "Load Hà Nội's units, its six clusters, the demo accounts and the “Dân vận khéo” "
        "models (generated once), with this year's review council."
    )

    def add_arguments(self, parser):
        parser.add_argument("--hamlets", type=int, default=3)
        parser.add_argument("--seed", type=int, default=2009, help="seed of the model generator")

    def handle(self, *args, **options):
        call_command("load_units", hamlets=options["hamlets"], stdout=self.stdout)
        year = timezone.localdate().year
        clusters = load_hanoi_clusters(year=year)
        self.stdout.write(f"{len(clusters)} clusters.")
        create_demo_accounts()
        started = time.monotonic()
        generated, council = load_registry_demo(year=year, seed=options["seed"])
        if generated:
            self.stdout.write(
                f"{generated} models generated in {time.monotonic() - started:.1f} s."
            )
        self.stdout.write(
            f"{PracticeModel.objects.count()} models, "
            f"{PracticeModel.objects.recognised().count()} recognised; "
            f"council “{council.name}”."
        )
