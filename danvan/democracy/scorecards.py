"""Roll-ups of grassroots democracy per commune and for the city: every figure of
`metrics.py`, each source read once for all the communes (one or two queries each)."""

import datetime
from dataclasses import dataclass

from danvan.democracy.metrics import (
    BOARDS,
    CONSULTATIONS,
    DIALOGUES,
    MISSING,
    OVERDUE,
    PUBLICATIONS,
    RECOMMENDATIONS,
    VOTES,
)
from danvan.lib.metrics import Counts, pct
from danvan.organisations.models import SEGMENT_WIDTH, Unit, UnitKind

SOURCES = (PUBLICATIONS, OVERDUE, MISSING, VOTES, CONSULTATIONS, BOARDS, RECOMMENDATIONS, DIALOGUES)


@dataclass
class Figures:
    unit: Unit
    counts: Counts

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return self.counts[name]

    @property
    def on_time_pct(self) -> float | None:
        return pct(self.counts["on_time"], self.counts["registered"])

    @property
    def answered_pct(self) -> float | None:
        return pct(self.counts["answered"], self.counts["closed"])

    @property
    def in_place_pct(self) -> float | None:
        return pct(self.counts["in_place"], self.counts["boards"])

    @property
    def recommendations_pct(self) -> float | None:
        return pct(self.counts["answered_recommendations"], self.counts["sent"])


def _merge(found: dict, branch, source_code: str, counts: Counts) -> None:
    target = found.setdefault(branch, Counts())
    for name, value in counts.items():
        # Both consultations and recommendations count "answered": keep them apart.
        key = (
            "answered_recommendations"
            if source_code == "recommendations" and name == "answered"
            else name
        )
        target[key] += value


def _read(root: str, width: int | None, start: datetime.date, end: datetime.date) -> dict:
    found: dict = {}
    for source in SOURCES:
        for branch, counts in source.read(root, width, [(start, end)]).items():
            _merge(found, branch, source.code, counts[0])
    return found


def figures(unit: Unit, start: datetime.date, end: datetime.date) -> Figures:
    """The figures of a unit's whole subtree for the period."""
    return Figures(unit, _read(unit.path, None, start, end).get(None, Counts()))


def commune_table(parent: Unit, start: datetime.date, end: datetime.date) -> list[Figures]:
    """One row per current commune under `parent` (its children), in name order."""
    width = len(parent.path) + SEGMENT_WIDTH + 1
    found = _read(parent.path, width, start, end)
    communes = (
        Unit.objects.filter(parent=parent, kind=UnitKind.COMMUNE)
        .current()
        .order_by("search_text")
        .only("id", "name", "path", "kind")
    )
    return [Figures(c, found.get(c.path, Counts())) for c in communes]
