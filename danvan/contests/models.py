"""“Dân vận khéo” contests (hội thi): from the grassroots to the city final.

A contest belongs to an organising unit, a year and a level, and may send its best teams up
to the contest above it (`parent`). Its rounds (preliminary per cluster, final) are made of
parts (greeting, knowledge, sketch…), each scored on a rubric of criteria with maxima. Judges
are assigned per round and score on their own sheet; closing a round computes the ranking,
the advancement and the prizes, which the organiser confirms and publishes.

The scoring rules (how judges' scores are aggregated, the tie-break order) and the rubrics are
dated rule rows; a closed round keeps the rule row that produced its results. Prizes are plain
records of the organiser's decision, kept for the awards register to read
(`Prize.objects.confirmed()`).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from danvan.core.models import DatedQuerySet
from danvan.organisations.models import Cluster, Unit
from danvan.organisations.ruletables import RuleRow
from danvan.registry.models import PracticeModel


class Level(models.TextChoices):
    GRASSROOTS = "grassroots", _("Grassroots")
    COMMUNE = "commune", _("Commune / ward")
    DISTRICT = "district", _("District (before 1 July 2025)")
    CITY = "city", _("City")


class ContestStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    REGISTRATION = "registration", _("Open for registration")
    RUNNING = "running", _("Under way")
    FINISHED = "finished", _("Finished")


CONTEST_TRANSITIONS: dict[str, set[str]] = {
    ContestStatus.DRAFT: {ContestStatus.REGISTRATION},
    ContestStatus.REGISTRATION: {ContestStatus.RUNNING, ContestStatus.DRAFT},
    ContestStatus.RUNNING: {ContestStatus.FINISHED},
    ContestStatus.FINISHED: set(),
}


class ContestQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("organiser", "parent")


class Contest(models.Model):
    name = models.CharField(_("name"), max_length=300)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    organiser = models.ForeignKey(
        Unit, verbose_name=_("organising unit"), on_delete=models.PROTECT, related_name="contests"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("sends its winners to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("The contest of the level above, which this contest's best teams join."),
    )
    sends_up = models.PositiveSmallIntegerField(
        _("teams sent up"),
        default=1,
        help_text=_("How many of the final's best teams go to the contest above."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ContestStatus.choices, default=ContestStatus.DRAFT
    )
    description = models.TextField(_("description"), blank=True)
    registration_until = models.DateField(_("registration until"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ContestQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("contest")
        verbose_name_plural = _("contests")

    def __str__(self) -> str:
        return self.name


class ContestCluster(models.Model):
    """A cluster of competing units in a contest: from the foundation's clusters of the year
    (`source`) or drawn for this contest."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="clusters")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=120)
    source = models.ForeignKey(
        Cluster,
        verbose_name=_("emulation cluster"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["contest", "number"]
        verbose_name = _("contest cluster")
        verbose_name_plural = _("contest clusters")
        constraints = [
            models.UniqueConstraint(fields=["contest", "number"], name="contest_cluster_number")
        ]

    def __str__(self) -> str:
        return self.name


class TeamQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("unit", "cluster").order_by("cluster__number", "name", "id")


class Team(models.Model):
    """A unit's team in a contest, with its members and the practice models it presents."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="teams")
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="contest_teams"
    )
    name = models.CharField(_("team name"), max_length=200)
    cluster = models.ForeignKey(
        ContestCluster,
        verbose_name=_("cluster"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="teams",
    )
    practice_models = models.ManyToManyField(
        PracticeModel,
        verbose_name=_("practice models presented"),
        blank=True,
        related_name="contest_teams",
    )
    source = models.ForeignKey(
        "self",
        verbose_name=_("winner of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sent_up",
        help_text=_("The team of the contest below that this team's place was won by."),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField(default=timezone.now)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["contest", "name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(fields=["contest", "unit"], name="team_once_per_unit")
        ]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    order = models.PositiveSmallIntegerField(default=0)
    full_name = models.CharField(_("full name"), max_length=150)
    position = models.CharField(_("position"), max_length=200, blank=True)
    is_leader = models.BooleanField(_("team leader"), default=False)

    class Meta:
        ordering = ["team", "order", "id"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")

    def __str__(self) -> str:
        return self.full_name


# Rules -----------------------------------------------------------------------------------


class Aggregation(models.TextChoices):
    MEAN = "mean", _("Mean of the judges")
    TRIMMED = "trimmed", _("Drop the highest and the lowest, then the mean")


class TieBreak(models.TextChoices):
    PART = "part", _("The score of the round's tie-break part")
    HEAD = "head", _("The head judge's score")
    DRAW = "draw", _("A draw, recorded in the audit trail")


class ScoringRule(RuleRow):
    """How a round's judges' scores make a team's score, and how ties are broken."""

    name = models.CharField(_("name"), max_length=200)
    issuer = models.ForeignKey(
        Unit,
        verbose_name=_("issuing unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: a rule every organiser may use."),
    )
    aggregation = models.CharField(_("aggregation"), max_length=16, choices=Aggregation.choices)
    trim_from = models.PositiveSmallIntegerField(
        _("drop the extremes from"),
        default=5,
        validators=[MinValueValidator(3)],
        help_text=_("With fewer judges than this, the mean of all is taken."),
    )
    decimals = models.PositiveSmallIntegerField(
        _("decimals kept"), default=2, help_text=_("Scores are rounded to this many decimals.")
    )
    tie_break = models.CharField(
        _("tie-break order"),
        max_length=40,
        default="part,head,draw",
        help_text=_("Steps separated by commas: part, head, draw."),
    )
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_from", "name"]
        verbose_name = _("scoring rule")
        verbose_name_plural = _("scoring rules")

    def __str__(self) -> str:
        return self.name

    def audit_unit(self):
        return self.issuer

    def tie_break_steps(self) -> list[str]:
        return [s.strip() for s in self.tie_break.split(",") if s.strip()]

    def tie_break_labels(self) -> list[str]:
        """The tie-break steps in words, in their order."""
        return [str(TieBreak(s).label) for s in self.tie_break_steps() if s in TieBreak.values]

    def clean(self) -> None:
        unknown = [s for s in self.tie_break_steps() if s not in TieBreak.values]
        if unknown:
            message = _("Unknown tie-break steps: %(steps)s.") % {"steps": ", ".join(unknown)}
            raise ValidationError({"tie_break": message})


class Rubric(RuleRow):
    """The criteria of a contest part, with their maximum points, in force for a period."""

    name = models.CharField(_("name"), max_length=200)
    issuer = models.ForeignKey(
        Unit,
        verbose_name=_("issuing unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: a rubric every organiser may use."),
    )
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()
    history = HistoricalRecords()
    rule_parts = ("criteria",)

    class Meta:
        ordering = ["name", "-effective_from"]
        verbose_name = _("contest rubric")
        verbose_name_plural = _("contest rubrics")

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
                max_points=c.max_points,
                half_points=c.half_points,
            )
            for c in self.criteria.all()
        )

    @property
    def max_total(self) -> Decimal:
        return sum((c.max_points for c in self.criteria.all()), Decimal(0))


class Criterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("criterion"), max_length=300)
    max_points = models.DecimalField(
        _("maximum points"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    half_points = models.BooleanField(_("half points allowed"), default=True)

    class Meta:
        ordering = ["rubric", "order", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return self.name


class PrizeKind(RuleRow):
    """A prize of the catalogue (Nhất, Nhì, Ba, Khuyến khích, Xuất sắc, special prizes).

    Ranked prizes go to the best teams in `order`; special ones to the best team of a part
    (e.g. "Tiểu phẩm hay nhất"). Taken out of use, never deleted."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    ranked = models.BooleanField(
        _("given by rank"), default=True, help_text=_("Off: given to the best team of a part.")
    )
    is_active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("prize kind")
        verbose_name_plural = _("prize kinds")

    def __str__(self) -> str:
        return self.name


# Rounds ----------------------------------------------------------------------------------


class RoundKind(models.TextChoices):
    PRELIMINARY = "preliminary", _("Preliminary round")
    FINAL = "final", _("Final")


class RoundStatus(models.TextChoices):
    SETUP = "setup", _("Being set up")
    SCORING = "scoring", _("Scoring")
    CLOSED = "closed", _("Closed, awaiting confirmation")
    CONFIRMED = "confirmed", _("Results confirmed")


class Round(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="rounds")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=RoundKind.choices)
    by_cluster = models.BooleanField(
        _("ranked per cluster"),
        default=False,
        help_text=_("Teams are ranked, awarded and advanced within their cluster."),
    )
    scoring_rule = models.ForeignKey(
        ScoringRule, verbose_name=_("scoring rule"), on_delete=models.PROTECT, related_name="rounds"
    )
    advance_per_cluster = models.PositiveSmallIntegerField(
        _("teams advancing"),
        default=0,
        help_text=_("The best teams of each cluster (or of the round) that go to the next round."),
    )
    advance_runners_up = models.PositiveSmallIntegerField(
        _("best runners-up advancing"),
        default=0,
        help_text=_("Of the other teams, the best across clusters that go on as well."),
    )
    tie_break_part = models.ForeignKey(
        "RoundPart",
        verbose_name=_("tie-break part"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    held_on = models.DateField(_("held on"), null=True, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.SETUP
    )
    result_rule = models.ForeignKey(
        ScoringRule,
        verbose_name=_("results computed with"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Bumped on every change of what the public may see (a part revealed, results published):
    # the public scoreboard's cache key.
    public_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["contest", "order", "id"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        constraints = [
            models.UniqueConstraint(fields=["contest", "order"], name="round_order_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.SCORING

    @property
    def has_results(self) -> bool:
        return self.status in (RoundStatus.CLOSED, RoundStatus.CONFIRMED)


class PartKind(models.TextChoices):
    GREETING = "greeting", _("Greeting and introduction")
    KNOWLEDGE = "knowledge", _("Knowledge")
    SKETCH = "sketch", _("Sketch")
    SITUATION = "situation", _("Situation handling")
    OTHER = "other", _("Other")


class RoundPart(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="parts")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=PartKind.choices)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    rubric = models.ForeignKey(
        Rubric, verbose_name=_("rubric"), on_delete=models.PROTECT, related_name="parts"
    )

    class Meta:
        ordering = ["round", "order", "id"]
        verbose_name = _("part")
        verbose_name_plural = _("parts")

    def __str__(self) -> str:
        return self.name


class RoundEntry(models.Model):
    """A team in a round, in its order of appearance, with the results of the round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="entries")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="entries")
    order = models.PositiveSmallIntegerField(_("order of appearance"), default=0)
    total = models.DecimalField(max_digits=9, decimal_places=3, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    cluster_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    advanced = models.BooleanField(default=False)
    tie_note = models.CharField(max_length=200, blank=True)
    lot = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The team's lot in a tie-break draw, kept once drawn."
    )
    # Not stored: the total as the public results print it (queries.public_results).
    shown_total: str

    class Meta:
        ordering = ["round", "order", "id"]
        verbose_name = _("team in a round")
        verbose_name_plural = _("teams in a round")
        constraints = [
            models.UniqueConstraint(fields=["round", "team"], name="entry_once_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.team_id}"


class JudgeAssignment(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="judges")
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member of the jury"),
        on_delete=models.PROTECT,
        related_name="contest_assignments",
    )
    home_unit = models.ForeignKey(
        Unit,
        verbose_name=_("judge's unit"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Where the judge works: no team of it, above it or below it may be judged."),
    )
    cluster = models.ForeignKey(
        ContestCluster,
        verbose_name=_("cluster judged"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: every team of the round."),
    )
    is_head = models.BooleanField(_("head of the jury"), default=False)
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["round", "-is_head", "id"]
        verbose_name = _("judge assignment")
        verbose_name_plural = _("judge assignments")
        constraints = [
            models.UniqueConstraint(fields=["round", "juror"], name="judge_once_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.juror} – {self.round}"

    def covers(self, entry: RoundEntry) -> bool:
        """Whether the judge scores this team (the same cluster, or every cluster)."""
        return self.cluster_id is None or self.cluster_id == entry.team.cluster_id


class Score(models.Model):
    """One judge's points for one criterion of one part, for one team: one row each, so that
    judges saving at the same moment never write the same row."""

    part = models.ForeignKey(RoundPart, on_delete=models.CASCADE, related_name="scores")
    entry = models.ForeignKey(RoundEntry, on_delete=models.CASCADE, related_name="scores")
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(max_digits=5, decimal_places=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["part", "entry", "juror", "criterion"], name="score_once_per_criterion"
            )
        ]
        indexes = [models.Index(fields=["entry", "part"])]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"


class PartResult(models.Model):
    """A team's aggregated score in a part: set when the part is revealed on the scoreboard
    (then the judges' sheets of it are locked) or when the round closes."""

    entry = models.ForeignKey(RoundEntry, on_delete=models.CASCADE, related_name="part_results")
    part = models.ForeignKey(RoundPart, on_delete=models.CASCADE, related_name="results")
    score = models.DecimalField(max_digits=9, decimal_places=3)
    judges = models.PositiveSmallIntegerField(default=0)
    revealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "part"], name="part_result_once")]

    def __str__(self) -> str:
        return f"{self.entry_id}/{self.part_id}: {self.score}"


class PrizeQuota(models.Model):
    """How many prizes of a kind a round gives (per cluster when it is ranked per cluster)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="quotas")
    kind = models.ForeignKey(PrizeKind, verbose_name=_("prize"), on_delete=models.PROTECT)
    count = models.PositiveSmallIntegerField(_("number"), default=1)
    part = models.ForeignKey(
        RoundPart,
        verbose_name=_("best of the part"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200, blank=True)

    class Meta:
        ordering = ["round", "kind__order", "id"]
        verbose_name = _("prize quota")
        verbose_name_plural = _("prize quotas")
        constraints = [
            models.UniqueConstraint(fields=["round", "kind", "part"], name="quota_once"),
        ]

    def __str__(self) -> str:
        return self.title or self.kind.name


class PrizeQuerySet(models.QuerySet):
    def confirmed(self):
        """Prizes the organiser has confirmed: what the awards register takes up."""
        return self.filter(confirmed_at__isnull=False)

    def published(self):
        return self.filter(round__published_at__isnull=False, confirmed_at__isnull=False)

    def for_list(self):
        return self.select_related(
            "kind", "quota", "team", "unit", "cluster", "round__contest", "organiser__parent"
        ).order_by("round__order", "cluster__number", "kind__order", "rank", "id")


class Prize(models.Model):
    """A prize won by a team: a record of the organiser's decision, with the unit that won it.

    Proposed when the round closes, confirmed (with the decision's number, date and signer)
    by the organiser; the awards register reads `Prize.objects.confirmed()`."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="prizes")
    quota = models.ForeignKey(PrizeQuota, on_delete=models.PROTECT, related_name="prizes")
    kind = models.ForeignKey(PrizeKind, verbose_name=_("prize"), on_delete=models.PROTECT)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="prizes")
    unit = models.ForeignKey(
        Unit, verbose_name=_("winning unit"), on_delete=models.PROTECT, related_name="+"
    )
    organiser = models.ForeignKey(
        Unit, verbose_name=_("awarded by"), on_delete=models.PROTECT, related_name="+"
    )
    cluster = models.ForeignKey(
        ContestCluster, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=400)
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    score = models.DecimalField(max_digits=9, decimal_places=3, null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    decision_number = models.PositiveIntegerField(_("decision number"), null=True, blank=True)
    decision_symbol = models.CharField(_("symbol"), max_length=40, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    signer_name = models.CharField(_("signed by"), max_length=120, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=120, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = PrizeQuerySet.as_manager()

    class Meta:
        ordering = ["round", "kind__order", "rank", "id"]
        verbose_name = _("prize")
        verbose_name_plural = _("prizes")
        constraints = [
            models.UniqueConstraint(fields=["quota", "team"], name="prize_once_per_quota")
        ]

    def __str__(self) -> str:
        return self.title
