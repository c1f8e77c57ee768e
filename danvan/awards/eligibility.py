"""The eligibility engine: who may be proposed for the medal “Vì sự nghiệp Dân vận” and for
titles that need consecutive years, on a date, each verdict explaining itself.

The medal: the cadre's dân vận postings up to the evaluation date, cumulative, each month
weighted by the rule row in force on that date (a part-time month counts years_full_time /
years_part_time of a full-time one, a month in a hardship area is multiplied); the months
needed are years_full_time × 12, reduced for women and after a high award. A month is a
calendar month; the days left over count 1/30 each. Where postings overlap, each day counts
once, at the better weight. The verdict names the rule row, every posting with the months
it counted, and, when not yet eligible, the date it will be if the postings held now go on.

Titles (CSTĐ tỉnh after 3 consecutive CSTĐ cơ sở…): the run of consecutive years holding
the prerequisite, ending in the year considered, counted after the last time the title
itself was awarded.

A changed rule row changes the verdicts from its effective date only: a verdict is computed
with the row in force on its evaluation date and stores it.
"""

import calendar
import datetime
import functools
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from danvan.awards.models import (
    Award,
    AwardType,
    MedalRule,
    RecipientKind,
    TitleRule,
    Verdict,
)
from danvan.cadres.models import Cadre, Discipline, Posting, Sex
from danvan.lib.bulk import insert_rows
from danvan.organisations.models import Unit

MEDAL_CODE = "knc_dan_van"
ONE_DAY = datetime.timedelta(days=1)
Weights = dict[tuple[bool, bool], Fraction]  # (full-time, hardship area) → a month's weight


# --- Calendar months --------------------------------------------------------------------------

_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
# Every month is 28 to 31 days long: a day is a whole number of 1/UNIT of its month.
UNIT = 377_580  # the least common multiple of 28, 29, 30 and 31


def _month_days(year: int, month: int) -> int:
    if month == 2 and calendar.isleap(year):
        return 29
    return _DAYS_IN_MONTH[month - 1]


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the month's last day where it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = _month_days(year, month)
    return datetime.date(year, month, day.day if day.day <= last else last)


def _month_parts(start: datetime.date, after: datetime.date) -> tuple[int, int, int]:
    """(whole calendar months, days left, length of the month they fall in) from `start`
    to the day before `after`; `after` is later than `start`."""
    whole = (after.year - start.year) * 12 + after.month - start.month
    anchor = add_months(start, whole)
    if anchor > after:  # the day of the month not reached yet: one month fewer
        whole -= 1
        anchor = add_months(start, whole)
    span = (add_months(start, whole + 1) - anchor).days
    return whole, (after - anchor).days, span


def months_between(start: datetime.date, last: datetime.date) -> Fraction:
    """Months from `start` to `last` inclusive: whole calendar months, then the days left
    as a share of the month they fall in (10 days of a 31-day month are 10/31)."""
    after = last + ONE_DAY
    if after <= start:
        return Fraction(0)
    whole, days, span = _month_parts(start, after)
    return Fraction(whole * span + days, span)


