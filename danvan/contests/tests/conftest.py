"""A city contest to test with: six wards in two clusters, a preliminary round per cluster
and a final, three judges from city bodies, small rubrics."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import translation

from conftest import make_user
from danvan.accounts.models import Role
from danvan.contests import services
from danvan.contests.models import (
    Aggregation,
    Criterion,
    Level,
    PartKind,
    PrizeKind,
    RoundKind,
    Rubric,
    ScoringRule,
)
from danvan.organisations.models import Cluster, UnitKind
from danvan.organisations.services import create_unit, set_cluster_units

YEAR = 2025


def rubric(name: str, criteria: list[tuple[str, int, bool]]) -> Rubric:
    made = Rubric.objects.create(name=name, effective_from=datetime.date(2020, 1, 1))
    for n, (text, points, half) in enumerate(criteria, start=1):
        Criterion.objects.create(
            rubric=made, order=n, name=text, max_points=Decimal(points), half_points=half
        )
    return made


def fill(*, judge, entry, part, points) -> None:
    """A judge's whole sheet for one part of one team: the criteria's points in order."""
    criteria = list(part.rubric.criteria.all())
    services.record_sheet(
        actor=judge,
        entry=entry,
        part=part,
        values={c.pk: p for c, p in zip(criteria, points, strict=True)},
    )


@pytest.fixture(autouse=True)
def english():
    """Service messages are checked by their English text (the msgids); a page read in English
    leaves English active in this thread, and the override puts the default back after."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(tree, city_officer):
    """Hà Nội's board organises the city contest of 2025; six wards (Ba Đình, Hà Đông and four
    more) compete in two clusters; three judges come from city bodies."""
    city = tree.city
    board = create_unit(
        actor=None,
        parent=tree.city_party,
        name="Ban Tuyên giáo và Dân vận Thành ủy Hà Nội",
        kind=UnitKind.AGENCY,
    )
    front = create_unit(
        actor=None,
        parent=city,
        name="Ủy ban MTTQ Việt Nam thành phố",
        kind=UnitKind.FRONT_COMMITTEE,
    )
    women = create_unit(
        actor=None,
        parent=front,
        name="Hội Liên hiệp Phụ nữ thành phố",
        kind=UnitKind.MASS_ORGANISATION,
    )
    extra = [
        create_unit(
            actor=None, parent=city, name=f"Phường {name}", kind=UnitKind.COMMUNE, code=code,
            key=f"t-{code}",
        )
        for name, code in [("Tây Hồ", "00091"), ("Long Biên", "00124"), ("Cầu Giấy", "00166"),
                           ("Đống Đa", "00199")]
    ]  # fmt: skip
    wards = [tree.a.commune, tree.b.commune, *extra]
    clusters = []
    for n, members in enumerate([wards[:3], wards[3:]], start=1):
        cluster = Cluster.objects.create(name=f"Cụm thi đua số {n}", year=YEAR, owner=board)
        set_cluster_units(actor=None, cluster=cluster, units=members)
        clusters.append(cluster)
    judges = [
        make_user("gk.chu", Role.JUDGE, board, full_name="Nguyễn Văn Chủ"),
        make_user("gk.hai", Role.JUDGE, front, full_name="Trần Thị Hai"),
        make_user("gk.ba", Role.JUDGE, women, full_name="Lê Văn Ba"),
    ]
    contest = services.create_contest(
        actor=city_officer,
        organiser=board,
        name="Hội thi “Dân vận khéo” thành phố Hà Nội năm 2025",
        year=YEAR,
        level=Level.CITY,
    )
    services.open_registration(actor=city_officer, contest=contest)
    return SimpleNamespace(
        tree=tree,
        city=city,
        board=board,
        front=front,
        women=women,
        wards=wards,
        clusters=clusters,
        judges=judges,
        homes=[board, front, women],
        contest=contest,
        officer=city_officer,
        mean=ScoringRule.objects.get(aggregation=Aggregation.MEAN, issuer=None),
        trimmed=ScoringRule.objects.get(aggregation=Aggregation.TRIMMED, issuer=None),
        greeting=rubric("Chào hỏi (thử)", [("Nội dung", 10, True), ("Thời gian", 2, False)]),
        sketch=rubric("Tiểu phẩm (thử)", [("Kịch bản", 20, True)]),
    )


@pytest.fixture
def teams(world):
    """A team per ward, placed in its cluster."""
    made = [
        services.register_team(
            actor=world.officer,
            contest=world.contest,
            unit=ward,
            members=[{"full_name": f"Thành viên {n}", "is_leader": True}],
        )
        for n, ward in enumerate(world.wards, start=1)
    ]
    services.clusters_from_foundation(
        actor=world.officer, contest=world.contest, clusters=world.clusters
    )
    for team in made:
        team.refresh_from_db()
    return made


@pytest.fixture
def preliminary(world, teams):
    """The preliminary round per cluster (the best of each cluster goes to the final), with
    its greeting and sketch parts, three judges (the first is the head), a first, second and
    third prize per cluster; open for scoring."""
    officer = world.officer
    round_ = services.add_round(
        actor=officer,
        contest=world.contest,
        name="Vòng sơ khảo",
        kind=RoundKind.PRELIMINARY,
        scoring_rule=world.mean,
        by_cluster=True,
        advance_per_cluster=1,
    )
    greeting = services.add_part(
        actor=officer, round_=round_, name="Chào hỏi", kind=PartKind.GREETING,
        rubric=world.greeting,
    )  # fmt: skip
    sketch = services.add_part(
        actor=officer, round_=round_, name="Tiểu phẩm", kind=PartKind.SKETCH,
        rubric=world.sketch, weight=Decimal(2),
    )  # fmt: skip
    services.update_round(actor=officer, round_=round_, tie_break_part=sketch)
    for n, (judge, home) in enumerate(zip(world.judges, world.homes, strict=True)):
        services.assign_judge(
            actor=officer, round_=round_, juror=judge, home_unit=home, is_head=n == 0
        )
    for code in ("nhat", "nhi", "ba"):
        services.set_prize_quota(
            actor=officer, round_=round_, kind=PrizeKind.objects.get(code=code), count=1
        )
    services.open_round(actor=officer, round_=round_)
    round_.refresh_from_db()
    return SimpleNamespace(
        round=round_,
        greeting=greeting,
        sketch=sketch,
        entries={e.team.unit_id: e for e in round_.entries.select_related("team")},
    )


def score_everything(world, prelim, table: dict) -> None:
    """Fill every sheet: table maps a ward's index to (greeting points, sketch points), each
    a list of the criteria's points, the same from each judge; or a list of three such
    lists, one per judge."""
    for index, (greeting, sketch) in table.items():
        entry = prelim.entries[world.wards[index].pk]
        for n, judge in enumerate(world.judges):
            g = greeting[n] if isinstance(greeting[0], list) else greeting
            s = sketch[n] if isinstance(sketch[0], list) else sketch
            fill(judge=judge, entry=entry, part=prelim.greeting, points=g)
            fill(judge=judge, entry=entry, part=prelim.sketch, points=s)
