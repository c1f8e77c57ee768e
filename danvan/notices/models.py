"""What the citizens were told about their cases: one row per step and channel, and the
cases whose citizen asked for no more messages."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
