"""The notices app's services: notices to citizens (`citizens`), bounced addresses
(`bounces`), the staff's notifications and digests (`staff`). Other apps import this package.
"""

from danvan.notices.models import Digest, Notice, NoticeStatus, StaffNotification
from danvan.notices.services.bounces import (
    is_bounced,
    normalise_address,
    record_bounce,
    record_bounces,
)
from danvan.notices.services.citizens import (
    MAX_ATTEMPTS,
    STOP_SALT,
    TOLD,
    case_for_stop_token,
    message_for,
    notices_of,
    queue_for_event,
    send_notice,
    stop_notices,
    stop_token,
)
from danvan.notices.services.staff import (
    DEFAULT_DELIVERY,
    case_handlers,
    case_message,
    case_url,
    delivery_for,
    digest_due,
    digest_message,
    mark_all_read,
    mark_read,
    notify,
    notify_case_event,
    notify_deadlines_near,
    preferences_of,
    run_periodic,
    send_digest,
    send_digests,
    send_staff_mail,
    set_preferences,
    unread_count,
)


def retry_due(now=None) -> int:
    """Queue again the notices left to be tried again (for a backend that cannot defer, or
    a worker that died): the periodic clock may call it."""
    count = 0
    for pk in Notice.objects.filter(status=NoticeStatus.RETRY).values_list("pk", flat=True):
        send_notice.enqueue(pk)
        count += 1
    retried = StaffNotification.objects.filter(mail_status=NoticeStatus.RETRY)
    for pk in retried.values_list("pk", flat=True):
        send_staff_mail.enqueue(pk)
        count += 1
    for pk in Digest.objects.filter(status=NoticeStatus.RETRY).values_list("pk", flat=True):
        send_digest.enqueue(pk)
        count += 1
    return count


__all__ = [
    "DEFAULT_DELIVERY",
    "MAX_ATTEMPTS",
    "STOP_SALT",
    "TOLD",
    "case_for_stop_token",
    "case_handlers",
    "case_message",
    "case_url",
    "delivery_for",
    "digest_due",
    "digest_message",
    "is_bounced",
    "mark_all_read",
    "mark_read",
    "message_for",
    "normalise_address",
    "notices_of",
    "notify",
    "notify_case_event",
    "notify_deadlines_near",
    "preferences_of",
    "queue_for_event",
    "record_bounce",
    "record_bounces",
    "retry_due",
    "run_periodic",
    "send_digest",
    "send_digests",
    "send_notice",
    "send_staff_mail",
    "set_preferences",
    "stop_notices",
    "stop_token",
    "unread_count",
]
