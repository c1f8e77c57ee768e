"""Train the opinion-topic classifier on the labelled items and suggest a topic for the
items that have none: `manage.py train_topics`."""

from django.core.management.base import BaseCommand, CommandError

from danvan.opinion import language


class Command(BaseCommand):
    help = "Train the opinion-topic classifier (TextModel “opinion-topics”) on labelled items."

    def add_arguments(self, parser):
        parser.add_argument("--no-classify", action="store_true", help="Only train.")
        parser.add_argument(
            "--limit",
            type=int,
            default=language.TRAINING_ITEMS,
            help="the newest items to learn from (0: all)",
        )

    def handle(self, *args, **options):
        try:
            row = language.train_topics(limit=options["limit"] or None)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Trained on {row.n_samples} items, held-out accuracy {row.accuracy}.")
        if not options["no_classify"]:
            self.stdout.write(f"Suggested a topic for {language.classify_pending()} items.")
