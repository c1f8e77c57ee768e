"""Public opinion (dư luận xã hội, Kết luận 100-KL/TW): collaborators known by a code, their
monthly and urgent reports, and the opinion items the reports hold.

Collaborators are pseudonymous: `Collaborator` carries a code and a unit, nothing else; the
person behind the code is in `CollaboratorIdentity`, read only by the unit's administrators
through `services.read_identity`, which logs each read. Political and religious opinion is
sensitive data: the topics marked `sensitive` are shown only to the roles the rule in force
names.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from danvan.core.models import DatedQuerySet
from danvan.organisations.models import Unit
from danvan.organisations.ruletables import RuleRow

# Lengths of free text: an item is a paragraph, not a file.
CONTENT_MAX = 2000
SUMMARY_MAX = 4000
NOTE_MAX = 1000


class Topic(RuleRow):
    """A topic of the catalogue (đất đai, môi trường…); sensitive topics are kept from
    whoever the rule in force does not name."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    sensitive = models.BooleanField(_("sensitive"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("opinion topic")
        verbose_name_plural = _("opinion topics")

    def __str__(self) -> str:
        return self.name


class OpinionRule(RuleRow):
    """The dated rule of collaborators' reports: when a month's report is due and closes,
    how soon an urgent report is acknowledged, which roles see sensitive topics."""

    legal_basis = models.CharField(_("legal basis"), max_length=200)
    due_day = models.PositiveSmallIntegerField(
        _("monthly report due on day (of the next month)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )
    closing_days = models.PositiveSmallIntegerField(
        _("month closes (days after the due date)"), default=10
    )
    urgent_ack_hours = models.PositiveSmallIntegerField(
        _("hours to acknowledge an urgent report"), default=24
    )
    sensitive_roles = models.JSONField(
        _("roles that see sensitive topics"), default=list, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("opinion report rule")
        verbose_name_plural = _("opinion report rules")

    def __str__(self) -> str:
        return f"{self.legal_basis} ({self.effective_from:%d/%m/%Y})"


class Breadth(models.IntegerChoices):
    """How widely an opinion is held, widest first."""

    OVERWHELMING = 1, _("Overwhelming majority")
    MAJORITY = 2, _("Majority")
    MANY = 3, _("Many")
    SOME = 4, _("Some")


class Tendency(models.IntegerChoices):
    SUPPORT = 1, _("Support")
    OPPOSE = 2, _("Oppose")
    HESITANT = 3, _("Hesitant")


class Intensity(models.IntegerChoices):
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")


class CollaboratorQuerySet(models.QuerySet):
    def visible_to(self, user, *, perm: str = "opinion.view"):
        units = Unit.objects.visible_to(user, perm=perm)
        return self.filter(unit__in=units.values("id"))

    def for_list(self):
        return self.select_related("unit")


class Collaborator(models.Model):
    """A public-opinion collaborator of a unit, known everywhere by a code only."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    since = models.DateField(_("collaborating since"))
    until = models.DateField(_("collaborating until"), null=True, blank=True)

    objects = CollaboratorQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("collaborator")
        verbose_name_plural = _("collaborators")

    def __str__(self) -> str:
        return self.code


class CollaboratorIdentity(models.Model):
    """Who a collaborator is: read only by the unit's administrators, each read logged."""

    collaborator = models.OneToOneField(
        Collaborator, on_delete=models.CASCADE, related_name="identity"
    )
    full_name = models.CharField(_("full name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    occupation = models.CharField(_("occupation"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("collaborator's identity")
        verbose_name_plural = _("collaborators' identities")

    def __str__(self) -> str:
        # Never the name: this string reaches logs and admin messages.
        return f"#{self.collaborator_id}"


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user, *, perm: str = "opinion.view"):
        units = Unit.objects.visible_to(user, perm=perm)
        return self.filter(unit__in=units.values("id"))

    def for_list(self, *, sensitive: bool):
        """With the number of items, not counting the sensitive ones unless `sensitive`."""
        counted = None if sensitive else models.Q(items__topic__sensitive=False)
        return self.select_related("collaborator", "unit").annotate(
            item_count=models.Count("items", filter=counted)
        )


class OpinionReport(models.Model):
    """A collaborator's monthly report (one per month) or an urgent one (any time)."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        URGENT = "urgent", _("Urgent")

    collaborator = models.ForeignKey(
        Collaborator,
        verbose_name=_("collaborator"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    # The collaborator's unit when the report was filed: scopes who reads it.
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    month = models.DateField(_("month"), help_text=_("The first day of the month reported on."))
    filed_at = models.DateTimeField(_("filed at"))
    due_date = models.DateField(_("due"), null=True, blank=True)
    acknowledge_by = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    summary = models.TextField(_("summary"), max_length=SUMMARY_MAX, blank=True)
    rule = models.ForeignKey(
        OpinionRule, verbose_name=_("rule applied"), on_delete=models.PROTECT, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "-filed_at"]
        verbose_name = _("opinion report")
        verbose_name_plural = _("opinion reports")
        indexes = [models.Index(fields=["month", "kind"])]
        constraints = [
            models.UniqueConstraint(
                fields=["collaborator", "month"],
                condition=models.Q(kind="monthly"),
                name="opinion_monthly_report_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.collaborator_id} {self.get_kind_display()} {self.month:%m/%Y}"


class ItemQuerySet(models.QuerySet):
    def visible_to(self, user, *, perm: str = "opinion.view"):
        units = Unit.objects.visible_to(user, perm=perm)
        return self.filter(report__unit__in=units.values("id"))


class OpinionItem(models.Model):
    """One opinion a report records: its topic, how wide and which way, where."""

    report = models.ForeignKey(OpinionReport, on_delete=models.CASCADE, related_name="items")
    # The report's month and kind, repeated so that a month's synthesis groups one table.
    month = models.DateField(_("month"))
    kind = models.CharField(_("kind"), max_length=8, choices=OpinionReport.Kind.choices)
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="items"
    )
    breadth = models.PositiveSmallIntegerField(_("breadth"), choices=Breadth.choices)
    tendency = models.PositiveSmallIntegerField(_("tendency"), choices=Tendency.choices)
    intensity = models.PositiveSmallIntegerField(
        _("intensity"), choices=Intensity.choices, default=Intensity.MEDIUM
    )
    place = models.ForeignKey(
        Unit, verbose_name=_("place concerned"), on_delete=models.PROTECT, related_name="+"
    )
    content = models.TextField(_("content"), max_length=CONTENT_MAX)
    is_rumour = models.BooleanField(_("rumour"), default=False)
    handled = models.BooleanField(_("answered or dispelled"), default=False)
    handled_note = models.TextField(_("how it was handled"), max_length=NOTE_MAX, blank=True)
    # Filled later by the offline text classifier (lib.textsim); never shown as a fact.
    suggested_topic = models.ForeignKey(
        Topic,
        verbose_name=_("suggested topic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The Theme the item was last grouped into (its id), set by services.replace_themes.
    theme = models.PositiveIntegerField(_("theme"), null=True, blank=True, db_index=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["report", "id"]
        verbose_name = _("opinion item")
        verbose_name_plural = _("opinion items")
        indexes = [models.Index(fields=["month", "topic"])]

    def __str__(self) -> str:
        return f"{self.topic_id} {self.month:%m/%Y}"


class Theme(models.Model):
    """A group of opinion items saying similar things, across units and months, found by
    lib.textsim.group_themes in a background job; the items point back through `theme`."""

    label = models.CharField(_("label"), max_length=200)
    size = models.PositiveIntegerField(_("items"))
    first_month = models.DateField(_("first month"))
    last_month = models.DateField(_("last month"))
    central_item = models.ForeignKey(
        OpinionItem,
        verbose_name=_("most typical item"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    central_text = models.TextField(_("most typical item"), max_length=CONTENT_MAX)
    # Whether any item of the theme is on a sensitive topic: then only the roles the rule
    # names see the theme.
    sensitive = models.BooleanField(_("sensitive"), default=False)
    search_text = models.TextField(editable=False, default="")
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["-size", "pk"]
        verbose_name = _("opinion theme")
        verbose_name_plural = _("opinion themes")

    def __str__(self) -> str:
        return self.label
