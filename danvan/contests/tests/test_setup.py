"""Setting a contest up: its place in the tree, registration, clusters, prizes and judges,
with the refusals a user would meet."""

import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from danvan.contests import services
from danvan.contests.models import (
    ContestStatus,
    JudgeAssignment,
    Level,
    PartKind,
    PrizeKind,
    RoundKind,
    Team,
)
from danvan.core.models import AuditEntry


def test_a_commune_contest_sends_its_winners_to_the_city_contest(world, tree, city_officer):
    ward = services.create_contest(
        actor=city_officer,
        organiser=tree.a.party,
        name="Hội thi “Dân vận khéo” phường Ba Đình năm 2025",
        year=2025,
        level=Level.COMMUNE,
        parent=world.contest,
        sends_up=2,
    )
    assert ward.parent == world.contest
    assert list(world.contest.children.all()) == [ward]


@pytest.mark.parametrize(
    ("year", "level", "message"),
    [
        (2024, Level.COMMUNE, "same year"),
        (2025, Level.CITY, "higher level"),
    ],
)
def test_the_contest_above_must_be_of_the_year_and_a_higher_level(
    world, tree, city_officer, year, level, message
):
    with pytest.raises(ValidationError, match=message):
        services.create_contest(
            actor=city_officer, organiser=tree.a.party, name="Hội thi phường",
            year=year, level=level, parent=world.contest,
        )  # fmt: skip


def test_a_clerk_registers_their_wards_team_with_its_members(world, clerk_a):
    team = services.register_team(
        actor=clerk_a,
        contest=world.contest,
        unit=world.tree.a.commune,
        name="Đội Ba Đình",
        members=[
            {"full_name": "Nguyễn Thị Mai", "position": "Chủ tịch MTTQ phường", "is_leader": True},
            {"full_name": "  ", "position": "ignored: no name"},
            {"full_name": "Phạm Văn Hùng", "position": "Bí thư Đoàn phường"},
        ],
    )
    assert [m.full_name for m in team.members.all()] == ["Nguyễn Thị Mai", "Phạm Văn Hùng"]
    assert AuditEntry.objects.filter(
        action="contests.register_team", object_id=str(team.pk)
    ).exists()


def test_a_team_registered_twice_is_refused_and_nothing_changes(world, clerk_a):
    services.register_team(actor=clerk_a, contest=world.contest, unit=world.tree.a.commune)
    with pytest.raises(ValidationError, match="already registered"):
        services.register_team(
            actor=clerk_a, contest=world.contest, unit=world.tree.a.commune, name="Lần hai"
        )
    assert Team.objects.filter(contest=world.contest).count() == 1


def test_a_clerk_cannot_register_another_wards_team(world, clerk_a):
    with pytest.raises(PermissionDenied):
        services.register_team(actor=clerk_a, contest=world.contest, unit=world.tree.b.commune)
    assert not Team.objects.exists()


def test_registration_needs_the_contest_open(world, clerk_a):
    services.set_contest_status(actor=world.officer, contest=world.contest, to=ContestStatus.DRAFT)
    with pytest.raises(ValidationError, match="not open for registration"):
        services.register_team(actor=clerk_a, contest=world.contest, unit=world.tree.a.commune)


def test_teams_take_their_cluster_from_the_foundations_clusters(world, teams):
    placed = {t.unit.name: t.cluster.name for t in Team.objects.select_related("unit", "cluster")}
    assert placed["Phường Ba Đình"] == "Cụm thi đua số 1"
    assert placed["Phường Cầu Giấy"] == "Cụm thi đua số 2"
    # A team registered afterwards joins its ward's cluster on its own.
    late = services.register_team(
        actor=world.officer, contest=world.contest, unit=world.tree.a.front
    )
    assert late.cluster.name == "Cụm thi đua số 1"


def test_clusters_drawn_ad_hoc_are_even_and_recorded(world, teams):
    made = services.draw_clusters(
        actor=world.officer, contest=world.contest, count=3, rng=random.Random(4)
    )
    sizes = sorted(Team.objects.filter(cluster=c).count() for c in made)
    assert sizes == [2, 2, 2]
    entry = AuditEntry.objects.filter(action="contests.clusters").latest("pk")
    assert sum(len(v) for v in entry.after["drawn"].values()) == 6


