"""Emulation and commendation: the award catalogue, who may award what, the base salary,
the medal and title rules, nomination files, council votes, decisions and the awards.

Everything that changes with the law is a dated rule row (`RuleRow`): the catalogue with its
money multiples and vote thresholds, the authority table, the base salary, the medal rule
and the consecutive-title rules. A result (a vote outcome, an award's amount, an
eligibility verdict) stores the row that produced it.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from danvan.core.models import DatedQuerySet
from danvan.lib import scope
from danvan.organisations.models import Unit, UnitKind
from danvan.organisations.ruletables import RuleRow

# --- The rules --------------------------------------------------------------------------------


class AwardKind(models.TextChoices):
    TITLE = "title", _("Emulation title")
    FORM = "form", _("Form of commendation")


class RecipientKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individuals")
    COLLECTIVE = "collective", _("Collectives")
    ANY = "any", _("Individuals and collectives")


class AwardType(RuleRow):
    """A title or form of commendation, as in force for a period: its money (multiples of
    the base salary) and the share of ALL council members needed to propose it."""

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=8, choices=AwardKind.choices)
    recipients = models.CharField(_("for"), max_length=12, choices=RecipientKind.choices)
    rank = models.PositiveSmallIntegerField(
        _("rank"), default=10, help_text=_("Higher is a higher award.")
    )
    money_individual = models.DecimalField(
        _("money for an individual (× base salary)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    money_collective = models.DecimalField(
        _("money for a collective (× base salary)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    vote_threshold = models.DecimalField(
        _("council vote needed, per cent of all members"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(50),
    )
    women_priority_share = models.DecimalField(
        _("share of women that gives a collective priority on a tie, in %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(70),
    )
    once_only = models.BooleanField(_("awarded once per person"), default=False)
    posthumous = models.BooleanField(_("may be awarded posthumously"), default=True)
    certificate_title = models.CharField(
        _("heading of the certificate"),
        max_length=120,
        blank=True,
        help_text=_("Printed on the certificate, e.g. “BẰNG KHEN”. Empty: no certificate."),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["rank", "code", "-effective_from"]
        verbose_name = _("award type")
        verbose_name_plural = _("award catalogue")
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="awardtype_code_from")
        ]

    def __str__(self) -> str:
        return self.name

    def money_multiple(self, *, collective: bool) -> Decimal | None:
        return self.money_collective if collective else self.money_individual

    def accepts(self, *, collective: bool) -> bool:
        wanted = RecipientKind.COLLECTIVE if collective else RecipientKind.INDIVIDUAL
        return self.recipients in (RecipientKind.ANY, wanted)


class Level(models.TextChoices):
    """The level of an issuing body: the city, a district (until 30 June 2025), a commune."""

    CITY = "city", _("City / province")
    DISTRICT = "district", _("District (until 30 June 2025)")
    COMMUNE = "commune", _("Commune / ward")


class Authority(RuleRow):
    """Who may award what, from when: bodies of a kind at a level may award a title or form.

    With `external_body`, the award is decided outside the tree (the Central Commission
    for the medal): the body named by level and kind compiles the file and sends it up,
    then records the decision when it comes back.
    """

    award_code = models.SlugField(_("award code"), max_length=40)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    issuer_kind = models.CharField(_("kind of body"), max_length=32, choices=UnitKind.choices)
    external_body = models.CharField(
        _("decided by (outside the tree)"),
        max_length=200,
        blank=True,
        help_text=_("Empty when the body itself decides."),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["award_code", "level", "issuer_kind", "-effective_from"]
        verbose_name = _("authority")
        verbose_name_plural = _("authority table")

    def __str__(self) -> str:
        return f"{self.get_level_display()} · {self.get_issuer_kind_display()} → {self.award_code}"

    @property
    def is_external(self) -> bool:
        return bool(self.external_body)


class BaseSalary(RuleRow):
    """The base salary (mức lương cơ sở) that award money is a multiple of."""

    amount = models.PositiveIntegerField(_("amount (đồng a month)"))
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("base salary")
        verbose_name_plural = _("base salaries")

    def __str__(self) -> str:
        return f"{self.amount:,} đ ({self.effective_from:%d/%m/%Y})".replace(",", ".")


class MedalRule(RuleRow):
    """The years-of-service rule of a medal (not in public law for “Vì sự nghiệp Dân vận”:
    its defaults come from sister medals and are meant to be changed here).

    Service is counted in months over the cadre's dân vận postings, cumulative: a
    full-time month counts 1, a part-time month counts years_full_time / years_part_time,
    a month in a hardship area is multiplied by hardship_multiplier. The months needed
    are years_full_time × 12, reduced for women by the fraction given, then by
    high_award_reduction_years after one of the high awards.
    """

    award_code = models.SlugField(_("award code"), max_length=40)
    years_full_time = models.DecimalField(
        _("years of full-time service"), max_digits=4, decimal_places=1
    )
    years_part_time = models.DecimalField(
        _("years of part-time service"), max_digits=4, decimal_places=1
    )
    years_with_management = models.DecimalField(
        _("years of service when some were in a leading post"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
    )
    management_years = models.DecimalField(
        _("of which in a leading post"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    hardship_multiplier = models.DecimalField(
        _("multiplier of service in hardship areas"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.5"),
    )
    women_reduction_numerator = models.PositiveSmallIntegerField(
        _("women's reduction (numerator)"), default=1
    )
    women_reduction_denominator = models.PositiveSmallIntegerField(
        _("women's reduction (denominator)"), default=3
    )
    high_award_codes = models.CharField(
        _("high awards that bring eligibility earlier (codes, comma-separated)"),
        max_length=300,
        blank=True,
    )
    high_award_reduction_years = models.DecimalField(
        _("years earlier after a high award"), max_digits=4, decimal_places=1, default=0
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["award_code", "-effective_from"]
        verbose_name = _("medal rule")
        verbose_name_plural = _("medal rules")

    def __str__(self) -> str:
        return f"{self.award_code} ({self.effective_from:%d/%m/%Y})"

    @property
    def high_awards(self) -> set[str]:
        return {code.strip() for code in self.high_award_codes.split(",") if code.strip()}


class TitleRule(RuleRow):
    """A title that needs another one several consecutive years running (CSTĐ tỉnh after
    3 consecutive CSTĐ cơ sở)."""

    award_code = models.SlugField(_("award code"), max_length=40)
    prerequisite_code = models.SlugField(_("needs the title"), max_length=40)
    consecutive_years = models.PositiveSmallIntegerField(_("consecutive years"))
    needs_initiative = models.BooleanField(
        _("also needs a recognised initiative"),
        default=False,
        help_text=_("Checked by the council from the file's evidence, not by the engine."),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["award_code", "-effective_from"]
        verbose_name = _("title rule")
        verbose_name_plural = _("title rules")

    def __str__(self) -> str:
        return f"{self.award_code} ← {self.consecutive_years} × {self.prerequisite_code}"


# --- Councils, nominations and votes ----------------------------------------------------------


class Council(models.Model):
    """An emulation and commendation council (Hội đồng Thi đua - Khen thưởng) of a body for
    a year: its members vote on the nominations sent to the body."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("body"), on_delete=models.PROTECT, related_name="award_councils"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=200)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), related_name="award_councils"
    )

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("emulation council")
        verbose_name_plural = _("emulation councils")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="award_council_unit_year")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class NominationStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    RETURNED = "returned", _("Returned to the proposing unit")
    IN_TRANSIT = "in_transit", _("On its way up")
    SUBMITTED = "submitted", _("Sent up, before the council")
    APPROVED = "approved", _("Approved by the council")
    REJECTED = "rejected", _("Not approved by the council")
    SENT_UP = "sent_up", _("Sent to the external authority")
    DECIDED = "decided", _("Awarded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_NOMINATION_STATES = {
    NominationStatus.DRAFT,
    NominationStatus.RETURNED,
    NominationStatus.IN_TRANSIT,
    NominationStatus.SUBMITTED,
    NominationStatus.APPROVED,
    NominationStatus.SENT_UP,
}


