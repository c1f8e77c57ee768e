"""Every move of a case through its services: allowed ones, refused ones, and their history."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from conftest import make_user
from danvan.core.models import AuditEntry
from danvan.core.workdays import WorkCalendar
from danvan.organisations.services import move_unit
from danvan.voice import services
from danvan.voice.deadlines import next_working_day
from danvan.voice.models import CODE_ALPHABET, Case, CaseEvent, RejectionReason, Status


def test_a_portal_case_is_routed_to_the_communes_committee_with_a_clock(tree, sent):
    case = sent()
    assert case.status == Status.RECEIVED
    assert case.responsible == tree.a.state
    assert case.responsible_path == tree.a.state.path
    assert case.deadline_rule.step == "accept" and case.deadline > case.received_at
    # Twelve random characters of the code alphabet in three groups, not the case's number.
    groups = case.code.split("-")
    assert [len(g) for g in groups] == [4, 4, 4] and set("".join(groups)) <= set(CODE_ALPHABET)
    assert case.events.get().action == "submit"
    assert AuditEntry.objects.filter(action="voice.submit", object_id=str(case.pk)).exists()


def test_full_journey_accept_start_answer_rate(tree, sent, clerk_a):
    case = sent()
    case = services.accept_case(actor=clerk_a, case=case)
    assert case.status == Status.ACCEPTED and case.deadline_step == "handle"
    assert case.handler == clerk_a
    case = services.start_handling(actor=clerk_a, case=case)
    case = services.answer_case(actor=clerk_a, case=case, answer="Đã thu gom rác.")
    assert case.status == Status.ANSWERED and case.deadline is None
    assert case.answered_late is False and case.handling_hours is not None
    case = services.rate_case(case=case, satisfied=True)
    assert case.status == Status.CLOSED and case.satisfied is True
    actions = list(case.events.values_list("action", flat=True))
    assert actions == ["submit", "accept", "start", "answer", "rate"]


@pytest.mark.parametrize(
    ("status", "move"),
    [
        (Status.RECEIVED, "start"),
        (Status.RECEIVED, "answer"),
        (Status.ACCEPTED, "reject"),
        (Status.ANSWERED, "accept"),
        (Status.CLOSED, "answer"),
        (Status.REJECTED, "accept"),
    ],
)
def test_refused_moves_change_nothing(tree, sent, clerk_a, status, move):
    case = sent()
    Case.objects.filter(pk=case.pk).update(status=status)
    case.refresh_from_db()
    events = case.events.count()
    calls = {
        "start": lambda: services.start_handling(actor=clerk_a, case=case),
        "answer": lambda: services.answer_case(actor=clerk_a, case=case, answer="x"),
        "accept": lambda: services.accept_case(actor=clerk_a, case=case),
        "reject": lambda: services.reject_case(
            actor=clerk_a, case=case, reason=RejectionReason.objects.first()
        ),
    }
    with pytest.raises(ValidationError) as exc:
        calls[move]()
    assert exc.value.code == "transition"
    case.refresh_from_db()
    assert case.status == status
    assert case.events.count() == events


def test_reject_with_a_template_reason(tree, sent, clerk_a):
    reason = RejectionReason.objects.get(code="trung-lap")
    case = services.reject_case(actor=clerk_a, case=sent(), reason=reason)
    assert case.status == Status.REJECTED
    assert case.events.last().public_note == reason.text


def test_a_clerk_of_another_commune_cannot_act(tree, sent, clerk_b):
    case = sent()
    with pytest.raises(PermissionDenied):
        services.accept_case(actor=clerk_b, case=case)
    assert Case.objects.get(pk=case.pk).status == Status.RECEIVED


def test_answering_late_is_recorded(tree, sent, clerk_a):
    case = services.accept_case(actor=clerk_a, case=sent())
    Case.objects.filter(pk=case.pk).update(deadline=timezone.now() - datetime.timedelta(hours=1))
    case = services.answer_case(actor=clerk_a, case=case, answer="Muộn")
    assert case.answered_late is True


def test_forward_inside_the_system_restarts_the_clock_at_the_new_unit(tree, sent, clerk_a):
    case = services.forward_case(actor=clerk_a, case=sent(), to_unit=tree.b.state)
    assert case.responsible == tree.b.state and case.status == Status.RECEIVED
    assert case.deadline_step == "accept"
    assert case.forwarded_to_name == tree.b.state.name


def test_forward_outside_the_system_ends_the_case_here(tree, sent, clerk_a):
    case = services.forward_case(actor=clerk_a, case=sent(), to_name="Tòa án nhân dân khu vực 1")
    assert case.status == Status.FORWARDED and case.deadline is None


def test_forward_after_its_own_deadline_is_marked_late(tree, sent, clerk_a):
    old = timezone.now() - datetime.timedelta(days=30)
    case = services.forward_case(
        actor=clerk_a, case=sent(received_at=old), to_name="Sở Tài nguyên và Môi trường"
    )
    assert case.forwarded_late is True


def test_denunciation_extensions_follow_the_law(tree, sent, clerk_a):
    named = {
        "reporter_name": "Trần Văn Tố",
        "reporter_phone": "0912000111",
        "reporter_address": "3 ngõ Văn Chương",
        "consent": True,
        "person_denounced": "Ông X",
    }
    normal = services.accept_case(actor=clerk_a, case=sent(kind="denunciation", **named))
    with pytest.raises(ValidationError):
        services.extend_case(actor=clerk_a, case=normal, reason="Phức tạp")
    complex_ = services.accept_case(
        actor=clerk_a, case=sent(kind="denunciation", urgency="complex", **named)
    )
    before = complex_.deadline
    complex_ = services.extend_case(actor=clerk_a, case=complex_, reason="Cần xác minh thêm")
    # 30 days from the end of the first period; a last day off moves on (BLDS 2015, Điều 148).
    last_day = timezone.localdate(before) + datetime.timedelta(days=30)
    assert timezone.localdate(complex_.deadline) == next_working_day(
        last_day, WorkCalendar.from_db()
    )
    assert complex_.deadline_start == before
    assert complex_.deadline_start_event == "previous_end"
    with pytest.raises(ValidationError):
        services.extend_case(actor=clerk_a, case=complex_, reason="Lần hai")
    very = services.accept_case(
        actor=clerk_a, case=sent(kind="denunciation", urgency="very_complex", **named)
    )
    very = services.extend_case(actor=clerk_a, case=very, reason="1")
    very = services.extend_case(actor=clerk_a, case=very, reason="2")
    assert very.extensions == 2


def test_an_anonymous_denunciation_is_kept_as_information(tree, sent):
    case = sent(kind="denunciation", person_denounced="Ông Y")
    assert (case.kind, case.filed_as, case.information_reason) == (
        "information",
        "denunciation",
        "anonymous",
    )


def test_a_complaint_needs_the_complainant_and_the_decision(tree, sent):
    with pytest.raises(ValidationError):
        sent(kind="complaint", reporter_name="", reporter_phone="", consent=False)
    with pytest.raises(ValidationError):
        sent(kind="complaint", decision_complained="")
    assert not Case.objects.exists()


def test_contact_details_need_consent(tree, sent):
    with pytest.raises(ValidationError) as exc:
        sent(reporter_phone="0912345678", consent=False)
    assert exc.value.code == "consent"


def test_reopen_within_the_window_and_not_after(tree, sent, clerk_a):
    case = services.answer_case(
        actor=clerk_a, case=services.accept_case(actor=clerk_a, case=sent()), answer="Xong"
    )
    case = services.reopen_case(case=case, reason="Rác vẫn còn")
    assert case.status == Status.IN_PROGRESS and case.reopened_count == 1
    assert case.deadline_step == "handle"
    case = services.answer_case(actor=clerk_a, case=case, answer="Đã thu gom lại")
    Case.objects.filter(pk=case.pk).update(answered_at=timezone.now() - datetime.timedelta(days=40))
    case.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.reopen_case(case=case, reason="Lại còn")
    assert exc.value.code == "window"


def test_not_satisfied_needs_a_reason(tree, sent, clerk_a):
    case = services.answer_case(
        actor=clerk_a, case=services.accept_case(actor=clerk_a, case=sent()), answer="Xong"
    )
    with pytest.raises(ValidationError):
        services.rate_case(case=case, satisfied=False)
    case = services.rate_case(case=case, satisfied=False, reason="Chưa xử lý triệt để")
    assert case.status == Status.ANSWERED and case.satisfied is False


def test_the_denunciation_reporter_is_hidden_from_an_unassigned_clerk(tree, sent, clerk_a):
    other = make_user("clerk_a2", "clerk", tree.a.commune)
    case = sent(
        kind="denunciation",
        reporter_name="Người Tố Cáo",
        reporter_email="to.cao@example.vn",
        reporter_address="1 phố Huế",
        consent=True,
        person_denounced="Z",
    )
    case = services.accept_case(actor=clerk_a, case=case)
    assert services.reporter_identity(actor=other, case=case) is None
    shown = services.reporter_identity(actor=clerk_a, case=case)
    assert shown["name"] == "Người Tố Cáo"
    reads = AuditEntry.objects.filter(action="voice.reporter_read", actor=clerk_a)
    assert reads.count() == 1
    assert not AuditEntry.objects.filter(action="voice.reporter_read", actor=other).exists()


def test_public_events_carry_no_internal_note(tree, sent, clerk_a):
    case = services.forward_case(
        actor=clerk_a, case=sent(), to_name="Công an phường", note="Ghi chú nội bộ"
    )
    event = CaseEvent.objects.filter(case=case, action="forward").get()
    assert event.internal_note == "Ghi chú nội bộ" and "nội bộ" not in event.public_note


def test_cases_follow_their_unit_when_it_moves(tree, sent):
    case = sent()
    move_unit(actor=None, unit=tree.a.state, new_parent=tree.b.commune)
    case.refresh_from_db()
    tree.a.state.refresh_from_db()
    assert case.responsible_path == tree.a.state.path
    assert case.responsible_path.startswith(tree.b.commune.path)
