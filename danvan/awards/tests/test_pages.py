"""The awards pages: every staff URL answers 404 to the staff of another ward and works for
the city's officer; lists keep their number of queries whatever their rows; a commune clerk
sees only the cadres posted in the ward now."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_user
from danvan.accounts.models import Role
from danvan.awards import eligibility, services
from danvan.awards.models import Award, Nomination, NominationStatus
from danvan.awards.tests.conftest import make_cadre, nominate, post, submitted, vote
from danvan.cadres.models import Event, Training, TrainingCourse
from danvan.organisations.models import UnitKind
from danvan.organisations.services import create_unit

D = datetime.date


@pytest.fixture
def ward_a(tree, clerk_a, city_officer, city_committee, council, members, people):
    """Ward A's files: one draft, one awarded (with its decision), a verdict, a training."""
    draft = nominate(clerk_a, tree.a.front, city_committee, cadre=people.binh)
    done = submitted(clerk_a, tree.a.front, city_committee, cadre=people.an)
    vote(done, members, 5)
    services.close_vote(actor=city_officer, nomination=done)
    decision = services.issue_decision(
        actor=city_officer,
        issuer=city_committee,
        nominations=[done],
        number=21,
        date=D(2026, 12, 1),
        signer_name="Trần Sỹ Thanh",
        signer_title="Chủ tịch",
    )
    eligibility.run_eligibility(2026)
    course = TrainingCourse.objects.create(
        name="Bồi dưỡng nghiệp vụ công tác dân vận",
        organiser="Trường Chính trị Tô Hiệu",
        level="refresher",
        hours=40,
        start=D(2025, 5, 5),
        end=D(2025, 5, 9),
    )
    training = Training.objects.create(
        cadre=people.an, course=course, result="good", certificate_number="125/GCN"
    )
    event = Event.objects.create(
        name="Gặp mặt các thế hệ cán bộ dân vận",
        unit=tree.a.party,
        date=D(2026, 10, 15),
        place="Hội trường Đảng ủy",
    )
    return type(
        "Ward",
        (),
        {
            "draft": draft,
            "award": decision.awards.get(),
            "decision": decision,
            "verdict": people.an.award_verdicts.first(),
            "training": training,
            "cadre": people.an,
            "event": event,
        },
    )


STAFF_URLS = {
    "nomination": lambda w: reverse("awards:nomination", args=[w.draft.pk]),
    "edit": lambda w: reverse("awards:edit", args=[w.draft.pk]),
    "evidence": lambda w: reverse("awards:evidence", args=[w.draft.pk]),
    "submit": lambda w: reverse("awards:submit", args=[w.draft.pk]),
    "withdraw": lambda w: reverse("awards:withdraw", args=[w.draft.pk]),
    "vote": lambda w: reverse("awards:vote", args=[w.draft.pk]),
    "close": lambda w: reverse("awards:close_vote", args=[w.draft.pk]),
    "case": lambda w: reverse("awards:link_case", args=[w.draft.pk]),
    "decision": lambda w: reverse("awards:decision", args=[w.decision.pk]),
    "decision-docx": lambda w: reverse("awards:decision_document", args=[w.decision.pk, "docx"]),
    "award": lambda w: reverse("awards:award", args=[w.award.pk]),
    "revoke": lambda w: reverse("awards:revoke", args=[w.award.pk]),
    "certificate": lambda w: reverse("awards:certificate", args=[w.award.pk]),
    "training": lambda w: reverse("awards:training_certificate", args=[w.cadre.pk, w.training.pk]),
    "verdict": lambda w: reverse("awards:verdict", args=[w.verdict.pk]),
    "event": lambda w: reverse("awards:event_awards", args=[w.event.pk]),
}
POSTS = {"edit", "evidence", "submit", "withdraw", "vote", "close", "case", "revoke"}


@pytest.mark.parametrize("name", list(STAFF_URLS))
def test_staff_of_ward_b_get_404_for_every_object_of_ward_a(
    ward_a, clerk_b, admin_b, city_officer, client_for, name
):
    url = STAFF_URLS[name](ward_a)
    method = "post" if name in POSTS else "get"

    for outsider in (clerk_b, admin_b):
        assert getattr(client_for(outsider), method)(url).status_code == 404
    if method == "get":  # the address works for the city's officer: the 404 is the scope
        assert client_for(city_officer).get(url).status_code == 200
    assert Nomination.objects.get(pk=ward_a.draft.pk).status == NominationStatus.DRAFT
    assert Award.objects.get(pk=ward_a.award.pk).revoked_on is None


def test_commending_a_model_of_ward_a_is_404_for_ward_b(tree, clerk_b, client_for, clerk_a):
    from danvan.registry.tests.factories import PracticeModelFactory

    model = PracticeModelFactory(actor=clerk_a, unit=tree.a.hamlet)
    officer_b = make_user("officer_b", Role.BOARD_OFFICER, tree.b.commune)
    url = reverse("awards:commend_model", args=[model.pk])
    assert client_for(officer_b).get(url).status_code == 404


