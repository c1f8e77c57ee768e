"""Suggest a topic for every opinion item that has none yet, with the newest trained
classifier: `manage.py classify_opinion`."""

from django.core.management.base import BaseCommand, CommandError

from danvan.opinion import language


class Command(BaseCommand):
    help = "Suggest a topic for the unclassified opinion items."

    def handle(self, *args, **options):
        if language.current_model() is None:
            raise CommandError("No classifier is trained yet: run train_topics first.")
        self.stdout.write(f"Suggested a topic for {language.classify_pending()} items.")
