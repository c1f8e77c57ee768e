"""Send the daily digest e-mails of the staff now, whatever the hour: `manage.py send_digests`.
The voice clock (`run_voice_clock`, started by `make run`) sends them itself each day from
the digest hour of the notification rules."""

from django.core.management.base import BaseCommand

from danvan.notices.services import send_digests


class Command(BaseCommand):
    help = "Send the staff's daily digest e-mails of the notifications waiting for one."

    def handle(self, *args, **options):
        self.stdout.write(f"{send_digests(force=True)} digests queued")
