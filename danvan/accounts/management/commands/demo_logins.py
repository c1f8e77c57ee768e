"""Print the demo accounts and their password."""

from django.conf import settings
from django.core.management.base import BaseCommand

from danvan.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from danvan.accounts.models import User


class Command(BaseCommand):
    help = "Print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--url", default=settings.SITE_URL, help="where the demo is served")

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            self.stdout.write("DEMO_MODE is off: there are no demo accounts.")
            return
        existing = set(User.objects.values_list("username", flat=True))
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        for username, _name, _role, _unit, label in DEMO_ACCOUNTS:
            if username in existing:
                self.stdout.write(f"  {username:<14} {label}")
        self.stdout.write(f"\nOpen {options['url'].rstrip('/')}/\n")
