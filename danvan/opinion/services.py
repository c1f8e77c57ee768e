"""Every change of state of public-opinion work: collaborators, reports, items, handling,
and the hooks of the offline text classifier.

Each function takes a keyword-only `actor` (None for the system), checks the actor's
permission on the unit concerned, validates everything before writing anything (bad input
raises ValidationError with a Vietnamese message and writes nothing), and logs an audit
entry. Nothing here ever puts a collaborator's identity in an audit entry or a message.
"""

import dataclasses
import datetime
from collections.abc import Iterable, Iterator, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danvan.core.audit import log_action
from danvan.core.jobs import defer
from danvan.lib.actions import register_action_labels
from danvan.lib.vntext import search_key
from danvan.lib.workdays import add_months, month_start
from danvan.opinion.models import (
    CONTENT_MAX,
    NOTE_MAX,
    SUMMARY_MAX,
    Breadth,
    Collaborator,
    CollaboratorIdentity,
    Intensity,
    OpinionItem,
    OpinionReport,
    OpinionRule,
    Tendency,
    Theme,
    Topic,
)
from danvan.organisations.models import Unit

Kind = OpinionReport.Kind

register_action_labels(
    {
        "opinion.collaborator_add": gettext_lazy("Opinion collaborator registered"),
        "opinion.identity_read": gettext_lazy("Opinion collaborator's identity read"),
        "opinion.report_file": gettext_lazy("Opinion report entered"),
        "opinion.report_acknowledge": gettext_lazy("Urgent opinion report acknowledged"),
        "opinion.item_handle": gettext_lazy("Opinion item marked handled"),
        "opinion.themes": gettext_lazy("Opinion themes computed"),
    }
)


# --- Months and rules --------------------------------------------------------------------


def rule_on(day: datetime.date) -> OpinionRule:
    """The opinion rule in force on a day."""
    rule = OpinionRule.objects.in_force(day).order_by("-effective_from").first()
    if rule is None:
        raise ValidationError(
            _("No opinion report rule is in force on %(day)s.") % {"day": f"{day:%d/%m/%Y}"},
            code="no_rule",
        )
    return rule


def due_date(month: datetime.date, rule: OpinionRule) -> datetime.date:
    """The day a month's report is due: the rule's day of the next month."""
    return add_months(month, 1).replace(day=rule.due_day)


def closing_date(month: datetime.date, rule: OpinionRule) -> datetime.date:
    """The last day a month's report is still taken: the due date plus the rule's closing."""
    return due_date(month, rule) + datetime.timedelta(days=rule.closing_days)


def month_rule(month: datetime.date) -> OpinionRule:
    """The rule that governs a month's reports: the one in force on its last day."""
    return rule_on(add_months(month, 1) - datetime.timedelta(days=1))


def can_see_sensitive(user, unit: Unit, *, on: datetime.date | None = None) -> bool:
    """Whether the user's roles on the unit are among those the rule lets see sensitive
    topics."""
    on = on or timezone.localdate()
    rule = OpinionRule.objects.in_force(on).order_by("-effective_from").first()
    if rule is None or not rule.sensitive_roles:
        return False
    return bool(user.is_authenticated and user.reaches(unit, tuple(rule.sensitive_roles)))


# --- Collaborators -----------------------------------------------------------------------


def _require(actor, perm: str, unit: Unit) -> None:
    if actor is not None and not actor.has_perm(perm, unit):
        raise PermissionDenied


def next_code(unit: Unit) -> str:
    """A fresh code such as "CTV-00042-0007": the unit's id, then a running number."""
    prefix = f"CTV-{unit.pk:05d}-"
    last = Collaborator.objects.filter(code__startswith=prefix).aggregate(m=Max("code"))["m"]
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


