"""Generate demo cases of the citizen's voice over five years (once: nothing if any case exists)."""

from django.core.management.base import BaseCommand, CommandError

from danvan.voice.demo import CASES, SEED, YEARS, generate_cases
from danvan.voice.models import Case, CaseEvent


class Command(BaseCommand):
    help = (
        "Generate realistic demo cases in Hà Nội's current communes over the last years "
        "(idempotent: nothing when cases exist)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=CASES, help="number of cases")
        parser.add_argument("--years", type=int, default=YEARS, help="spread over this many years")
        parser.add_argument("--seed", type=int, default=SEED)
        parser.add_argument(
            "--no-events",
            action="store_true",
            help="no 'submit' event per case (faster; tracking pages then show no history)",
        )

    def handle(self, *args, **options):
        if Case.objects.exists():
            self.stdout.write("Cases exist already: nothing generated.")
            return
        every = max(options["count"] // 10, 1)

        def progress(done: int, total: int) -> None:
            if done % every < 10_000 or done == total:
                self.stdout.write(f"  {done:,} / {total:,}")

        try:
            result = generate_cases(
                options["count"],
                options["years"],
                options["seed"],
                events=not options["no_events"],
                progress=progress,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        rate = result.cases / result.seconds if result.seconds else 0
        self.stdout.write(
            f"{result.cases:,} cases and {result.events:,} events generated in "
            f"{result.seconds:.1f} s ({rate:,.0f} cases/s; {result.redrawn_codes} codes "
            f"redrawn). In the database: {Case.objects.count():,} cases, "
            f"{CaseEvent.objects.count():,} events."
        )