def _units(start: datetime.date, last: datetime.date, scale: int) -> int:
    """months_between(start, last) × scale, exactly (scale is a multiple of UNIT)."""
    after = last + ONE_DAY
    if after <= start:
        return 0
    whole, days, span = _month_parts(start, after)
    return whole * scale + days * (scale // span)


def date_after(start: datetime.date, months: Fraction) -> datetime.date:
    """The last day of a span of `months` starting on `start` (the inverse of the above)."""
    return _date_after(start, months.numerator, months.denominator)


def _date_after(start: datetime.date, numerator: int, denominator: int) -> datetime.date:
    """date_after for numerator / denominator months, in integers."""
    whole = numerator // denominator
    anchor = add_months(start, whole)
    span = (add_months(start, whole + 1) - anchor).days
    days = -(-(numerator - whole * denominator) * span // denominator)  # rounded up
    return anchor + datetime.timedelta(days=days) - ONE_DAY


def _years(months: Fraction) -> dict:
    """Months as years, months and days for the explanation (days of 30, rounded down)."""
    numerator, denominator = months.numerator, months.denominator
    whole = numerator // denominator
    days = (numerator - whole * denominator) * 30 // denominator
    return {"years": whole // 12, "months": whole % 12, "days": days}


# --- The medal --------------------------------------------------------------------------------


@dataclass
class Service:
    """One stretch of service as counted: a posting (or the part of it not overlapped)."""

    posting_id: int
    unit: str
    position: str
    start: datetime.date
    end: datetime.date | None  # None: held now, counted to the evaluation date
    full_time: bool
    hardship: bool
    manager: bool
    weight: Fraction = Fraction(1)


def weight_of(rule: MedalRule, *, full_time: bool, hardship: bool) -> Fraction:
    """A month's weight under the rule: part-time months count years_full_time /
    years_part_time, hardship months are multiplied (read once per rule's values)."""
    return _terms(rule).weights[full_time, hardship]


def _required(
    years: Decimal,
    numerator: int,
    denominator: int,
    reduction_years: Decimal,
    *,
    woman: bool,
    high_award: str | None,
) -> tuple[Fraction, list[dict]]:
    base = Fraction(years) * 12
    steps = [{"step": "base", "months": float(base)}]
    required = base
    if woman and denominator:
        cut = required * Fraction(numerator, denominator)
        required -= cut
        steps.append({"step": "women", "months": float(-cut)})
    if high_award and reduction_years:
        cut = Fraction(reduction_years) * 12
        required = max(Fraction(0), required - cut)
        steps.append({"step": "high_award", "award": high_award, "months": float(-cut)})
    return required, steps


def required_months(rule: MedalRule, *, woman: bool, high_award: str | None) -> tuple:
    """(months needed, the steps that got there) for the rule, a woman, a high award."""
    return _required(
        Decimal(rule.years_full_time),
        rule.women_reduction_numerator,
        rule.women_reduction_denominator,
        Decimal(rule.high_award_reduction_years),
        woman=woman,
        high_award=high_award,
    )


@dataclass(frozen=True)
class _Terms:
    """What a medal rule's values give, worked out once for a run (not per cadre): the
    weight of each kind of month, the months needed for a woman or a man with or without
    a high award, and the scale that makes every weighted month a whole number."""

    weights: Weights
    scale: int  # months × scale are integers for every weight of the rule
    high_awards: tuple[str, ...]  # sorted
    women: bool  # whether the rule has a women's reduction
    required: Callable[[bool, str | None], tuple[Fraction, list[dict]]]
    management: Callable[[bool, str | None], Fraction] | None
    manager_needed: Fraction


def _terms(rule: MedalRule) -> _Terms:
    return _terms_of(
        Decimal(rule.years_full_time),
        Decimal(rule.years_part_time),
        Decimal(rule.hardship_multiplier),
        None if rule.years_with_management is None else Decimal(rule.years_with_management),
        None if rule.management_years is None else Decimal(rule.management_years),
        rule.women_reduction_numerator,
        rule.women_reduction_denominator,
        Decimal(rule.high_award_reduction_years),
        rule.high_award_codes,
    )


@functools.lru_cache(maxsize=64)
def _terms_of(
    years_full_time: Decimal,
    years_part_time: Decimal,
    multiplier: Decimal,
    years_with_management: Decimal | None,
    management_years: Decimal | None,
    numerator: int,
    denominator: int,
    reduction_years: Decimal,
    high_award_codes: str,
) -> _Terms:
    part_time = Fraction(years_full_time) / Fraction(years_part_time)
    hardship = Fraction(multiplier)
    weights = {
        (True, False): Fraction(1),
        (False, False): part_time,
        (True, True): hardship,
        (False, True): part_time * hardship,
    }
    scale = UNIT * math.lcm(*(w.denominator for w in weights.values()))

    @functools.cache
    def required(woman: bool, high_award: str | None) -> tuple[Fraction, list[dict]]:
        return _required(
            years_full_time,
            numerator,
            denominator,
            reduction_years,
            woman=woman,
            high_award=high_award,
        )

    management = None
    manager_needed = Fraction(0)
    if years_with_management and management_years:
        years = years_with_management

        @functools.cache
        def management(woman: bool, high_award: str | None) -> Fraction:
            return _required(
                years, numerator, denominator, reduction_years, woman=woman, high_award=high_award
            )[0]

        manager_needed = Fraction(management_years) * 12
    high = tuple(sorted({c.strip() for c in high_award_codes.split(",") if c.strip()}))
    return _Terms(weights, scale, high, bool(denominator), required, management, manager_needed)


def stretches(postings: Sequence[dict], rule: MedalRule) -> list[Service]:
    """Each day of dân vận service once, at its best weight, in order.

    `postings` are dicts with id, unit, position, start, end, full_time, hardship, manager.
    Where postings overlap, they are cut at each start and end and each piece goes to the
    posting with the highest weight then (a leading post wins a tie).
    """
    return _stretches(postings, _terms(rule).weights)


def _stretches(postings: Sequence[dict], weights: Weights) -> list[Service]:
    items = sorted(postings, key=lambda p: (p["start"], p["id"]))
    result: list[Service] = []

    def make(p: dict, start, end) -> Service:
        return Service(
            p["id"],
            p["unit"],
            p["position"],
            start,
            end,
            p["full_time"],
            p["hardship"],
            p["manager"],
            weight=weights[p["full_time"], p["hardship"]],
        )

    index = 0
    while index < len(items):
        cluster = [items[index]]
        reach = items[index]["end"]
        index += 1
        while index < len(items) and (reach is None or reach >= items[index]["start"]):
            cluster.append(items[index])
            end = items[index]["end"]
            reach = None if reach is None or end is None else max(reach, end)
            index += 1
        if len(cluster) == 1:
            p = cluster[0]
            result.append(make(p, p["start"], p["end"]))
            continue
        cuts = sorted(
            {p["start"] for p in cluster} | {p["end"] + ONE_DAY for p in cluster if p["end"]}
        )
        for position, cut in enumerate(cuts):
            nxt = cuts[position + 1] if position + 1 < len(cuts) else None
            active = [
                p for p in cluster if p["start"] <= cut and (p["end"] is None or p["end"] >= cut)
            ]
            if not active:
                continue
            best = max(
                active,
                key=lambda p: (weights[p["full_time"], p["hardship"]], p["manager"]),
            )
            end = None if nxt is None else nxt - ONE_DAY
            if end is None and best["end"] is not None:
                end = best["end"]
            previous = result[-1] if result else None
            if (
                previous is not None
                and previous.posting_id == best["id"]
                and previous.end is not None
                and previous.end + ONE_DAY == cut
            ):
                previous.end = end
            else:
                result.append(make(best, cut, end))
    return result


@dataclass
class MedalVerdict:
    eligible: bool
    eligible_from: datetime.date | None
    counted: Fraction
    required: Fraction
    rule: MedalRule
    explanation: dict = field(default_factory=dict)


def _crossing(
    pieces: list[Service],
    needed: Fraction,
    scale: int,
    spans: list[int | None],
    weights: list[Fraction],
) -> datetime.date | None:
    """The day the weighted months reach `needed`, walking the pieces in order (a piece
    held now goes on past the evaluation date); None when they never do. `spans` are the
    pieces' months to their own end × scale, `weights` what each month of each counts.
    Compared in integers: weighted months × scale × needed's denominator."""
    if needed.numerator <= 0:
        return pieces[0].start if pieces else None
    goal, per = needed.numerator * scale, needed.denominator
    total = 0  # weighted months so far × scale
    for piece, span, weight in zip(pieces, spans, weights, strict=True):
        if weight.numerator <= 0:
            continue
        counted = None if span is None else span * weight.numerator // weight.denominator
        if counted is None or (total + counted) * per >= goal:
            # (needed - total / scale) / weight months from the piece's start
            return _date_after(
                piece.start,
                (goal - total * per) * weight.denominator,
                per * scale * weight.numerator,
            )
        total += counted
    return None


ONE = Fraction(1)
NONE = Fraction(0)


def evaluate_medal(
    rule: MedalRule,
    *,
    postings: Sequence[dict],
    sex: str,
    died_on: datetime.date | None,
    awards: Iterable[tuple[str, int]],
    on: datetime.date,
) -> MedalVerdict:
    """The verdict for one cadre on a date. `awards` are (code, year) of awards held.

    Months are counted exactly, as whole numbers of 1/scale of a month (every day is a
    whole number of them, at every weight of the rule), and shown rounded."""
    terms = _terms(rule)
    scale = terms.scale
    held = list(awards)
    codes = {code for code, _year in held}
    pieces = [
        p
        for p in _stretches([p for p in postings if p["start"] <= on], terms.weights)
        if p.start <= on
    ]
    spans: list[int | None] = []
    months: list[int] = []
    counted_units: list[int] = []
    for piece in pieces:
        span = None if piece.end is None else _units(piece.start, piece.end, scale)
        held_months = (
            span
            if span is not None and piece.end is not None and piece.end <= on
            else _units(piece.start, on, scale)
        )
        weight = piece.weight
        spans.append(span)
        months.append(held_months)
        counted_units.append(held_months * weight.numerator // weight.denominator)
    counted_total = sum(counted_units)
    counted = Fraction(counted_total, scale)
    high = next((c for c in terms.high_awards if c in codes), None)
    woman = sex == Sex.FEMALE
    required, steps = terms.required(woman, high)
    steps = [dict(step) for step in steps]
    reasons: list[dict] = []
    explanation = {
        "rule": rule.pk,
        "rule_from": rule.effective_from.isoformat(),
        "on": on.isoformat(),
        "periods": [
            {
                "posting": p.posting_id,
                "unit": p.unit,
                "position": p.position,
                "from": p.start.isoformat(),
                "to": (p.end if p.end is not None and p.end <= on else on).isoformat(),
                "held": p.end is None or p.end > on,
                "full_time": p.full_time,
                "hardship": p.hardship,
                "manager": p.manager,
                "months": round(held_months / scale, 2),
                "weight": round(float(p.weight), 4),
                "counted": round(piece_counted / scale, 2),
            }
            for p, held_months, piece_counted in zip(pieces, months, counted_units, strict=True)
        ],
        "required_steps": steps,
        "counted": round(counted_total / scale, 2),
        "required": round(float(required), 2),
        "counted_text": _years(counted),
        "required_text": _years(required),
    }
    # For the date when, the pieces run to their own end: one held now goes on.
    settled = any(code == MEDAL_CODE for code in codes) or (died_on is not None and died_on <= on)
    weights = [p.weight for p in pieces]
    crossing = None if settled else _crossing(pieces, required, scale, spans, weights)
    path = "service"
    if not settled and terms.management is not None and any(p.manager for p in pieces):
        alt_required = terms.management(woman, high)
        manager_needed = terms.manager_needed
        manager_months = sum(m for p, m in zip(pieces, months, strict=True) if p.manager)
        explanation["management"] = {
            "required": round(float(alt_required), 2),
            "manager_required": round(float(manager_needed), 2),
            "manager_months": round(manager_months / scale, 2),
        }
        total_date = _crossing(pieces, alt_required, scale, spans, weights)
        manager_date = _crossing(
            pieces, manager_needed, scale, spans, [ONE if p.manager else NONE for p in pieces]
        )
        alt = max(total_date, manager_date) if total_date and manager_date else None
        if alt is not None and (crossing is None or alt < crossing):
            crossing, path = alt, "management"
    explanation["path"] = path
    eligible_from = crossing
    eligible = crossing is not None and crossing <= on
    medal_held = [year for code, year in held if code == MEDAL_CODE]
    if medal_held:
        eligible, eligible_from = False, None
        reasons.append({"code": "already_awarded", "year": medal_held[0]})
    if died_on is not None and died_on <= on:
        eligible, eligible_from = False, None
        reasons.append({"code": "died", "date": died_on.isoformat()})
    if not pieces:
        reasons.append({"code": "no_service"})
    elif not eligible and not reasons:
        if crossing is not None:
            reasons.append({"code": "not_yet", "date": crossing.isoformat()})
        else:
            reasons.append(
                {"code": "short", "missing": _years(max(Fraction(0), required - counted))}
            )
    if woman and terms.women:
        explanation["woman"] = True
    if high:
        explanation["high_award"] = high
    explanation["reasons"] = reasons
    explanation["eligible_from"] = eligible_from.isoformat() if eligible_from else None
    return MedalVerdict(eligible, eligible_from, counted, required, rule, explanation)


# --- Titles -----------------------------------------------------------------------------------


@dataclass
class TitleVerdict:
    eligible: bool
    eligible_from: datetime.date | None
    rule: TitleRule
    explanation: dict


def evaluate_title(
    rule: TitleRule, *, awards: Iterable[tuple[str, int]], year: int
) -> TitleVerdict:
    """Whether the prerequisite was held the rule's number of consecutive years ending in
    `year`, counted after the last time the title itself was awarded."""
    held = list(awards)
    prerequisite = {y for code, y in held if code == rule.prerequisite_code}
    target = {y for code, y in held if code == rule.award_code}
    needed = rule.consecutive_years
    explanation: dict = {
        "rule": rule.pk,
        "rule_from": rule.effective_from.isoformat(),
        "prerequisite": rule.prerequisite_code,
        "needed": needed,
        "initiative": rule.needs_initiative,
    }
    if year in target:
        explanation.update(run=[], reasons=[{"code": "already_awarded", "year": year}])
        return TitleVerdict(False, None, rule, explanation)
    last_target = max((y for y in target if y < year), default=None)

    def run_ending(end: int) -> list[int]:
        run = []
        current = end
        while current in prerequisite and (last_target is None or current > last_target):
            run.append(current)
            current -= 1
        return sorted(run)

    run = run_ending(year)
    explanation["run"] = run
    explanation["after_title"] = last_target
    if len(run) >= needed:
        explanation["reasons"] = []
        return TitleVerdict(True, datetime.date(year, 12, 31), rule, explanation)
    # Not yet: if the prerequisite goes on being awarded, this year's included.
    base = run if run else run_ending(year - 1)
    have = len(base) if run else min(len(base), needed - 1)
    missing = needed - have
    first_year = year + missing - (0 if run else 1)
    when = datetime.date(first_year, 12, 31)
    explanation["run"] = base
    explanation["reasons"] = [
        {"code": "consecutive", "have": len(base), "missing": missing, "year": first_year}
    ]
    return TitleVerdict(False, when, rule, explanation)


# --- Runs over many cadres --------------------------------------------------------------------


def evaluation_date(year: int) -> datetime.date:
    """Verdicts of a year are taken on its last day (today's postings held to then)."""
    return datetime.date(year, 12, 31)


def _posting_rows(cadre_ids: list[int] | None) -> dict[int, list[dict]]:
    qs = Posting.objects.filter(is_danvan_post=True)
    if cadre_ids is not None:
        qs = qs.filter(cadre_id__in=cadre_ids)
    rows: dict[int, list[dict]] = defaultdict(list)
    for pk, cadre_id, unit, position, start, end, full_time, hardship, manager in qs.values_list(
        "id",
        "cadre_id",
        "unit__name",
        "position",
        "start",
        "end",
        "full_time",
        "hardship_area",
        "is_manager",
    ).iterator(chunk_size=5000):
        rows[cadre_id].append(
            {
                "id": pk,
                "unit": unit,
                "position": position,
                "start": start,
                "end": end,
                "full_time": full_time,
                "hardship": hardship,
                "manager": manager,
            }
        )
    return rows


def _award_rows(cadre_ids: list[int] | None, codes: set[str]) -> dict[int, list[tuple[str, int]]]:
    qs = Award.objects.active().filter(cadre__isnull=False, award_type__code__in=codes)
    if cadre_ids is not None:
        qs = qs.filter(cadre_id__in=cadre_ids)
    rows: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for cadre_id, code, year in qs.values_list("cadre_id", "award_type__code", "year").iterator(
        chunk_size=5000
    ):
        rows[cadre_id].append((code, year))
    return rows


def _collective_rows(unit: Unit | None, codes: set[str]) -> dict[int, list[tuple[str, int]]]:
    """(code, year) of the awards in force held by collectives (under a unit), by unit."""
    qs = Award.objects.active().filter(unit__isnull=False, award_type__code__in=codes)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    rows: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for unit_id, code, year in qs.values_list("unit_id", "award_type__code", "year"):
        rows[unit_id].append((code, year))
    return rows


def _recipients(rules: list[TitleRule], on: datetime.date) -> dict[str, str]:
    """Who each rule's title goes to (people, collectives, both), by the catalogue row in
    force on the date."""
    return dict(
        AwardType.objects.in_force(on)
        .filter(code__in={rule.award_code for rule in rules})
        .values_list("code", "recipients")
    )


def _scope_units(cadre_ids: list[int] | None, today: datetime.date) -> dict[int, tuple[int, str]]:
    """Each cadre's unit now (its latest posting held today), else the unit keeping the file."""
    found: dict[int, tuple[int, str]] = {}
    files = Cadre.objects.all() if cadre_ids is None else Cadre.objects.filter(pk__in=cadre_ids)
    for pk, unit_id, path in files.values_list("id", "record_unit_id", "record_unit__path"):
        found[pk] = (unit_id, path)
    current = Posting.objects.current(today)
    if cadre_ids is not None:
        current = current.filter(cadre_id__in=cadre_ids)
    for cadre_id, unit_id, path in current.order_by("start", "id").values_list(
        "cadre_id", "unit_id", "unit__path"
    ):
        found[cadre_id] = (unit_id, path)
    return found


@dataclass
class RunResult:
    year: int
    evaluated_on: datetime.date
    cadres: int
    verdicts: int
    eligible: dict[str, int]
    collectives: int = 0  # collectives evaluated (holding a prerequisite of a title)


@transaction.atomic
def run_eligibility(
    year: int, *, unit: Unit | None = None, codes: Sequence[str] | None = None
) -> RunResult:
    """Compute and store the verdicts of a year for every cadre (of a unit's subtree): the
    medal and each title with a rule in force on the year's last day. Earlier verdicts of
    the same year and cadres are replaced; those of other years stay as they were."""
    on = evaluation_date(year)
    today = timezone.localdate()
    medal_rule = MedalRule.objects.in_force(on).filter(award_code=MEDAL_CODE).first()
    title_rules = list(TitleRule.objects.in_force(on))
    if codes is not None:
        title_rules = [r for r in title_rules if r.award_code in codes]
        if MEDAL_CODE not in codes:
            medal_rule = None
    # A title goes to people, to collectives, or to both, as its catalogue row says.
    recipients = _recipients(title_rules, on)
    collective_rules = [
        r
        for r in title_rules
        if recipients.get(r.award_code) in (RecipientKind.COLLECTIVE, RecipientKind.ANY)
    ]
    title_rules = [
        r for r in title_rules if recipients.get(r.award_code) != RecipientKind.COLLECTIVE
    ]
    cadres = Cadre.objects.all()
    if unit is not None:
        cadres = cadres.in_paths([unit.path], on=today)
    people = list(cadres.values_list("id", "sex", "died_on"))
    ids = None if unit is None else [pk for pk, _sex, _died in people]
    postings = _posting_rows(ids) if medal_rule is not None else {}
    wanted = {MEDAL_CODE}
    if medal_rule is not None:
        wanted |= medal_rule.high_awards
    for rule in title_rules:
        wanted |= {rule.award_code, rule.prerequisite_code}
    awards = _award_rows(ids, wanted)
    scopes = _scope_units(ids, today)
    frozen = set(
        Discipline.objects.open_on(today)
        .filter(**({} if ids is None else {"cadre_id__in": ids}))
        .values_list("cadre_id", flat=True)
    )
    now = timezone.now()
    verdicts: list[tuple] = []
    eligible: dict[str, int] = defaultdict(int)

    def months(value: Fraction) -> Decimal:
        return Decimal(str(round(value.numerator / value.denominator, 2)))

    for pk, sex, died_on in people:
        scope_unit_id, scope_path = scopes[pk]
        held = awards.get(pk, [])
        if medal_rule is not None and pk in postings:
            result = evaluate_medal(
                medal_rule, postings=postings[pk], sex=sex, died_on=died_on, awards=held, on=on
            )
            if pk in frozen:
                result.explanation["frozen"] = True
            verdicts.append(
                (
                    MEDAL_CODE,
                    pk,
                    scope_unit_id,
                    scope_path,
                    result.eligible,
                    result.eligible_from,
                    months(result.counted),
                    months(result.required),
                    medal_rule.pk,
                    None,
                    result.explanation,
                    None,
                )
            )
            eligible[MEDAL_CODE] += result.eligible
        for rule in title_rules:
            if not any(code == rule.prerequisite_code for code, _y in held):
                continue  # nobody without the prerequisite is listed for a title
            title = evaluate_title(rule, awards=held, year=year)
            if pk in frozen:
                title.explanation["frozen"] = True
            verdicts.append(
                (
                    rule.award_code,
                    pk,
                    scope_unit_id,
                    scope_path,
                    title.eligible,
                    title.eligible_from,
                    None,
                    None,
                    None,
                    rule.pk,
                    title.explanation,
                    None,
                )
            )
            eligible[rule.award_code] += title.eligible
    collectives = _collective_verdicts(collective_rules, year, unit)
    for row in collectives:
        eligible[row[0]] += row[4]
    verdicts.extend(collectives)
    stale = Verdict.objects.filter(year=year)
    if unit is not None:
        stale = stale.filter(
            Q(cadre_id__in=ids) | Q(unit__isnull=False, scope_path__startswith=unit.path)
        )
    stale.delete()
    # The year, the date and the time are the same for every row: given once.
    insert_rows(
        Verdict,
        ["year", "evaluated_on", "computed_at", *VERDICT_COLUMNS],
        ((year, on, now, *row) for row in verdicts),
        batch_size=2000,
    )
    if connection.vendor == "postgresql":
        # The table was rewritten: without fresh statistics PostgreSQL took the lists'
        # filters for one row and read 13,000 verdicts through the award's index to sort
        # them (100 ms a page, where the lists' index gives the page in 2).
        # The columns the lists filter and sort on only: the explanations' statistics
        # (30 MB of JSON sampled and sorted) took half a second and serve no query.
        columns = [
            "award_code",
            "year",
            "eligible",
            "scope_path",
            "eligible_from",
            "cadre_id",
            "unit_id",
        ]
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"ANALYZE {quote(Verdict._meta.db_table)} ({', '.join(map(quote, columns))})"
            )
    units = len({row[-1] for row in collectives})
    return RunResult(year, on, len(people), len(verdicts), dict(eligible), units)


def _collective_verdicts(rules: list[TitleRule], year: int, unit: Unit | None) -> list[tuple]:
    """The verdict rows of collectives (of a unit's subtree) for titles that need
    consecutive years: each collective holding a rule's prerequisite, read in the scope of
    the collective itself."""
    if not rules:
        return []
    wanted = {code for rule in rules for code in (rule.award_code, rule.prerequisite_code)}
    held_by = _collective_rows(unit, wanted)
    paths = dict(Unit.objects.filter(pk__in=list(held_by)).values_list("id", "path"))
    rows = []
    for unit_id, held in sorted(held_by.items()):
        for rule in rules:
            if not any(code == rule.prerequisite_code for code, _y in held):
                continue
            title = evaluate_title(rule, awards=held, year=year)
            title.explanation["collective"] = True
            rows.append(
                (
                    rule.award_code,
                    None,
                    unit_id,
                    paths[unit_id],
                    title.eligible,
                    title.eligible_from,
                    None,
                    None,
                    None,
                    rule.pk,
                    title.explanation,
                    unit_id,
                )
            )
    return rows


# The columns of a verdict row as the run builds it (after the year, date and time).
VERDICT_COLUMNS = [
    "award_code",
    "cadre_id",
    "scope_unit_id",
    "scope_path",
    "eligible",
    "eligible_from",
    "counted_months",
    "required_months",
    "medal_rule_id",
    "title_rule_id",
    "explanation",
    "unit_id",
]


def medal_verdict_for(cadre: Cadre, on: datetime.date) -> MedalVerdict | None:
    """The medal verdict of one cadre on any date (the profile's “why”), not stored."""
    rule = MedalRule.objects.in_force(on).filter(award_code=MEDAL_CODE).first()
    if rule is None:
        return None
    postings = _posting_rows([cadre.pk]).get(cadre.pk, [])
    held = _award_rows([cadre.pk], {MEDAL_CODE, *rule.high_awards}).get(cadre.pk, [])
    return evaluate_medal(
        rule, postings=postings, sex=cadre.sex, died_on=cadre.died_on, awards=held, on=on
    )
