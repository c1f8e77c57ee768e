"""A complaint's limitation period (Luật Khiếu nại 2011, Điều 9): 90 days from the day the
complainant knew, the obstacles not counted, a last day off moving on; the clerk decides on
a late one, and the scorecards count its refusal apart."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from danvan.core.models import AuditEntry
from danvan.voice import intake, services
from danvan.voice.deadlines import find_limitation, limitation_end
from danvan.voice.models import Case, Category, LimitationRule, RejectionReason, Status
from danvan.voice.scorecards import scorecard

from .conftest import at

# Known on Wednesday 4 March 2026: the 90th day is Tuesday 2 June, a working day.
KNOWN = datetime.date(2026, 3, 4)
DAY_90 = datetime.date(2026, 6, 2)
ILLNESS = ("illness", datetime.date(2026, 4, 1), datetime.date(2026, 4, 10))  # ten days


def complaint(sent, filed: datetime.date, **extra):
    return sent(
        kind="complaint",
        received_at=at(filed.year, filed.month, filed.day, 10, 0),
        decision_known_on=KNOWN,
        decision_date=KNOWN - datetime.timedelta(days=2),
        **extra,
    )


def rule() -> LimitationRule:
    found = find_limitation("complaint", None, DAY_90)
    assert found is not None and found.days == 90 and "Điều 9" in found.legal_basis
    return found


def test_the_90th_day_is_in_time_and_the_91st_is_late(tree, sent):
    assert limitation_end(rule(), KNOWN) == DAY_90
    on_time = complaint(sent, DAY_90)
    late = complaint(sent, DAY_90 + datetime.timedelta(days=1))

    assert on_time.limitation_ends == late.limitation_ends == DAY_90
    assert on_time.time_barred is False
    assert late.time_barred is True
    assert late.limitation_rule == rule()
    # Late, it is still received: the unit decides.
    assert late.status == Status.RECEIVED and late.deadline is not None


def test_obstacles_are_not_counted(tree, sent):
    ends = DAY_90 + datetime.timedelta(days=10)
    assert limitation_end(rule(), KNOWN, [ILLNESS[1:]]) == ends

    on_time = complaint(sent, ends, obstacles=[ILLNESS], delay_reason="Nằm viện")
    late = complaint(
        sent, ends + datetime.timedelta(days=1), obstacles=[ILLNESS], delay_reason="Nằm viện"
    )

    assert (on_time.time_barred, late.time_barred) == (False, True)
    assert on_time.obstacles.get().days == 10
    assert on_time.delay_reason == "Nằm viện"


def test_overlapping_obstacles_count_each_day_once_and_days_before_knowing_not_at_all(tree):
    overlapping = [
        (datetime.date(2026, 4, 1), datetime.date(2026, 4, 10)),
        (datetime.date(2026, 4, 6), datetime.date(2026, 4, 15)),  # 5 more days
        (datetime.date(2026, 2, 20), datetime.date(2026, 3, 5)),  # only 5 March counts
    ]
    assert limitation_end(rule(), KNOWN, overlapping) == DAY_90 + datetime.timedelta(days=16)


def test_a_rule_that_counts_obstacles_ignores_them(tree):
    strict = LimitationRule(kind="complaint", days=90, obstacles_not_counted=False)
    assert limitation_end(strict, KNOWN, [ILLNESS[1:]]) == DAY_90


def test_a_last_day_off_moves_to_the_next_working_day(tree, sent):
    # Known on Monday 2 March: the 90th day is Sunday 31 May, the period ends Monday 1 June.
    known = datetime.date(2026, 3, 2)
    assert limitation_end(rule(), known) == datetime.date(2026, 6, 1)
    monday = sent(
        kind="complaint",
        received_at=at(2026, 6, 1, 9, 0),
        decision_known_on=known,
    )
    assert monday.time_barred is False
    strict = LimitationRule(kind="complaint", days=90, next_working_day=False)
    assert limitation_end(strict, known) == datetime.date(2026, 5, 31)


def test_a_longer_period_for_a_topic_beats_the_general_one(tree, sent):
    land = Category.objects.get(code="dat-dai-xay-dung")
    LimitationRule.objects.create(
        kind="complaint",
        category=land,
        days=180,
        legal_basis="Luật chuyên ngành",
        effective_from=datetime.date(2020, 1, 1),
    )
    filed = DAY_90 + datetime.timedelta(days=30)
    general = complaint(sent, filed)
    on_land = complaint(sent, filed, category=land)

    assert general.time_barred is True
    assert on_land.time_barred is False and on_land.limitation_rule.days == 180


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (
            {"decision_date": datetime.date(2099, 1, 1)},
            "The decision or act cannot be dated in the future.",
        ),
        ({"decision_known_on": datetime.date(2099, 1, 1)}, "This date is in the future."),
        (
            {"decision_date": KNOWN, "decision_known_on": KNOWN - datetime.timedelta(days=1)},
            "cannot have become known before its date",
        ),
        (
            {"decision_known_on": KNOWN, "delay_reason": "Tôi bị ốm"},
            "Give the dates (from, to) of what kept you from filing in time.",
        ),
        (
            {
                "decision_known_on": KNOWN,
                "obstacles": [("illness", datetime.date(2026, 4, 10), datetime.date(2026, 4, 1))],
            },
            "The obstacle ends before it starts.",
        ),
        (
            {
                "decision_known_on": KNOWN,
                "obstacles": [("away", datetime.date(2026, 4, 1), datetime.date(2099, 4, 1))],
            },
            "An obstacle cannot end after the day the case is sent.",
        ),
    ],
)
def test_bad_dates_are_refused_and_nothing_is_kept(tree, sent, dates, message):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        sent(kind="complaint", received_at=at(2026, 6, 1), **dates)
    assert any(message in text for text in exc.value.messages)
    assert not Case.objects.exists()


def test_the_clerk_accepts_a_late_complaint_only_with_its_reason(tree, sent, clerk_a):
    case = complaint(sent, DAY_90 + datetime.timedelta(days=40))

    with pytest.raises(ValidationError) as exc:
        services.accept_case(actor=clerk_a, case=case)
    assert exc.value.code == "time_barred"
    assert Case.objects.get(pk=case.pk).status == Status.RECEIVED

    case = services.accept_case(
        actor=clerk_a, case=case, limitation_reason="Giấy ra viện chứng minh thời gian điều trị."
    )
    assert case.status == Status.ACCEPTED
    assert case.limitation_outcome == "accepted"
    assert case.limitation_note.startswith("Giấy ra viện")
    assert AuditEntry.objects.filter(action="voice.accept", after__limitation="accepted").exists()


def test_the_clerk_refuses_a_late_complaint_with_the_legal_template_and_its_dates(
    tree, sent, clerk_a
):
    template = RejectionReason.objects.get(time_barred=True)
    assert "Điều 11" in template.text
    case = complaint(sent, DAY_90 + datetime.timedelta(days=40))

    case = services.reject_case(actor=clerk_a, case=case, reason=template)

    assert case.status == Status.REJECTED and case.limitation_outcome == "rejected"
    note = case.events.get(action="reject").public_note
    assert template.text in note
    assert "04/03/2026" in note and "02/06/2026" in note and "12/07/2026" in note


def test_the_template_is_refused_for_a_complaint_in_time(tree, sent, clerk_a):
    case = complaint(sent, DAY_90)
    with pytest.raises(ValidationError) as exc:
        services.reject_case(
            actor=clerk_a, case=case, reason=RejectionReason.objects.get(time_barred=True)
        )
    assert exc.value.code == "not_time_barred"
    assert Case.objects.get(pk=case.pk).status == Status.RECEIVED


def test_the_case_page_shows_the_dates_and_offers_both_decisions(tree, sent, clerk_a, staff):
    case = complaint(
        sent, DAY_90 + datetime.timedelta(days=40), obstacles=[ILLNESS], delay_reason="Ốm"
    )
    client = staff(clerk_a)

    page = client.get(reverse("voice:detail", args=[case.pk]))

    html = page.content.decode()
    assert "past the limitation period" in html
    assert "04/03/2026" in html and "12/06/2026" in html  # known on; ends (10 days later)
    assert "01/04/2026 – 10/04/2026" in html
    forms = {a["name"]: a["form"] for a in page.context["actions"]}
    assert forms["accept"].fields["limitation_reason"].required
    assert forms["reject"].fields["reason"].initial.time_barred

    refused = client.post(reverse("voice:accept", args=[case.pk]), {"accept-urgency": "normal"})
    assert refused.status_code == 200
    assert Case.objects.get(pk=case.pk).status == Status.RECEIVED

    client.post(
        reverse("voice:accept", args=[case.pk]),
        {"accept-urgency": "normal", "accept-limitation_reason": "Có giấy ra viện."},
    )
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and case.limitation_note == "Có giấy ra viện."


def test_a_complaint_in_time_offers_no_late_template(tree, sent, clerk_a, staff):
    case = complaint(sent, DAY_90)
    page = staff(clerk_a).get(reverse("voice:detail", args=[case.pk]))
    forms = {a["name"]: a["form"] for a in page.context["actions"]}
    assert "limitation_reason" not in forms["accept"].fields
    assert not forms["reject"].fields["reason"].queryset.filter(time_barred=True).exists()
    assert "within the limitation period" in page.content.decode()


def test_scorecards_count_refusals_for_a_late_filing_apart(tree, sent, clerk_a):
    template = RejectionReason.objects.get(time_barred=True)
    duplicate = RejectionReason.objects.get(code="trung-lap")
    services.reject_case(
        actor=clerk_a, case=complaint(sent, DAY_90 + datetime.timedelta(days=5)), reason=template
    )
    services.reject_case(actor=clerk_a, case=complaint(sent, DAY_90), reason=duplicate)
    complaint(sent, DAY_90 + datetime.timedelta(days=6))  # late, not decided yet

    card = scorecard(tree.city, datetime.date(2026, 6, 1), datetime.date(2026, 6, 30))

    assert card.received == 3
    assert card.time_barred == 1


@translation.override("en")
def test_the_warning_names_the_dates(tree):
    limitation = intake.limitation_of("complaint", None, KNOWN, DAY_90 + datetime.timedelta(days=1))
    assert limitation is not None and limitation.late
    text = intake.late_message(limitation)
    assert "02/06/2026" in text and "04/03/2026" in text and "Điều 9" in text