def _round(world, **fields):
    return services.add_round(
        actor=world.officer, contest=world.contest, name="Vòng sơ khảo",
        kind=RoundKind.PRELIMINARY, scoring_rule=world.mean, **fields,
    )  # fmt: skip


def test_more_prizes_than_teams_in_a_cluster_is_refused(world, teams):
    round_ = _round(world, by_cluster=True, advance_per_cluster=1)
    services.set_prize_quota(
        actor=world.officer, round_=round_, kind=PrizeKind.objects.get(code="nhat"), count=2
    )
    with pytest.raises(ValidationError, match="more than the teams of the smallest cluster"):
        services.set_prize_quota(
            actor=world.officer, round_=round_, kind=PrizeKind.objects.get(code="nhi"), count=2
        )
    assert list(round_.quotas.values_list("kind__code", "count")) == [("nhat", 2)]


def test_a_judge_from_a_competing_unit_is_refused_with_the_reason(world, teams):
    round_ = _round(world)
    judge = world.judges[0]
    with pytest.raises(ValidationError) as refused:
        services.assign_judge(
            actor=world.officer, round_=round_, juror=judge, home_unit=world.tree.a.commune
        )
    assert "the judge's unit is the competing unit" in refused.value.messages[0]
    assert "Phường Ba Đình" in refused.value.messages[0]
    assert not JudgeAssignment.objects.exists()


@pytest.mark.parametrize(
    ("home", "reason"),
    [
        ("hamlet", "belongs to the competing unit"),  # a hamlet of Ba Đình
        ("city", "above the competing unit"),  # the city holds every ward
    ],
)
def test_a_judge_from_above_or_below_a_competing_unit_is_refused(world, teams, home, reason):
    round_ = _round(world)
    unit = world.tree.a.hamlet if home == "hamlet" else world.city
    with pytest.raises(ValidationError, match=reason):
        services.assign_judge(
            actor=world.officer, round_=round_, juror=world.judges[0], home_unit=unit
        )


def test_a_judge_of_one_cluster_may_come_from_a_ward_of_the_other(world, teams):
    round_ = _round(world, by_cluster=True, advance_per_cluster=1)
    second = world.contest.clusters.get(number=2)
    # Ba Đình is in cluster 1: its officer may judge cluster 2.
    services.assign_judge(
        actor=world.officer, round_=round_, juror=world.judges[0],
        home_unit=world.tree.a.commune, cluster=second,
    )  # fmt: skip
    first = world.contest.clusters.get(number=1)
    with pytest.raises(ValidationError, match="conflict of interest"):
        services.assign_judge(
            actor=world.officer, round_=round_, juror=world.judges[1],
            home_unit=world.tree.a.commune, cluster=first,
        )  # fmt: skip


def test_a_round_cannot_open_until_it_is_complete(world, teams):
    round_ = _round(world)
    with pytest.raises(ValidationError) as refused:
        services.open_round(actor=world.officer, round_=round_)
    assert set(refused.value.messages) >= {"The round has no parts.", "The round has no judges."}
    round_.refresh_from_db()
    assert round_.status == "setup"
    assert not round_.entries.exists()


def test_opening_the_first_round_closes_registration(world, teams):
    round_ = _round(world)
    services.add_part(
        actor=world.officer, round_=round_, name="Chào hỏi", kind=PartKind.GREETING,
        rubric=world.greeting,
    )  # fmt: skip
    services.assign_judge(
        actor=world.officer, round_=round_, juror=world.judges[0], home_unit=world.board
    )
    services.open_round(actor=world.officer, round_=round_)
    world.contest.refresh_from_db()
    assert world.contest.status == ContestStatus.RUNNING
    assert round_.entries.count() == 6
    with pytest.raises(ValidationError, match="not open for registration"):
        services.register_team(actor=world.officer, contest=world.contest, unit=world.tree.a.front)


def test_only_the_organisers_officers_set_a_contest_up(world, clerk_a):
    with pytest.raises(PermissionDenied):
        _round_as(clerk_a, world)


def _round_as(actor, world):
    return services.add_round(
        actor=actor, contest=world.contest, name="Chung khảo", kind=RoundKind.FINAL,
        scoring_rule=world.mean,
    )  # fmt: skip
