"""Addresses that bounced: marked, and nothing more is queued or sent to them."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.notices.channels import CHANNELS
from danvan.notices.models import (
    BouncedAddress,
    Notice,
    NoticeStatus,
)
from danvan.voice.models import Case

# Bounces -----------------------------------------------------------------------------------


def normalise_address(channel: str, address: str) -> str:
    address = (address or "").strip()
    return address.lower() if channel == "email" else address.replace(" ", "")


def is_bounced(channel: str, address: str) -> bool:
    if not address:
        return False
    return BouncedAddress.objects.filter(
        channel=channel, address=normalise_address(channel, address)
    ).exists()


@transaction.atomic
def record_bounce(
    *, address: str = "", notice: Notice | None = None, reason: str = "", channel: str = "email"
) -> BouncedAddress:
    """Record that an address refused our messages (a bounce report, or a notice that
    came back): the notice is marked failed, and nothing more is queued or sent there."""
    reason = (reason or "").strip()[:300]
    if notice is not None:
        channel = notice.channel
        case = Case.objects.only("id", "reporter_email", "reporter_phone").get(pk=notice.case_id)
        address = CHANNELS[channel].address(case)
        Notice.objects.filter(pk=notice.pk).exclude(status=NoticeStatus.STOPPED).update(
            status=NoticeStatus.FAILED, error=(reason or _("The address bounced."))[:300]
        )
    address = normalise_address(channel, address)
    if not address:
        raise ValidationError(_("Give the address that bounced."), code="no_address")
    if channel == "email":
        try:
            validate_email(address)
        except ValidationError as exc:
            raise ValidationError(
                _("“%(address)s” is not an e-mail address.") % {"address": address},
                code="bad_address",
            ) from exc
    now = timezone.now()
    row, created = BouncedAddress.objects.get_or_create(
        channel=channel, address=address, defaults={"reason": reason, "first_at": now}
    )
    if not created:
        BouncedAddress.objects.filter(pk=row.pk).update(
            bounces=F("bounces") + 1, last_at=now, reason=reason or row.reason
        )
        row.refresh_from_db()
    # What still waits for that address is not sent: it would bounce again.
    field = "case__reporter_email__iexact" if channel == "email" else "case__reporter_phone"
    Notice.objects.filter(
        channel=channel, status__in=[NoticeStatus.QUEUED, NoticeStatus.RETRY], **{field: address}
    ).update(status=NoticeStatus.FAILED, error=_("The address bounced."))
    return row


def record_bounces(lines: Iterable[str], *, channel: str = "email") -> tuple[int, list[str]]:
    """Record the bounces of a report: one address a line, optionally a tab or comma and
    the reason. Return how many were recorded, and the lines refused with why."""
    recorded, refused = 0, []
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        address, _sep, reason = line.replace("\t", ",").partition(",")
        try:
            record_bounce(address=address, reason=reason, channel=channel)
        except ValidationError as exc:
            refused.append(
                _("Line %(number)s: %(error)s") % {"number": number, "error": exc.messages[0]}
            )
            continue
        recorded += 1
    return recorded, refused
