"""The contests' part of the demo: Hà Nội's “Dân vận khéo” contest of last year, played out
(35 teams in the six clusters of the year, a preliminary round per cluster, 6 finalists, the
judges' sheets, the prizes confirmed and published), this year's contest open for
registration, and Phường Ba Đình's contest of this year, whose winner goes up to the city's,
being scored (the demo judge `giamkhao` has sheets to fill). Idempotent: a contest that
exists is left as it is."""

import datetime
import random
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from danvan.accounts.demo import DEMO_PASSWORD
from danvan.accounts.models import Role, User
from danvan.accounts.services import assign_role, create_user
from danvan.contests import services
from danvan.contests.models import (
    Aggregation,
    Contest,
    Level,
    PartKind,
    PrizeKind,
    Round,
    RoundEntry,
    RoundKind,
    RoundPart,
    Rubric,
    ScoringRule,
)
from danvan.organisations.demo import in_sentence, load_hanoi_clusters
from danvan.organisations.models import Cluster, Unit
from danvan.organisations.national import HANOI_CODE
from danvan.registry.models import PracticeModel

CITY_KEY = f"vn-{HANOI_CODE}"
BOARD_KEY = f"vn-{HANOI_CODE}-party-dv"
WARD_KEY = f"vn-{HANOI_CODE}-00004"  # Phường Ba Đình
ORGANISER = "thanhpho"  # the demo's city board officer runs the contests
TEAMS_PER_CLUSTER = [6, 6, 6, 6, 6, 5]  # 35 teams (DOMAIN.md §4)
# Judges: (username, full name, key of the unit they work for); giamkhao is the accounts' demo
# judge, the head of both juries.
JUDGES = [
    ("giamkhao", "Đỗ Văn Khảo", BOARD_KEY),
    ("gk.huong", "Nguyễn Thị Thanh Hương", f"{CITY_KEY}-front"),
    ("gk.viet", "Trần Quốc Việt", f"{CITY_KEY}-state"),
    ("gk.nguyet", "Lê Thị Minh Nguyệt", f"{CITY_KEY}-front-women"),
    ("gk.thang", "Phạm Đức Thắng", f"{CITY_KEY}-front-youth"),
    ("gk.lananh", "Vũ Thị Lan Anh", f"{CITY_KEY}-front-farmers"),
    ("gk.tuan", "Hoàng Minh Tuấn", f"{CITY_KEY}-front-veterans"),
]
PRELIMINARY_JUDGES = 5
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Thị", "Văn", "Minh", "Thu", "Đức", "Thanh", "Quốc", "Ngọc"]
GIVEN = ["Hà", "Lan", "Hùng", "Mai", "Tuấn", "Hương", "Dũng", "Hoa", "Nam", "Linh", "Sơn", "Yến"]
POSITIONS = [
    "Phó Bí thư Đảng ủy",
    "Chủ tịch Ủy ban MTTQ",
    "Chủ tịch Hội Liên hiệp Phụ nữ",
    "Bí thư Đoàn Thanh niên",
    "Chủ tịch Hội Cựu chiến binh",
    "Tổ trưởng tổ dân phố",
]
RUBRICS: dict[str, str] = {
    PartKind.GREETING: "Phần chào hỏi, giới thiệu",
    PartKind.KNOWLEDGE: "Phần thi kiến thức (10 câu hỏi)",
    PartKind.SKETCH: "Phần thi tiểu phẩm",
    PartKind.SITUATION: "Phần thi xử lý tình huống",
}
PARTS = [
    ("Chào hỏi, giới thiệu mô hình", PartKind.GREETING),
    ("Kiến thức", PartKind.KNOWLEDGE),
    ("Tiểu phẩm", PartKind.SKETCH),
]


def contest_name(year: int, where: str = "thành phố Hà Nội") -> str:
    return f"Hội thi “Dân vận khéo” {where} năm {year}"