def under_path_q(field: str, path: str) -> Q:
    return Q(**{f"{field}__startswith": path})


class NominationQuerySet(models.QuerySet):
    def visible_to(self, user, *, perm: str | None = None):
        """Nominations whose proposing or deciding body lies in the user's scope."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        paths = user.paths_for(perm) if perm else user.scope_paths()
        if paths is None:
            return self
        condition = Q(pk__in=[])
        passed = Q(pk__in=[])
        for path in paths:
            condition |= (
                under_path_q("proposer__path", path)
                | under_path_q("decider__path", path)
                | under_path_q("holder__path", path)
            )
            passed |= under_path_q("to_unit__path", path)
        # A body the file passed on its way up keeps reading it.
        steps = NominationStep.objects.filter(passed, nomination=models.OuterRef("pk"))
        return self.filter(condition | Q(models.Exists(steps)))

    def open(self):
        return self.filter(status__in=OPEN_NOMINATION_STATES)

    def for_list(self):
        return self.select_related("award_type", "proposer", "decider", "holder", "unit", "cadre")


class Nomination(models.Model):
    """A nomination file (hồ sơ đề nghị khen thưởng) for a person or a collective."""

    award_type = models.ForeignKey(
        AwardType, verbose_name=_("award"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year of the achievements"))
    proposer = models.ForeignKey(
        Unit,
        verbose_name=_("proposing unit"),
        on_delete=models.PROTECT,
        related_name="award_proposals",
    )
    decider = models.ForeignKey(
        Unit,
        verbose_name=_("sent to"),
        on_delete=models.PROTECT,
        related_name="award_nominations",
        help_text=_("The body that decides, or compiles the file for an external authority."),
    )
    authority = models.ForeignKey(
        Authority, verbose_name=_("authority"), on_delete=models.PROTECT, related_name="+"
    )
    holder = models.ForeignKey(
        Unit,
        verbose_name=_("now at"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="award_files_held",
        help_text=_("The body whose emulation office holds the file on its way up."),
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("collective"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="award_nominations_received",
    )
    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="award_nominations",
    )
    women_share = models.DecimalField(
        _("share of women in the collective, in %"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    submission = models.TextField(_("submission (tờ trình)"), blank=True)
    achievements = models.TextField(_("achievement report"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=NominationStatus.choices,
        default=NominationStatus.DRAFT,
        db_index=True,
    )
    council = models.ForeignKey(
        Council, null=True, blank=True, on_delete=models.PROTECT, related_name="nominations"
    )
    # The council's outcome, with the catalogue row whose threshold it applied.
    votes_for = models.PositiveSmallIntegerField(null=True, blank=True)
    members_count = models.PositiveSmallIntegerField(null=True, blank=True)
    threshold = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    outcome_rule = models.ForeignKey(
        AwardType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    voted_at = models.DateTimeField(null=True, blank=True)
    # Sent to an external authority: the city's submission number and date.
    sent_number = models.PositiveIntegerField(null=True, blank=True)
    sent_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = NominationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=True, cadre__isnull=False)
                | Q(unit__isnull=False, cadre__isnull=True),
                name="nomination_one_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"{self.award_type.name}: {self.recipient_name}"

    @property
    def is_collective(self) -> bool:
        return self.unit_id is not None

    @property
    def recipient_name(self) -> str:
        if self.cadre is not None:
            return self.cadre.full_name
        return self.unit.name if self.unit is not None else ""


class StepAction(models.TextChoices):
    SENT = "sent", pgettext_lazy("nomination step", "Sent up")
    FORWARDED = "forwarded", pgettext_lazy("nomination step", "Forwarded up")
    RETURNED = "returned", pgettext_lazy("nomination step", "Returned")


class NominationStep(models.Model):
    """One move of a file between emulation offices on its way up the tree (sent by the
    proposing unit, forwarded by an office, returned with a reason)."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("step"), max_length=10, choices=StepAction.choices)
    from_unit = models.ForeignKey(
        Unit, verbose_name=_("from"), on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        Unit, verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("step of a nomination")
        verbose_name_plural = _("steps of nominations")

    def __str__(self) -> str:
        return f"{self.action}: {self.from_unit_id} → {self.to_unit_id}"


class EvidenceKind(models.TextChoices):
    MODEL = "model", _("“Dân vận khéo” model recognised")
    PRIZE = "prize", _("Contest prize")
    INITIATIVE = "initiative", _("Initiative recognised")
    OTHER = "other", _("Other achievement")


class Evidence(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=12, choices=EvidenceKind.choices)
    practice_model = models.ForeignKey(
        "registry.PracticeModel",
        verbose_name=_("model"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    prize = models.ForeignKey(
        "contests.Prize",
        verbose_name=_("contest prize"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.CharField(_("description"), max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.description


class Vote(models.Model):
    """One council member's vote on a nomination; one per member."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approve = models.BooleanField(_("in favour"))
    cast_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cast_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "member"], name="award_vote_once")
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {'+' if self.approve else '-'}"


class CaseLink(models.Model):
    """A citizen's complaint or denunciation recorded as concerning a person or a
    collective: while the case is open, their nominations are frozen."""

    case = models.ForeignKey("voice.Case", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="award_case_links"
    )
    cadre = models.ForeignKey(
        "cadres.Cadre", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("case concerning a nominee")
        verbose_name_plural = _("cases concerning nominees")
        constraints = [
            models.UniqueConstraint(fields=["case", "unit", "cadre"], name="award_caselink_once"),
            models.CheckConstraint(
                condition=Q(unit__isnull=True, cadre__isnull=False)
                | Q(unit__isnull=False, cadre__isnull=True),
                name="award_caselink_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return str(self.case_id)


# --- Decisions and awards ---------------------------------------------------------------------


class Decision(models.Model):
    """A decision that awards (number, date, signer): by a body of the tree, in its register
    of the year, or by an external authority recorded when it comes back."""

    issuer = models.ForeignKey(
        Unit,
        verbose_name=_("issuing body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="award_decisions",
    )
    issuer_name = models.CharField(_("issued by"), max_length=255)
    number = models.PositiveIntegerField(_("number"))
    symbol = models.CharField(_("symbol"), max_length=40)
    year = models.PositiveSmallIntegerField(_("register year"))
    date = models.DateField(_("date"))
    signer_name = models.CharField(_("signed by"), max_length=120, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=120, blank=True)
    award_type = models.ForeignKey(
        AwardType, verbose_name=_("award"), on_delete=models.PROTECT, related_name="+"
    )
    authority = models.ForeignKey(
        Authority, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported = models.BooleanField(_("imported from earlier records"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("award decision")
        verbose_name_plural = _("award decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "year", "number"],
                condition=Q(issuer__isnull=False),
                name="award_decision_number_in_register",
            ),
            models.UniqueConstraint(
                fields=["issuer_name", "year", "number"],
                condition=Q(issuer__isnull=True),
                name="award_external_decision_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number_line} {self.date:%d/%m/%Y}"

    @property
    def is_party(self) -> bool:
        return self.issuer is not None and self.issuer.branch == "party"

    @property
    def number_line(self) -> str:
        if self.is_party:
            return f"{self.number:02d}-{self.symbol}"
        return f"{self.number:02d}/{self.symbol}"


class AwardQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_on__isnull=True)

    def visible_to(self, user, *, perm: str | None = None):
        """Awards of collectives, or of people whose file the user's scope keeps, in scope."""
        return scope.visible_to(self, "scope_path", user, perm=perm)

    def for_list(self):
        return self.select_related("award_type", "decision__issuer", "unit", "cadre")


class Award(models.Model):
    """An award received: a title or form, by a person or a collective, under a decision."""

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="awards"
    )
    award_type = models.ForeignKey(
        AwardType, verbose_name=_("award"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("collective"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards_received",
    )
    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards",
    )
    recipient_name = models.CharField(_("awarded to"), max_length=255)
    practice_model = models.ForeignKey(
        "registry.PracticeModel",
        verbose_name=_("“Dân vận khéo” model"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commendations",
    )
    nomination = models.OneToOneField(
        Nomination, null=True, blank=True, on_delete=models.PROTECT, related_name="award"
    )
    achievement = models.TextField(_("achievement"), blank=True)
    presented_at = models.ForeignKey(
        "cadres.Event",
        verbose_name=_("presented at"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="awards_presented",
    )
    # The money: the multiple of the catalogue row and the base salary row of the decision date.
    money_multiple = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    base_salary = models.ForeignKey(
        BaseSalary, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.PositiveIntegerField(_("money (đồng)"), null=True, blank=True)
    # The unit whose subtree's staff read the award: the collective, or the person's unit.
    scope_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    scope_path = models.CharField(max_length=255, db_index=True, editable=False)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoke_reason = models.TextField(_("reason for revocation"), blank=True)
    money_to_recover = models.PositiveIntegerField(
        _("money to recover (đồng)"), null=True, blank=True
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    external_id = models.CharField(max_length=80, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AwardQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        indexes = [
            models.Index(fields=["cadre", "award_type"]),
            models.Index(fields=["scope_path", "year"]),
            # The list's order: a page of the newest awards read in order, not a year sorted.
            models.Index(fields=["year", "id"], name="awards_award_list"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=True, cadre__isnull=False)
                | Q(unit__isnull=False, cadre__isnull=True),
                name="award_one_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"{self.award_type.name} – {self.recipient_name} ({self.year})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_on is not None

    @property
    def is_collective(self) -> bool:
        return self.unit_id is not None


# --- Eligibility verdicts ---------------------------------------------------------------------


class VerdictQuerySet(models.QuerySet):
    def visible_to(self, user, *, perm: str | None = None):
        return scope.visible_to(self, "scope_path", user, perm=perm)


class Verdict(models.Model):
    """Whether a person or a collective is eligible for an award on a date, why, and by
    which rule row."""

    # Read by award code through the unique constraints and the lists' index, which all
    # begin with it; the scope unit and the rule rows are only joined to, never searched
    # by. Fewer indexes: the city-wide run writes tens of thousands of rows at once.
    award_code = models.SlugField(max_length=40, db_index=False)
    year = models.PositiveSmallIntegerField()
    evaluated_on = models.DateField()
    cadre = models.ForeignKey(
        "cadres.Cadre",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="award_verdicts",
    )
    # No index of its own: a list of people's verdicts (unit IS NULL) would be read through
    # it and sorted, instead of in the order of the lists' index, which covers the column.
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("collective"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="award_verdicts",
        db_index=False,
    )
    scope_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", db_index=False)
    scope_path = models.CharField(max_length=255, editable=False)
    eligible = models.BooleanField()
    eligible_from = models.DateField(null=True, blank=True)
    counted_months = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    required_months = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    medal_rule = models.ForeignKey(
        MedalRule,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    title_rule = models.ForeignKey(
        TitleRule,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    explanation = models.JSONField(default=dict)
    computed_at = models.DateTimeField(default=timezone.now)

    objects = VerdictQuerySet.as_manager()

    class Meta:
        ordering = ["scope_path", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["award_code", "year", "cadre"], name="award_verdict_once_a_year"
            ),
            models.UniqueConstraint(
                fields=["award_code", "year", "unit"],
                condition=Q(unit__isnull=False),
                name="award_verdict_collective_once",
            ),
            models.CheckConstraint(
                condition=Q(unit__isnull=True, cadre__isnull=False)
                | Q(unit__isnull=False, cadre__isnull=True),
                name="award_verdict_one_recipient",
            ),
        ]
        # The lists' filters and order (a page is read in order, not sorted), the date when
        # and whether a person or a collective: the lists are counted from the index alone
        # (a verdict's row carries its explanation, a kilobyte or two).
        indexes = [
            models.Index(
                fields=[
                    "award_code",
                    "year",
                    "eligible",
                    "scope_path",
                    "id",
                    "eligible_from",
                    "unit",
                ],
                name="awards_verdict_lists",
            )
        ]

    def __str__(self) -> str:
        who = self.cadre_id if self.cadre_id is not None else f"unit {self.unit_id}"
        return f"{self.award_code} {self.year} {who}: {self.eligible}"

    @property
    def is_collective(self) -> bool:
        return self.unit_id is not None

    @property
    def recipient_name(self) -> str:
        if self.unit is not None:
            return self.unit.name
        return self.cadre.full_name if self.cadre is not None else ""


def today() -> datetime.date:
    return timezone.localdate()
