"""The awards' part of the demo (after the cadres'): the past awards of the demo cadres, this
year's verdicts, nominations in progress before the city's councils, a decision of this
year, the medals decided by the Central Commission and presented at the generations event,
and the commendation of a recognised model of Ba Đình.

Past awards follow each cadre's dân vận postings: a Lao động tiên tiến most years, a CSTĐ cơ
sở some of them, a CSTĐ thành phố after three in a row, now and then a Bằng khen; the medal
for some of those the rule made eligible, never twice, never after death. Before 1 July
2025 a district decided its base titles, since then the commune. Past decisions are written
in bulk, numbered in each issuer's register of the year; this year's go through the
services. A second run changes nothing.
"""

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from danvan.accounts.models import User
from danvan.awards import eligibility, services
from danvan.awards.models import (
    Award,
    AwardType,
    Decision,
    EvidenceKind,
    Nomination,
    NominationStatus,
)
from danvan.cadres.models import Cadre, Event, Posting
from danvan.contests.models import Prize
from danvan.organisations.models import REFORM_DATE, Unit, UnitKind
from danvan.organisations.national import HANOI_CODE
from danvan.registry.models import PracticeModel, Recognition
from danvan.registry.models import Status as ModelStatus

SEED = 2022  # the year of the law on emulation and commendation
FIRST_YEAR = 2005
CENTRAL = "Ban Dân vận Trung ương"
DEMO_TAG = "demo"
REFUSED = (ValidationError, PermissionDenied)


def _units() -> dict[str, Unit | None]:
    key = f"vn-{HANOI_CODE}"
    return {
        "city": Unit.objects.filter(key=key).first(),
        "state": Unit.objects.filter(key=f"{key}-state").first(),
        "party": Unit.objects.filter(key=f"{key}-party").first(),
        "board": Unit.objects.filter(key=f"{key}-party-dv").first(),
        "ba_dinh": Unit.objects.filter(key=f"{key}-00004").first(),
    }


def load(*, progress, year: int, seed: int = SEED) -> str:
    """Load the awards once (nothing when the cadres or the city's bodies are missing)."""
    units = _units()
    if not Cadre.objects.exists() or any(u is None for u in units.values()):
        return "no cadres or no city bodies: no awards generated"
    if Award.objects.filter(external_id__startswith=DEMO_TAG).exists():
        return f"{Award.objects.count():,} awards there already: none generated"
    with transaction.atomic():
        past = past_awards(units, year=year, seed=seed)
    progress(f"{past:,} past awards of the cadres")
    result = eligibility.run_eligibility(year)
    progress(f"{result.eligible.get(eligibility.MEDAL_CODE, 0):,} eligible for the medal in {year}")
    with transaction.atomic():
        story = this_year(units, year=year, seed=seed)
    return (
        f"{Award.objects.count():,} awards in {Decision.objects.count():,} decisions; "
        f"{result.verdicts:,} verdicts for {year}; {story}"
    )


# --- The past ---------------------------------------------------------------------------------


def _district_of(unit: Unit, districts: dict[str, Unit]) -> Unit | None:
    for path, district in districts.items():
        if unit.path.startswith(path):
            return district
    return None


