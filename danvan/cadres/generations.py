"""The generations of a unit: who held its dân vận posts, congress term by congress term.

A unit's history is its subtree and that of every unit it replaced (the communes and
districts closed by the 2025 reform, and the ones they replaced in turn): a ward formed in
2025 counts the cadres of the communes it was made of. The city's history is its whole tree.
Counts are of distinct cadres; a cadre who held posts in two terms counts in each.
"""

import dataclasses
import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from danvan.cadres.models import Posting, Sex, Term
from danvan.organisations.models import Unit


def history_paths(unit: Unit) -> list[str]:
    """The tree paths of a unit and of every unit it replaced, directly or not."""
    paths = {unit.path}
    seen = {unit.pk}
    frontier = [unit.pk]
    through = Unit.predecessors.through
    while frontier:
        links = list(
            through.objects.filter(from_unit_id__in=frontier).values_list(
                "to_unit_id", "to_unit__path"
            )
        )
        frontier = []
        for pk, path in links:
            if pk not in seen:
                seen.add(pk)
                paths.add(path)
                frontier.append(pk)
    kept: list[str] = []
    for path in sorted(paths):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return kept


def _overlap(start: datetime.date, end: datetime.date) -> Q:
    return Q(start__lte=end) & (Q(end__isnull=True) | Q(end__gte=start))


def danvan_postings(paths: list[str], *, whole_tree: bool = False) -> QuerySet[Posting]:
    """The dân vận postings held in units under the paths (all of them for the whole tree,
    which spares the join to the units)."""
    postings = Posting.objects.danvan()
    return postings if whole_tree else postings.under_paths(paths)


@dataclasses.dataclass
class TermCounts:
    term: Term | None  # None: over every term
    cadres: int = 0
    women: int = 0
    serving: int = 0  # neither retired nor dead today
    retired: int = 0  # retired and living
    deceased: int = 0
    full_time: int = 0

    @property
    def living(self) -> int:
        return self.cadres - self.deceased


def _measures(on: datetime.date) -> dict[str, Q]:
    dead = Q(cadre__died_on__isnull=False)
    retired = Q(cadre__retired_on__isnull=False, cadre__retired_on__lte=on) & ~dead
    return {
        "cadres": Q(),
        "women": Q(cadre__sex=Sex.FEMALE),
        "serving": ~dead & ~retired,
        "retired": retired,
        "deceased": dead,
        "full_time": Q(full_time=True),
    }


def term_counts(
    postings: QuerySet[Posting], terms: list[Term], *, on: datetime.date | None = None
) -> tuple[list[TermCounts], TermCounts]:
    """Counts of distinct cadres per term, and over every term (one query)."""
    on = on or timezone.localdate()
    measures = _measures(on)
    aggregates = {}
    for term in terms:
        overlap = _overlap(term.start, term.end)
        for name, condition in measures.items():
            aggregates[f"t{term.pk}_{name}"] = Count(
                "cadre_id", distinct=True, filter=overlap & condition
            )
    if terms:
        span = _overlap(terms[0].start, terms[-1].end)
        for name, condition in measures.items():
            aggregates[f"all_{name}"] = Count("cadre_id", distinct=True, filter=span & condition)
    values = postings.order_by().aggregate(**aggregates) if aggregates else {}
    rows = [
        TermCounts(term, **{name: values[f"t{term.pk}_{name}"] or 0 for name in measures})
        for term in terms
    ]
    total = TermCounts(None, **{name: values.get(f"all_{name}") or 0 for name in measures})
    return rows, total


def holders(postings: QuerySet[Posting], term: Term) -> QuerySet[Posting]:
    """The postings held during a term, leading posts first, then by unit and start."""
    return (
        postings.filter(_overlap(term.start, term.end))
        .select_related("cadre", "unit")
        .only(
            "id",
            "position",
            "is_manager",
            "full_time",
            "start",
            "end",
            "cadre__id",
            "cadre__full_name",
            "cadre__sex",
            "cadre__birth_year",
            "cadre__retired_on",
            "cadre__died_on",
            "unit__id",
            "unit__name",
            "unit__path",
            "unit__valid_to",
        )
        .order_by("-is_manager", "unit__path", "start", "id")
    )


def _years(posting: Posting) -> str:
    end = str(posting.end.year) if posting.end else "nay"
    return f"{posting.start.year}–{end}"


def titles_for(unit: Unit, cadre_ids, terms: list[Term] | None = None) -> dict[int, str]:
    """The post each cadre is invited as, for those who held a dân vận post in the unit's
    history (within the terms, when given): the leading one, else the latest, with its
    unit and years ("Trưởng ban Dân vận, Quận ủy Ba Đình (2005–2015)")."""
    postings = danvan_postings(history_paths(unit)).filter(cadre_id__in=list(cadre_ids))
    if terms:
        span = Q()
        for term in terms:
            span |= _overlap(term.start, term.end)
        postings = postings.filter(span)
    best: dict[int, Posting] = {}
    for posting in postings.select_related("unit").order_by("is_manager", "start", "id"):
        best[posting.cadre_id] = posting  # leading posts sort last, then the latest
    return {cadre_id: f"{p.position}, {p.unit.name} ({_years(p)})" for cadre_id, p in best.items()}
