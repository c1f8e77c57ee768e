"""Grassroots democracy (Luật 10/2022/QH15): what a commune publishes, the hamlets' household
registers and votes, consultations with their published answers, the people's supervision
boards and the annual dialogue.

Every threshold and period is a dated rule row (`RuleRow`) with its legal source; a result
(a publication's deadline, a vote's outcome, a petition's acceptance, a member's
eligibility) stores the row that produced it.
"""

import secrets

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


def _visible(queryset, field: str, user, perm: str | None):
    """Rows whose unit (`field`) lies in the user's scope (or where they hold `perm`)."""
    units = scope.visible_to(Unit.objects.all(), "path", user, perm=perm)
    return queryset.filter(**{f"{field}__in": units.values("id")})


class ScopedQuerySet(models.QuerySet):
    unit_field = "commune"

    def visible_to(self, user, *, perm: str | None = None):
        return _visible(self, self.unit_field, user, perm)

    def in_subtree(self, unit: Unit):
        ids = Unit.objects.filter(path__startswith=unit.path).values("id")
        return self.filter(**{f"{self.unit_field}__in": ids})

    def search(self, query: str):
        return filter_search(self, query)


class DatedRule(RuleRow):
    """The fields every dated rule of this app has: its legal source and dates."""

    legal_basis = models.CharField(_("legal basis"), max_length=200)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        abstract = True


def share_text(num: int, den: int, *, strict: bool) -> str:
    """A share as the law writes it: "more than 1/2", "at least 2/3"."""
    if strict:
        return str(_("more than %(num)d/%(den)d")) % {"num": num, "den": den}
    return str(_("at least %(num)d/%(den)d")) % {"num": num, "den": den}


def meets_share(count: int, total: int, num: int, den: int, *, strict: bool) -> bool:
    """Whether count is more than (strict) or at least num/den of total: integer arithmetic,
    so that exactly half is never "more than half" by rounding."""
    if total <= 0:
        return False
    if strict:
        return count * den > num * total
    return count * den >= num * total


