"""The contest pages as their users meet them: the organiser runs a round, a clerk registers
a team, a judge scores on the phone-sized sheet (saved box by box); scope on every URL; blind
scoring; query counts that do not grow with the rows."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_user
from danvan.accounts.models import Role
from danvan.contests import services
from danvan.contests.models import Level, PartKind, Prize, RoundEntry, RoundKind, Score, Team
from danvan.contests.tests.conftest import fill, score_everything
from danvan.contests.tests.test_results import TABLE
from danvan.organisations.models import UnitKind
from danvan.organisations.services import create_unit

pytestmark = pytest.mark.django_db


def test_the_organiser_sees_the_contest_its_teams_and_rounds(world, preliminary, staff):
    page = staff(world.officer).get(reverse("contests:detail", args=[world.contest.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Đội thi phường Đống Đa" in text
    assert "Vòng sơ khảo" in text
    assert "Cụm thi đua số 2" in text


def test_a_clerk_registers_a_team_through_the_form(world, clerk_a, staff):
    client = staff(clerk_a)
    url = reverse("contests:register", args=[world.contest.pk])
    form = client.get(url)
    assert form.status_code == 200
    # Only the clerk's own ward and its branches are offered.
    assert "Phường Ba Đình" in form.content.decode()
    assert "Phường Hà Đông" not in form.content.decode()
    response = client.post(
        url,
        {
            "unit": world.tree.a.commune.pk,
            "name": "Đội thi phường Ba Đình",
            "members": "Nguyễn Thị Mai; Chủ tịch MTTQ phường\nPhạm Văn Hùng",
        },
    )
    team = Team.objects.get(contest=world.contest)
    assert response.status_code == 302 and response.url == reverse("contests:team", args=[team.pk])
    assert [(m.full_name, m.position, m.is_leader) for m in team.members.all()] == [
        ("Nguyễn Thị Mai", "Chủ tịch MTTQ phường", True),
        ("Phạm Văn Hùng", "", False),
    ]
    again = client.post(url, {"unit": world.tree.a.commune.pk})
    assert "already registered a team" in again.content.decode()
    assert Team.objects.count() == 1


def test_a_judge_scores_box_by_box_and_sees_only_their_own_sheet(world, preliminary, staff):
    first, second = world.judges[0], world.judges[1]
    entry = preliminary.entries[world.wards[0].pk]
    part = preliminary.greeting
    content, time = part.rubric.criteria.all()
    fill(judge=second, entry=entry, part=part, points=["7,5", 1])
    client = staff(first)
    sheet_url = reverse("contests:sheet", args=[preliminary.round.pk, entry.pk, part.pk])
    page = client.get(sheet_url)
    assert page.status_code == 200
    assert "7,5" not in page.content.decode()
    save = reverse("contests:sheet_save", args=[preliminary.round.pk, entry.pk, part.pk])
    saved = client.post(save, {"criterion": content.pk, f"c{content.pk}": "9,5"})
    assert "Saved" in saved.content.decode()
    assert "your total: 9.5" in saved.content.decode()
    refused = client.post(save, {"criterion": time.pk, f"c{time.pk}": "3"})
    assert "must be between 0 and 2" in refused.content.decode()
    assert dict(Score.objects.filter(juror=first).values_list("criterion_id", "value")) == {
        content.pk: Decimal("9.5")
    }


def test_no_url_shows_a_judge_another_judges_points(world, preliminary, staff):
    """A judge walks every contest page they can reach, with every id of the round: the
    other judge's unusual points never appear, before the round closes."""
    first, second = world.judges[0], world.judges[1]
    round_ = preliminary.round
    for entry in round_.entries.all():
        for part in (preliminary.greeting, preliminary.sketch):
            points = ["6,5", 1] if part == preliminary.greeting else ["13,5"]
            fill(judge=second, entry=entry, part=part, points=points)
    client = staff(first)
    urls = [reverse("contests:list"), reverse("contests:judging")]
    urls += [reverse("contests:judging_round", args=[round_.pk])]
    for entry in round_.entries.all():
        for part in (preliminary.greeting, preliminary.sketch):
            urls.append(reverse("contests:sheet", args=[round_.pk, entry.pk, part.pk]))
    urls += [
        reverse("contests:round", args=[round_.pk]),
        reverse("contests:detail", args=[world.contest.pk]),
    ]
    for url in urls:
        text = client.get(url).content.decode()
        assert "6,5" not in text and "13,5" not in text and "13.5" not in text, url
    # The judge's account cannot open the organiser's pages at all.
    assert client.get(reverse("contests:round", args=[round_.pk])).status_code == 404
    # Nor another round's sheets: no assignment there, no page.
    other_round = services.add_round(
        actor=world.officer, contest=world.contest, name="Chung khảo", kind="final",
        scoring_rule=world.mean,
    )  # fmt: skip
    assert client.get(reverse("contests:judging_round", args=[other_round.pk])).status_code == 404


