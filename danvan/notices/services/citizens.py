"""Telling citizens that their case moved: queued when the step is recorded, sent by a
background task after the transaction commits, tried again a few times, logged per case.

A case is told of these steps only: accepted, forwarded, merged with a case saying the same
thing (its answer then comes as the kept case's, as an "answered" step), answered, deadline
extended, reopened. A citizen who gave no contact gets nothing; one who stopped the messages (the
signed link in every message) gets nothing more. Each step is sent once per channel: the
(event, channel) pair is unique, and a task claims its row before sending. The notices a
step queues are sent by one batch task (`send_queued_notices`), enqueued only when none is
already waiting: a hundred thousand steps cost a few tasks, not a hundred thousand.
"""

import datetime
import logging

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResultStatus, task, task_backends
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from danvan.notices.channels import CHANNELS, DeliveryError, active_channels
from danvan.notices.models import (
    Notice,
    NoticeStatus,
    OptOut,
)
from danvan.notices.services.bounces import is_bounced, record_bounce
from danvan.voice.models import Case, CaseEvent

logger = logging.getLogger(__name__)

# The steps a citizen is told of, with the words of the message's subject.
TOLD = {
    "accept": gettext_lazy("accepted for handling"),
    "forward": gettext_lazy("forwarded to the competent body"),
    "merge": gettext_lazy("handled together with a similar case"),
    "answer": gettext_lazy("answered"),
    "extend": gettext_lazy("given a longer time limit"),
    "reopen": gettext_lazy("reopened"),
}
MAX_ATTEMPTS = 5
BATCH = 200  # notices read at a time by send_queued_notices
STOP_SALT = "notices.stop"


def _backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=5 * 2 ** (attempts - 1))  # 5, 10, 20, 40 minutes


# Queueing ----------------------------------------------------------------------------------


def queue_for_event(event: CaseEvent) -> list[Notice]:
    """The notices a recorded step calls for, queued and sent once the step commits."""
    if event.action not in TOLD or not event.is_public:
        return []
    case = (
        Case.objects.filter(pk=event.case_id).only("id", "reporter_email", "reporter_phone").first()
    )
    if case is None or OptOut.objects.filter(case_id=case.pk).exists():
        return []
    queued = []
    for channel in active_channels():
        address = channel.address(case)
        if not address or is_bounced(channel.name, address):
            continue
        try:
            with transaction.atomic():
                notice = Notice.objects.create(case=case, event=event, channel=channel.name)
        except IntegrityError:
            continue  # this step was already queued on this channel
        queued.append(notice)
    if queued:
        transaction.on_commit(_enqueue_batch)
    return queued


def _enqueue_batch() -> None:
    """Ask a worker to send what waits, unless a batch task is already waiting to: a busy day's
    steps then cost one background task per batch, not one per notice."""
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    if isinstance(backend, DatabaseBackend):
        waiting = DBTaskResult.objects.filter(
            task_path=send_queued_notices.module_path, status=TaskResultStatus.READY
        )
        if waiting.exists():
            return  # it will find this step's notices
    send_queued_notices.enqueue()


# Sending -----------------------------------------------------------------------------------


def stop_token(case: Case) -> str:
    return signing.dumps({"case": case.pk}, salt=STOP_SALT)


def _link(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def message_for(notice: Notice, case: Case, event: CaseEvent) -> tuple[str, str, str]:
    """The subject, text and stop link of a notice, in the site's language."""
    stop_url = _link(reverse("public:stop_notices", args=[stop_token(case)]))
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your case %(code)s: %(step)s") % {
            "code": case.code,
            "step": TOLD[event.action],
        }
        lines = [
            _("Your case “%(title)s” (code %(code)s) was %(step)s on %(date)s.")
            % {
                "title": case.title,
                "code": case.code,
                "step": TOLD[event.action],
                "date": timezone.localtime(event.at).strftime("%d/%m/%Y"),
            }
        ]
        if event.public_note:
            lines += ["", event.public_note]
        lines += [
            "",
            _("Follow it, rate the answer or reopen the case: %(url)s")
            % {"url": _link(reverse("public:case", args=[case.code]))},
            "",
            _("To receive no more messages about this case: %(url)s") % {"url": stop_url},
        ]
    return subject, "\n".join(lines), stop_url