def past_awards(units: dict, *, year: int, seed: int) -> int:
    """Awards of the years before this one, in bulk, with their decisions."""
    rng = random.Random(seed)
    types = {t.code: t for t in AwardType.objects.order_by("effective_from")}
    city, state = units["city"], units["state"]
    districts = {u.path: u for u in Unit.objects.filter(parent=city, kind=UnitKind.LEGACY_DISTRICT)}
    postings: dict[int, list[Posting]] = defaultdict(list)
    for posting in Posting.objects.filter(is_danvan_post=True).select_related("unit"):
        postings[posting.cadre_id].append(posting)
    cadres = {c.pk: c for c in Cadre.objects.all()}
    issuer_of: dict[tuple[int, bool], Unit] = {}
    # (issuer key, code, year) → the awards it decides
    batches: dict[tuple, list[tuple[Cadre, Unit, str]]] = defaultdict(list)
    for cadre_id, held in postings.items():
        cadre = cadres[cadre_id]
        run = 0
        for y in range(FIRST_YEAR, year):
            day = datetime.date(y, 12, 15)
            found = next(
                (p for p in held if p.start <= day and (p.end is None or p.end >= day)), None
            )
            if found is None or (cadre.died_on and cadre.died_on <= day):
                run = 0
                continue
            unit = found.unit
            if rng.random() > 0.7:
                run = 0
                continue
            key = (unit.pk, day < REFORM_DATE)
            if key not in issuer_of:
                issuer_of[key] = _base_issuer(unit, day, districts, state)
            base = issuer_of[key]
            batches[(base.pk, "ldtt", y)].append((cadre, unit, "Hoàn thành tốt nhiệm vụ"))
            if rng.random() < 0.25:
                batches[(base.pk, "cstd_co_so", y)].append(
                    (cadre, unit, "Hoàn thành xuất sắc nhiệm vụ, có sáng kiến được công nhận")
                )
                run += 1
                if run == 3 and rng.random() < 0.6:
                    batches[(state.pk, "cstd_tinh", y)].append(
                        (cadre, unit, "Ba năm liên tục đạt danh hiệu Chiến sĩ thi đua cơ sở")
                    )
                    run = 0
            else:
                run = 0
            if rng.random() < 0.04:
                batches[(state.pk, "bang_khen", y)].append(
                    (cadre, unit, "Có thành tích xuất sắc trong công tác dân vận")
                )
    _collective_batches(batches, state, year=year, rng=rng)
    return _write(batches, types, cadres_years=_medals(postings, cadres, year, rng), rng=rng)


COLLECTIVE_FROM = 2019


def _collective_batches(batches, state: Unit, *, year: int, rng) -> None:
    """The collective titles of the communes' Front committees (the dân vận collectives the
    city honours) since 2019: most years "Tập thể lao động tiên tiến", some "xuất sắc", and
    the city's emulation flag now and then after a run of "xuất sắc" years."""
    fronts = Unit.objects.filter(
        kind=UnitKind.FRONT_COMMITTEE, parent__kind=UnitKind.COMMUNE, valid_to__isnull=True
    ).order_by("path")
    for front in fronts:
        run = 0
        for y in range(COLLECTIVE_FROM, year):
            if rng.random() > 0.85:
                run = 0
                continue
            batches[(state.pk, "tt_ldtt", y)].append(
                (None, front, "Hoàn thành tốt nhiệm vụ công tác Mặt trận")
            )
            if rng.random() < 0.4:
                batches[(state.pk, "tt_ldxs", y)].append(
                    (None, front, "Hoàn thành xuất sắc nhiệm vụ, dẫn đầu phong trào thi đua")
                )
                run += 1
                if run >= 3 and rng.random() < 0.5:
                    batches[(state.pk, "co_thi_dua_tinh", y)].append(
                        (None, front, "Dẫn đầu phong trào thi đua khối Mặt trận")
                    )
                    run = 0
            else:
                run = 0


def _base_issuer(unit: Unit, day: datetime.date, districts: dict, state: Unit) -> Unit:
    """Before 1 July 2025 a district decided its base titles; since then the commune's
    people's committee; the city's bodies for their own staff."""
    if day < REFORM_DATE:
        district = _district_of(unit, districts)
        if district is not None:
            return district
    commune = Unit.objects.ancestors_of(unit, include_self=True).filter(kind="commune").last()
    if commune is not None:
        committee = Unit.objects.filter(parent=commune, kind=UnitKind.PEOPLES_COMMITTEE).first()
        if committee is not None:
            return committee
    return state