@transaction.atomic
def register_collaborator(
    *,
    actor,
    unit: Unit,
    full_name: str,
    phone: str = "",
    email: str = "",
    address: str = "",
    occupation: str = "",
    code: str = "",
    since: datetime.date | None = None,
) -> Collaborator:
    """Register a collaborator of a unit under a code, the person kept apart."""
    _require(actor, "opinion.manage_collaborators", unit)
    full_name = (full_name or "").strip()
    if not full_name:
        raise ValidationError(_("Enter the collaborator's full name."), code="no_name")
    code = (code or "").strip().upper() or next_code(unit)
    if len(code) > 32:
        raise ValidationError(_("A code has at most 32 characters."), code="code_too_long")
    if Collaborator.objects.filter(code=code).exists():
        raise ValidationError(
            _("The code %(code)s is already used.") % {"code": code}, code="duplicate_code"
        )
    collaborator = Collaborator.objects.create(
        code=code, unit=unit, since=since or timezone.localdate()
    )
    identity = CollaboratorIdentity(
        collaborator=collaborator,
        full_name=full_name,
        phone=phone.strip(),
        email=email.strip(),
        address=address.strip(),
        occupation=occupation.strip(),
    )
    identity.full_clean()
    identity.save()
    # The code only: the audit trail is read by more people than the identity.
    log_action(
        actor=actor,
        action="opinion.collaborator_add",
        obj=collaborator,
        unit=unit,
        after={"code": code},
    )
    return collaborator


@transaction.atomic
def read_identity(*, actor, collaborator: Collaborator) -> CollaboratorIdentity:
    """Return who a collaborator is, for an administrator of the unit; the read is logged."""
    if actor is None or not actor.has_perm("opinion.manage_collaborators", collaborator.unit):
        raise PermissionDenied
    identity = CollaboratorIdentity.objects.get(collaborator=collaborator)
    log_action(
        actor=actor, action="opinion.identity_read", obj=collaborator, unit=collaborator.unit
    )
    return identity


# --- Reports -----------------------------------------------------------------------------


@dataclasses.dataclass
class ItemInput:
    """One opinion item as a form or an import gives it."""

    topic: Topic | None
    breadth: int | None
    tendency: int | None
    place: Unit | None
    content: str = ""
    intensity: int = Intensity.MEDIUM
    is_rumour: bool = False
    handled: bool = False
    handled_note: str = ""


def _check_text(text: str, limit: int, label: str) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise ValidationError(
            _("%(field)s has %(n)d characters; at most %(limit)d are allowed.")
            % {"field": label, "n": len(text), "limit": limit},
            code="too_long",
        )
    return text


def _clean_items(collaborator: Collaborator, items: Iterable[ItemInput]) -> list[ItemInput]:
    cleaned = []
    for number, item in enumerate(items, start=1):
        if item.topic is None:
            raise ValidationError(_("Item %(n)d: choose a topic.") % {"n": number}, code="no_topic")
        if item.breadth not in Breadth.values:
            raise ValidationError(
                _("Item %(n)d: choose how widely the opinion is held.") % {"n": number},
                code="no_breadth",
            )
        if item.tendency not in Tendency.values:
            raise ValidationError(
                _("Item %(n)d: choose the tendency of the opinion.") % {"n": number},
                code="no_tendency",
            )
        if item.intensity not in Intensity.values:
            raise ValidationError(
                _("Item %(n)d: the intensity is low, medium or high.") % {"n": number},
                code="bad_intensity",
            )
        place = item.place or collaborator.unit
        if not place.is_descendant_of(collaborator.unit):
            raise ValidationError(
                _("Item %(n)d: %(place)s is outside the collaborator's unit.")
                % {"n": number, "place": place},
                code="place_outside",
            )
        content = _check_text(item.content, CONTENT_MAX, _("Item %(n)d") % {"n": number})
        if not content:
            raise ValidationError(
                _("Item %(n)d: write what people say.") % {"n": number}, code="no_content"
            )
        note = _check_text(item.handled_note, NOTE_MAX, _("The note on handling"))
        cleaned.append(dataclasses.replace(item, place=place, content=content, handled_note=note))
    if not cleaned:
        raise ValidationError(_("A report holds at least one opinion item."), code="no_items")
    return cleaned


def _check_collaborator(actor, collaborator: Collaborator) -> None:
    if actor is not None and not actor.has_perm("opinion.edit", collaborator.unit):
        raise ValidationError(
            _("Collaborator %(code)s belongs to a unit outside your scope.")
            % {"code": collaborator.code},
            code="out_of_scope",
        )
    if not collaborator.is_active:
        raise ValidationError(
            _("Collaborator %(code)s no longer collaborates.") % {"code": collaborator.code},
            code="inactive",
        )


def _write_items(report: OpinionReport, items: list[ItemInput]) -> None:
    # The items come from _clean_items: topic, breadth and tendency are set.
    OpinionItem.objects.bulk_create(
        OpinionItem(  # type: ignore[misc]
            report=report,
            month=report.month,
            kind=report.kind,
            topic=item.topic,
            breadth=item.breadth,
            tendency=item.tendency,
            intensity=item.intensity,
            place=item.place,
            content=item.content,
            is_rumour=item.is_rumour,
            handled=item.handled,
            handled_note=item.handled_note,
        )
        for item in items
    )
    # The topic suggestion runs in the worker after the commit, never holding the write.
    defer("opinion.classify_items")


