"""The arithmetic of a round, on plain data: aggregation, ranking with its tie-breaks,
advancement and prizes. No database here, so that the property tests can run it thousands of
times; `services.close_round` feeds it the round's sheets and stores what it returns.

A team's score in a part is the aggregation of its judges' sheet totals (the mean, or the
mean once the highest and the lowest are dropped), rounded to the rule's decimals; its total
is the weighted sum of its part scores, rounded the same way. Ties on the total are broken by
the steps of the rule in order: the score of the tie-break part, the head judge's weighted
total, a draw. A step that cannot tell every tied team apart (the head judge did not score
one of them) is skipped for that group. Teams still tied share their rank ("1, 2, 2, 4").
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

# Teams, parts, judges and groups are named by any hashable key (database ids in services).
type Key = Any

MEAN = "mean"
TRIMMED = "trimmed"
PART = "part"
HEAD = "head"
DRAW = "draw"


def quantize(value: Fraction | Decimal | int, decimals: int) -> Decimal:
    """Round half up to `decimals` places (exact: from a fraction, not a float)."""
    if isinstance(value, Fraction):
        exact = Decimal(value.numerator) / Decimal(value.denominator)
    else:
        exact = Decimal(value)
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def aggregate(values: Sequence[Decimal], *, rule: str, trim_from: int = 3) -> Fraction:
    """The judges' values as one: their mean, or (rule "trimmed", with at least `trim_from`
    judges) the mean of the others once one highest and one lowest are dropped."""
    if not values:
        raise ValueError("No value to aggregate.")
    ordered = sorted(Fraction(v) for v in values)
    if rule == TRIMMED and len(ordered) >= max(3, trim_from):
        ordered = ordered[1:-1]
    elif rule not in (MEAN, TRIMMED):
        raise ValueError(f"Unknown aggregation: {rule}")
    return sum(ordered, Fraction(0)) / len(ordered)


@dataclass(frozen=True)
class Rule:
    aggregation: str = MEAN
    trim_from: int = 3
    decimals: int = 2
    tie_break: tuple[str, ...] = (PART, HEAD, DRAW)
    tie_part: Key | None = None  # the part whose score breaks ties
    head: Key | None = None  # the head judge


@dataclass
class EntryInput:
    """One team of a round: for each part, each judge's sheet total."""

    key: Key
    sheets: dict[Key, dict[Key, Decimal]]  # part → judge → sum of the criteria
    group: Key | None = None  # its cluster, when the round ranks per cluster
    lot: int | None = None  # its lot in a draw, once drawn


@dataclass
class EntryResult:
    key: Key
    group: Key | None
    parts: dict[Key, Decimal]
    judges: dict[Key, int]
    total: Decimal
    head_total: Decimal | None
    lot: int | None
    rank: int = 0  # among every team of the round
    group_rank: int = 0  # within its group
    position: int = 0  # 1.. in the round's order, ties in input order
    note: str = ""  # the step that separated it from a team with the same total
    advanced: bool = False


@dataclass
class Ranking:
    results: list[EntryResult]  # best first
    # Groups of teams that only a draw can separate and that have no lots yet.
    needs_draw: list[list[Key]] = field(default_factory=list)

    def by_key(self) -> dict[Key, EntryResult]:
        return {r.key: r for r in self.results}


def score_entries(
    entries: Iterable[EntryInput], weights: dict[Key, Decimal], rule: Rule
) -> list[EntryResult]:
    """Each team's part scores, total and head judge's total (unranked)."""
    results = []
    for entry in entries:
        parts: dict[Key, Decimal] = {}
        judges: dict[Key, int] = {}
        head_total: Fraction | None = Fraction(0) if rule.head is not None else None
        for part, weight in weights.items():
            sheets = entry.sheets.get(part, {})
            judges[part] = len(sheets)
            if sheets:
                value = aggregate(
                    list(sheets.values()), rule=rule.aggregation, trim_from=rule.trim_from
                )
                parts[part] = quantize(value, rule.decimals)
            else:
                parts[part] = quantize(0, rule.decimals)
            if head_total is not None:
                if rule.head in sheets:
                    head_total += Fraction(weight) * Fraction(sheets[rule.head])
                else:
                    head_total = None
        total = sum((Decimal(weights[p]) * parts[p] for p in weights), Decimal(0))
        results.append(
            EntryResult(
                key=entry.key,
                group=entry.group,
                parts=parts,
                judges=judges,
                total=quantize(total, rule.decimals),
                head_total=None if head_total is None else quantize(head_total, rule.decimals),
                lot=entry.lot,
            )
        )
    return results


_NOTES = {
    PART: "part",
    HEAD: "head",
    DRAW: "draw",
}


def _step_value(result: EntryResult, step: str, rule: Rule):
    if step == PART:
        return None if rule.tie_part is None else result.parts.get(rule.tie_part)
    if step == HEAD:
        return result.head_total
    if step == DRAW:
        # The lower lot goes first.
        return None if result.lot is None else -result.lot
    raise ValueError(f"Unknown tie-break step: {step}")