def _medals(postings, cadres, year: int, rng) -> list[tuple[Cadre, int]]:
    """Some of the cadres the medal's rule made eligible got it, in an earlier year."""
    rule = eligibility.MedalRule.objects.filter(award_code=eligibility.MEDAL_CODE).first()
    if rule is None:
        return []
    given = []
    for cadre_id, held in postings.items():
        if rng.random() > 0.35:
            continue
        cadre = cadres[cadre_id]
        rows = [
            {
                "id": p.pk,
                "unit": p.unit.name,
                "position": p.position,
                "start": p.start,
                "end": p.end,
                "full_time": p.full_time,
                "hardship": p.hardship_area,
                "manager": p.is_manager,
            }
            for p in held
        ]
        verdict = eligibility.evaluate_medal(
            rule,
            postings=rows,
            sex=cadre.sex,
            died_on=cadre.died_on,
            awards=[],
            on=datetime.date(year - 1, 12, 31),
        )
        if verdict.eligible and verdict.eligible_from is not None:
            first = max(verdict.eligible_from.year + 1, 2009)
            if first < year and (cadre.died_on is None or cadre.died_on.year > first):
                given.append((cadre, rng.randint(first, year - 1)))
    return given


def _write(batches, types, *, cadres_years, rng) -> int:
    issuers = Unit.objects.in_bulk({key[0] for key in batches})
    numbers: dict[tuple, int] = defaultdict(int)
    decisions = []
    members = []
    for (issuer_id, code, y), rows in sorted(batches.items(), key=lambda item: item[0][2]):
        issuer = issuers[issuer_id]
        numbers[(issuer_id, y)] += rng.randint(1, 9)
        decision = Decision(
            issuer=issuer,
            issuer_name=issuer.name,
            number=numbers[(issuer_id, y)],
            symbol="QĐ-UBND",
            year=y,
            date=datetime.date(y, 12, rng.randint(16, 28)),
            signer_name="",
            signer_title="Chủ tịch",
            award_type=types[code],
            imported=True,
        )
        decisions.append(decision)
        members.append(rows)
    medal_years: dict[int, list[Cadre]] = defaultdict(list)
    for cadre, y in cadres_years:
        medal_years[y].append(cadre)
    for y, people in sorted(medal_years.items()):
        decisions.append(
            Decision(
                issuer=None,
                issuer_name=CENTRAL,
                number=100 + y % 100,
                symbol="QĐ/BDVTW",
                year=y,
                date=datetime.date(y, 10, 10),
                signer_title="Trưởng Ban Dân vận Trung ương",
                award_type=types["knc_dan_van"],
                imported=True,
            )
        )
        members.append([(c, None, "Có nhiều đóng góp cho sự nghiệp Dân vận") for c in people])
    Decision.objects.bulk_create(decisions, batch_size=2000)
    awards = []
    record_units = Unit.objects.in_bulk(
        {c.record_unit_id for rows in members for c, _u, _a in rows if c is not None}
    )
    for decision, rows in zip(decisions, members, strict=True):
        for cadre, unit, achievement in rows:
            scope = unit or record_units[cadre.record_unit_id]
            # A row without a cadre is a collective's title: the unit itself is awarded.
            who = f"u{unit.pk}" if cadre is None else cadre.pk
            awards.append(
                Award(
                    decision=decision,
                    award_type=decision.award_type,
                    year=decision.year,
                    cadre=cadre,
                    unit=unit if cadre is None else None,
                    recipient_name=unit.name if cadre is None else cadre.full_name,
                    achievement=achievement,
                    scope_unit=scope,
                    scope_path=scope.path,
                    external_id=f"{DEMO_TAG}-{decision.year}-{who}-{decision.award_type.code}",
                )
            )
    Award.objects.bulk_create(awards, batch_size=5000)
    return len(awards)


# --- This year --------------------------------------------------------------------------------


def _users() -> dict[str, User | None]:
    return {
        name: User.objects.filter(username=name).first()
        for name in ("quantri", "thanhpho", "giamkhao", "badinh")
    }


