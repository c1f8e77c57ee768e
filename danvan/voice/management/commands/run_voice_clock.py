"""The periodic job of the citizen's voice: reminders, overdue marks and escalations; then
the work other apps run with it (staff notifications of deadlines near, daily digests), and
the background work a dead worker left "running" (core.jobs.reap_stale_work).

Run it every few minutes (cron, systemd timer, or `--every 300` in a loop). Running it
twice, or on two machines at once, does the work once: each case is claimed atomically.
"""

import time

from django.core.management.base import BaseCommand

from danvan.core.jobs import reap_stale_work
from danvan.voice.services import run_clock_hooks, run_clock_job


class Command(BaseCommand):
    help = "Mark overdue cases, escalate the late ones and send reminders."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="repeat every N seconds")

    def handle(self, *args, **options):
        while True:
            # The job first (overdue marks), then the apps that run with the clock.
            result = run_clock_job()
            result.update(run_clock_hooks())
            result.update(reap_stale_work())
            self.stdout.write(", ".join(f"{name} {count}" for name, count in result.items()))
            if not options["every"]:
                return
            time.sleep(options["every"])
