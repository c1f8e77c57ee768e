"""Load the Hà Nội demo: units, clusters and demo accounts (idempotent)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from danvan.accounts.demo import create_demo_accounts
from danvan.organisations.demo import load_hanoi_clusters


class Command(BaseCommand):
    help = "Load Hà Nội's units, its six clusters and the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--hamlets", type=int, default=3)

    def handle(self, *args, **options):
        call_command("load_units", hamlets=options["hamlets"], stdout=self.stdout)
        clusters = load_hanoi_clusters(year=timezone.localdate().year)
        self.stdout.write(f"{len(clusters)} clusters.")
        create_demo_accounts()
