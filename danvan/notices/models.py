"""What the citizens were told about their cases: one row per step and channel, the cases
whose citizen asked for no more messages and the addresses that bounced; and the staff's
notifications, their choices of delivery and their daily digests."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from danvan.organisations.ruletables import RuleRow
from danvan.voice.models import Case, CaseEvent


class NoticeStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    RETRY = "retry", _("To be tried again")
    FAILED = "failed", _("Could not be delivered")
    STOPPED = "stopped", _("Not sent: the citizen stopped the messages")


class Notice(models.Model):
    """A message to the citizen about one step of their case, on one channel: sent once."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices")
    event = models.ForeignKey(CaseEvent, on_delete=models.CASCADE, related_name="notices")
    channel = models.CharField(_("channel"), max_length=16)
    status = models.CharField(
        _("status"), max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.QUEUED
    )
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("notice to a citizen")
        verbose_name_plural = _("notices to citizens")
        constraints = [
            models.UniqueConstraint(fields=["event", "channel"], name="notice_once_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.event_id} {self.channel}"


class OptOut(models.Model):
    """The citizen of a case asked for no more messages about it."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="notice_opt_out")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("stopped notices")
        verbose_name_plural = _("stopped notices")

    def __str__(self) -> str:
        return str(self.case_id)


# Staff notifications ----------------------------------------------------------------------


class NotificationRules(RuleRow):
    """Dated parameters of the staff notifications: when a deadline counts as near, and at
    what hour the daily digest goes out."""

    deadline_near_days = models.PositiveSmallIntegerField(
        _("warn before a deadline (working days)"), default=2
    )
    digest_hour = models.PositiveSmallIntegerField(
        _("send the daily digest from (hour)"),
        default=17,
        validators=[MaxValueValidator(23)],
    )
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("staff notification rules")
        verbose_name_plural = _("staff notification rules")

    def __str__(self) -> str:
        return f"{self.effective_from:%d/%m/%Y}"

    @classmethod
    def current(cls, on: datetime.date | None = None) -> "NotificationRules":
        """The rules in force on a day (today); the defaults where no row is."""
        on = on or timezone.localdate()
        found = (
            cls.objects.filter(effective_from__lte=on)
            .filter(models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=on))
            .first()
        )
        return found or cls(effective_from=on)


class NotificationKind(models.TextChoices):
    CASE_ASSIGNED = "case_assigned", _("A new case for my unit")
    DEADLINE_NEAR = "deadline_near", _("A case's deadline is near")
    OVERDUE = "overdue", _("A case is overdue")
    REPORT_RETURNED = "report_returned", _("A report was returned for correction")


class Delivery(models.TextChoices):
    APP = "app", _("In the app only")
    EMAIL = "email", _("An e-mail at once")
    DIGEST = "digest", _("In the daily digest e-mail")


class Digest(models.Model):
    """One daily e-mail to a staff member gathering the notifications of the day: once a day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_digests"
    )
    day = models.DateField(_("day"))
    status = models.CharField(
        _("status"), max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        ordering = ["-day", "id"]
        verbose_name = _("daily digest")
        verbose_name_plural = _("daily digests")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_a_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"


class StaffNotification(models.Model):
    """Something a staff member should know (a new case, a deadline, a returned report):
    shown in their notification centre, and e-mailed as they chose. Once per user and event."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_notifications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    # What happened, so that one event notifies a user once: "event:<id>", "deadline:<case>:…"
    key = models.CharField(max_length=120)
    subject = models.CharField(_("subject"), max_length=200)
    text = models.CharField(_("text"), max_length=500, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="staff_notifications"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    delivery = models.CharField(
        _("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.APP
    )
    # The e-mail at once, for a user who chose it.
    mail_status = models.CharField(
        _("e-mail"), max_length=16, choices=NoticeStatus.choices, blank=True
    )
    mail_attempts = models.PositiveSmallIntegerField(default=0)
    mailed_at = models.DateTimeField(null=True, blank=True)
    mail_error = models.CharField(max_length=300, blank=True)
    # The daily digest that carried it, for a user who chose the digest.
    digest = models.ForeignKey(
        Digest, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("staff notification")
        verbose_name_plural = _("staff notifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "key"], name="staff_notification_once")
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="staff_notification_list"),
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="staff_notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class NotificationPreference(models.Model):
    """How a staff member wants to hear of one kind of event; the app only where none."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    delivery = models.CharField(
        _("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.APP
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.delivery}"


# Bounces -------------------------------------------------------------------------------------


class BouncedAddress(models.Model):
    """An address that refused our messages: nothing more is queued or sent to it."""

    channel = models.CharField(_("channel"), max_length=16, default="email")
    address = models.CharField(_("address"), max_length=254)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    first_at = models.DateTimeField(_("first bounce"), default=timezone.now)
    last_at = models.DateTimeField(_("last bounce"), default=timezone.now)
    bounces = models.PositiveIntegerField(_("bounces"), default=1)

    class Meta:
        ordering = ["-last_at"]
        verbose_name = _("bounced address")
        verbose_name_plural = _("bounced addresses")
        constraints = [
            models.UniqueConstraint(fields=["channel", "address"], name="bounced_address_once")
        ]

    def __str__(self) -> str:
        return f"{self.channel}: {self.address}"