def load(*, progress, year: int, seed: int = 13) -> str:
    """Last year's city contest played out, this year's open, and Ba Đình's being scored."""
    city = Unit.objects.filter(key=CITY_KEY).first()
    officer = User.objects.filter(username=ORGANISER).first()
    if city is None or officer is None:
        return "skipped (no Hà Nội units or no demo officer)"
    board = Unit.objects.filter(key=BOARD_KEY).first() or city
    rng = random.Random(seed)
    done = []
    if not Contest.objects.filter(organiser=board, name=contest_name(year - 1)).exists():
        progress(f"contest of {year - 1}: 35 teams, 6 clusters, preliminaries and the final")
        done.append(_last_year(rng, officer, board, year - 1))
    current = Contest.objects.filter(organiser=board, name=contest_name(year)).first()
    if current is None:
        current = _this_year(rng, officer, board, year)
        done.append(f"{current.teams.count()} teams registered for {year}")
    ward = Unit.objects.filter(key=WARD_KEY).first()
    ward_name = contest_name(year, in_sentence(ward.name)) if ward else ""
    if ward is not None and not Contest.objects.filter(name=ward_name).exists():
        _ward_contest(rng, officer, ward, current, ward_name)
        done.append(f"{ward.name}'s contest being scored")
    return "; ".join(done) or "already there"


# People ---------------------------------------------------------------------------------


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _members(rng: random.Random, unit: Unit) -> list[dict]:
    where = in_sentence(unit.name)
    return [
        {"full_name": _name(rng), "position": f"{position} {where}", "is_leader": n == 0}
        for n, position in enumerate(rng.sample(POSITIONS, 5))
    ]


def _judges() -> list[tuple[User, Unit]]:
    """The demo juries' accounts (a judge's role on the unit they work for)."""
    found = []
    for username, full_name, unit_key in JUDGES:
        unit = Unit.objects.filter(key=unit_key).first()
        if unit is None:
            continue
        user = User.objects.filter(username=username).first()
        if user is None:
            password = DEMO_PASSWORD if settings.DEMO_MODE and username == "giamkhao" else None
            user = create_user(
                actor=None, username=username, password=password, full_name=full_name
            )
        if username != "giamkhao":  # the accounts' demo gives giamkhao a role on the city
            assign_role(actor=None, user=user, role=Role.JUDGE, unit=unit)
        found.append((user, unit))
    return found


# Rounds ---------------------------------------------------------------------------------


def _rule(aggregation: str) -> ScoringRule:
    return ScoringRule.objects.in_force().filter(issuer=None, aggregation=aggregation).first()  # type: ignore[return-value]


def _rubric(kind: str) -> Rubric:
    return Rubric.objects.in_force().filter(issuer=None, name=RUBRICS[kind]).first()  # type: ignore[return-value]


def _round(
    officer, contest: Contest, name: str, kind: str, *, parts, aggregation, held_on, **fields
) -> Round:
    round_ = services.add_round(
        actor=officer,
        contest=contest,
        name=name,
        kind=kind,
        scoring_rule=_rule(aggregation),
        held_on=held_on,
        **fields,
    )
    added = [
        services.add_part(
            actor=officer, round_=round_, name=part_name, kind=part_kind, rubric=_rubric(part_kind)
        )
        for part_name, part_kind in parts
    ]
    tie = next((p for p in added if p.kind in (PartKind.SKETCH, PartKind.SITUATION)), None)
    return services.update_round(actor=officer, round_=round_, tie_break_part=tie)


def _prizes(officer, round_: Round, counts: dict[str, int]) -> None:
    for code, count in counts.items():
        services.set_prize_quota(
            actor=officer, round_=round_, kind=PrizeKind.objects.get(code=code), count=count
        )


def _jury(officer, round_: Round, judges: list[tuple[User, Unit]]) -> None:
    for n, (user, unit) in enumerate(judges):
        services.assign_judge(
            actor=officer, round_=round_, juror=user, home_unit=unit, is_head=n == 0
        )


def _points(rng: random.Random, criterion, strength: float) -> Decimal:
    """A judge's points for a team of the given strength (0–1), on the criterion's scale."""
    share = min(1.0, max(0.3, rng.gauss(strength, 0.06)))
    step = Decimal("0.5") if criterion.half_points else Decimal(1)
    raw = Decimal(str(share)) * criterion.max_points
    return min(criterion.max_points, (raw / step).quantize(Decimal(1)) * step)


