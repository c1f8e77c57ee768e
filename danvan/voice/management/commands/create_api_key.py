"""Issue an Open311 API key for a client and print it once; only its hash is stored."""

from django.core.management.base import BaseCommand, CommandError

from danvan.voice.forms import ApiKeyForm
from danvan.voice.services import issue_api_key


class Command(BaseCommand):
    help = "Create an Open311 API key for a client and print the key (shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The client's name, e.g. “iHanoi app”.")

    def handle(self, *args, name, **options):
        form = ApiKeyForm({"name": name})
        if not form.is_valid():
            raise CommandError(" ".join(m for errors in form.errors.values() for m in errors))
        key, raw = issue_api_key(actor=None, name=form.cleaned_data["name"])
        self.stdout.write(f"{key.name}: {raw}")
        self.stderr.write("Copy the key now: only its hash is kept, it cannot be shown again.")
