"""A nomination goes up the tree level by level: the proposing unit sends it to the office
of the level above, which forwards it on to the body with the power to award (the authority
table) or returns it with a reason; the council votes only there. Every step is kept."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from conftest import english_client
from danvan.awards import services
from danvan.awards.models import Nomination, NominationStatus, NominationStep, StepAction
from danvan.awards.tests.conftest import nominate, vote
from danvan.core.models import AuditEntry


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def sent(tree, clerk_a, city_committee, people):
    """Ba Đình's Front proposes a city Bằng khen for Nguyễn Văn An and sends the file up."""
    file = nominate(clerk_a, tree.a.front, city_committee, cadre=people.an)
    return services.submit_nomination(actor=clerk_a, nomination=file)


def _steps(file):
    return [
        (s.action, s.from_unit, s.to_unit, s.reason)
        for s in NominationStep.objects.filter(nomination=file)
    ]


def test_the_route_passes_the_wards_office_then_the_body_that_awards(
    tree, city_committee, city_board
):
    # The state's line: the ward's people's committee, then the city's.
    assert services.route(tree.a.front, city_committee) == [tree.a.state, city_committee]
    # The Party's line (the medal's file compiled by the city's board): the ward's Party
    # committee first.
    assert services.route(tree.a.front, city_board) == [tree.a.party, city_board]
    # A ward's own body decides: one step; the ward's office sends straight to the city.
    assert services.route(tree.a.front, tree.a.state) == [tree.a.state]
    assert services.route(tree.a.state, city_committee) == [city_committee]


def test_sending_up_reaches_the_level_above_not_the_council(tree, clerk_a, city_committee, sent):
    assert sent.status == NominationStatus.IN_TRANSIT
    assert sent.holder == tree.a.state
    assert _steps(sent) == [(StepAction.SENT, tree.a.front, tree.a.state, "")]
    assert services.route_ahead(sent) == [city_committee]
    assert AuditEntry.objects.filter(action="awards.submit", object_id=str(sent.pk)).exists()


def test_the_council_votes_only_when_the_file_has_arrived(
    tree, city_officer, council, members, sent
):
    with pytest.raises(ValidationError) as refused:
        services.cast_vote(actor=members[0], nomination=sent, approve=True)
    with pytest.raises(ValidationError):
        services.close_vote(actor=city_officer, nomination=sent)

    assert refused.value.code == "not_arrived"
    assert "on its way up, at UBND Phường Ba Đình" in refused.value.messages[0]
    assert not sent.votes.exists()


def test_the_wards_office_forwards_the_file_to_the_city_where_it_is_voted(
    tree, clerk_a, city_officer, city_committee, council, members, sent
):
    arrived = services.forward_nomination(actor=clerk_a, nomination=sent)

    assert arrived.status == NominationStatus.SUBMITTED
    assert arrived.holder == city_committee
    assert arrived.submitted_at is not None
    assert _steps(arrived)[-1] == (StepAction.FORWARDED, tree.a.state, city_committee, "")
    assert AuditEntry.objects.filter(action="awards.forward", object_id=str(sent.pk)).exists()
    vote(arrived, members, 5)
    assert services.close_vote(actor=city_officer, nomination=arrived).status == "approved"


def test_a_unit_cannot_forward_a_file_not_addressed_to_it(tree, clerk_b, front_clerk_a, sent):
    """The file waits at the ward's people's committee: neither another ward nor the Front
    that proposed it may forward it."""
    for outsider in (clerk_b, front_clerk_a):
        with pytest.raises(PermissionDenied):
            services.forward_nomination(actor=outsider, nomination=sent)
        with pytest.raises(PermissionDenied):
            services.return_nomination(actor=outsider, nomination=sent, reason="Thiếu hồ sơ")
    sent.refresh_from_db()
    assert sent.status == NominationStatus.IN_TRANSIT
    assert len(_steps(sent)) == 1