def needed_for_share(total: int, num: int, den: int, *, strict: bool) -> int:
    """The smallest count that meets the share of total."""
    need = -(-num * total // den)  # ceiling
    if strict and need * den == num * total:
        need += 1
    return need


# Dân biết: publications ---------------------------------------------------------------------


class PublishChannel(models.TextChoices):
    NOTICE_BOARD = "notice_board", _("Notice board at the commune office")
    LOUDSPEAKER = "loudspeaker", _("Loudspeaker system")
    PORTAL = "portal", _("Commune's web portal")
    HAMLET_MEETING = "hamlet_meeting", _("Hamlet meeting")


class PublicationGroup(RuleRow):
    """A group of information the law makes a commune publish (Luật 10/2022, Điều 11)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    per_year = models.PositiveSmallIntegerField(
        _("publications expected a year"),
        default=0,
        help_text=_(
            "0: published when a document is issued; 1: once a year (by the year's end); "
            "4: every quarter (by the quarter's end)."
        ),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("publication group")
        verbose_name_plural = _("publication groups")

    def __str__(self) -> str:
        return self.name


class PublicationRule(DatedRule):
    """How soon a document is published and how long it stays posted (a group's own rule
    beats the general one)."""

    group = models.ForeignKey(
        PublicationGroup,
        verbose_name=_("group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Empty: every group without a rule of its own."),
    )
    publish_within_days = models.PositiveSmallIntegerField(
        _("publish within (working days of the document)")
    )
    keep_posted_days = models.PositiveSmallIntegerField(_("keep posted for (days)"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "-effective_from"]
        verbose_name = _("publication rule")
        verbose_name_plural = _("publication rules")

    def __str__(self) -> str:
        return str(
            _("%(group)s: within %(days)d working days, posted %(keep)d days")
            % {
                "group": self.group or _("any group"),
                "days": self.publish_within_days,
                "keep": self.keep_posted_days,
            }
        )


class PublicationQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related("group", "commune").only(
            "id",
            "title",
            "document_number",
            "document_date",
            "published_on",
            "posted_until",
            "due_on",
            "late",
            "channels",
            "group__id",
            "group__name",
            "commune__id",
            "commune__name",
        )

    def overdue(self, on=None):
        """Documents not yet published whose legal time to publish has passed."""
        return self.filter(published_on__isnull=True, due_on__lt=on or timezone.localdate())


class Publication(models.Model):
    """A document a commune publishes: its group, date, channels and legal clock."""

    commune = models.ForeignKey(
        Unit, verbose_name=_("commune / ward"), on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(PublicationGroup, verbose_name=_("group"), on_delete=models.PROTECT)
    title = models.CharField(_("title"), max_length=300)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    document_date = models.DateField(_("date of the document"))
    channels = models.JSONField(_("channels"), default=list, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    posted_until = models.DateField(_("posted until"), null=True, blank=True)
    due_on = models.DateField(_("to be published by"))
    late = models.BooleanField(_("published late"), default=False)
    rule = models.ForeignKey(
        PublicationRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="+"
    )
    search_text = models.TextField(editable=False, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-document_date", "-id"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        indexes = [
            models.Index(fields=["commune", "document_date"]),
            models.Index(fields=["commune", "due_on"]),
            # Documents still waiting past their deadline, city-wide: published_on IS NULL
            # is an equality, due_on a range.
            models.Index(fields=["published_on", "due_on"]),
        ]

    def __str__(self) -> str:
        return self.title

    def refresh_search_text(self) -> None:
        self.search_text = search_key(f"{self.title} {self.document_number} {self.group.name}")

    @property
    def is_published(self) -> bool:
        return self.published_on is not None

    def channel_labels(self) -> list[str]:
        labels = dict(PublishChannel.choices)
        return [str(labels.get(code, code)) for code in self.channels]


class PublicationMonthStat(models.Model):
    """Publications of a commune due in a month: registered, published, on time. Kept by
    triggers on the publication table (`democracy.rollup`)."""

    unit = models.ForeignKey(
        Unit, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    month = models.DateField()  # the first day of the month the publication is due in
    registered = models.IntegerField(default=0)
    published = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="democracy_pubstat_key")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month}: {self.published}/{self.registered}"


# Dân bàn và quyết định: households and votes -------------------------------------------------


class HamletScopedQuerySet(ScopedQuerySet):
    unit_field = "hamlet"


class HouseholdQuerySet(HamletScopedQuerySet):
    def active(self):
        return self.filter(is_active=True)


class Household(models.Model):
    """A household of a hamlet's register: the minimum a vote needs (NĐ 13/2023: no more
    personal data than the purpose asks). Never shown on a public page."""

    hamlet = models.ForeignKey(
        Unit, verbose_name=_("hamlet"), on_delete=models.PROTECT, related_name="+"
    )
    head_name = models.CharField(_("head of household"), max_length=120)
    members = models.PositiveSmallIntegerField(_("members"), default=1)
    address = models.CharField(_("address"), max_length=200)
    is_active = models.BooleanField(
        _("on the register"), default=True, help_text=_("Off when the household moved away.")
    )
    search_text = models.TextField(editable=False, blank=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        ordering = ["hamlet", "search_text", "id"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [models.Index(fields=["hamlet", "search_text"])]
        constraints = [
            models.UniqueConstraint(
                fields=["hamlet", "head_name", "address"], name="democracy_household_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(members__gte=1), name="democracy_household_members"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.head_name}, {self.address}"

    def refresh_search_text(self) -> None:
        self.search_text = search_key(f"{self.head_name} {self.address}")


class HamletStat(models.Model):
    """The households on a hamlet's register and their members, kept by triggers on the
    household table: a vote's denominator without counting thousands of rows."""

    hamlet = models.OneToOneField(
        Unit, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    households = models.IntegerField(default=0)
    members = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.hamlet_id}: {self.households}"


class MatterKind(models.TextChoices):
    """What households decide directly (Luật 10/2022, Điều 15)."""

    CONTRIBUTION = "contribution", _("Contribution to infrastructure and public works")
    FINANCE = "finance", _("Collection and use of the contributions")
    CONVENTION = "convention", _("Village convention")
    HAMLET_HEAD = "hamlet_head", _("Election or dismissal of the hamlet head")
    BOARD_MEMBERS = "board_members", _("Election of the supervision boards' members")
    OTHER = "other", _("Other self-managed matter")


class VoteMethod(models.TextChoices):
    MEETING = "meeting", _("Hamlet meeting")
    PAPER = "paper", _("Paper ballot")
    ONLINE = "online", _("Online")


