"""Campaigns and annual work programmes, with targets cascaded down the tree."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.organisations.models import Unit


class Campaign(models.Model):
    """A campaign or annual work programme opened by a board, with targets for units."""

    name = models.CharField(_("name"), max_length=300)
    owner = models.ForeignKey(
        Unit, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="campaigns"
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start", "name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.name


class Target(models.Model):
    """A target for one unit: measured from live data (a metric) or reported by hand."""

    class Comparison(models.TextChoices):
        AT_LEAST = "gte", _("at least")
        AT_MOST = "lte", _("at most")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="cascaded",
        help_text=_("The target this one was cascaded from."),
    )
    title = models.CharField(_("target"), max_length=300)
    metric = models.CharField(
        _("measured by"), max_length=40, blank=True, help_text=_("Empty: reported by hand.")
    )
    comparison = models.CharField(max_length=3, choices=Comparison.choices, default="gte")
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    reported_value = models.DecimalField(
        _("reported value"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    reported_at = models.DateTimeField(null=True, blank=True)
    reported_note = models.TextField(blank=True)

    class Meta:
        ordering = ["campaign", "unit__path", "id"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit", "title"], name="target_unique_per_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.unit}"
