"""The Hà Nội demo's staff notifications: the demo's clerks of Ba Đình and Hà Đông and the
city's board officer find their centre filled from the cases of their scope (new cases,
deadlines near, overdue cases; the older ones read), and a few choices of delivery.
Idempotent: each notification is made once (its key), each choice only where none is."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from danvan.accounts.models import User
from danvan.notices import services
from danvan.notices.models import (
    Delivery,
    NotificationKind,
    NotificationPreference,
    StaffNotification,
)
from danvan.voice.models import Case

DEMO_STAFF = ("badinh", "hadong", "thanhpho")
CHOICES = {
    "badinh": {NotificationKind.DEADLINE_NEAR: Delivery.DIGEST},
    "hadong": {NotificationKind.CASE_ASSIGNED: Delivery.EMAIL},
}
NEW_CASES_FOR = ("badinh", "hadong")
NEW_CASES = 6
LATE_CASES = 4
READ_AFTER = datetime.timedelta(days=3)  # what is older than that was read


def load(*, progress) -> str:
    made = 0
    with transaction.atomic():
        for username in DEMO_STAFF:
            user = User.objects.filter(username=username).first()
            if user is not None:
                made += _fill(user)
                _choose(user)
        made += services.notify_deadlines_near()
    return f"{made} staff notifications"


def _scope(user):
    """The cases of the user's scope: their units' subtrees."""
    paths = [path for role, path in user.role_assignments.values_list("role", "unit__path")]
    cases = Case.objects.select_related("responsible")
    if not paths:
        return cases.none()
    return cases.filter(responsible_path__startswith=min(paths, key=len))


def _fill(user) -> int:
    """A commune's clerk hears of the new cases of their commune; every demo user of the
    overdue cases of their scope (the city's officer: those reported to the city)."""
    now = timezone.now()
    made: list[StaffNotification] = []
    cases = _scope(user)
    if user.username in NEW_CASES_FOR:
        for case in cases.order_by("-received_at")[:NEW_CASES]:
            made += _notify(user, case, "submit", case.received_at)
    late = cases.filter(Q(answered_late=True) | Q(overdue=True))
    for case in late.order_by("-received_at")[:LATE_CASES]:
        # Told when the deadline passed; an answered case's clock is cleared: before its answer.
        at = case.deadline or case.answered_at or case.received_at
        made += _notify(user, case, "overdue", at)
    old = [row.pk for row in made if row.created_at < now - READ_AFTER]
    StaffNotification.objects.filter(pk__in=old).update(read_at=now)
    return len(made)


def _notify(user, case: Case, action: str, at: datetime.datetime) -> list[StaffNotification]:
    subject, text = services.case_message(case, action)
    kind = NotificationKind.OVERDUE if action == "overdue" else NotificationKind.CASE_ASSIGNED
    return services.notify(
        [user],
        kind=kind,
        key=f"demo:{action}:{case.pk}",
        subject=subject,
        text=text,
        url=services.case_url(case),
        case=case,
        at=min(at, timezone.now()),
    )


def _choose(user) -> None:
    for kind, delivery in CHOICES.get(user.username, {}).items():
        NotificationPreference.objects.get_or_create(
            user=user, kind=kind, defaults={"delivery": delivery}
        )