def _can_defer() -> bool:
    return task_backends[DEFAULT_TASK_BACKEND_ALIAS].supports_defer


@task()
def send_notice(notice_id: int) -> str:
    """Send one notice; claimed first, so a notice queued twice is sent once."""
    now = timezone.now()
    claimed = Notice.objects.filter(
        pk=notice_id, status__in=[NoticeStatus.QUEUED, NoticeStatus.RETRY]
    ).update(status=NoticeStatus.SENDING, attempts=F("attempts") + 1)
    if not claimed:
        return "skipped"
    notice = Notice.objects.select_related("event").get(pk=notice_id)
    case = Case.objects.only("id", "code", "title", "reporter_email", "reporter_phone").get(
        pk=notice.case_id
    )
    if OptOut.objects.filter(case_id=case.pk).exists():
        Notice.objects.filter(pk=notice.pk).update(status=NoticeStatus.STOPPED)
        return NoticeStatus.STOPPED
    channel = CHANNELS[notice.channel]
    address = channel.address(case)
    if is_bounced(channel.name, address):
        return _failed(notice, NoticeStatus.FAILED, DeliveryError(_("The address bounced.")))
    subject, body, stop_url = message_for(notice, case, notice.event)
    try:
        channel.send(address, subject, body, stop_url=stop_url)
    except DeliveryError as exc:
        record_bounce(address=address, channel=channel.name, reason=str(exc))
        return _failed(notice, NoticeStatus.FAILED, exc)
    except Exception as exc:  # noqa: BLE001 - any passing failure is tried again later
        logger.warning("Notice %s not sent: %s", notice.pk, exc)
        if notice.attempts >= MAX_ATTEMPTS:
            return _failed(notice, NoticeStatus.FAILED, exc)
        _failed(notice, NoticeStatus.RETRY, exc)
        if _can_defer():
            send_notice.using(run_after=now + _backoff(notice.attempts)).enqueue(notice.pk)
        return NoticeStatus.RETRY
    Notice.objects.filter(pk=notice.pk).update(
        status=NoticeStatus.SENT, sent_at=timezone.now(), subject=subject[:200], error=""
    )
    return NoticeStatus.SENT


@task()
def send_queued_notices() -> int:
    """Send every notice waiting to be sent, BATCH at a time, in the order they were queued.
    Each is claimed by send_notice's conditional update, so two batches at once (or a batch
    and a retry) send each notice once. Returns how many were sent."""
    sent, last = 0, 0
    while True:
        batch = list(
            Notice.objects.filter(status=NoticeStatus.QUEUED, pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not batch:
            return sent
        for pk in batch:
            sent += send_notice.call(pk) == NoticeStatus.SENT
        last = batch[-1]


def _failed(notice: Notice, status: str, exc: Exception) -> str:
    Notice.objects.filter(pk=notice.pk).update(status=status, error=str(exc)[:300])
    return status


# Stopping ----------------------------------------------------------------------------------


def case_for_stop_token(token: str) -> Case:
    """The case a stop link names; ValidationError for a link that was not ours."""
    try:
        data = signing.loads(token, salt=STOP_SALT)
        return Case.objects.only("id", "code").get(pk=int(data["case"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError, Case.DoesNotExist) as exc:
        raise ValidationError(
            _("This link is not valid. Copy the whole link from the message."), code="bad_link"
        ) from exc


@transaction.atomic
def stop_notices(token: str) -> Case:
    """Stop the messages about a case; a link used again changes nothing and says so."""
    case = case_for_stop_token(token)
    _stop, created = OptOut.objects.get_or_create(case=case)
    if not created:
        raise ValidationError(
            _("The messages about this case were already stopped."), code="already_stopped"
        )
    Notice.objects.filter(case=case, status__in=[NoticeStatus.QUEUED, NoticeStatus.RETRY]).update(
        status=NoticeStatus.STOPPED
    )
    return case


def notices_of(case: Case) -> list[Notice]:
    """The log of what the citizen of a case was told (staff's case page)."""
    return list(
        Notice.objects.filter(case=case).select_related("event").order_by("created_at", "id")
    )
