"""Consultations: comments from the portal (no account) and from meetings, grouped, each
group answered after the consultation closes, then the report published."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from danvan.democracy import services
from danvan.democracy.models import Comment, CommentGroup, Consultation

OPENS, CLOSES = datetime.date(2026, 11, 2), datetime.date(2026, 11, 30)


@pytest.fixture
def consultation(tree, clerk_a):
    return services.open_consultation(
        actor=clerk_a,
        commune=tree.a.commune,
        kind="plan",
        title="Dự thảo quy hoạch chi tiết công viên phường",
        summary="Bố trí lại sân chơi, vườn hoa và bãi đỗ xe.",
        opens_on=OPENS,
        closes_on=CLOSES,
    )


def test_comments_are_taken_only_while_open(consultation):
    comment = services.submit_comment(
        consultation=consultation, text="Nên giữ lại hàng cây xà cừ.", today=OPENS
    )
    assert comment.channel == "portal" and comment.contact == ""
    for day in (OPENS - datetime.timedelta(days=1), CLOSES + datetime.timedelta(days=1)):
        with pytest.raises(ValidationError, match="02/11/2026 to 30/11/2026"):
            services.submit_comment(consultation=consultation, text="Muộn", today=day)
    assert Comment.objects.count() == 1


def test_a_period_that_ends_before_it_starts_is_refused(tree, clerk_a):
    with pytest.raises(ValidationError, match="close on or after"):
        services.open_consultation(
            actor=clerk_a,
            commune=tree.a.commune,
            kind="plan",
            title="X",
            summary="Y",
            opens_on=CLOSES,
            closes_on=OPENS,
        )
    assert not Consultation.objects.exists()


def test_answered_and_reported_only_after_it_closes(consultation, clerk_a):
    portal = services.submit_comment(
        consultation=consultation,
        text="Cần thêm chỗ đỗ xe máy.",
        contact="0912 345 678",
        today=OPENS,
    )
    meeting = services.add_meeting_comment(
        actor=clerk_a,
        consultation=consultation,
        text="Đề nghị mở rộng bãi đỗ xe.",
        meeting="Hội nghị tổ dân phố số 1, 10/11/2026",
    )
    group = services.group_comments(
        actor=clerk_a, consultation=consultation, comments=[portal, meeting], title="Bãi đỗ xe"
    )
    with pytest.raises(ValidationError, match="open until 30/11/2026"):
        services.answer_group(
            actor=clerk_a, group=group, response="taken", answer="Tăng 40 chỗ.", today=CLOSES
        )
    with pytest.raises(ValidationError, match="open until 30/11/2026"):
        services.publish_report(actor=clerk_a, consultation=consultation, report="X", today=CLOSES)
    after = CLOSES + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="no answer yet"):
        services.publish_report(actor=clerk_a, consultation=consultation, report="X", today=after)
    services.answer_group(
        actor=clerk_a, group=group, response="taken", answer="Tăng thêm 40 chỗ đỗ xe.", today=after
    )
    consultation = services.publish_report(
        actor=clerk_a, consultation=consultation, report="Đã tiếp thu 1 nhóm ý kiến.", today=after
    )
    assert consultation.report_published_on == after
    with pytest.raises(ValidationError, match="final"):
        services.add_meeting_comment(
            actor=clerk_a, consultation=consultation, text="Muộn", meeting="Hội nghị"
        )


def test_every_comment_must_be_in_a_group_before_the_report(consultation, clerk_a):
    services.submit_comment(consultation=consultation, text="Ý kiến lẻ", today=OPENS)
    with pytest.raises(ValidationError, match="1 comments are in no group"):
        services.publish_report(
            actor=clerk_a,
            consultation=consultation,
            report="X",
            today=CLOSES + datetime.timedelta(days=1),
        )


def test_clerk_of_another_commune_cannot_record_or_group(consultation, clerk_b):
    comment = services.submit_comment(consultation=consultation, text="Ý kiến", today=OPENS)
    with pytest.raises(PermissionDenied):
        services.add_meeting_comment(
            actor=clerk_b, consultation=consultation, text="X", meeting="Hội nghị"
        )
    with pytest.raises(PermissionDenied):
        services.group_comments(
            actor=clerk_b, consultation=consultation, comments=[comment], title="X"
        )
    assert not CommentGroup.objects.exists()
