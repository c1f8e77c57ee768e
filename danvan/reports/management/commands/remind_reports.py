"""Remind the units whose periodic report is late, once each.

Run it daily (cron, systemd timer, or `--every 3600` in a loop). Running it twice, or on two
machines at once, reminds each late report once: each is claimed atomically.
"""

import time

from django.core.management.base import BaseCommand

from danvan.reports.services import remind_late


class Command(BaseCommand):
    help = "Mark late periodic reports and mail their units, once per report."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="repeat every N seconds")

    def handle(self, *args, **options):
        while True:
            self.stdout.write(f"reminded {remind_late()}")
            if not options["every"]:
                return
            time.sleep(options["every"])
