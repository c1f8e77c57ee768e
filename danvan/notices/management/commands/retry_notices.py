"""Queue again the notices to citizens, the staff's e-mails and daily digests left to be tried
again (a worker that cannot wait, or one that stopped): `manage.py retry_notices`, from a timer."""

from django.core.management.base import BaseCommand

from danvan.notices.services import retry_due


class Command(BaseCommand):
    help = "Queue again the notices and staff e-mails waiting to be tried again."

    def handle(self, *args, **options):
        self.stdout.write(f"{retry_due()} notices queued again")
