"""Record the addresses that bounced, from a mail server's report: one address a line,
optionally followed by a tab or a comma and the reason. `manage.py record_bounces FILE`, or
`-` (the default) to read standard input. Nothing more is sent to these addresses."""

import sys

from django.core.management.base import BaseCommand, CommandError

from danvan.notices.channels import CHANNELS
from danvan.notices.services import record_bounces


class Command(BaseCommand):
    help = "Record bounced addresses (one a line, optional reason after a tab or comma)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="-", help="a file, or - for stdin")
        parser.add_argument("--channel", default="email", choices=sorted(CHANNELS))

    def handle(self, *args, **options):
        path = options["path"]
        try:
            if path == "-":
                recorded, refused = record_bounces(sys.stdin, channel=options["channel"])
            else:
                with open(path, encoding="utf-8") as lines:
                    recorded, refused = record_bounces(lines, channel=options["channel"])
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        for line in refused:
            self.stderr.write(line)
        self.stdout.write(f"{recorded} bounced addresses recorded, {len(refused)} lines refused")