class VoteRule(DatedRule):
    """The share of ALL the hamlet's households a matter of a kind needs, the quorum, whether
    it may be voted online, and how soon the minutes go to the commune."""

    matter_kind = models.CharField(_("kind of matter"), max_length=20, choices=MatterKind.choices)
    share_num = models.PositiveSmallIntegerField(_("share: numerator"))
    share_den = models.PositiveSmallIntegerField(_("share: denominator"))
    share_strict = models.BooleanField(
        _("more than the share"), help_text=_("Off: at least the share.")
    )
    quorum_num = models.PositiveSmallIntegerField(_("quorum: numerator"))
    quorum_den = models.PositiveSmallIntegerField(_("quorum: denominator"))
    quorum_strict = models.BooleanField(_("more than the quorum"), default=True)
    online_allowed = models.BooleanField(_("may be voted online"), default=False)
    minutes_within_days = models.PositiveSmallIntegerField(
        _("minutes to the commune within (working days)")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["matter_kind", "-effective_from"]
        verbose_name = _("vote rule")
        verbose_name_plural = _("vote rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(share_den__gt=0, quorum_den__gt=0),
                name="democracy_voterule_denominators",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_matter_kind_display()}: {self.share_label}"

    @property
    def share_label(self) -> str:
        return share_text(self.share_num, self.share_den, strict=self.share_strict)

    @property
    def quorum_label(self) -> str:
        return share_text(self.quorum_num, self.quorum_den, strict=self.quorum_strict)


class PetitionRule(DatedRule):
    """The share of a hamlet's households that may put a matter to the vote."""

    share_num = models.PositiveSmallIntegerField(_("share: numerator"))
    share_den = models.PositiveSmallIntegerField(_("share: denominator"))
    share_strict = models.BooleanField(_("more than the share"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("petition rule")
        verbose_name_plural = _("petition rules")

    def __str__(self) -> str:
        return share_text(self.share_num, self.share_den, strict=self.share_strict)


class Petition(models.Model):
    """Households' proposal of a matter, with the count of households that signed it."""

    hamlet = models.ForeignKey(
        Unit, verbose_name=_("hamlet"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind of matter"), max_length=20, choices=MatterKind.choices)
    title = models.CharField(_("matter proposed"), max_length=300)
    signatures = models.PositiveIntegerField(_("households that signed"))
    households_total = models.PositiveIntegerField(_("households on the register"))
    received_on = models.DateField(_("received on"))
    rule = models.ForeignKey(PetitionRule, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = HamletScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")

    def __str__(self) -> str:
        return self.title


class MatterStatus(models.TextChoices):
    OPEN = "open", _("Voting")
    TALLIED = "tallied", _("Tallied")
    RECOGNISED = "recognised", _("Recognised by the commune chair")


class Outcome(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Not passed")


class DecidedBy(models.TextChoices):
    QUORUM = "quorum", _("Quorum not reached")
    THRESHOLD = "threshold", _("Share of all households")


class MatterQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related("hamlet", "rule").only(
            "id",
            "kind",
            "title",
            "method",
            "vote_date",
            "status",
            "outcome",
            "decided_by",
            "households_total",
            "yes",
            "participated",
            "minutes_due",
            "minutes_sent_on",
            "minutes_late",
            "hamlet__id",
            "hamlet__name",
            "rule__id",
            "rule__share_num",
            "rule__share_den",
            "rule__share_strict",
        )


class Matter(models.Model):
    """A matter put to the households of a hamlet, and its result."""

    commune = models.ForeignKey(
        Unit, verbose_name=_("commune / ward"), on_delete=models.PROTECT, related_name="+"
    )
    hamlet = models.ForeignKey(
        Unit, verbose_name=_("hamlet"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind of matter"), max_length=20, choices=MatterKind.choices)
    title = models.CharField(_("matter"), max_length=300)
    description = models.TextField(_("what is decided"), blank=True)
    method = models.CharField(_("how it is voted"), max_length=10, choices=VoteMethod.choices)
    vote_date = models.DateField(_("vote date"))
    petition = models.OneToOneField(
        Petition,
        verbose_name=_("petition"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matter",
    )
    rule = models.ForeignKey(VoteRule, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=12, choices=MatterStatus.choices, default=MatterStatus.OPEN
    )
    # The tally, and the count of households it was measured against.
    households_total = models.PositiveIntegerField(_("households on the register"), null=True)
    participated = models.PositiveIntegerField(_("households that took part"), null=True)
    yes = models.PositiveIntegerField(_("for"), null=True)
    no = models.PositiveIntegerField(_("against"), null=True)
    invalid = models.PositiveIntegerField(_("blank or invalid"), null=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices, blank=True)
    decided_by = models.CharField(
        _("decided by"), max_length=10, choices=DecidedBy.choices, blank=True
    )
    tallied_at = models.DateTimeField(null=True, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_due = models.DateField(_("minutes due at the commune"), null=True, blank=True)
    minutes_sent_on = models.DateField(_("minutes sent on"), null=True, blank=True)
    minutes_late = models.BooleanField(default=False)
    recognised_on = models.DateField(_("recognised on"), null=True, blank=True)
    recognition_number = models.CharField(_("decision number"), max_length=60, blank=True)
    recognised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = MatterQuerySet.as_manager()

    class Meta:
        ordering = ["-vote_date", "-id"]
        verbose_name = _("matter put to the vote")
        verbose_name_plural = _("matters put to the vote")
        indexes = [models.Index(fields=["commune", "vote_date"])]

    def __str__(self) -> str:
        return self.title

    @property
    def share_pct(self) -> float | None:
        if not self.households_total or self.yes is None:
            return None
        return round(self.yes * 100 / self.households_total, 1)


class VotingCode(models.Model):
    """The code a household votes online with, printed on a slip for each household."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="codes")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=16, unique=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["matter", "household"], name="democracy_code_once")
        ]

    def __str__(self) -> str:
        return f"{self.matter_id}/{self.household_id}"


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_voting_code() -> str:
    """An unguessable slip code like "K3QM-9XW2" (40 bits: a hamlet has at most thousands)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


class Choice(models.TextChoices):
    YES = "yes", _("For")
    NO = "no", _("Against")
    BLANK = "blank", _("Blank")


class Ballot(models.Model):
    """One household's online ballot; the database refuses a second one."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="ballots")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=8, choices=Choice.choices)
    cast_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["matter", "household"], name="democracy_one_ballot_per_household"
            )
        ]

    def __str__(self) -> str:
        return f"{self.matter_id}/{self.household_id}"


# Dân tham gia ý kiến: consultations ----------------------------------------------------------


class DraftKind(models.TextChoices):
    DOCUMENT = "document", _("Draft document")
    PLAN = "plan", _("Plan")
    PROJECT = "project", _("Project")


class Consultation(models.Model):
    commune = models.ForeignKey(
        Unit, verbose_name=_("commune / ward"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind of draft"), max_length=10, choices=DraftKind.choices)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("what the draft says"))
    opens_on = models.DateField(_("open from"))
    closes_on = models.DateField(_("open until"))
    report = models.TextField(_("report on the comments"), blank=True)
    report_published_on = models.DateField(_("report published on"), null=True, blank=True)
    search_text = models.TextField(editable=False, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "-id"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="democracy_consultation_period",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def refresh_search_text(self) -> None:
        self.search_text = search_key(f"{self.title} {self.summary[:500]}")

    def is_open(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.opens_on <= on <= self.closes_on


class Response(models.TextChoices):
    TAKEN = "taken", _("Taken in (tiếp thu)")
    EXPLAINED = "explained", _("Not taken in, explained (giải trình)")


class CommentGroup(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="groups")
    title = models.CharField(_("what the comments say"), max_length=300)
    response = models.CharField(_("response"), max_length=10, choices=Response.choices, blank=True)
    answer = models.TextField(_("how it was taken in, or why not"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("group of comments")
        verbose_name_plural = _("groups of comments")

    def __str__(self) -> str:
        return self.title


class CommentChannel(models.TextChoices):
    PORTAL = "portal", _("Web portal")
    MEETING = "meeting", _("Meeting")


class Comment(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="comments"
    )
    channel = models.CharField(max_length=10, choices=CommentChannel.choices)
    text = models.TextField(_("comment"))
    # Personal data: optional, never public.
    contact = models.CharField(_("contact (optional)"), max_length=200, blank=True)
    meeting = models.CharField(_("meeting"), max_length=200, blank=True)
    group = models.ForeignKey(
        CommentGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    created_at = models.DateTimeField(default=timezone.now)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.text[:60]


# Dân kiểm tra, giám sát: boards --------------------------------------------------------------


class BoardKind(models.TextChoices):
    INSPECTION = "inspection", _("People's inspection board")
    INVESTMENT = "investment", _("Community investment supervision board")


class BoardRule(DatedRule):
    """The minimum members of a board of a kind and who may not sit on it."""

    board_kind = models.CharField(_("kind of board"), max_length=12, choices=BoardKind.choices)
    min_members = models.PositiveSmallIntegerField(_("minimum members"))
    excludes_officials = models.BooleanField(
        _("no official of the commune's authorities"), default=True
    )
    excludes_project_ties = models.BooleanField(
        _("no one tied to the project's owner or contractor"), default=False
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["board_kind", "-effective_from"]
        verbose_name = _("board rule")
        verbose_name_plural = _("board rules")

    def __str__(self) -> str:
        return str(
            _("%(kind)s: at least %(n)d members")
            % {"kind": self.get_board_kind_display(), "n": self.min_members}
        )


class Board(models.Model):
    commune = models.ForeignKey(
        Unit, verbose_name=_("commune / ward"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind of board"), max_length=12, choices=BoardKind.choices)
    name = models.CharField(_("name"), max_length=300)
    project = models.CharField(_("project supervised"), max_length=300, blank=True)
    project_owner = models.CharField(_("project owner"), max_length=200, blank=True)
    contractor = models.CharField(_("contractor"), max_length=200, blank=True)
    term_start = models.DateField(_("term from"))
    term_end = models.DateField(_("term until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-term_start", "id"]
        verbose_name = _("supervision board")
        verbose_name_plural = _("supervision boards")

    def __str__(self) -> str:
        return self.name


class Position(models.TextChoices):
    CHAIR = "chair", _("Head")
    DEPUTY = "deputy", _("Deputy head")
    MEMBER = "member", _("Member")


class BoardMember(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("full name"), max_length=120)
    position = models.CharField(
        _("position"), max_length=8, choices=Position.choices, default=Position.MEMBER
    )
    workplace = models.CharField(_("works at"), max_length=200, blank=True)
    is_commune_official = models.BooleanField(
        _("holds a post in the commune's authorities"), default=False
    )
    tied_to_project = models.BooleanField(
        _("related to the project's owner or contractor (family, work)"), default=False
    )
    joined_on = models.DateField(_("from"))
    left_on = models.DateField(_("until"), null=True, blank=True)
    rule = models.ForeignKey(BoardRule, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["board", "position", "full_name"]
        verbose_name = _("board member")
        verbose_name_plural = _("board members")

    def __str__(self) -> str:
        return self.full_name


class SupervisionPlan(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="plans")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    content = models.TextField(_("what is supervised and when"))

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = _("supervision plan")
        verbose_name_plural = _("supervision plans")

    def __str__(self) -> str:
        return self.title


class Finding(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="findings")
    plan = models.ForeignKey(
        SupervisionPlan,
        verbose_name=_("plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
    )
    found_on = models.DateField(_("date"))
    summary = models.TextField(_("what was found"))

    class Meta:
        ordering = ["-found_on", "-id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return self.summary[:60]


class Recommendation(models.Model):
    """A board's recommendation, sent as a citizen's-voice case to the unit responsible."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="recommendations")
    finding = models.ForeignKey(
        Finding,
        verbose_name=_("finding"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recommendations",
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("recommendation"))
    responsible = models.ForeignKey(
        Unit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="+"
    )
    sent_on = models.DateField(_("sent on"))
    case = models.OneToOneField(
        "voice.Case", on_delete=models.PROTECT, related_name="board_recommendation"
    )

    class Meta:
        ordering = ["-sent_on", "-id"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self) -> str:
        return self.title


# The annual dialogue -------------------------------------------------------------------------


class DialogueRule(DatedRule):
    min_per_year = models.PositiveSmallIntegerField(_("dialogues a year, at least"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("dialogue rule")
        verbose_name_plural = _("dialogue rules")

    def __str__(self) -> str:
        return str(_("At least %(n)d a year") % {"n": self.min_per_year})


class Dialogue(models.Model):
    """A dialogue between the commune's leaders and its residents."""

    commune = models.ForeignKey(
        Unit, verbose_name=_("commune / ward"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=200)
    chaired_by = models.CharField(_("chaired by"), max_length=200)
    participants = models.PositiveIntegerField(_("residents present"), default=0)
    summary = models.TextField(_("summary"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("dialogue")
        verbose_name_plural = _("dialogues")

    def __str__(self) -> str:
        return f"{self.held_on:%d/%m/%Y} {self.place}"


class DialogueItem(models.Model):
    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="items")
    question = models.TextField(_("question raised"))
    answer = models.TextField(_("answer"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    follow_up_done = models.BooleanField(_("follow-up done"), default=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("question of a dialogue")
        verbose_name_plural = _("questions of a dialogue")

    def __str__(self) -> str:
        return self.question[:60]


# The public page's freshness -----------------------------------------------------------------


class CommuneStamp(models.Model):
    """A counter per commune (and per unit above communes: the city), raised by every change
    its pages show: the key of their cached copies, read from the database so that every
    worker sees a change at once."""

    commune = models.OneToOneField(
        Unit, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.commune_id}: {self.version}"