def test_a_file_before_the_council_or_still_a_draft_is_not_forwarded(
    tree, clerk_a, city_officer, city_committee, people, sent
):
    arrived = services.forward_nomination(actor=clerk_a, nomination=sent)
    draft = nominate(clerk_a, tree.a.party, city_committee, cadre=people.binh)

    for file in (arrived, draft):
        with pytest.raises(ValidationError) as refused:
            services.forward_nomination(actor=city_officer, nomination=file)
        assert refused.value.code == "status"


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_file_is_not_returned_without_a_reason(clerk_a, sent, reason):
    with pytest.raises(ValidationError) as refused:
        services.return_nomination(actor=clerk_a, nomination=sent, reason=reason)

    assert refused.value.code == "reason"
    sent.refresh_from_db()
    assert sent.status == NominationStatus.IN_TRANSIT


def test_a_returned_file_is_completed_and_sent_again(tree, clerk_a, city_committee, sent):
    returned = services.return_nomination(
        actor=clerk_a, nomination=sent, reason="Bổ sung báo cáo thành tích có xác nhận."
    )

    assert returned.status == NominationStatus.RETURNED
    assert returned.holder == tree.a.front
    assert _steps(returned)[-1] == (
        StepAction.RETURNED,
        tree.a.state,
        tree.a.front,
        "Bổ sung báo cáo thành tích có xác nhận.",
    )
    assert AuditEntry.objects.filter(action="awards.return", object_id=str(sent.pk)).exists()
    services.update_nomination(
        actor=clerk_a, nomination=returned, achievements="Báo cáo có xác nhận của UBND phường."
    )
    again = services.submit_nomination(actor=clerk_a, nomination=returned)
    assert again.status == NominationStatus.IN_TRANSIT
    assert [s[0] for s in _steps(again)] == ["sent", "returned", "sent"]


def test_the_deciding_body_may_return_a_file_before_any_vote_only(
    tree, clerk_a, city_officer, council, members, people, sent
):
    arrived = services.forward_nomination(actor=clerk_a, nomination=sent)
    other = services.forward_nomination(
        actor=clerk_a,
        nomination=services.submit_nomination(
            actor=clerk_a,
            nomination=nominate(clerk_a, tree.a.party, council.unit, cadre=people.binh),
        ),
    )
    vote(other, members, 1)

    returned = services.return_nomination(actor=city_officer, nomination=arrived, reason="Sai mẫu")
    with pytest.raises(ValidationError) as refused:
        services.return_nomination(actor=city_officer, nomination=other, reason="Sai mẫu")

    assert returned.status == NominationStatus.RETURNED
    assert refused.value.code == "voting"
    assert Nomination.objects.get(pk=other.pk).status == NominationStatus.SUBMITTED


def test_the_page_shows_the_path_and_lets_the_wards_office_forward(
    tree, clerk_a, clerk_b, city_committee, sent
):
    client = english_client(clerk_a)
    page = reverse("awards:nomination", args=[sent.pk])

    before = client.get(page).content.decode()
    no_reason = client.post(reverse("awards:return", args=[sent.pk]), {"reason": ""}, follow=True)
    forwarded = client.post(reverse("awards:forward", args=[sent.pk]), follow=True)
    outsider = english_client(clerk_b).post(reverse("awards:forward", args=[sent.pk]))

    assert "Path up the tree" in before
    assert "MTTQ Phường Ba Đình → UBND Phường Ba Đình" in before
    assert f"Forward to {city_committee.name}" in before
    assert "Give the reason for returning the file." in no_reason.content.decode()
    after = forwarded.content.decode()
    assert "The file was forwarded up." in after
    assert f"UBND Phường Ba Đình → {city_committee.name}" in after
    assert outsider.status_code == 404
    sent.refresh_from_db()
    assert sent.status == NominationStatus.SUBMITTED


def test_the_office_a_file_passed_keeps_reading_it(tree, clerk_a, city_committee, people):
    """A clerk of the ward's people's committee (not of the Front that proposed it) reads the
    file once it passed through the committee on its way up."""
    from conftest import make_user
    from danvan.accounts.models import Role

    state_clerk = make_user("state_a", Role.CLERK, tree.a.state)
    file = nominate(clerk_a, tree.a.front, city_committee, cadre=people.an)
    assert not Nomination.objects.visible_to(state_clerk).filter(pk=file.pk).exists()

    services.forward_nomination(
        actor=state_clerk, nomination=services.submit_nomination(actor=clerk_a, nomination=file)
    )

    assert Nomination.objects.visible_to(state_clerk).filter(pk=file.pk).exists()