def this_year(units: dict, *, year: int, seed: int) -> str:
    """Councils, nominations at each step, a decision, the medals presented at the event."""
    rng = random.Random(seed + year)
    users = _users()
    officer, clerk = users["thanhpho"], users["badinh"]
    members = [u for u in (users["quantri"], users["thanhpho"], users["giamkhao"]) if u]
    if officer is None or clerk is None or not members:
        return "no demo accounts: no nominations"
    state, board, ba_dinh = units["state"], units["board"], units["ba_dinh"]
    for body, name in (
        (state, "Hội đồng Thi đua - Khen thưởng thành phố"),
        (board, "Hội đồng Thi đua - Khen thưởng Ban Tuyên giáo và Dân vận Thành ủy"),
    ):
        services.set_up_council(actor=None, unit=body, year=year, name=name, members=members)
    front = Unit.objects.filter(parent=ba_dinh, kind=UnitKind.FRONT_COMMITTEE).first() or ba_dinh
    today = timezone.localdate()
    posted = list(
        Cadre.objects.in_paths([ba_dinh.path], on=today)
        .filter(died_on__isnull=True)
        .order_by("id")[:12]
    )
    if len(posted) < 6:
        return "too few cadres in Ba Đình: no nominations"
    files = []
    for cadre in posted[:6]:
        try:
            files.append(
                services.open_nomination(
                    actor=clerk,
                    award_code="bang_khen",
                    year=year,
                    proposer=front,
                    decider=state,
                    cadre=cadre,
                    submission=(
                        f"Ủy ban MTTQ phường Ba Đình đề nghị Chủ tịch UBND Thành phố tặng Bằng "
                        f"khen cho {cadre.full_name} đã có thành tích xuất sắc trong công tác dân "
                        f"vận năm {year}."
                    ),
                )
            )
        except REFUSED:  # a cadre the rules refuse (frozen, dead) is not proposed
            pass
    for index, nomination in enumerate(files[1:], start=1):
        try:
            nomination = services.submit_nomination(actor=clerk, nomination=nomination)
            # The ward's office forwards the files up to the city, but the last: it waits
            # at the ward's office for the demo to forward or return it.
            while index < len(files) - 1 and nomination.status == NominationStatus.IN_TRANSIT:
                nomination = services.forward_nomination(actor=clerk, nomination=nomination)
        except REFUSED:  # frozen: the file stays a draft, as it would
            pass
    submitted = [n for n in files if Nomination.objects.get(pk=n.pk).status == "submitted"]
    for index, nomination in enumerate(submitted):
        votes = members if index < 3 else members[:1]
        for member in votes:
            services.cast_vote(actor=member, nomination=nomination, approve=True)
        if index < 3:
            services.close_vote(actor=officer, nomination=nomination)
    approved = list(Nomination.objects.filter(status=NominationStatus.APPROVED, decider=state))
    decided = ""
    if len(approved) >= 2:
        number = (
            max(
                Decision.objects.filter(issuer=state, year=year).values_list("number", flat=True),
                default=0,
            )
            + 1
        )
        decision = services.issue_decision(
            actor=officer,
            issuer=state,
            nominations=approved[:2],
            number=number,
            date=min(today, datetime.date(year, 12, 1)),
            signer_name="Trần Sỹ Thanh",
            signer_title="Chủ tịch",
        )
        decided = f"decision {decision.number_line}"
    medals = _medals_this_year(board, officer, members, clerk, year, rng)
    commended = _commend_a_model(ba_dinh, officer, year)
    prize_file = _a_prize_as_evidence(state, year)
    return f"{len(files)} nominations of Ba Đình, {decided}, {medals}, {commended}, {prize_file}"


