"""Consultations on drafts: comments from the portal and from meetings, their groups, the
answers and the published report."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.democracy.models import (
    Comment,
    CommentChannel,
    CommentGroup,
    Consultation,
    DraftKind,
    Response,
)
from danvan.democracy.services.common import (
    MAX_COMMENT,
    _audit,
    _check_commune,
    _date,
    _person,
    _require,
    _text,
    touch,
)
from danvan.organisations.models import Unit

# Consultations -------------------------------------------------------------------------------


@transaction.atomic
def open_consultation(
    *,
    actor,
    commune: Unit,
    kind: str,
    title: str,
    summary: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
) -> Consultation:
    """Open a draft for the residents' comments for a period."""
    _require(actor, commune)
    _check_commune(commune)
    title = _text(title, _("Give the draft's title."))
    summary = _text(summary, _("Say what the draft is about."))
    if kind not in DraftKind.values:
        raise ValidationError(_("Choose the kind of draft."), code="kind")
    if closes_on < opens_on:
        raise ValidationError(
            _("The consultation must close on or after the day it opens."), code="period"
        )
    consultation = Consultation(
        commune=commune,
        kind=kind,
        title=title[:300],
        summary=summary,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=_person(actor),
    )
    consultation.refresh_search_text()
    consultation.save()
    _audit(
        actor,
        "consultation_open",
        consultation,
        commune,
        after={"opens_on": opens_on.isoformat(), "closes_on": closes_on.isoformat()},
    )
    touch(commune)
    return consultation


def _comment_text(text: str) -> str:
    text = _text(text, _("Write your comment."))
    if len(text) > MAX_COMMENT:
        raise ValidationError(
            _("A comment has at most %(n)d characters.") % {"n": MAX_COMMENT}, code="long"
        )
    return text


@transaction.atomic
def submit_comment(
    *, consultation: Consultation, text: str, contact: str = "", today=None
) -> Comment:
    """A resident's comment from the portal, with no account; a contact is optional."""
    consultation = Consultation.objects.select_related("commune").get(pk=consultation.pk)
    today = today or timezone.localdate()
    if not consultation.is_open(today):
        raise ValidationError(
            _("Comments on this draft are taken from %(start)s to %(end)s.")
            % {"start": _date(consultation.opens_on), "end": _date(consultation.closes_on)},
            code="closed",
        )
    comment = Comment.objects.create(
        consultation=consultation,
        channel=CommentChannel.PORTAL,
        text=_comment_text(text),
        contact=contact.strip()[:200],
    )
    _audit(None, "comment", comment, consultation.commune, after={"channel": "portal"})
    return comment


def _open_for_records(consultation: Consultation) -> None:
    if consultation.report_published_on is not None:
        raise ValidationError(
            _("The report on this consultation is published: its comments are final."),
            code="reported",
        )


@transaction.atomic
def add_meeting_comment(*, actor, consultation: Consultation, text: str, meeting: str) -> Comment:
    """A comment given at a meeting, entered by a clerk."""
    consultation = Consultation.objects.select_related("commune").get(pk=consultation.pk)
    _require(actor, consultation.commune)
    _open_for_records(consultation)
    meeting = _text(meeting, _("Say at which meeting the comment was given."))
    comment = Comment.objects.create(
        consultation=consultation,
        channel=CommentChannel.MEETING,
        text=_comment_text(text),
        meeting=meeting[:200],
        entered_by=_person(actor),
    )
    _audit(actor, "comment", comment, consultation.commune, after={"channel": "meeting"})
    return comment


@transaction.atomic
def group_comments(
    *,
    actor,
    consultation: Consultation,
    comments: Iterable[Comment],
    title: str = "",
    group: CommentGroup | None = None,
) -> CommentGroup:
    """Put comments in a group, a new one (with its title) or an existing one."""
    consultation = Consultation.objects.select_related("commune").get(pk=consultation.pk)
    _require(actor, consultation.commune)
    _open_for_records(consultation)
    ids = [c.pk for c in comments]
    if not ids:
        raise ValidationError(_("Choose the comments to group."), code="empty")
    if Comment.objects.filter(pk__in=ids).exclude(consultation=consultation).exists():
        raise ValidationError(_("These comments are of another consultation."), code="other")
    if group is None:
        group = CommentGroup.objects.create(
            consultation=consultation,
            title=_text(title, _("Say what the comments of the group say."))[:300],
        )
    elif group.consultation_id != consultation.pk:
        raise ValidationError(_("This group is of another consultation."), code="other")
    Comment.objects.filter(pk__in=ids).update(group=group)
    _audit(actor, "group", group, consultation.commune, after={"comments": ids})
    return group


def _closed(consultation: Consultation, today: datetime.date) -> None:
    if today <= consultation.closes_on:
        raise ValidationError(
            _("The consultation is open until %(date)s: its comments are answered after it closes.")
            % {"date": _date(consultation.closes_on)},
            code="still_open",
        )


@transaction.atomic
def answer_group(
    *, actor, group: CommentGroup, response: str, answer: str, today=None
) -> CommentGroup:
    """Say how a group of comments was taken in (tiếp thu), or why not (giải trình)."""
    group = CommentGroup.objects.select_related("consultation__commune").get(pk=group.pk)
    consultation = group.consultation
    _require(actor, consultation.commune)
    _closed(consultation, today or timezone.localdate())
    _open_for_records(consultation)
    if response not in Response.values:
        raise ValidationError(_("Say whether the comments were taken in."), code="response")
    group.response = response
    group.answer = _text(answer, _("Write how the comments were taken in, or why not."))
    group.save(update_fields=["response", "answer"])
    _audit(actor, "answer", group, consultation.commune, after={"response": response})
    return group


@transaction.atomic
def publish_report(
    *, actor, consultation: Consultation, report: str, today: datetime.date | None = None
) -> Consultation:
    """Publish the report on the comments: every comment in a group, every group answered."""
    consultation = (
        Consultation.objects.select_for_update().select_related("commune").get(pk=consultation.pk)
    )
    _require(actor, consultation.commune)
    today = today or timezone.localdate()
    _closed(consultation, today)
    _open_for_records(consultation)
    loose = consultation.comments.filter(group__isnull=True).count()
    if loose:
        raise ValidationError(
            _("%(n)d comments are in no group yet.") % {"n": loose}, code="ungrouped"
        )
    unanswered = consultation.groups.filter(response="").count()
    if unanswered:
        raise ValidationError(
            _("%(n)d groups of comments have no answer yet.") % {"n": unanswered},
            code="unanswered",
        )
    consultation.report = _text(report, _("Write the report on the comments."))
    consultation.report_published_on = today
    consultation.save(update_fields=["report", "report_published_on"])
    _audit(actor, "report", consultation, consultation.commune, after={"on": today.isoformat()})
    touch(consultation.commune)
    return consultation
