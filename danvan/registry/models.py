"""“Dân vận khéo” practice models: registration, review, recognition, replication.

Rules that change over time (fields, recognition levels, rubrics) are rows with dates,
edited by administrators; a classification or recognition stores the rule row it used.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from danvan.core.models import DatedQuerySet
from danvan.lib import scope
from danvan.lib.vntext import filter_search, search_key
from danvan.organisations.models import Unit
from danvan.organisations.ruletables import RuleRow


class Field(RuleRow):
    """A field of work (lĩnh vực); four are canonical, provinces may add tags."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)
    synonyms = models.TextField(
        _("other names"),
        blank=True,
        help_text=_(
            "One per line: names of earlier years and local variants that mean this field "
            "(matched without marks, punctuation or word order)."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("field")
        verbose_name_plural = _("fields")

    def __str__(self) -> str:
        return self.name


class Tag(RuleRow):
    name = models.CharField(_("name"), max_length=80, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class RecognitionLevel(RuleRow):
    """A level at which a model is recognised (cơ sở, huyện until 2025, thành phố)."""

    # One code per level; a revised level's successor keeps it (unique with its start).
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("Higher is a higher level."))
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["rank", "-effective_from"]
        verbose_name = _("recognition level")
        verbose_name_plural = _("recognition levels")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "effective_from"], name="recognitionlevel_code_from"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ModelKind(models.TextChoices):
    COLLECTIVE = "collective", _("Collective model")
    INDIVIDUAL = "individual", _("Individual exemplar")


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    LAUNCHED = "launched", _("Launched")
    UNDER_REVIEW = "under_review", _("Under review")
    GOOD = "good", _("Classified good")
    WEAK = "weak", _("Classified weak")
    RECOGNISED = "recognised", _("Recognised")
    COMMENDED = "commended", _("Commended")
    REPLICATING = "replicating", _("Being replicated")
    STRENGTHENED = "strengthened", _("Strengthened")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Allowed moves. Classification (good/weak) comes only from a review council's result;
# recognition needs a decision. A recognised model can be reviewed again in a later year.
TRANSITIONS: dict[str, set[str]] = {
    Status.REGISTERED: {Status.LAUNCHED, Status.WITHDRAWN},
    Status.LAUNCHED: {Status.UNDER_REVIEW, Status.WITHDRAWN},
    Status.UNDER_REVIEW: {Status.GOOD, Status.WEAK, Status.WITHDRAWN},
    Status.GOOD: {Status.RECOGNISED, Status.UNDER_REVIEW, Status.WITHDRAWN},
    Status.WEAK: {Status.STRENGTHENED, Status.WITHDRAWN},
    Status.STRENGTHENED: {Status.UNDER_REVIEW, Status.WITHDRAWN},
    Status.RECOGNISED: {
        Status.COMMENDED,
        Status.REPLICATING,
        Status.UNDER_REVIEW,
        Status.WITHDRAWN,
    },
    Status.COMMENDED: {Status.REPLICATING, Status.UNDER_REVIEW, Status.WITHDRAWN},
    Status.REPLICATING: {Status.UNDER_REVIEW, Status.WITHDRAWN},
    Status.WITHDRAWN: set(),
}
# The states a person sets by hand, with the status form; the services refuse any other.
MANUAL_MOVES = {Status.LAUNCHED, Status.UNDER_REVIEW, Status.STRENGTHENED, Status.WITHDRAWN}
# The states only a council result, a decision or a recorded replication sets.
DECIDED_STATES: set[str] = set().union(*TRANSITIONS.values()) - MANUAL_MOVES
# States that count as "recognised" in totals (a commended or replicated model was recognised).
RECOGNISED_STATES = {Status.RECOGNISED, Status.COMMENDED, Status.REPLICATING}


def subtree_q(path: str) -> models.Q:
    """Models of the units of the subtree at `path`. The top of the tree (the city, nearly
    every model) through the unit's path, a join: with a list of unit ids SQLite fetches
    every model of the city and sorts them all before a page of 50. Below it, the subtree's
    unit ids, which the (unit, …) indexes serve, where SQLite serves no LIKE from an index
    (a hamlet clerk's list: 120 ms through the path)."""
    if path.count("/") <= 1:
        return models.Q(unit__path__startswith=path)
    return models.Q(unit__in=Unit.objects.filter(path__startswith=path).values("id"))


def model_search_text(name: str, situation: str, content: str) -> str:
    """What a model is found by: its name, and the start of its situation and content."""
    return search_key(" ".join([name, situation[:500], content[:500]]))


class PracticeModelQuerySet(models.QuerySet):
    def visible_to(self, user, roles=None, *, perm: str | None = None):
        """Models of units the user's roles reach (or where the user holds perm)."""
        return scope.visible_to(self, "unit__path", user, roles, perm=perm, subtree=subtree_q)

    def in_subtree(self, unit: Unit):
        return self.filter(subtree_q(unit.path))

    def search(self, query: str):
        return filter_search(self, query)

    def recognised(self):
        return self.filter(recognised_level__isnull=False)

    def for_list(self):
        return self.select_related("unit", "field", "recognised_level").only(
            "id",
            "name",
            "kind",
            "status",
            "year",
            "created_at",
            "unit__id",
            "unit__name",
            "field__id",
            "field__name",
            "recognised_level__id",
            "recognised_level__name",
        )


class PracticeModel(models.Model):
    """A registered “Dân vận khéo” model (collective) or exemplar (individual)."""

    name = models.CharField(_("name of the model"), max_length=300)
    kind = models.CharField(
        _("kind"), max_length=16, choices=ModelKind.choices, default=ModelKind.COLLECTIVE
    )
    field = models.ForeignKey(Field, verbose_name=_("field"), on_delete=models.PROTECT)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("registering unit"),
        on_delete=models.PROTECT,
        related_name="practice_models",
    )
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    # The registration form (2026 ward form).
    # Required on the registration form (services.REQUIRED); legacy imports may lack them.
    situation = models.TextField(_("situation and reason"), blank=True)
    goals = models.TextField(_("goals and measurable criteria"), blank=True)
    content = models.TextField(_("content and method"), blank=True)
    area = models.TextField(_("area and beneficiaries"), blank=True)
    forces = models.TextField(_("forces involved and their roles"), blank=True)
    resources = models.TextField(_("resources"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    milestones = models.TextField(_("milestones"), blank=True)
    review_date = models.DateField(_("review date"), null=True, blank=True)
    outputs = models.TextField(_("verifiable outputs"), blank=True)
    sustainability = models.TextField(_("ability to sustain and replicate"), blank=True)
    results = models.TextField(_("results achieved"), blank=True)

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REGISTERED, db_index=True
    )
    recognised_level = models.ForeignKey(
        RecognitionLevel,
        verbose_name=_("recognised at"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recognised_on = models.DateField(_("recognised on"), null=True, blank=True)
    external_id = models.CharField(_("external id"), max_length=80, blank=True, db_index=True)
    legacy_district_name = models.CharField(
        _("district at registration"), max_length=120, blank=True
    )
    search_text = models.TextField(editable=False, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])
    objects = PracticeModelQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("practice model")
        verbose_name_plural = _("practice models")
        indexes = [
            models.Index(fields=["unit", "year"]),
            models.Index(fields=["year", "status"]),
            models.Index(fields=["recognised_level", "year"]),
        ]

    def __str__(self) -> str:
        return self.name

    def refresh_search_text(self) -> None:
        self.search_text = model_search_text(self.name, self.situation, self.content)

    @property
    def is_recognised(self) -> bool:
        return self.recognised_level_id is not None


class StatusChange(models.Model):
    """One move of a model from one state to another: the history on its page."""

    model = models.ForeignKey(PracticeModel, on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"


def attachment_path(instance, filename: str) -> str:
    return f"registry/{instance.model_id}/{timezone.now():%Y%m%d%H%M%S}-{filename[-80:]}"


class Attachment(models.Model):
    model = models.ForeignKey(PracticeModel, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class Rubric(RuleRow):
    """Scoring criteria of an issuing unit, in force for a period."""

    name = models.CharField(_("name"), max_length=200)
    issuer = models.ForeignKey(Unit, verbose_name=_("issuing unit"), on_delete=models.PROTECT)
    kind = models.CharField(
        _("for"), max_length=16, choices=ModelKind.choices, blank=True, help_text=_("Empty: both")
    )
    good_threshold = models.DecimalField(
        _("threshold for “good”, in percent of the maximum"),
        max_digits=5,
        decimal_places=2,
        default=70,
    )
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()
    history = HistoricalRecords()
    rule_parts = ("criteria",)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")

    def __str__(self) -> str:
        return self.name

    def audit_unit(self):
        return self.issuer

    def copy_to_successor(self, successor: RuleRow) -> None:
        Criterion.objects.bulk_create(
            Criterion(
                rubric_id=successor.pk,
                order=c.order,
                name=c.name,
                weight=c.weight,
                max_score=c.max_score,
            )
            for c in self.criteria.all()
        )


class Criterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("criterion"), max_length=300)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=1)
    max_score = models.PositiveSmallIntegerField(_("maximum score"), default=10)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return self.name


class Council(models.Model):
    """A review council for one campaign year of an issuing unit."""

    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey(Unit, verbose_name=_("issuing unit"), on_delete=models.PROTECT)
    rubric = models.ForeignKey(Rubric, verbose_name=_("rubric"), on_delete=models.PROTECT)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), related_name="councils"
    )

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("review council")
        verbose_name_plural = _("review councils")

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class Score(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="scores")
    model = models.ForeignKey(PracticeModel, on_delete=models.CASCADE, related_name="scores")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT)
    value = models.DecimalField(max_digits=6, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["council", "model", "member", "criterion"], name="score_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"


class Classification(models.Model):
    """A council's result for a model: the weighted score and the verdict, with its rubric."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="results")
    model = models.ForeignKey(
        PracticeModel, on_delete=models.CASCADE, related_name="classifications"
    )
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT)
    percent = models.DecimalField(max_digits=6, decimal_places=2)
    result = models.CharField(max_length=16, choices=Status.choices)
    members_scored = models.PositiveSmallIntegerField()
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            models.UniqueConstraint(fields=["council", "model"], name="classification_unique")
        ]

    def __str__(self) -> str:
        return f"{self.percent}% {self.result}"


class Recognition(models.Model):
    """A recognition decision: number, date, signer and level. (A commendation is an award
    decision of the `awards` app.)"""

    model = models.ForeignKey(PracticeModel, on_delete=models.CASCADE, related_name="recognitions")
    level = models.ForeignKey(RecognitionLevel, on_delete=models.PROTECT)
    issuer = models.ForeignKey(Unit, verbose_name=_("issuing unit"), on_delete=models.PROTECT)
    decision_number = models.PositiveIntegerField(_("decision number"))
    decision_symbol = models.CharField(_("symbol"), max_length=40, default="QĐ")
    decision_date = models.DateField(_("decision date"))
    signer_name = models.CharField(_("signed by"), max_length=120)
    signer_title = models.CharField(_("signer's title"), max_length=120)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decision_date", "-id"]
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")

    def __str__(self) -> str:
        return f"{self.decision_number}/{self.decision_symbol} {self.decision_date:%d/%m/%Y}"


class Replication(models.Model):
    """Another unit adopts a model, with its own version and results."""

    model = models.ForeignKey(PracticeModel, on_delete=models.CASCADE, related_name="replications")
    unit = models.ForeignKey(
        Unit, verbose_name=_("adopting unit"), on_delete=models.PROTECT, related_name="+"
    )
    adopted_from = models.ForeignKey(
        "self",
        verbose_name=_("adopted from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adoptions",
        help_text=_("Empty when adopted from the original model."),
    )
    title = models.CharField(_("its own version"), max_length=300)
    start_date = models.DateField(_("start date"))
    results = models.TextField(_("results"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["start_date", "id"]
        verbose_name = _("replication")
        verbose_name_plural = _("replications")
        constraints = [
            models.UniqueConstraint(fields=["model", "unit"], name="replication_once_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.unit})"


class ModelYearStat(models.Model):
    """Models registered and recognised per registering unit and year, kept by triggers on
    the models' table (`registry.rollup`): the dashboards' counts by year read these rows
    (about one for six models) instead of every model."""

    unit = models.ForeignKey(
        Unit, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    registered = models.IntegerField(default=0)
    recognised = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="registry_yearstat_key")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}: {self.registered}"
