"""Roll-ups of grassroots democracy per commune and for the city: every figure of
`metrics.py`, each source read once for all the communes (one or two queries each)."""

import datetime
from dataclasses import dataclass
from functools import cached_property

from django.core.cache import cache
from django.db.models import OuterRef, Subquery
from django.utils import formats, timezone, translation

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
from danvan.democracy.models import BoardRule, CommuneStamp, PublicationGroup
from danvan.lib.metrics import Counts, pct
from danvan.organisations.models import SEGMENT_WIDTH, Unit, UnitKind

SOURCES = (PUBLICATIONS, OVERDUE, MISSING, VOTES, CONSULTATIONS, BOARDS, RECOMMENDATIONS, DIALOGUES)


KEPT_SECONDS = 3600
# The versions a worker has read (portal's kept pages): (when, version) by page, trusted for
# VERSION_SECONDS, and forgotten at once when this worker changes a record (services.touch).
VERSION_SECONDS = 1.0
VERSIONS: dict[tuple, tuple[float, str | None]] = {}


def forget_versions() -> None:
    VERSIONS.clear()


_SEPARATORS: dict[str | None, dict[int, str]] = {}


def _separators() -> dict[int, str]:
    """The active language's decimal and thousand separators as a str.translate table."""
    language = translation.get_language()
    if language not in _SEPARATORS:
        _SEPARATORS[language] = str.maketrans(
            {
                ".": str(formats.get_format("DECIMAL_SEPARATOR")),
                ",": str(formats.get_format("THOUSAND_SEPARATOR")),
            }
        )
    return _SEPARATORS[language]


def count_text(value: int) -> str:
    """1.234 in Vietnamese, 1,234 in English: what intcomma writes, a tenth of its cost (a
    roll-up writes a thousand figures)."""
    return f"{value:,}".translate(_separators())


def percent_text(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}".translate(_separators()) + "%"


def _history_mark(model) -> Subquery:
    """The latest history row of a rule table: changes when an administrator edits it."""
    return Subquery(model.history.model.objects.order_by("-history_id").values("history_id")[:1])


def version_annotations() -> dict:
    """What a page of a unit's democracy figures depends on beyond the day: the unit's stamp
    (raised by every change below it) and the rule tables read when it is shown."""
    return {
        "stamp": Subquery(
            CommuneStamp.objects.filter(commune=OuterRef("pk")).values("version")[:1]
        ),
        "boards_mark": _history_mark(BoardRule),
        "groups_mark": _history_mark(PublicationGroup),
    }


def version_of(unit) -> str:
    """The version of an annotated unit (version_annotations) with today's date."""
    marks = (getattr(unit, name, None) or 0 for name in ("stamp", "boards_mark", "groups_mark"))
    return f"{'.'.join(str(m) for m in marks)}:{timezone.localdate()}"


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

    @cached_property
    def text(self) -> dict[str, str]:
        """Every figure as the pages write it."""
        counts = self.counts
        written = {name: count_text(counts[name]) for name in TEXT_COUNTS}
        written.update(
            on_time_pct=percent_text(self.on_time_pct),
            answered_pct=percent_text(self.answered_pct),
            in_place_pct=percent_text(self.in_place_pct),
            recommendations_pct=percent_text(self.recommendations_pct),
        )
        return written


TEXT_COUNTS = (
    "registered",
    "on_time",
    "overdue",
    "missing",
    "held",
    "passed",
    "closed",
    "answered",
    "boards",
    "in_place",
    "sent",
    "answered_recommendations",
    "dialogues",
)


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


def commune_table(
    parent: Unit, start: datetime.date, end: datetime.date
) -> tuple[Figures, list[Figures]]:
    """The figures of the parent's whole subtree, and one row per current commune under it
    (its children) in name order: each source read once for all of them."""
    width = len(parent.path) + SEGMENT_WIDTH + 1
    found = _read(parent.path, width, start, end)
    total = Counts()
    for counts in found.values():
        total.add(counts)
    communes = (
        Unit.objects.filter(parent=parent, kind=UnitKind.COMMUNE)
        .current()
        .order_by("search_text")
        .only("id", "name", "path", "kind")
    )
    return Figures(parent, total), [Figures(c, found.get(c.path, Counts())) for c in communes]


def kept_commune_table(
    parent: Unit, start: datetime.date, end: datetime.date
) -> tuple[Figures, list[Figures]]:
    """commune_table, kept in the cache under the parent's version (one query to read it):
    the city's roll-up is computed again only after a change somewhere in it, or a new day."""
    annotated = Unit.objects.filter(pk=parent.pk).annotate(**version_annotations()).first()
    key = f"democracy:table:{parent.pk}:{version_of(annotated)}:{start}:{end}"
    table = cache.get(key)
    if table is None:
        table = commune_table(parent, start, end)
        for figures_ in (table[0], *table[1]):
            figures_.text  # noqa: B018 (written once, kept with the figures)
        cache.set(key, table, KEPT_SECONDS)
    return table
