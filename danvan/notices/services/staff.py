"""The staff's notifications: made once per user and event (a new case for their unit, a
deadline near, an overdue case, a returned report), shown in their notification centre, and
e-mailed at once or gathered in a daily digest as each user chose."""

import datetime
import functools
import logging
import smtplib
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from danvan.accounts.models import RoleAssignment
from danvan.accounts.rules import roles_for
from danvan.core.workdays import WorkCalendar
from danvan.notices.channels import DeliveryError
from danvan.notices.models import (
    Delivery,
    Digest,
    NoticeStatus,
    NotificationKind,
    NotificationPreference,
    NotificationRules,
    StaffNotification,
)
from danvan.notices.services.bounces import is_bounced, record_bounce
from danvan.notices.services.citizens import MAX_ATTEMPTS, _backoff, _can_defer, _link
from danvan.voice.models import OPEN_STATES, Case, CaseEvent, Status

logger = logging.getLogger(__name__)

# Staff notifications -----------------------------------------------------------------------

# How a staff member hears of an event until they choose: a returned report comes by e-mail,
# as it always did; the rest in the app.
DEFAULT_DELIVERY: dict[str, str] = {NotificationKind.REPORT_RETURNED: Delivery.EMAIL}


def delivery_for(user_ids: Iterable[int], kind: str) -> dict[int, str]:
    """Each user's choice for a kind of event (their default where they made none)."""
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=list(user_ids), kind=kind).values_list(
            "user_id", "delivery"
        )
    )
    default = DEFAULT_DELIVERY.get(kind, Delivery.APP)
    return {pk: chosen.get(pk, default) for pk in user_ids}


def notify(
    users: Iterable,
    *,
    kind: str,
    key: str,
    subject: str,
    text: str = "",
    url: str = "",
    case: Case | None = None,
    at: datetime.datetime | None = None,
) -> list[StaffNotification]:
    """Notify each user once of one event (the key names it); an e-mail at once goes out
    after the transaction commits, for those who chose it. Other apps call this."""
    users = [user for user in users if user.is_active]
    deliveries = delivery_for([user.pk for user in users], kind)
    made = []
    for user in users:
        delivery = deliveries[user.pk]
        try:
            with transaction.atomic():
                row = StaffNotification.objects.create(
                    user=user,
                    kind=kind,
                    key=key[:120],
                    subject=subject[:200],
                    text=text[:500],
                    url=url[:300],
                    case=case,
                    created_at=at or timezone.now(),
                    delivery=delivery,
                    mail_status=NoticeStatus.QUEUED if delivery == Delivery.EMAIL else "",
                )
        except IntegrityError:
            continue  # this user was already told of this event
        made.append(row)
        if delivery == Delivery.EMAIL:
            transaction.on_commit(functools.partial(send_staff_mail.enqueue, row.pk))
    return made


def case_handlers(case: Case, *, exclude=None) -> list:
    """Who should hear of a case: its handler; for a case nobody handles yet, the people who
    handle cases for its unit (a role on it, or on a unit above it below the city)."""
    users = get_user_model().objects.filter(is_active=True)
    if case.handler_id:
        found = list(users.filter(pk=case.handler_id))
    else:
        unit = case.responsible
        paths = [unit.path, *unit.ancestor_paths()[1:]]
        roles = RoleAssignment.objects.active().filter(
            role__in=roles_for("voice.handle"), unit__path__in=paths
        )
        found = list(users.filter(pk__in=roles.values("user")).order_by("pk"))
    return [user for user in found if exclude is None or user.pk != exclude]


def case_url(case: Case) -> str:
    return reverse("voice:detail", args=[case.pk])


