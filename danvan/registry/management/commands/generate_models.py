"""Generate Hà Nội's “Dân vận khéo” models of 2009–2025 (once: nothing if any model exists)."""

import time

from django.core.management.base import BaseCommand

from danvan.registry.demo import HANOI_MODELS, HANOI_RECOGNISED, generate_models
from danvan.registry.models import PracticeModel, Replication, StatusChange


class Command(BaseCommand):
    help = "Generate realistic demo models for Hà Nội's current communes (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=HANOI_MODELS)
        parser.add_argument("--recognised", type=int, default=HANOI_RECOGNISED)
        parser.add_argument("--seed", type=int, default=2009)

    def handle(self, *args, **options):
        started = time.monotonic()
        created = generate_models(
            count=options["count"], recognised=options["recognised"], seed=options["seed"]
        )
        seconds = time.monotonic() - started
        if not created:
            self.stdout.write("Models exist already: nothing generated.")
        self.stdout.write(
            f"{created} models generated in {seconds:.1f} s. In the registry: "
            f"{PracticeModel.objects.count()} models, "
            f"{PracticeModel.objects.recognised().count()} recognised, "
            f"{Replication.objects.count()} replications, "
            f"{StatusChange.objects.count()} status changes."
        )
