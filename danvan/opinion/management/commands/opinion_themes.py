"""Group the opinion items of the last months into themes and store them:
`manage.py opinion_themes --months 3 [--lexical]`."""

import time

from django.core.management.base import BaseCommand

from danvan.opinion import language


class Command(BaseCommand):
    help = "Compute the themes of the opinion items of the last months."

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=3)
        parser.add_argument(
            "--lexical", action="store_true", help="Folded TF-IDF only, no embeddings."
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        themes = language.compute_themes(
            months=max(1, options["months"]), embeddings=not options["lexical"]
        )
        self.stdout.write(
            f"{len(themes)} themes in {time.perf_counter() - started:.1f} s "
            f"({sum(t.size for t in themes)} items grouped)."
        )