def _score(
    rng: random.Random,
    round_: Round,
    strengths: dict[int, float],
    *,
    skip: frozenset[int] = frozenset(),
) -> int:
    """Every judge but those in skip fills every sheet of the round; returns how many."""
    parts = list(RoundPart.objects.filter(round=round_).select_related("rubric").order_by("order"))
    criteria = {p.pk: list(p.rubric.criteria.all()) for p in parts}
    entries = RoundEntry.objects.filter(round=round_).select_related("team__unit", "team__cluster")
    filled = 0
    for assignment in round_.judges.select_related("juror", "home_unit", "cluster"):
        if assignment.juror_id in skip:
            continue
        for entry in entries:
            if not assignment.covers(entry):
                continue
            for part in parts:
                values = {
                    c.pk: _points(rng, c, strengths[entry.team_id]) for c in criteria[part.pk]
                }
                services.record_sheet(actor=assignment.juror, entry=entry, part=part, values=values)
                filled += 1
    return filled


# The contests ---------------------------------------------------------------------------


def _registration_until(year: int) -> datetime.date:
    """Three weeks from today, within the year: the demo's contest is open whenever it runs."""
    return min(timezone.localdate() + datetime.timedelta(days=21), datetime.date(year, 12, 31))


@transaction.atomic
def _last_year(rng: random.Random, officer, board: Unit, year: int) -> str:
    clusters = load_hanoi_clusters(year=year)
    contest = services.create_contest(
        actor=officer,
        organiser=board,
        name=contest_name(year),
        year=year,
        level=Level.CITY,
        registration_until=datetime.date(year, 8, 31),
        description=(
            "Hội thi tuyên truyền, giới thiệu các mô hình “Dân vận khéo” tiêu biểu của các xã, "
            "phường; sơ khảo theo 6 cụm thi đua, chung khảo cấp thành phố."
        ),
    )
    services.open_registration(actor=officer, contest=contest)
    teams = []
    for cluster, count in zip(
        sorted(clusters, key=lambda c: c.name), TEAMS_PER_CLUSTER, strict=False
    ):
        units = list(cluster.units.order_by("code"))
        for unit in rng.sample(units, min(count, len(units))):
            model = PracticeModel.objects.in_subtree(unit).recognised().order_by("pk").first()
            teams.append(
                services.register_team(
                    actor=officer,
                    contest=contest,
                    unit=unit,
                    name=f"Đội thi {in_sentence(unit.name)}",
                    members=_members(rng, unit),
                    practice_models=[model] if model else [],
                )
            )
    services.clusters_from_foundation(actor=officer, contest=contest, clusters=clusters)
    judges = _judges()
    preliminary = _round(
        officer, contest, "Vòng sơ khảo theo cụm", RoundKind.PRELIMINARY, parts=PARTS,
        aggregation=Aggregation.MEAN, held_on=datetime.date(year, 9, 20), by_cluster=True,
        advance_per_cluster=1, venue="Nhà văn hóa các cụm",
    )  # fmt: skip
    final = _round(
        officer, contest, "Chung khảo", RoundKind.FINAL, parts=PARTS,
        aggregation=Aggregation.TRIMMED, held_on=datetime.date(year, 10, 28),
        venue="Cung Văn hóa Hữu nghị Việt Xô",
    )  # fmt: skip
    _jury(officer, preliminary, judges[:PRELIMINARY_JUDGES])
    _jury(officer, final, judges)
    _prizes(officer, preliminary, {"nhat": 1, "nhi": 1, "ba": 1})
    _prizes(officer, final, {"nhat": 1, "nhi": 1, "ba": 2, "khuyen-khich": 2})
    sketch = final.parts.get(kind=PartKind.SKETCH)
    services.set_prize_quota(
        actor=officer, round_=final, kind=PrizeKind.objects.get(code="tieu-pham-hay-nhat"),
        count=1, part=sketch,
    )  # fmt: skip
    strengths = {t.pk: rng.uniform(0.62, 0.93) for t in teams}
    services.open_round(actor=officer, round_=preliminary)
    _score(rng, preliminary, strengths)
    preliminary = services.close_round(actor=officer, round_=preliminary, rng=rng)
    decision = {
        "decision_symbol": "QĐ-BTGDV",
        "signer_name": "Nguyễn Văn Phong",
        "signer_title": "Trưởng ban",
    }
    services.confirm_round(
        actor=officer, round_=preliminary, decision_number=87,
        decision_date=datetime.date(year, 9, 30), **decision,
    )  # fmt: skip
    services.publish_round(actor=officer, round_=preliminary)
    services.open_round(actor=officer, round_=final)
    _score(rng, final, strengths)
    services.reveal_scores(actor=officer, round_=final)
    final = services.close_round(actor=officer, round_=final, rng=rng)
    services.confirm_round(
        actor=officer, round_=final, decision_number=112,
        decision_date=datetime.date(year, 11, 5), **decision,
    )  # fmt: skip
    services.publish_round(actor=officer, round_=final)
    return f"{contest.name}: {len(teams)} teams, {final.entries.count()} finalists"