def _order(
    group: list[EntryResult], steps: Sequence[str], rule: Rule, unresolved: list[list]
) -> list[list[EntryResult]]:
    """Split a group of teams with equal totals into ordered sub-groups, step by step."""
    if len(group) == 1:
        return [group]
    if not steps:
        return [group]
    step, rest = steps[0], steps[1:]
    values = [_step_value(r, step, rule) for r in group]
    if any(v is None for v in values):
        if step == DRAW:
            unresolved.append([r.key for r in group])
            return [group]
        return _order(group, rest, rule, unresolved)
    buckets: dict = {}
    for result, value in zip(group, values, strict=True):
        buckets.setdefault(value, []).append(result)
    ordered: list[list[EntryResult]] = []
    for value in sorted(buckets, reverse=True):
        bucket = buckets[value]
        if len(buckets) > 1:
            for result in bucket:
                result.note = result.note or _NOTES[step]
        ordered += _order(bucket, rest, rule, unresolved)
    return ordered


def _rank_list(results: list[EntryResult], rule: Rule, unresolved: list) -> list[list[EntryResult]]:
    """The teams in order, as groups of teams that share a rank."""
    by_total: dict[Decimal, list[EntryResult]] = {}
    for result in results:
        by_total.setdefault(result.total, []).append(result)
    tiers: list[list[EntryResult]] = []
    for total in sorted(by_total, reverse=True):
        tiers += _order(by_total[total], list(rule.tie_break), rule, unresolved)
    return tiers


def rank(results: list[EntryResult], rule: Rule) -> Ranking:
    """Rank every team of the round, and each team within its group; best first.

    A group is ranked on its own (a tie-break step may tell its teams apart where it could
    not across the whole round), with the same steps and the same lots."""
    for result in results:
        result.note = ""
    unresolved: list[list[Key]] = []
    ordered: list[EntryResult] = []
    for tier in _rank_list(results, rule, unresolved):
        rank_here = len(ordered) + 1
        for result in tier:
            result.rank = rank_here
        ordered += tier
    for position, result in enumerate(ordered, start=1):
        result.position = position
    groups: dict[Key, list[EntryResult]] = {}
    for result in results:
        groups.setdefault(result.group, []).append(result)
    for members in groups.values():
        placed = 0
        for tier in _rank_list(members, rule, unresolved):
            for result in tier:
                result.group_rank = placed + 1
            placed += len(tier)
    needs_draw: list[list[Key]] = []
    for keys in unresolved:
        if len(keys) > 1 and keys not in needs_draw:
            needs_draw.append(keys)
    return Ranking(results=ordered, needs_draw=needs_draw)


def draw_lots(keys: Sequence[Key], shuffle: Callable[[list], None]) -> dict[Key, int]:
    """Lots 1..n for a tied group, in the order the shuffle leaves them."""
    order = list(keys)
    shuffle(order)
    return {key: n for n, key in enumerate(order, start=1)}


def advancing(ranking: Ranking, *, per_group: int, runners_up: int) -> set[Key]:
    """The teams that go on: the best `per_group` of each group (a team sharing the last
    place's rank goes too), then the best `runners_up` of the others across groups."""
    chosen: set[Key] = set()
    if per_group:
        chosen = {r.key for r in ranking.results if r.group_rank <= per_group}
    if runners_up:
        others = [r for r in ranking.results if r.key not in chosen]
        if others:
            last = others[min(runners_up, len(others)) - 1].rank
            chosen |= {r.key for r in others if r.rank <= last}
    return chosen


@dataclass(frozen=True)
class Quota:
    key: Key
    count: int
    part: Key | None = None  # a special prize: the best of this part


@dataclass(frozen=True)
class Award:
    quota: Key
    entry: Key
    group: Key | None


def prizes(ranking: Ranking, quotas: Sequence[Quota], *, per_group: bool) -> list[Award]:
    """The prizes of a round: ranked quotas in their order over the ranks of each group (a
    shared rank uses up the places it covers), then each special quota to the best teams of
    its part (ties in the part go to the better ranked)."""
    groups: dict[Key, list[EntryResult]] = {}
    for result in ranking.results:
        groups.setdefault(result.group if per_group else None, []).append(result)
    awards: list[Award] = []
    ranked = [q for q in quotas if q.part is None]
    special = [q for q in quotas if q.part is not None]
    for members in groups.values():
        place = 0
        for quota in ranked:
            low, high = place + 1, place + quota.count
            place = high
            for result in members:
                position = result.group_rank if per_group else result.rank
                if low <= position <= high:
                    awards.append(Award(quota.key, result.key, result.group))
        for quota in special:
            best = sorted(members, key=lambda r: (-r.parts.get(quota.part, 0), r.position))
            for result in best[: quota.count]:
                awards.append(Award(quota.key, result.key, result.group))
    return awards