def _deadline(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def case_message(case: Case, action: str) -> tuple[str, str]:
    """The subject and text of a notification about a case's step, in the site's language."""
    arrived = action in ("submit", "forward", "assign")
    with translation.override(settings.LANGUAGE_CODE):
        if arrived:
            subject = _("New case %(code)s for %(unit)s") % {
                "code": case.code,
                "unit": case.responsible.name,
            }
        elif action == "forward_overdue":
            subject = _("Case %(code)s was not accepted or forwarded in time") % {"code": case.code}
        else:
            subject = _("Case %(code)s is overdue") % {"code": case.code}
        text = case.title
        if case.deadline and arrived:
            text = _("%(title)s. Deadline: %(deadline)s.") % {
                "title": case.title,
                "deadline": _deadline(case.deadline),
            }
    return subject, text


def notify_case_event(event: CaseEvent) -> list[StaffNotification]:
    """The staff notifications a recorded step calls for: a case that arrives at a unit
    (filed, forwarded in, reassigned) and a case that became overdue."""
    if event.action in ("submit", "forward", "assign"):
        kind = NotificationKind.CASE_ASSIGNED
    elif event.action in ("overdue", "forward_overdue", "escalate"):
        kind = NotificationKind.OVERDUE
    else:
        return []
    if event.action == "forward" and event.to_status == Status.FORWARDED:
        return []  # sent outside the system: no unit of ours receives it
    case = Case.objects.select_related("responsible", "escalated_to").get(pk=event.case_id)
    if event.action == "escalate":
        return _notify_escalated(case, event)
    users = case_handlers(case, exclude=event.actor_id)
    if not users:
        return []
    subject, text = case_message(case, event.action)
    return notify(
        users,
        kind=kind,
        key=f"event:{event.pk}",
        subject=subject,
        text=text,
        url=case_url(case),
        case=case,
        at=event.at,
    )


def _notify_escalated(case: Case, event: CaseEvent) -> list[StaffNotification]:
    """An overdue case reported to the level above: its people who handle cases (a role on
    that unit itself, not below it) hear of it."""
    supervisor = case.escalated_to
    if supervisor is None:
        return []
    holders = RoleAssignment.objects.active().filter(
        role__in=roles_for("voice.handle"), unit=supervisor
    )
    users = list(
        get_user_model()
        .objects.filter(is_active=True, pk__in=holders.values("user"))
        .order_by("pk")
    )
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Case %(code)s of %(unit)s is overdue and was reported to you") % {
            "code": case.code,
            "unit": case.responsible.name,
        }
    return notify(
        users,
        kind=NotificationKind.OVERDUE,
        key=f"event:{event.pk}",
        subject=subject,
        text=case.title,
        url=case_url(case),
        case=case,
        at=event.at,
    )


CLAIM_BATCH = 5000


def notify_deadlines_near(*, now=None, calendar: WorkCalendar | None = None) -> int:
    """Tell the handlers of the open cases whose deadline falls within the working days the
    rules say (2 by default), once per case and deadline: the clock runs this."""
    now = now or timezone.now()
    rules = NotificationRules.current(timezone.localdate(now))
    calendar = calendar or WorkCalendar.from_db()
    last_day = calendar.add_working_days(timezone.localdate(now), rules.deadline_near_days)
    horizon = timezone.make_aware(
        datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time.min)
    )
    cases = list(
        Case.objects.filter(
            status__in=OPEN_STATES, overdue=False, deadline__gte=now, deadline__lt=horizon
        )
        .select_related("responsible")
        .order_by("deadline")[:CLAIM_BATCH]
    )
    told = set(
        StaffNotification.objects.filter(
            kind=NotificationKind.DEADLINE_NEAR, case__in=[case.pk for case in cases]
        ).values_list("key", flat=True)
    )
    count = 0
    for case in cases:
        assert case.deadline is not None  # filtered above
        key = f"deadline:{case.pk}:{case.deadline:%Y%m%d%H%M}"
        if key in told:
            continue
        users = case_handlers(case)
        if not users:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("The deadline of case %(code)s is near: %(deadline)s") % {
                "code": case.code,
                "deadline": _deadline(case.deadline),
            }
        count += len(
            notify(
                users,
                kind=NotificationKind.DEADLINE_NEAR,
                key=key,
                subject=subject,
                text=case.title,
                url=case_url(case),
                case=case,
                at=now,
            )
        )
    return count