@transaction.atomic
def _this_year(rng: random.Random, officer, board: Unit, year: int) -> Contest:
    """This year's contest, open for registration: clusters of the year, rounds set up, the
    first teams registered (not Ba Đình: its clerk registers it, and its own contest sends
    its winner)."""
    clusters = list(Cluster.objects.filter(year=year, owner=board).order_by("name"))
    if not clusters:
        clusters = load_hanoi_clusters(year=year)
    contest = services.create_contest(
        actor=officer,
        organiser=board,
        name=contest_name(year),
        year=year,
        level=Level.CITY,
        registration_until=_registration_until(year),
        description=(
            "Các xã, phường đăng ký đội thi (đội thắng cuộc của hội thi cấp xã); sơ khảo theo "
            "6 cụm thi đua, chung khảo cấp thành phố."
        ),
    )
    services.open_registration(actor=officer, contest=contest)
    for cluster in clusters:
        units = [u for u in cluster.units.order_by("code") if u.key != WARD_KEY]
        for unit in rng.sample(units, min(2, len(units))):
            services.register_team(
                actor=officer, contest=contest, unit=unit,
                name=f"Đội thi {in_sentence(unit.name)}", members=_members(rng, unit),
            )  # fmt: skip
    services.clusters_from_foundation(actor=officer, contest=contest, clusters=clusters)
    _round(
        officer, contest, "Vòng sơ khảo theo cụm", RoundKind.PRELIMINARY, parts=PARTS,
        aggregation=Aggregation.MEAN, held_on=None, by_cluster=True, advance_per_cluster=1,
    )  # fmt: skip
    _round(
        officer, contest, "Chung khảo", RoundKind.FINAL, parts=PARTS,
        aggregation=Aggregation.TRIMMED, held_on=None,
    )  # fmt: skip
    return contest


@transaction.atomic
def _ward_contest(rng: random.Random, officer, ward: Unit, parent: Contest, name: str) -> None:
    """Phường Ba Đình's contest: its hamlets and its Front committee compete; the final is
    being scored, every judge but giamkhao has filled the sheets."""
    organiser = Unit.objects.filter(key=f"{WARD_KEY}-party").first() or ward
    contest = services.create_contest(
        actor=officer, organiser=organiser, name=name, year=parent.year, level=Level.COMMUNE,
        parent=parent, sends_up=1,
    )  # fmt: skip
    services.open_registration(actor=officer, contest=contest)
    units = [
        *Unit.objects.filter(parent=ward, kind="hamlet").order_by("key")[:4],
        *Unit.objects.filter(key=f"{WARD_KEY}-front"),
    ]
    teams = [
        services.register_team(
            actor=officer,
            contest=contest,
            unit=unit,
            name=f"Đội {in_sentence(unit.name)}",
            members=_members(rng, unit)[:3],
        )  # fmt: skip
        for unit in units
    ]
    final = _round(
        officer, contest, "Chung khảo", RoundKind.FINAL,
        parts=[("Chào hỏi", PartKind.GREETING), ("Xử lý tình huống", PartKind.SITUATION)],
        aggregation=Aggregation.MEAN, held_on=timezone.localdate(), venue=ward.name,
    )  # fmt: skip
    judges = _judges()
    _jury(officer, final, [judges[0], judges[1], judges[3]])
    # As many prizes as teams, up to a first, a second and a third.
    _prizes(officer, final, dict.fromkeys(["nhat", "nhi", "ba"][: len(teams)], 1))
    services.open_round(actor=officer, round_=final)
    strengths = {t.pk: rng.uniform(0.6, 0.9) for t in teams}
    _score(rng, final, strengths, skip=frozenset({judges[0][0].pk}))
