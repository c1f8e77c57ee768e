"""Contest prizes as evidence of a nomination: the file offers only the confirmed prizes its
nominee won (a collective's unit, a person's team), in the reader's scope; another unit's
prize is refused with a message that says why."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from conftest import english_client, login
from danvan.awards import services
from danvan.awards.evidence import offered_prizes
from danvan.awards.models import Evidence, EvidenceKind
from danvan.awards.tests.conftest import nominate
from danvan.contests import services as contest_services
from danvan.contests.models import (
    Level,
    Prize,
    PrizeKind,
    PrizeQuota,
    Round,
    RoundKind,
    ScoringRule,
    Team,
    TeamMember,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _team(contest, unit, names):
    team = Team.objects.create(contest=contest, unit=unit, name=f"Đội {unit.name}")
    for order, name in enumerate(names):
        TeamMember.objects.create(team=team, order=order, full_name=name, is_leader=order == 0)
    return team


def _prize(quota, team, *, year=2025, confirmed=True, number=None):
    return Prize.objects.create(
        round=quota.round,
        quota=quota,
        kind=quota.kind,
        team=team,
        unit=team.unit,
        organiser=quota.round.contest.organiser,
        title=f"Giải Nhất – {quota.round.contest.name}",
        year=year,
        decision_number=number,
        decision_symbol="QĐ-BTGDV" if number else "",
        decision_date=datetime.date(year, 11, 20) if number else None,
        confirmed_at=timezone.now() if confirmed else None,
    )


def _contest(organiser, officer, year, name):
    contest = contest_services.create_contest(
        actor=officer, organiser=organiser, name=name, year=year, level=Level.CITY
    )
    round_ = Round.objects.create(
        contest=contest,
        name="Chung kết",
        kind=RoundKind.FINAL,
        scoring_rule=ScoringRule.objects.filter(issuer=None).first(),
    )
    return PrizeQuota.objects.create(round=round_, kind=PrizeKind.objects.get(code="nhat"))


@pytest.fixture
def prizes(tree, city_officer, city_board, people):
    """The city's contest of 2025: Ba Đình's team (with Nguyễn Văn An) and Hà Đông's (with a
    namesake of his) won confirmed prizes; a prize of Ba Đình not yet confirmed; a prize of
    Ba Đình in 2027, after the files' year."""
    quota = _contest(city_board, city_officer, 2025, "Hội thi “Dân vận khéo” thành phố năm 2025")
    later = _contest(city_board, city_officer, 2027, "Hội thi “Dân vận khéo” thành phố năm 2027")
    team_a = _team(quota.round.contest, tree.a.commune, ["Trần Văn Đội", "Nguyễn Văn An"])
    team_b = _team(quota.round.contest, tree.b.commune, ["NGUYỄN VĂN AN"])
    pending_quota = PrizeQuota.objects.create(
        round=quota.round, kind=PrizeKind.objects.get(code="nhi")
    )
    return SimpleNamespace(
        a=_prize(quota, team_a, number=45),
        b=_prize(quota, team_b),
        unconfirmed=_prize(pending_quota, team_a, confirmed=False),
        future=_prize(later, _team(later.round.contest, tree.a.commune, []), year=2027),
    )


def test_a_collective_is_offered_only_its_own_confirmed_prizes_up_to_the_files_year(
    tree, city_officer, city_committee, prizes
):
    file = nominate(city_officer, tree.a.state, city_committee, unit=tree.a.commune)

    assert list(offered_prizes(city_officer, file)) == [prizes.a]


def test_a_person_is_offered_the_prizes_of_a_team_they_played_in(
    tree, city_officer, city_committee, people, prizes
):
    """Nguyễn Văn An, posted in Ba Đình's Front, played in Ba Đình's team; his namesake in Hà
    Đông's team is another man; Trần Thị Bình played in no team."""
    file_an = nominate(city_officer, tree.a.front, city_committee, cadre=people.an)
    file_binh = nominate(city_officer, tree.a.party, city_committee, cadre=people.binh)

    assert list(offered_prizes(city_officer, file_an)) == [prizes.a]
    assert list(offered_prizes(city_officer, file_binh)) == []