def test_a_judge_who_is_also_an_officer_sees_no_progress_of_the_others(world, preliminary, staff):
    officer_judge = make_user("gk.canbo", Role.BOARD_OFFICER, world.city, full_name="Cán bộ GK")
    services.assign_judge(
        actor=world.officer, round_=preliminary.round, juror=officer_judge, home_unit=world.board
    )
    fill(judge=world.judges[1], entry=preliminary.entries[world.wards[0].pk],
         part=preliminary.greeting, points=["6,5", 1])  # fmt: skip
    page = staff(officer_judge).get(reverse("contests:round", args=[preliminary.round.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "You judge this round" in text
    assert "1/4" not in text and "Close the round" not in text


def test_the_organiser_closes_confirms_and_publishes_from_the_round_page(world, preliminary, staff):
    score_everything(world, preliminary, TABLE)
    client = staff(world.officer)
    round_url = reverse("contests:round", args=[preliminary.round.pk])
    action = lambda name: reverse(  # noqa: E731
        "contests:round_action", args=[preliminary.round.pk, name]
    )
    assert client.post(action("close")).status_code == 302
    page = client.get(round_url).content.decode()
    assert "Results" in page and "Confirm the results" in page
    again = client.post(action("close"), follow=True)
    assert "already closed" in again.content.decode()
    client.post(
        action("confirm"),
        {"decision_number": "15", "decision_symbol": "QĐ-BTGDV", "decision_date": "2025-10-20",
         "signer_name": "Nguyễn Văn A", "signer_title": "Trưởng ban"},
    )  # fmt: skip
    client.post(action("publish"))
    preliminary.round.refresh_from_db()
    assert preliminary.round.published_at is not None
    assert Prize.objects.confirmed().count() == 6


def test_a_prize_certificate_prints_as_a_pdf(world, preliminary, staff):
    score_everything(world, preliminary, TABLE)
    closed = services.close_round(actor=world.officer, round_=preliminary.round)
    services.confirm_round(
        actor=world.officer, round_=closed, decision_number=15,
        decision_symbol="QĐ-BTGDV", decision_date=closed.closed_at.date(),
        signer_name="Nguyễn Văn A", signer_title="Trưởng ban",
    )  # fmt: skip
    prize = Prize.objects.get(unit=world.wards[0])
    response = staff(world.officer).get(reverse("contests:certificate", args=[prize.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    every = staff(world.officer).get(reverse("contests:certificates", args=[preliminary.round.pk]))
    assert every.content.startswith(b"%PDF")


# Scope on every URL -------------------------------------------------------------------


def _every_url(world, preliminary, prize=None):
    round_ = preliminary.round
    entry = preliminary.entries[world.wards[0].pk]
    team = entry.team
    part = preliminary.greeting
    judge_assignment = round_.judges.first()
    gets = [
        reverse("contests:detail", args=[world.contest.pk]),
        reverse("contests:edit", args=[world.contest.pk]),
        reverse("contests:register", args=[world.contest.pk]),
        reverse("contests:team", args=[team.pk]),
        reverse("contests:team_edit", args=[team.pk]),
        reverse("contests:round", args=[round_.pk]),
        reverse("contests:round_edit", args=[round_.pk]),
        reverse("contests:certificates", args=[round_.pk]),
        reverse("contests:judging_round", args=[round_.pk]),
        reverse("contests:sheet", args=[round_.pk, entry.pk, part.pk]),
    ]
    if prize is not None:
        gets.append(reverse("contests:certificate", args=[prize.pk]))
    posts = [
        reverse("contests:status", args=[world.contest.pk]),
        reverse("contests:clusters", args=[world.contest.pk]),
        reverse("contests:send_up", args=[world.contest.pk]),
        reverse("contests:add_round", args=[world.contest.pk]),
        reverse("contests:team_cluster", args=[team.pk]),
        reverse("contests:add_part", args=[round_.pk]),
        reverse("contests:add_judge", args=[round_.pk]),
        reverse("contests:set_quota", args=[round_.pk]),
        reverse("contests:round_action", args=[round_.pk, "close"]),
        reverse("contests:round_action", args=[round_.pk, "reveal"]),
        reverse("contests:remove_part", args=[part.pk]),
        reverse("contests:remove_judge", args=[judge_assignment.pk]),
        reverse("contests:sheet_save", args=[round_.pk, entry.pk, part.pk]),
    ]
    return gets, posts


def test_every_url_is_404_for_a_clerk_of_another_ward(world, preliminary, clerk_b, staff):
    """Hà Đông's clerk: the contest is under way (no registration), Ba Đình's team is not
    theirs, they judge nothing and organise nothing."""
    score_everything(world, preliminary, TABLE)
    services.close_round(actor=world.officer, round_=preliminary.round)
    services.confirm_round(actor=world.officer, round_=preliminary.round)
    prize = Prize.objects.get(unit=world.wards[0])
    gets, posts = _every_url(world, preliminary, prize)
    client = staff(clerk_b)
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, {"to": "draft", "criterion": 1}).status_code == 404, url
    assert Prize.objects.count() == 6


def test_every_url_asks_a_visitor_to_sign_in(world, preliminary, client):
    gets, posts = _every_url(world, preliminary)
    for url in [*gets, reverse("contests:list"), reverse("contests:judging")]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, url
    for url in posts:
        assert client.post(url).status_code in (302, 403), url


def test_a_clerk_sees_their_own_team_but_not_the_organisers_pages(
    world, preliminary, clerk_a, staff
):
    client = staff(clerk_a)
    team = preliminary.entries[world.wards[0].pk].team
    assert client.get(reverse("contests:team", args=[team.pk])).status_code == 200
    other = preliminary.entries[world.wards[1].pk].team
    assert client.get(reverse("contests:team", args=[other.pk])).status_code == 404
    assert client.get(reverse("contests:round", args=[preliminary.round.pk])).status_code == 404
    assert client.get(reverse("contests:detail", args=[world.contest.pk])).status_code == 404


# Query counts ---------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def _more_wards(world, count, start):
    for n in range(start, start + count):
        ward = create_unit(
            actor=None, parent=world.city, name=f"Phường Thử {n}", kind=UnitKind.COMMUNE,
            code=f"9{n:04d}", key=f"t-9{n:04d}",
        )  # fmt: skip
        services.register_team(actor=world.officer, contest=world.contest, unit=ward)


def test_the_contest_list_and_page_do_not_grow_with_contests_and_teams(world, staff, tree):
    client = staff(world.officer)
    _more_wards(world, 3, 0)
    list_before = _queries(client, reverse("contests:list"))
    detail_before = _queries(client, reverse("contests:detail", args=[world.contest.pk]))
    _more_wards(world, 12, 3)
    for n in range(8):
        ward = services.create_contest(
            actor=world.officer, organiser=tree.a.party, name=f"Hội thi phường {n}", year=2025,
            level=Level.COMMUNE, parent=world.contest,
        )  # fmt: skip
        if n % 2:
            services.open_registration(actor=world.officer, contest=ward)
    assert _queries(client, reverse("contests:list")) == list_before
    assert _queries(client, reverse("contests:detail", args=[world.contest.pk])) == detail_before


def test_round_pages_do_not_grow_with_teams(world, teams, staff):
    def build(name):
        round_ = services.add_round(
            actor=world.officer, contest=world.contest, name=name, kind=RoundKind.PRELIMINARY,
            scoring_rule=world.mean,
        )  # fmt: skip
        services.add_part(
            actor=world.officer, round_=round_, name="Chào hỏi", kind=PartKind.GREETING,
            rubric=world.greeting,
        )  # fmt: skip
        services.assign_judge(
            actor=world.officer, round_=round_, juror=world.judges[0], home_unit=world.board
        )
        return round_

    small = build("Vòng một")
    services.open_round(actor=world.officer, round_=small)
    judge = staff(world.judges[0])
    organiser = staff(world.officer)
    counts = (
        _queries(organiser, reverse("contests:round", args=[small.pk])),
        _queries(judge, reverse("contests:judging_round", args=[small.pk])),
    )
    # The same round with three times the teams.
    entries = list(small.entries.select_related("team"))
    extra_teams = []
    for n in range(12):
        ward = create_unit(
            actor=None, parent=world.city, name=f"Phường Thêm {n}", kind=UnitKind.COMMUNE,
            code=f"8{n:04d}", key=f"t-8{n:04d}",
        )  # fmt: skip
        extra_teams.append(Team.objects.create(contest=world.contest, unit=ward, name=ward.name))
    RoundEntry.objects.bulk_create(
        RoundEntry(round=small, team=t, order=len(entries) + n)
        for n, t in enumerate(extra_teams, start=1)
    )
    assert (
        _queries(organiser, reverse("contests:round", args=[small.pk])),
        _queries(judge, reverse("contests:judging_round", args=[small.pk])),
    ) == counts


def test_the_judges_sheet_saves_in_few_queries(world, preliminary, staff):
    entry = preliminary.entries[world.wards[0].pk]
    part = preliminary.greeting
    content = part.rubric.criteria.first()
    client = staff(world.judges[0])
    save = reverse("contests:sheet_save", args=[preliminary.round.pk, entry.pk, part.pk])
    with CaptureQueriesContext(connection) as captured:
        response = client.post(save, {"criterion": content.pk, f"c{content.pk}": "8"})
    assert response.status_code == 200
    assert len(captured) <= 30
    assert re.search(r"Saved", response.content.decode())


def test_the_organiser_is_told_why_a_judge_is_refused(world, teams, staff):
    round_ = services.add_round(
        actor=world.officer, contest=world.contest, name="Sơ khảo", kind=RoundKind.PRELIMINARY,
        scoring_rule=world.mean,
    )  # fmt: skip
    client = staff(world.officer)
    url = reverse("contests:add_judge", args=[round_.pk])
    assert client.get(url).status_code == 200
    page = client.post(url, {"juror": world.judges[0].pk, "home_unit": world.tree.b.commune.pk})
    text = page.content.decode()
    assert "may not judge the team of Phường Hà Đông" in text
    assert "conflict of interest" in text
    assert not round_.judges.exists()
    done = client.post(url, {"juror": world.judges[0].pk, "home_unit": world.board.pk})
    assert done.status_code == 302
    assert round_.judges.get().home_unit == world.board
