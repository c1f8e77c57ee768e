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
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from math import ceil, floor

from django.db import connection, transaction
from django.utils import timezone

from danvan.awards.models import Award, MedalRule, TitleRule, Verdict
from danvan.cadres.models import Cadre, Discipline, Posting, Sex
from danvan.organisations.models import Unit

MEDAL_CODE = "knc_dan_van"
ONE_DAY = datetime.timedelta(days=1)


# --- Calendar months --------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the month's last day where it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def months_between(start: datetime.date, last: datetime.date) -> Fraction:
    """Months from `start` to `last` inclusive: whole calendar months, then the days left
    as a share of the month they fall in (10 days of a 31-day month are 10/31)."""
    after = last + ONE_DAY
    if after <= start:
        return Fraction(0)
    whole = (after.year - start.year) * 12 + after.month - start.month
    while whole > 0 and add_months(start, whole) > after:
        whole -= 1
    anchor = add_months(start, whole)
    span = (add_months(start, whole + 1) - anchor).days
    return Fraction(whole) + Fraction((after - anchor).days, span)


def date_after(start: datetime.date, months: Fraction) -> datetime.date:
    """The last day of a span of `months` starting on `start` (the inverse of the above)."""
    whole = floor(months)
    anchor = add_months(start, whole)
    span = (add_months(start, whole + 1) - anchor).days
    days = ceil((months - whole) * span)
    return anchor + datetime.timedelta(days=days) - ONE_DAY