# Reading and choosing


def mark_read(*, user, notification: StaffNotification) -> bool:
    """Mark one of the user's notifications read; False when it already was."""
    if notification.user_id != user.pk:
        raise ValidationError(_("This notification is not yours."), code="not_yours")
    return bool(
        StaffNotification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    )


def mark_all_read(*, user) -> int:
    return StaffNotification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return StaffNotification.objects.filter(user=user, read_at__isnull=True).count()


def preferences_of(user) -> dict[str, str]:
    """The user's delivery for every kind of event (their defaults included)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {
        kind: chosen.get(kind, DEFAULT_DELIVERY.get(kind, Delivery.APP))
        for kind in NotificationKind.values
    }


@transaction.atomic
def set_preferences(*, user, choices: dict[str, str]) -> dict[str, str]:
    """Record how the user wants to hear of each kind of event."""
    for kind, delivery in choices.items():
        if kind not in NotificationKind.values or delivery not in Delivery.values:
            raise ValidationError(_("Choose one of the ways offered."), code="choice")
    for kind, delivery in choices.items():
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"delivery": delivery}
        )
    return preferences_of(user)


# E-mails to staff


def _staff_address(user) -> str:
    email = (user.email or "").strip()
    if not email or not user.is_active or is_bounced("email", email):
        return ""
    return email


def _mail(address: str, subject: str, body: str) -> None:
    try:
        EmailMessage(subject=subject, body=body, to=[address]).send()
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(str(exc)) from exc


@task()
def send_staff_mail(notification_id: int) -> str:
    """E-mail one notification to a staff member who chose e-mails at once; claimed first,
    tried again a few times, never for an address that bounced."""
    now = timezone.now()
    claimed = StaffNotification.objects.filter(
        pk=notification_id, mail_status__in=[NoticeStatus.QUEUED, NoticeStatus.RETRY]
    ).update(mail_status=NoticeStatus.SENDING, mail_attempts=F("mail_attempts") + 1)
    if not claimed:
        return "skipped"
    row = StaffNotification.objects.select_related("user").get(pk=notification_id)
    rows = StaffNotification.objects.filter(pk=row.pk)
    address = _staff_address(row.user)
    if not address:
        rows.update(mail_status=NoticeStatus.FAILED, mail_error=_("No address to write to."))
        return NoticeStatus.FAILED
    with translation.override(settings.LANGUAGE_CODE):
        body = "\n\n".join(part for part in (row.text, _link(row.url) if row.url else "") if part)
        body += "\n\n" + _("Your notifications and how you receive them: %(url)s") % {
            "url": _link(reverse("notices:list"))
        }
    try:
        _mail(address, row.subject, body)
    except DeliveryError as exc:
        record_bounce(address=address, reason=str(exc))
        rows.update(mail_status=NoticeStatus.FAILED, mail_error=str(exc)[:300])
        return NoticeStatus.FAILED
    except Exception as exc:  # noqa: BLE001 - any passing failure is tried again later
        logger.warning("Staff notification %s not mailed: %s", row.pk, exc)
        status = NoticeStatus.FAILED if row.mail_attempts >= MAX_ATTEMPTS else NoticeStatus.RETRY
        rows.update(mail_status=status, mail_error=str(exc)[:300])
        if status == NoticeStatus.RETRY and _can_defer():
            send_staff_mail.using(run_after=now + _backoff(row.mail_attempts)).enqueue(row.pk)
        return status
    rows.update(mail_status=NoticeStatus.SENT, mailed_at=timezone.now(), mail_error="")
    return NoticeStatus.SENT


# The daily digest


def digest_due(now: datetime.datetime) -> bool:
    rules = NotificationRules.current(timezone.localdate(now))
    return timezone.localtime(now).hour >= rules.digest_hour


def send_digests(*, now=None, force: bool = False) -> int:
    """Gather each user's notifications waiting for the digest into one e-mail a day, sent
    by a background task; nothing for a user with nothing waiting. The clock calls this
    every run: before the digest hour of the rules it does nothing (unless forced), and a
    second run the same day finds the day's digests made."""
    now = now or timezone.now()
    if not force and not digest_due(now):
        return 0
    day = timezone.localdate(now)
    waiting = StaffNotification.objects.filter(
        delivery=Delivery.DIGEST, digest__isnull=True, created_at__lte=now
    )
    made = 0
    for user_id in sorted(set(waiting.values_list("user_id", flat=True))):
        with transaction.atomic():
            try:
                with transaction.atomic():
                    digest = Digest.objects.create(user_id=user_id, day=day)
            except IntegrityError:
                continue  # today's digest went out: the rest waits for tomorrow's
            attached = waiting.filter(user_id=user_id).update(digest=digest)
            if not attached:
                digest.delete()
                continue
            transaction.on_commit(functools.partial(send_digest.enqueue, digest.pk))
            made += 1
    return made


