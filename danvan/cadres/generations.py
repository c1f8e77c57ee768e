"""The generations of a unit: who held its dân vận posts, congress term by congress term.

A unit's history is its subtree and that of every unit it replaced (the communes and
districts closed by the 2025 reform, and the ones they replaced in turn): a ward formed in
2025 counts the cadres of the communes it was made of. The city's history is its whole tree.
Counts are of distinct cadres; a cadre who held posts in two terms counts in each.
"""

# ruff: noqa: S608  (the counts' SQL is built from table and column names; values are params)

import dataclasses
import datetime
import hashlib

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from danvan.cadres import versions
from danvan.cadres.models import Cadre, Posting, Sex, Term
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


CACHE_SECONDS = 24 * 3600


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
    postings: int = 0  # dân vận postings held in the term (a cadre's two posts count twice)

    @property
    def living(self) -> int:
        return self.cadres - self.deceased


MEASURES = ("cadres", "women", "serving", "retired", "deceased", "full_time", "postings")


def _counts_sql(paths: list[str] | None, *, per_term: bool) -> tuple[str, list]:
    """SQL counting distinct cadres (per term, or over a span) from their dân vận postings:
    each cadre's postings are first grouped into one row per (term, cadre), then counted
    with the cadre's sex and life; a cadre with two posts in a term counts once."""
    q = connection.ops.quote_name
    posting, cadre, unit, term = (
        Posting._meta.db_table,
        Cadre._meta.db_table,
        Unit._meta.db_table,
        Term._meta.db_table,
    )
    end = q("end")
    where = ["p.is_danvan_post"]
    params: list = []
    if paths is not None:
        likes = " OR ".join(["path LIKE %s"] * len(paths))
        where.append(f"p.unit_id IN (SELECT id FROM {q(unit)} WHERE {likes})")
        params += [path + "%" for path in paths]
    full_time = "MAX(CASE WHEN p.full_time THEN 1 ELSE 0 END)"
    if per_term:
        inner = (
            f"SELECT t.id AS tid, p.cadre_id AS cid, {full_time} AS ft, COUNT(*) AS n "
            f"FROM {q(posting)} p JOIN {q(term)} t "
            f"ON p.start <= t.{end} AND (p.{end} IS NULL OR p.{end} >= t.start) "
            f"WHERE {' AND '.join(where)} AND t.id IN %s GROUP BY t.id, p.cadre_id"
        )
    else:
        inner = (
            f"SELECT 0 AS tid, p.cadre_id AS cid, {full_time} AS ft, COUNT(*) AS n "
            f"FROM {q(posting)} p "
            f"WHERE {' AND '.join(where)} AND p.start <= %s "
            f"AND (p.{end} IS NULL OR p.{end} >= %s) GROUP BY p.cadre_id"
        )
    sql = (
        "SELECT x.tid, COUNT(*), "
        "SUM(CASE WHEN c.sex = %s THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN c.died_on IS NULL AND (c.retired_on IS NULL OR c.retired_on > %s) "
        "THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN c.died_on IS NULL AND c.retired_on <= %s THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN c.died_on IS NOT NULL THEN 1 ELSE 0 END), "
        f"SUM(x.ft), SUM(x.n) FROM ({inner}) x JOIN {q(cadre)} c ON c.id = x.cid "
        "GROUP BY x.tid"
    )
    return sql, params


def count_terms(
    paths: list[str] | None, terms: list[Term], on: datetime.date
) -> tuple[dict[int, tuple[int, ...]], tuple[int, ...]]:
    """Counts of distinct cadres per term id and over every term (two queries)."""
    zero = (0,) * len(MEASURES)
    if not terms:
        return {}, zero
    by_term: dict[int, tuple[int, ...]] = {}
    with connection.cursor() as cursor:
        sql, params = _counts_sql(paths, per_term=True)
        ids = [term.pk for term in terms]
        sql = sql.replace("IN %s", "IN (" + ", ".join(["%s"] * len(ids)) + ")")
        cursor.execute(sql, [Sex.FEMALE, on, on, *params, *ids])
        for tid, *values in cursor.fetchall():
            by_term[tid] = tuple(int(v or 0) for v in values)
        sql, params = _counts_sql(paths, per_term=False)
        span_end, span_start = max(t.end for t in terms), min(t.start for t in terms)
        cursor.execute(sql, [Sex.FEMALE, on, on, *params, span_end, span_start])
        row = cursor.fetchone()
    total = tuple(int(v or 0) for v in row[1:]) if row else zero
    return by_term, total


def is_whole_tree(unit: Unit) -> bool:
    """Whether the unit is the only root: its history is every posting."""
    return (
        unit.parent_id is None
        and not Unit.objects.filter(parent__isnull=True, valid_to__isnull=True)
        .exclude(pk=unit.pk)
        .exists()
    )


def term_counts(
    unit: Unit, terms: list[Term], *, on: datetime.date | None = None
) -> tuple[list[TermCounts], TermCounts]:
    """The generations counts of a unit, kept in the cache under the records' version, the
    day and the terms: a change anywhere (or a new day) makes them counted afresh."""
    on = on or timezone.localdate()
    signature = hashlib.sha1(
        repr([(t.pk, t.start, t.end) for t in terms]).encode(), usedforsecurity=False
    ).hexdigest()[:16]
    key = f"cadres:generations:{unit.pk}:{on.isoformat()}:{versions.current()}:{signature}"
    found = cache.get(key)
    if found is None:
        paths = None if is_whole_tree(unit) else history_paths(unit)
        found = count_terms(paths, terms, on)
        cache.set(key, found, CACHE_SECONDS)
    by_term, total = found
    zero = (0,) * len(MEASURES)
    rows = [
        TermCounts(term, **dict(zip(MEASURES, by_term.get(term.pk, zero), strict=True)))
        for term in terms
    ]
    return rows, TermCounts(None, **dict(zip(MEASURES, total, strict=True)))


def holders(postings: QuerySet[Posting], term: Term) -> QuerySet[Posting]:
    """The postings held during a term, leading posts first, then by start."""
    return postings.filter(_overlap(term.start, term.end)).order_by("-is_manager", "start", "id")


class _Counted(Paginator):
    """A paginator told its count (the cached counts carry it): no COUNT query."""

    def __init__(self, object_list, per_page, *, known: int):
        super().__init__(object_list, per_page)
        self.known = known

    @property
    def count(self) -> int:  # type: ignore[override]
        return self.known


def holders_page(
    postings: QuerySet[Posting], term: Term, number, per_page: int, *, count: int | None = None
) -> Page:
    """A page of a term's holders, in two steps: the page's ids from the covering index
    (sorting ids, not joined rows), then those rows with their cadres and units. `count`,
    when known (TermCounts.postings), spares the COUNT query."""
    ids = holders(postings, term).values_list("id", flat=True)
    paginator = Paginator(ids, per_page) if count is None else _Counted(ids, per_page, known=count)
    page = paginator.get_page(number)
    chosen = list(page.object_list)
    rows = (
        Posting.objects.filter(pk__in=chosen)
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
            "unit__valid_to",
        )
    )
    order = {pk: n for n, pk in enumerate(chosen)}
    loaded: list[Posting] = sorted(rows, key=lambda posting: order[posting.pk])
    page.object_list = loaded
    return page


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