def _years(months: Fraction) -> dict:
    """Months as years, months and days for the explanation (days of 30, rounded down)."""
    whole = floor(months)
    return {"years": whole // 12, "months": whole % 12, "days": floor((months - whole) * 30)}


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
    months: Fraction = Fraction(0)
    weight: Fraction = Fraction(1)
    span: Fraction | None = None  # months to its own end (None: held now, no end)

    @property
    def counted(self) -> Fraction:
        return self.months * self.weight


def weight_of(rule: MedalRule, *, full_time: bool, hardship: bool) -> Fraction:
    """A month's weight under the rule: part-time months count years_full_time /
    years_part_time, hardship months are multiplied (read once per rule's values)."""
    return _weight(
        Decimal(rule.years_full_time),
        Decimal(rule.years_part_time),
        Decimal(rule.hardship_multiplier),
        full_time,
        hardship,
    )


@functools.lru_cache(maxsize=256)
def _weight(
    years_full_time: Decimal,
    years_part_time: Decimal,
    multiplier: Decimal,
    full_time: bool,
    hardship: bool,
) -> Fraction:
    weight = Fraction(1) if full_time else Fraction(years_full_time) / Fraction(years_part_time)
    return weight * Fraction(multiplier) if hardship else weight


def stretches(postings: Sequence[dict], rule: MedalRule) -> list[Service]:
    """Each day of dân vận service once, at its best weight, in order.

    `postings` are dicts with id, unit, position, start, end, full_time, hardship, manager.
    Where postings overlap, they are cut at each start and end and each piece goes to the
    posting with the highest weight then (a leading post wins a tie).
    """
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
            weight=weight_of(rule, full_time=p["full_time"], hardship=p["hardship"]),
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
                key=lambda p: (
                    weight_of(rule, full_time=p["full_time"], hardship=p["hardship"]),
                    p["manager"],
                ),
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


def required_months(rule: MedalRule, *, woman: bool, high_award: str | None) -> tuple:
    """(months needed, the steps that got there) for the rule, a woman, a high award."""
    base = Fraction(Decimal(rule.years_full_time)) * 12
    steps = [{"step": "base", "months": float(base)}]
    required = base
    if woman and rule.women_reduction_denominator:
        cut = required * Fraction(rule.women_reduction_numerator, rule.women_reduction_denominator)
        required -= cut
        steps.append({"step": "women", "months": float(-cut)})
    if high_award and rule.high_award_reduction_years:
        cut = Fraction(Decimal(rule.high_award_reduction_years)) * 12
        required = max(Fraction(0), required - cut)
        steps.append({"step": "high_award", "award": high_award, "months": float(-cut)})
    return required, steps


def _crossing(pieces: list[Service], needed: Fraction, on: datetime.date, weight_of_piece):
    """The day the weighted months reach `needed`, walking the pieces in order (a piece
    held now goes on past the evaluation date); None when they never do."""
    if needed <= 0:
        return pieces[0].start if pieces else None
    total = Fraction(0)
    for piece in pieces:
        weight = weight_of_piece(piece)
        if weight <= 0:
            continue
        span = piece.span * weight if piece.span is not None else None
        if span is None or total + span >= needed:
            return date_after(piece.start, (needed - total) / weight)
        total += span
    return None


def evaluate_medal(
    rule: MedalRule,
    *,
    postings: Sequence[dict],
    sex: str,
    died_on: datetime.date | None,
    awards: Iterable[tuple[str, int]],
    on: datetime.date,
) -> MedalVerdict:
    """The verdict for one cadre on a date. `awards` are (code, year) of awards held."""
    held = list(awards)
    codes = {code for code, _year in held}
    pieces = [
        p for p in stretches([p for p in postings if p["start"] <= on], rule) if p.start <= on
    ]
    for piece in pieces:
        if piece.end is not None:
            piece.span = months_between(piece.start, piece.end)
        piece.months = (
            piece.span
            if piece.span is not None and piece.end is not None and piece.end <= on
            else months_between(piece.start, on)
        )
    counted = sum((p.counted for p in pieces), Fraction(0))
    high = next((c for c in sorted(rule.high_awards) if c in codes), None)
    woman = sex == Sex.FEMALE
    required, steps = required_months(rule, woman=woman, high_award=high)
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
                "months": round(float(p.months), 2),
                "weight": round(float(p.weight), 4),
                "counted": round(float(p.counted), 2),
            }
            for p in pieces
        ],
        "required_steps": steps,
        "counted": round(float(counted), 2),
        "required": round(float(required), 2),
        "counted_text": _years(counted),
        "required_text": _years(required),
    }
    # For the date when, the pieces run to their own end: one held now goes on.
    projected = pieces
    settled = any(code == MEDAL_CODE for code in codes) or (died_on is not None and died_on <= on)
    crossing = None if settled else _crossing(projected, required, on, lambda p: p.weight)
    path = "service"
    if (
        not settled
        and rule.years_with_management
        and rule.management_years
        and any(p.manager for p in pieces)
    ):
        alt_required, _steps = required_months(
            MedalRule(
                years_full_time=rule.years_with_management,
                women_reduction_numerator=rule.women_reduction_numerator,
                women_reduction_denominator=rule.women_reduction_denominator,
                high_award_reduction_years=rule.high_award_reduction_years,
                high_award_codes=rule.high_award_codes,
            ),
            woman=woman,
            high_award=high,
        )
        manager_needed = Fraction(Decimal(rule.management_years)) * 12
        manager_months = sum((p.months for p in pieces if p.manager), Fraction(0))
        explanation["management"] = {
            "required": round(float(alt_required), 2),
            "manager_required": round(float(manager_needed), 2),
            "manager_months": round(float(manager_months), 2),
        }
        total_date = _crossing(projected, alt_required, on, lambda p: p.weight)
        manager_date = _crossing(
            projected, manager_needed, on, lambda p: Fraction(1) if p.manager else Fraction(0)
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
    if woman and rule.women_reduction_denominator:
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
    ops = connection.ops
    evaluated_on, computed_at = ops.adapt_datefield_value(on), ops.adapt_datetimefield_value(now)
    as_json = Verdict._meta.get_field("explanation").get_db_prep_save

    def months(value: Fraction):
        return ops.adapt_decimalfield_value(Decimal(str(round(float(value), 2))), 7, 2)

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
                    year,
                    evaluated_on,
                    pk,
                    scope_unit_id,
                    scope_path,
                    result.eligible,
                    ops.adapt_datefield_value(result.eligible_from),
                    months(result.counted),
                    months(result.required),
                    medal_rule.pk,
                    None,
                    as_json(result.explanation, connection),
                    computed_at,
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
                    year,
                    evaluated_on,
                    pk,
                    scope_unit_id,
                    scope_path,
                    title.eligible,
                    ops.adapt_datefield_value(title.eligible_from),
                    None,
                    None,
                    None,
                    rule.pk,
                    as_json(title.explanation, connection),
                    computed_at,
                )
            )
            eligible[rule.award_code] += title.eligible
    stale = Verdict.objects.filter(year=year)
    if ids is not None:
        stale = stale.filter(cadre_id__in=ids)
    stale.delete()
    insert_verdicts(verdicts)
    return RunResult(year, on, len(people), len(verdicts), dict(eligible))


VERDICT_COLUMNS = [
    "award_code",
    "year",
    "evaluated_on",
    "cadre",
    "scope_unit",
    "scope_path",
    "eligible",
    "eligible_from",
    "counted_months",
    "required_months",
    "medal_rule",
    "title_rule",
    "explanation",
    "computed_at",
]


def insert_verdicts(rows: list[tuple], batch_size: int = 2000) -> None:
    """Write many verdicts, given as values already prepared for the database in the order
    of VERDICT_COLUMNS, with one prepared INSERT per batch (a city's run writes tens of
    thousands; building model instances and the statement field by field cost more than
    the whole evaluation)."""
    fields = [Verdict._meta.get_field(name) for name in VERDICT_COLUMNS]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)  # type: ignore[union-attr]
    # Only the model's own table and column names go into the statement; values are bound.
    table = quote(Verdict._meta.db_table)
    values = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({values})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            cursor.executemany(sql, rows[start : start + batch_size])


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
