"""Train the case-category classifier (TextModel “voice-categories”) on the newest cases:
`manage.py train_case_categories [--limit N]`."""

import time

from django.core.management.base import BaseCommand, CommandError

from danvan.voice import categories


class Command(BaseCommand):
    help = "Train the classifier that suggests a citizen case's category."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=categories.TRAINING_CASES)

    def handle(self, *args, **options):
        started = time.perf_counter()
        try:
            row = categories.train_categories(limit=options["limit"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Trained on {row.n_samples} cases in {time.perf_counter() - started:.1f} s, "
            f"held-out accuracy {row.accuracy}."
        )