@pytest.mark.parametrize(
    "name", ["home", "nominations", "nominate", "list", "eligible", "decide", "send_up", "council"]
)
def test_the_pages_open_for_the_citys_officer(ward_a, city_officer, client_for, name):
    response = client_for(city_officer).get(reverse(f"awards:{name}"))
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["decide", "send_up", "council"])
def test_a_clerk_cannot_open_the_deciders_pages(clerk_a, client_for, name):
    assert client_for(clerk_a).get(reverse(f"awards:{name}")).status_code == 403


def eligible_page(client):
    return client.get(reverse("awards:eligible")).context["page"]


def test_a_clerk_sees_the_awards_and_verdicts_of_the_cadres_posted_in_the_ward(
    ward_a, tree, clerk_a, clerk_b, client_for, people
):
    listed = client_for(clerk_b).get(reverse("awards:list")).context["page"].object_list
    assert list(listed) == []
    listed = client_for(clerk_a).get(reverse("awards:list")).context["page"].object_list
    assert [a.recipient_name for a in listed] == ["Nguyễn Văn An"]
    # Cường (ward B, 15 years) is eligible for the medal: only ward B's clerk sees him.
    a_names = {v.cadre.full_name for v in eligible_page(client_for(clerk_a))}
    b_names = {v.cadre.full_name for v in eligible_page(client_for(clerk_b))}
    assert "Lê Văn Cường" in b_names and "Lê Văn Cường" not in a_names
    assert "Nguyễn Văn An" in a_names


def test_a_cadre_who_moves_to_ward_b_leaves_ward_as_lists(
    ward_a, tree, clerk_a, clerk_b, client_for, people
):
    people.an.postings.update(end=D(2025, 12, 31))
    post(people.an, tree.b.front, D(2026, 1, 1))
    listed = client_for(clerk_b).get(reverse("awards:list")).context["page"].object_list
    assert [a.recipient_name for a in listed] == ["Nguyễn Văn An"]
    assert list(client_for(clerk_a).get(reverse("awards:list")).context["page"].object_list) == []


def test_the_citys_officer_sees_every_award_and_none_of_another_province(
    ward_a, tree, city_officer, client_for, people
):
    def listed():
        page = client_for(city_officer).get(reverse("awards:list")).context["page"]
        return [a.recipient_name for a in page.object_list]

    assert listed() == ["Nguyễn Văn An"]
    # Once a unit lies outside the city's tree, the city's scope no longer reaches every
    # award: An, now posted in another province, leaves the city's list.
    other = create_unit(
        actor=None, parent=None, name="Tỉnh Bắc Ninh", kind=UnitKind.PROVINCE, code="27", key="t-27"
    )
    people.an.postings.update(end=D(2025, 12, 31))
    post(people.an, other, D(2026, 1, 1))
    assert listed() == []


# Query counts


def _many_awards(tree, city_committee, count):
    decision = services.Decision.objects.create(
        issuer=city_committee,
        issuer_name=city_committee.name,
        number=900 + count,
        symbol="QĐ-UBND",
        year=2025,
        date=D(2025, 12, 1),
        award_type=services.award_type_on("bang_khen", D(2025, 12, 1)),
    )
    for index in range(count):
        cadre = make_cadre(tree.a.commune, f"Cán bộ {count}-{index}")
        post(cadre, tree.a.front, D(2000, 1, 1))
        Award.objects.create(
            decision=decision,
            award_type=decision.award_type,
            year=2025,
            cadre=cadre,
            recipient_name=cadre.full_name,
            scope_unit=tree.a.front,
            scope_path=tree.a.front.path,
            amount=2_340_000,
        )


@pytest.mark.parametrize("url_name", ["list", "eligible", "nominations"])
def test_lists_keep_their_number_of_queries(
    tree, city_committee, clerk_a, client_for, django_assert_max_num_queries, url_name, people
):
    client = client_for(clerk_a)
    _many_awards(tree, city_committee, 3)
    nominate(clerk_a, tree.a.front, city_committee, cadre=people.an)
    eligibility.run_eligibility(2026)
    client.get(reverse(f"awards:{url_name}"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(f"awards:{url_name}")).status_code == 200
    _many_awards(tree, city_committee, 25)
    nominate(clerk_a, tree.a.front, city_committee, cadre=people.binh)
    nominate(clerk_a, tree.a.front, city_committee, unit=tree.a.party, women_share=Decimal(50))
    eligibility.run_eligibility(2026)
    with django_assert_max_num_queries(len(few)):
        assert client.get(reverse(f"awards:{url_name}")).status_code == 200