def test_the_prizes_offered_stay_in_the_readers_scope(
    tree, clerk_b, city_officer, city_committee, prizes
):
    file = nominate(city_officer, tree.a.state, city_committee, unit=tree.a.commune)

    assert list(offered_prizes(clerk_b, file)) == []


def test_a_prize_won_by_the_nominee_is_added_with_its_decision(
    tree, clerk_a, city_committee, prizes
):
    file = nominate(clerk_a, tree.a.state, city_committee, unit=tree.a.commune)

    evidence = services.add_evidence(
        actor=clerk_a, nomination=file, kind=EvidenceKind.PRIZE, prize=prizes.a
    )

    assert evidence.prize == prizes.a
    assert "Giải Nhất" in evidence.description
    assert "QĐ số 45/QĐ-BTGDV ngày 20/11/2025" in evidence.description


def test_a_prize_of_another_unit_is_refused_with_a_clear_message(
    tree, clerk_a, city_officer, city_committee, prizes
):
    file = nominate(clerk_a, tree.a.state, city_committee, unit=tree.a.commune)

    for prize in (prizes.b, prizes.unconfirmed, prizes.future):
        with pytest.raises(ValidationError) as refused:
            services.add_evidence(
                actor=city_officer, nomination=file, kind=EvidenceKind.PRIZE, prize=prize
            )
        assert refused.value.code == "prize_not_nominee"
    assert "was won by Phường Hà Đông, not by Phường Ba Đình" in refused_message(
        city_officer, file, prizes.b
    )
    assert not Evidence.objects.exists()


def refused_message(actor, file, prize) -> str:
    with pytest.raises(ValidationError) as refused:
        services.add_evidence(actor=actor, nomination=file, kind=EvidenceKind.PRIZE, prize=prize)
    return refused.value.messages[0]


def test_a_prize_is_cited_once_and_a_prize_evidence_names_its_prize(
    tree, clerk_a, city_committee, prizes
):
    file = nominate(clerk_a, tree.a.state, city_committee, unit=tree.a.commune)
    services.add_evidence(actor=clerk_a, nomination=file, kind=EvidenceKind.PRIZE, prize=prizes.a)

    with pytest.raises(ValidationError) as twice:
        services.add_evidence(
            actor=clerk_a, nomination=file, kind=EvidenceKind.PRIZE, prize=prizes.a
        )
    with pytest.raises(ValidationError) as none:
        services.add_evidence(actor=clerk_a, nomination=file, kind=EvidenceKind.PRIZE)

    assert twice.value.code == "prize_twice"
    assert none.value.code == "prize"
    assert Evidence.objects.count() == 1


def test_a_clerk_of_another_ward_cannot_add_a_prize(tree, clerk_a, clerk_b, city_committee, prizes):
    file = nominate(clerk_a, tree.a.state, city_committee, unit=tree.a.commune)

    with pytest.raises(PermissionDenied):
        services.add_evidence(
            actor=clerk_b, nomination=file, kind=EvidenceKind.PRIZE, prize=prizes.a
        )
    response = login(clerk_b).post(
        reverse("awards:evidence", args=[file.pk]), {"kind": "prize", "prize": prizes.a.pk}
    )

    assert response.status_code == 404
    assert not Evidence.objects.exists()


def test_the_nomination_page_offers_the_prize_and_shows_it_once_added(
    tree, clerk_a, city_committee, prizes
):
    file = nominate(clerk_a, tree.a.state, city_committee, unit=tree.a.commune)
    client = english_client(clerk_a)
    page = reverse("awards:nomination", args=[file.pk])

    offered = client.get(page).content.decode()
    refused = client.post(
        reverse("awards:evidence", args=[file.pk]),
        {"kind": "prize", "prize": prizes.b.pk},
        follow=True,
    )
    added = client.post(
        reverse("awards:evidence", args=[file.pk]),
        {"kind": "prize", "prize": prizes.a.pk},
        follow=True,
    )

    assert f'<option value="{prizes.a.pk}">' in offered
    assert f'<option value="{prizes.b.pk}">' not in offered
    assert "a prize of another unit or team is not evidence" in refused.content.decode()
    assert not Evidence.objects.filter(prize=prizes.b).exists()
    shown = added.content.decode()
    assert reverse("contests:team", args=[prizes.a.team_id]) in shown
    assert "Đội Phường Ba Đình" in shown
