"""Bring existing cases in line with the rules of intake and the clocks in force.

Run it once after an upgrade that adds such rules (and whenever a rule's start event or its
day-off flag is corrected): anonymous denunciations become information, named ones not yet
accepted that lack what the law asks wait for it, complaints get their limitation period,
refusals for a late filing are counted as such, and the running clocks (with the forward
deadline) are computed again. Each case changed gets an audit entry and a step in its
history; a second run changes nothing. The scorecards follow at once (the roll-up's
triggers count the changes).
"""

from django.core.management.base import BaseCommand

from danvan.voice.services import recompute_clocks


class Command(BaseCommand):
    help = "Recompute the intake rules and the clocks of existing cases (audited, idempotent)."

    def handle(self, *args, **options):
        counts = recompute_clocks(
            progress=lambda done, total: self.stdout.write(f"  {done:,} / {total:,}")
        )
        fields = ", ".join(
            f"{name} {n:,}"
            for name, n in sorted(counts.items())
            if name not in ("examined", "changed")
        )
        self.stdout.write(
            f"{counts['examined']:,} cases examined, {counts['changed']:,} changed"
            + (f" ({fields})." if fields else ".")
        )