@transaction.atomic
def file_monthly_report(
    *,
    actor,
    collaborator: Collaborator,
    month: datetime.date,
    items: Iterable[ItemInput],
    summary: str = "",
    now: datetime.datetime | None = None,
) -> OpinionReport:
    """Enter a collaborator's report of a month, while the month is open."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    month = month_start(month)
    _check_collaborator(actor, collaborator)
    if month > month_start(today):
        raise ValidationError(
            _("The month %(month)s has not begun.") % {"month": f"{month:%m/%Y}"},
            code="future_month",
        )
    rule = month_rule(month)
    closes = closing_date(month, rule)
    if today > closes:
        raise ValidationError(
            _("The month %(month)s closed on %(day)s: its reports are no longer taken.")
            % {"month": f"{month:%m/%Y}", "day": f"{closes:%d/%m/%Y}"},
            code="month_closed",
        )
    if OpinionReport.objects.filter(
        collaborator=collaborator, month=month, kind=Kind.MONTHLY
    ).exists():
        raise ValidationError(
            _("Collaborator %(code)s has already reported for %(month)s.")
            % {"code": collaborator.code, "month": f"{month:%m/%Y}"},
            code="duplicate_monthly",
        )
    summary = _check_text(summary, SUMMARY_MAX, _("The summary"))
    cleaned = _clean_items(collaborator, items)
    report = OpinionReport.objects.create(
        collaborator=collaborator,
        unit=collaborator.unit,
        kind=Kind.MONTHLY,
        month=month,
        filed_at=now,
        due_date=due_date(month, rule),
        summary=summary,
        rule=rule,
        entered_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _write_items(report, cleaned)
    log_action(
        actor=actor,
        action="opinion.report_file",
        obj=report,
        unit=report.unit,
        after={"kind": report.kind, "month": month.isoformat(), "items": len(cleaned)},
    )
    return report


@transaction.atomic
def file_urgent_report(
    *,
    actor,
    collaborator: Collaborator,
    items: Iterable[ItemInput],
    summary: str = "",
    now: datetime.datetime | None = None,
) -> OpinionReport:
    """Enter an urgent report, to be acknowledged within the rule's hours.

    A second urgent report of the same collaborator on a topic already reported the same
    day, or still waiting for acknowledgement, is refused as a duplicate.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    _check_collaborator(actor, collaborator)
    rule = rule_on(today)
    summary = _check_text(summary, SUMMARY_MAX, _("The summary"))
    cleaned = _clean_items(collaborator, items)
    topics = {item.topic.pk for item in cleaned if item.topic is not None}
    start = datetime.datetime.combine(today, datetime.time.min, timezone.get_current_timezone())
    end = start + datetime.timedelta(days=1)
    duplicate = (
        OpinionItem.objects.filter(
            report__collaborator=collaborator, kind=Kind.URGENT, topic__in=topics
        )
        .filter(
            Q(report__filed_at__gte=start, report__filed_at__lt=end)
            | Q(report__acknowledged_at__isnull=True)
        )
        .select_related("topic")
        .first()
    )
    if duplicate is not None:
        raise ValidationError(
            _(
                "Collaborator %(code)s already has an urgent report on “%(topic)s” today or "
                "not yet acknowledged."
            )
            % {"code": collaborator.code, "topic": duplicate.topic.name},
            code="duplicate_urgent",
        )
    report = OpinionReport.objects.create(
        collaborator=collaborator,
        unit=collaborator.unit,
        kind=Kind.URGENT,
        month=month_start(today),
        filed_at=now,
        acknowledge_by=now + datetime.timedelta(hours=rule.urgent_ack_hours),
        summary=summary,
        rule=rule,
        entered_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _write_items(report, cleaned)
    log_action(
        actor=actor,
        action="opinion.report_file",
        obj=report,
        unit=report.unit,
        after={"kind": report.kind, "items": len(cleaned)},
    )
    return report


@transaction.atomic
def acknowledge_report(*, actor, report: OpinionReport) -> OpinionReport:
    """Acknowledge an urgent report (once)."""
    _require(actor, "opinion.review", report.unit)
    if report.kind != Kind.URGENT:
        raise ValidationError(_("Only urgent reports are acknowledged."), code="not_urgent")
    if report.acknowledged_at is not None:
        raise ValidationError(_("This report is already acknowledged."), code="acknowledged")
    report.acknowledged_at = timezone.now()
    report.save(update_fields=["acknowledged_at"])
    log_action(actor=actor, action="opinion.report_acknowledge", obj=report, unit=report.unit)
    return report


@transaction.atomic
def mark_handled(*, actor, item: OpinionItem, note: str) -> OpinionItem:
    """Record that an opinion (a rumour above all) was answered or dispelled, and how."""
    _require(actor, "opinion.edit", item.report.unit)
    note = _check_text(note, NOTE_MAX, _("The note on handling"))
    if not note:
        raise ValidationError(_("Say how the opinion was answered or dispelled."), code="no_note")
    item.handled = True
    item.handled_note = note
    item.save(update_fields=["handled", "handled_note"])
    log_action(
        actor=actor,
        action="opinion.item_handle",
        obj=item,
        unit=item.report.unit,
        after={"handled": True},
    )
    return item


# --- The text classifier's hooks (lib.textsim) ---------------------------------------------


def unclassified_items(*, limit: int = 1000, after_id: int = 0) -> list[tuple[int, str]]:
    """(id, content) of items with no suggested topic yet, by id, `limit` at a time after
    `after_id`: what the classifier is to label."""
    return list(
        OpinionItem.objects.filter(suggested_topic__isnull=True, pk__gt=after_id)
        .order_by("pk")
        .values_list("pk", "content")[:limit]
    )


@transaction.atomic
def set_suggested_topics(*, suggestions: Mapping[int, str]) -> int:
    """Store the classifier's suggestion {item id: topic code}; one UPDATE per topic.
    Unknown codes are refused; returns the number of items updated."""
    topics = dict(Topic.objects.values_list("code", "pk"))
    unknown = sorted(set(suggestions.values()) - set(topics))
    if unknown:
        raise ValidationError(
            _("Unknown topic codes: %(codes)s.") % {"codes": ", ".join(unknown)},
            code="unknown_topic",
        )
    by_topic: dict[str, list[int]] = {}
    for item_id, code in suggestions.items():
        by_topic.setdefault(code, []).append(item_id)
    updated = 0
    for code, ids in by_topic.items():
        for start in range(0, len(ids), 900):
            updated += OpinionItem.objects.filter(pk__in=ids[start : start + 900]).update(
                suggested_topic=topics[code]
            )
    return updated


def labelled_items(*, batch: int = 5000, limit: int | None = None) -> Iterator[tuple[str, str]]:
    """(content, topic code) of every item, as the clerks labelled it: the training set;
    with `limit`, the newest that many."""
    rows = OpinionItem.objects.values_list("content", "topic__code")
    rows = rows.order_by("-pk")[:limit] if limit else rows.order_by("pk")
    yield from rows.iterator(chunk_size=batch)


@dataclasses.dataclass
class ThemeInput:
    label: str
    item_ids: list[int]  # the most typical first
    first_month: datetime.date
    last_month: datetime.date
    central_text: str


@transaction.atomic
def replace_themes(*, themes: Iterable[ThemeInput], since: datetime.date) -> list[Theme]:
    """Store a new set of themes in place of the previous one: every item loses its old
    theme, the members of each new theme point to it."""
    OpinionItem.objects.filter(theme__isnull=False).update(theme=None)
    Theme.objects.all().delete()
    now = timezone.now()
    for found in themes:
        ids = list(found.item_ids)
        theme = Theme.objects.create(
            label=found.label[:200],
            size=len(ids),
            first_month=found.first_month,
            last_month=found.last_month,
            central_item_id=ids[0] if ids else None,
            central_text=found.central_text[:CONTENT_MAX],
            search_text=search_key(f"{found.label} {found.central_text}"),
            computed_at=now,
        )
        for start in range(0, len(ids), 900):
            OpinionItem.objects.filter(pk__in=ids[start : start + 900]).update(theme=theme.pk)
    sensitive = OpinionItem.objects.filter(theme__isnull=False, topic__sensitive=True)
    Theme.objects.filter(pk__in=sensitive.values("theme")).update(sensitive=True)
    stored = list(Theme.objects.order_by("-size", "pk"))
    log_action(
        actor=None,
        action="opinion.themes",
        after={"themes": len(stored), "since": since.isoformat()},
    )
    return stored
