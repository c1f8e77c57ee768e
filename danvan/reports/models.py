"""Periodic reports that roll up the tree: the templates the boards issue and the units' reports."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from danvan.organisations.models import Unit


class ReportTemplate(models.Model):
    """A periodic report the board asks of units: its fields, period and due day."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        HALF_YEARLY = "half_yearly", _("Six-monthly")
        ANNUAL = "annual", _("Annual")

    name = models.CharField(_("name"), max_length=300)
    owner = models.ForeignKey(Unit, verbose_name=_("issued by"), on_delete=models.PROTECT)
    frequency = models.CharField(_("frequency"), max_length=12, choices=Frequency.choices)
    due_days = models.PositiveSmallIntegerField(_("due (days after the period ends)"), default=5)
    # [{"code": "models", "label": "…", "type": "number|text|table", "metric": "…",
    #   "columns": [...]}]; a number with a metric is pre-filled from live data.
    fields = models.JSONField(_("fields"), default=list)
    is_active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")

    def __str__(self) -> str:
        return self.name


class Report(models.Model):
    """One unit's report for one period of a template."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for correction")
        ACCEPTED = "accepted", _("Accepted")

    template = models.ForeignKey(ReportTemplate, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    due_date = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    values = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("note of the reviewer"), blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_start", "unit__path"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["template", "unit", "period_start"], name="report_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.template} — {self.unit} ({self.period_start:%m/%Y})"
