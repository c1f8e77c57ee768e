"""Existing cases brought in line with the rules of intake and clocks: each change audited and
recorded in the case's history, the scorecards following, and a second run changing nothing."""

import datetime

from django.core.management import call_command
from django.utils import timezone

from danvan.core.models import AuditEntry
from danvan.voice import services
from danvan.voice.deadlines import deadline_for, find_rule
from danvan.voice.models import Case, CaseEvent, RejectionReason, Status
from danvan.voice.scorecards import scorecard

from .conftest import at

NAMED = {
    "reporter_name": "Trần Văn Tố",
    "reporter_phone": "0912345678",
    "reporter_address": "5 phố Kim Mã",
    "consent": True,
    "person_denounced": "Cán bộ địa chính",
}


def as_before(case, **fields):
    """The case as the code before these rules left it."""
    Case.objects.filter(pk=case.pk).update(**fields)
    case.refresh_from_db()
    return case


def old_cases(tree, sent, clerk_a):
    """Cases as they were before: each with what the new rules change, and two they do not."""
    now = timezone.now()
    # A reception whose reply ran from its acceptance, three days after its receipt.
    reception = sent(kind="reception", received_at=now - datetime.timedelta(days=4))
    accepted = reception.received_at + datetime.timedelta(days=3)
    handle = find_rule("reception", "normal", "handle", timezone.localdate())
    reception = as_before(
        reception,
        status=Status.ACCEPTED,
        accepted_at=accepted,
        deadline=deadline_for(handle, accepted),
        deadline_start=None,
        deadline_start_event="",
    )
    # An anonymous denunciation clocked by Luật Tố cáo and marked overdue.
    anonymous = sent(kind="denunciation", person_denounced="Ông X")
    accept = find_rule("denunciation", "normal", "accept", timezone.localdate())
    anonymous = as_before(
        anonymous,
        kind="denunciation",
        filed_as="",
        information_reason="",
        deadline_step="accept",
        deadline_rule=accept,
        deadline=now - datetime.timedelta(days=1),
        overdue=True,
    )
    # A named denunciation without an address or contact, clocked as complete.
    named = sent(kind="denunciation", **{**NAMED, "reporter_phone": "", "reporter_address": ""})
    named = as_before(
        named,
        status=Status.RECEIVED,
        missing_details=[],
        deadline_step="accept",
        deadline_rule=accept,
        deadline=now + datetime.timedelta(days=5),
    )
    # A complaint filed 200 days after its decision became known, never flagged.
    complaint = sent(
        kind="complaint",
        received_at=at(2026, 10, 1, 9, 0),
        decision_known_on=datetime.date(2026, 3, 15),
    )
    complaint = as_before(complaint, time_barred=False, limitation_rule=None, limitation_ends=None)
    # A complaint refused as time-barred before the refusal was counted apart.
    refused = services.reject_case(
        actor=clerk_a,
        case=sent(
            kind="complaint",
            received_at=at(2026, 9, 1, 9, 0),
            decision_known_on=datetime.date(2026, 1, 5),
        ),
        reason=RejectionReason.objects.get(time_barred=True),
    )
    refused = as_before(refused, limitation_outcome="")
    # A feedback received without a forward deadline, and a complaint whose 10 calendar days
    # ended on a Sunday (28 May + 10 = 7 June 2026) and stayed there.
    feedback = as_before(sent(), forward_deadline=None, forward_rule=None, forward_start=None)
    sunday = sent(kind="complaint", received_at=at(2026, 5, 28, 10, 0))
    sunday = as_before(sunday, deadline=at(2026, 6, 7, 23, 59))
    # Unchanged: an answered case, and a denunciation whose deadline was extended.
    answered = services.answer_case(
        actor=clerk_a, case=services.accept_case(actor=clerk_a, case=sent()), answer="Xong"
    )
    extended = services.accept_case(
        actor=clerk_a, case=sent(kind="denunciation", urgency="complex", **NAMED)
    )
    extended = services.extend_case(actor=clerk_a, case=extended, reason="Phức tạp")
    return {
        "reception": reception,
        "anonymous": anonymous,
        "named": named,
        "complaint": complaint,
        "refused": refused,
        "feedback": feedback,
        "sunday": sunday,
        "answered": answered,
        "extended": extended,
    }