def _a_prize_as_evidence(state: Unit, year: int) -> str:
    """The ward that won the city contest's first prize proposes itself for the city's Bằng
    khen, its prize cited as evidence; the file waits as a draft, to be sent up."""
    prize = (
        Prize.objects.confirmed()
        .filter(round__contest__parent__isnull=True, unit__kind=UnitKind.COMMUNE)
        .select_related("unit")
        .order_by("-year", "-round__order", "kind__order", "id")
        .first()
    )
    if prize is None:
        return "no contest prize to cite"
    ward = prize.unit
    proposer = (
        Unit.objects.current().filter(parent=ward, kind=UnitKind.PEOPLES_COMMITTEE).first() or ward
    )
    try:
        nomination = services.open_nomination(
            actor=None,
            award_code="bang_khen",
            year=year,
            proposer=proposer,
            decider=state,
            unit=ward,
            women_share=Decimal(55),
            submission=(
                f"{proposer.name} đề nghị Chủ tịch UBND Thành phố tặng Bằng khen cho tập thể "
                f"{ward.name} đã có thành tích xuất sắc trong phong trào thi đua “Dân vận "
                f"khéo” năm {year}."
            ),
        )
        services.add_evidence(
            actor=None, nomination=nomination, kind=EvidenceKind.PRIZE, prize=prize
        )
    except REFUSED:  # already proposed, or the rules refuse it
        return "no prize cited"
    return f"{ward.name}'s file citing “{prize.title}”"


def _medals_this_year(board, officer, members, clerk, year, rng) -> str:
    """The board sends the files of some eligible cadres up; the Commission's decision is
    recorded and the medals are presented at the generations event."""
    eligible = list(
        eligibility.Verdict.objects.filter(
            award_code=eligibility.MEDAL_CODE, year=year, eligible=True
        )
        .exclude(explanation__has_key="frozen")
        .select_related("cadre", "scope_unit")
        .order_by("id")[:40]
    )
    rng.shuffle(eligible)
    files = []
    for verdict in eligible[:5]:
        try:
            nomination = services.open_nomination(
                actor=None,
                award_code=eligibility.MEDAL_CODE,
                year=year,
                proposer=verdict.scope_unit,
                decider=board,
                cadre=verdict.cadre,
                submission="Đề nghị tặng Kỷ niệm chương “Vì sự nghiệp Dân vận”.",
            )
            nomination = services.submit_nomination(actor=None, nomination=nomination)
            while nomination.status == NominationStatus.IN_TRANSIT:
                nomination = services.forward_nomination(actor=None, nomination=nomination)
        except REFUSED:  # the rules refuse this one: the next
            continue  # noqa: S112
        for member in members:
            services.cast_vote(actor=member, nomination=nomination, approve=True)
        files.append(services.close_vote(actor=officer, nomination=nomination))
    if not files:
        return "no medal file"
    services.send_up(actor=officer, nominations=files, number=45, date=datetime.date(year, 8, 20))
    decision = services.record_external_decision(
        actor=officer,
        nominations=files,
        number=312,
        date=datetime.date(year, 10, 1),
        symbol="QĐ/BDVTW",
        signer_name="Phạm Minh Đức",
        signer_title="Trưởng Ban Dân vận Trung ương",
    )
    event = Event.objects.filter(unit__path__startswith=board.path[:9]).order_by("-date").first()
    if event is not None:
        for award in decision.awards.all():
            services.present_at(actor=None, award=award, event=event)
    return f"{len(files)} medals presented at “{event.name if event else '—'}”"


def _commend_a_model(ba_dinh: Unit, officer, year: int) -> str:
    model = (
        PracticeModel.objects.filter(
            unit__path__startswith=ba_dinh.path, status=ModelStatus.RECOGNISED
        )
        .order_by("id")
        .first()
    )
    party = Unit.objects.filter(parent=ba_dinh, kind=UnitKind.PARTY_COMMITTEE).first()
    if model is None or party is None:
        return "no model to commend"
    used = set(
        Decision.objects.filter(issuer=party, year=year).values_list("number", flat=True)
    ) | set(
        Recognition.objects.filter(issuer=party, decision_date__year=year).values_list(
            "decision_number", flat=True
        )
    )
    number = next(n for n in range(31, 999) if n not in used)
    services.commend_model(
        actor=officer,
        model=model,
        issuer=party,
        award_code="giay_khen",
        number=number,
        date=timezone.localdate(),
        signer_name="Nguyễn Thị Hà",
        signer_title="Bí thư Đảng ủy",
    )
    return f"model “{model.name}” commended"