def digest_message(digest: Digest) -> tuple[str, str]:
    """The subject and text of a digest: the notifications grouped by kind, with counts."""
    groups: dict[str, list[StaffNotification]] = defaultdict(list)
    for row in digest.notifications.order_by("created_at", "id"):
        groups[row.kind].append(row)
    total = sum(len(rows) for rows in groups.values())
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("DanVan: %(count)s notifications of %(day)s") % {
            "count": total,
            "day": digest.day.strftime("%d/%m/%Y"),
        }
        lines = []
        for kind in NotificationKind:
            rows = groups.get(kind.value)
            if not rows:
                continue
            lines += [f"{kind.label} ({len(rows)})", ""]
            for row in rows:
                lines.append(f"- {row.subject}")
                if row.url:
                    lines.append(f"  {_link(row.url)}")
            lines.append("")
        lines.append(
            _("Your notifications and how you receive them: %(url)s")
            % {"url": _link(reverse("notices:list"))}
        )
    return subject, "\n".join(lines)


@task()
def send_digest(digest_id: int) -> str:
    """Send one daily digest; claimed first, so a digest queued twice is sent once."""
    now = timezone.now()
    claimed = Digest.objects.filter(
        pk=digest_id, status__in=[NoticeStatus.QUEUED, NoticeStatus.RETRY]
    ).update(status=NoticeStatus.SENDING, attempts=F("attempts") + 1)
    if not claimed:
        return "skipped"
    digest = Digest.objects.select_related("user").get(pk=digest_id)
    rows = Digest.objects.filter(pk=digest.pk)
    address = _staff_address(digest.user)
    if not address:
        rows.update(status=NoticeStatus.FAILED, error=_("No address to write to."))
        return NoticeStatus.FAILED
    subject, body = digest_message(digest)
    try:
        _mail(address, subject, body)
    except DeliveryError as exc:
        record_bounce(address=address, reason=str(exc))
        rows.update(status=NoticeStatus.FAILED, error=str(exc)[:300])
        return NoticeStatus.FAILED
    except Exception as exc:  # noqa: BLE001 - any passing failure is tried again later
        logger.warning("Digest %s not sent: %s", digest.pk, exc)
        status = NoticeStatus.FAILED if digest.attempts >= MAX_ATTEMPTS else NoticeStatus.RETRY
        rows.update(status=status, error=str(exc)[:300])
        if status == NoticeStatus.RETRY and _can_defer():
            send_digest.using(run_after=now + _backoff(digest.attempts)).enqueue(digest.pk)
        return status
    rows.update(status=NoticeStatus.SENT, sent_at=timezone.now(), error="")
    return NoticeStatus.SENT


def run_periodic(*, now=None) -> dict[str, int]:
    """What the clock runs for the notices: deadlines near, and the daily digest."""
    now = now or timezone.now()
    return {
        "deadline_near": notify_deadlines_near(now=now),
        "digests": send_digests(now=now),
    }