def test_recomputation_applies_the_rules_audits_each_change_and_is_idempotent(tree, sent, clerk_a):
    cases = old_cases(tree, sent, clerk_a)
    untouched = {
        name: Case.objects.values().get(pk=cases[name].pk) for name in ("answered", "extended")
    }
    before = {
        "time_barred": scorecard(tree.city, datetime.date(2026, 9, 1), datetime.date(2026, 9, 30)),
        "information": scorecard(tree.city, timezone.localdate(), timezone.localdate()),
    }
    assert before["time_barred"].time_barred == 0 and before["information"].information == 0

    counts = services.recompute_clocks()

    fresh = {name: Case.objects.get(pk=case.pk) for name, case in cases.items()}
    reception = fresh["reception"]
    assert reception.deadline_start == reception.received_at
    assert reception.deadline_start_event == "receipt"
    assert reception.deadline < cases["reception"].deadline
    anonymous = fresh["anonymous"]
    assert (anonymous.kind, anonymous.filed_as) == ("information", "denunciation")
    assert anonymous.deadline_rule.kind == "information" and anonymous.overdue is False
    named = fresh["named"]
    assert named.status == Status.AWAITING_DETAILS and named.deadline is None
    assert named.missing_details == ["address", "contact"]
    complaint = fresh["complaint"]
    assert complaint.time_barred and complaint.limitation_ends == datetime.date(2026, 6, 15)
    assert fresh["refused"].limitation_outcome == "rejected"
    assert fresh["feedback"].forward_deadline is not None
    assert timezone.localtime(fresh["sunday"].deadline).date() == datetime.date(2026, 6, 8)
    for name, values in untouched.items():
        assert Case.objects.values().get(pk=cases[name].pk) == values

    changed = {"reception", "anonymous", "named", "complaint", "refused", "feedback", "sunday"}
    assert counts["changed"] == len(changed)
    entries = AuditEntry.objects.filter(action="voice.recompute")
    assert sorted(int(e.object_id) for e in entries) == sorted(fresh[n].pk for n in changed)
    sunday_entry = entries.get(object_id=str(fresh["sunday"].pk))
    assert sunday_entry.before == {"deadline": "2026-06-07T23:59:00+07:00"}
    assert sunday_entry.after == {"deadline": "2026-06-08T23:59:00+07:00"}
    # The citizen reads the change on the tracking page.
    note = CaseEvent.objects.get(case=fresh["anonymous"], action="recompute")
    assert note.is_public and "Điều 25" in note.public_note

    # The scorecards follow at once.
    after = {
        "time_barred": scorecard(tree.city, datetime.date(2026, 9, 1), datetime.date(2026, 9, 30)),
        "information": scorecard(tree.city, timezone.localdate(), timezone.localdate()),
    }
    assert after["time_barred"].time_barred == 1
    assert after["information"].information == 1

    # A second run changes nothing and writes nothing.
    again = services.recompute_clocks()
    assert again["changed"] == 0 and again["examined"] == counts["examined"]
    assert AuditEntry.objects.filter(action="voice.recompute").count() == len(changed)
    assert CaseEvent.objects.filter(action="recompute").count() == len(changed)


def test_a_mark_still_due_stays_and_a_mark_no_longer_due_goes(tree, sent):
    still = sent()
    Case.objects.filter(pk=still.pk).update(
        received_at=timezone.now() - datetime.timedelta(days=20), overdue=True, deadline=None
    )
    gone = sent()
    Case.objects.filter(pk=gone.pk).update(
        overdue=True, deadline=timezone.now() - datetime.timedelta(days=2)
    )

    services.recompute_clocks()

    still.refresh_from_db()
    gone.refresh_from_db()
    assert still.deadline < timezone.now() and still.overdue is True
    assert gone.deadline > timezone.now() and gone.overdue is False


def test_the_command_says_what_it_changed(tree, sent, capsys):
    case = sent()
    Case.objects.filter(pk=case.pk).update(forward_deadline=None)

    call_command("recompute_voice_clocks")
    first = capsys.readouterr().out
    call_command("recompute_voice_clocks")
    second = capsys.readouterr().out

    assert "1 cases examined, 1 changed (forward_deadline 1" in first
    assert "1 cases examined, 0 changed." in second
