"""Citizen feedback, complaints, denunciations and reception: cases, their clocks and history.

Legal deadlines are rows (DeadlineRule) with effective dates; every deadline a case gets
stores the rule that produced it. Routing is a table too (RoutingRule).
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from danvan.core.models import DatedQuerySet
from danvan.lib import scope
from danvan.lib.textsim import signature
from danvan.lib.vntext import filter_search, search_key
from danvan.organisations.models import Unit
from danvan.organisations.ruletables import RuleRow

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone


def new_tracking_code() -> str:
    """Return an unguessable case code like "7K3Q-M9XW-2HDT" (60 bits of randomness)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class Kind(models.TextChoices):
    FEEDBACK = "feedback", _("Feedback")
    RECOMMENDATION = "recommendation", _("Recommendation")
    COMPLAINT = "complaint", _("Complaint")
    DENUNCIATION = "denunciation", _("Denunciation")
    RECEPTION = "reception", _("Citizen reception")
    # Luật Tố cáo 2018, Điều 25: a denunciation without its denouncer's name and address (or
    # with a false one) is not handled as a denunciation; it is kept as information, used for
    # an inspection where it is specific enough. Never chosen by a sender: submit_case and
    # treat_as_information put a denunciation here.
    INFORMATION = "information", _("Information report")


# The kinds a sender (a citizen, a clerk on their behalf, an Open311 client) may choose.
SENDER_KINDS = [k for k in Kind if k != Kind.INFORMATION]


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    COMPLEX = "complex", _("Complex")
    VERY_COMPLEX = "very_complex", _("Very complex")
    URGENT = "urgent", _("Urgent")


class Channel(models.TextChoices):
    PORTAL = "portal", _("Web portal")
    PHONE = "phone", _("Phone call")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Reception visit")
    OPEN311 = "open311", _("Open311 application")


class Status(models.TextChoices):
    # A denunciation with its denouncer's name but without what Luật Tố cáo 2018, Điều 23
    # asks (address, a way of contact, the content): no clock runs until it is complete.
    AWAITING_DETAILS = "awaiting_details", _("Awaiting details")
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    FORWARDED = "forwarded", _("Forwarded")
    # A duplicate of another case of the same commune: it follows that case and gets its
    # answer, with no clock of its own.
    MERGED = "merged", _("Merged into another case")


OPEN_STATES = {Status.AWAITING_DETAILS, Status.RECEIVED, Status.ACCEPTED, Status.IN_PROGRESS}
TRANSITIONS: dict[str, set[str]] = {
    Status.AWAITING_DETAILS: {Status.RECEIVED, Status.REJECTED, Status.FORWARDED},
    # CLOSED straight from RECEIVED: an information report used for a check or filed.
    Status.RECEIVED: {Status.ACCEPTED, Status.REJECTED, Status.FORWARDED, Status.CLOSED},
    Status.ACCEPTED: {Status.IN_PROGRESS, Status.ANSWERED, Status.FORWARDED},
    Status.IN_PROGRESS: {Status.ANSWERED, Status.FORWARDED},
    Status.ANSWERED: {Status.CLOSED, Status.IN_PROGRESS},  # reopened by the citizen
    Status.CLOSED: set(),
    Status.REJECTED: set(),
    Status.FORWARDED: set(),
    Status.MERGED: set(),
}


class LimitationOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("accepted with a recorded reason")
    REJECTED = "rejected", _("refused: limitation period over")


class InformationReason(models.TextChoices):
    ANONYMOUS = "anonymous", _("no name or address of the denouncer")
    FALSE_IDENTITY = "false_identity", _("the denouncer's identity is false")
    INCOMPLETE = "incomplete", _("the missing details never came")


class InformationUse(models.TextChoices):
    CHECK = "check", _("used for an inspection or check")
    FILED = "filed", _("kept for reference")


class Category(RuleRow):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=160)
    description = models.CharField(_("description"), max_length=300, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class ClockEvent(models.TextChoices):
    """What a clock counts from. A rule names one of the first four (`DeadlineRule.Start`);
    a case records the event its running clock actually started from, which is more precise:
    "receipt" by a unit a case was forwarded to is the forward; a denunciation completed
    later is received with its missing details; a reopened case runs from the reopening."""

    RECEIPT = "receipt", _("receipt")
    ACCEPTANCE = "acceptance", _("acceptance")
    FORWARD = "forward", _("forward to this unit")
    PREVIOUS_END = "previous_end", _("end of the previous step")
    DETAILS = "details", _("receipt of the missing details")
    REOPENING = "reopening", _("reopening by the citizen")


class DeadlineRule(RuleRow):
    """A legal clock: for a kind (and urgency), how long a step may take, counted from which
    event; a calendar-day period ending on a day off may run to the next working day."""

    class Start(models.TextChoices):
        RECEIPT = ClockEvent.RECEIPT.value, ClockEvent.RECEIPT.label
        ACCEPTANCE = ClockEvent.ACCEPTANCE.value, ClockEvent.ACCEPTANCE.label
        FORWARD = ClockEvent.FORWARD.value, ClockEvent.FORWARD.label
        PREVIOUS_END = ClockEvent.PREVIOUS_END.value, ClockEvent.PREVIOUS_END.label

    class Step(models.TextChoices):
        ACCEPT = "accept", _("Acceptance")
        HANDLE = "handle", _("Handling")
        FORWARD = "forward", _("Forwarding")
        EXTEND = "extend", _("Extension")

    class Counted(models.TextChoices):
        WORKING_HOURS = "working_hours", _("working hours")
        WORKING_DAYS = "working_days", _("working days")
        DAYS = "days", _("calendar days")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    urgency = models.CharField(
        _("urgency"), max_length=16, choices=Urgency.choices, blank=True, help_text=_("Empty: any")
    )
    step = models.CharField(_("step"), max_length=10, choices=Step.choices)
    amount = models.PositiveIntegerField(_("amount"))
    unit = models.CharField(_("counted in"), max_length=16, choices=Counted.choices)
    starts_from = models.CharField(
        _("counted from"),
        max_length=12,
        choices=Start.choices,
        default=Start.RECEIPT,
        help_text=_(
            "Receipt: when the unit now responsible received the case (for a case forwarded "
            "to it, the forward). Forward: the forward to this unit. The end of the previous "
            "step: for extensions."
        ),
    )
    next_working_day = models.BooleanField(
        _("a last day off moves to the next working day"),
        default=True,
        help_text=_(
            "Calendar days only: a period whose last day is a weekend or holiday ends at the "
            "end of the next working day (Bộ luật Dân sự 2015, Điều 148)."
        ),
    )
    max_extensions = models.PositiveSmallIntegerField(
        _("extensions allowed"), default=0, help_text=_("For extension rules.")
    )
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "step", "urgency", "-effective_from"]
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} · {self.get_step_display()}: "
            f"{self.amount} {self.get_unit_display()}"
        )


class LimitationRule(RuleRow):
    """A limitation period (thời hiệu): how long after knowing of a decision or act a citizen
    may still file a case of a kind. A rule for a topic beats the general one of its kind,
    so a longer period that a law gives for some matters is a row of its own."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    category = models.ForeignKey(
        Category,
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: every topic of the kind."),
    )
    days = models.PositiveIntegerField(_("days"))
    obstacles_not_counted = models.BooleanField(
        _("time lost to obstacles is not counted"),
        default=True,
        help_text=_(
            "Illness, natural disaster, enemy action, work or study far away, other objective "
            "obstacles."
        ),
    )
    next_working_day = models.BooleanField(
        _("a last day off moves to the next working day"),
        default=True,
        help_text=_(
            "A period whose last day is a weekend or holiday ends at the end of the next "
            "working day (Bộ luật Dân sự 2015, Điều 148)."
        ),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "-effective_from"]
        verbose_name = _("limitation period")
        verbose_name_plural = _("limitation periods")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.days}"


class RoutingRule(RuleRow):
    """Category × place → the unit responsible. The most specific rule in force wins."""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.CASCADE
    )
    place = models.ForeignKey(
        Unit,
        verbose_name=_("place (and below)"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    responsible = models.ForeignKey(
        Unit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="+"
    )
    priority = models.PositiveSmallIntegerField(_("priority"), default=0)
    effective_from = models.DateField(_("effective from"), default=timezone.localdate)
    effective_to = models.DateField(_("effective to"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-priority", "id"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return f"{self.category or '*'} @ {self.place or '*'} → {self.responsible}"


class RejectionReason(RuleRow):
    """A template reason for refusing a case (out of scope, duplicate, no content…)."""

    code = models.SlugField(max_length=40, unique=True)
    text = models.CharField(_("reason"), max_length=300)
    is_active = models.BooleanField(default=True)
    time_barred = models.BooleanField(
        _("for a case filed after its limitation period"),
        default=False,
        help_text=_("Offered only for such cases; the scorecards count these refusals apart."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("rejection reason")
        verbose_name_plural = _("rejection reasons")

    def __str__(self) -> str:
        return self.text


class VoiceSettings(RuleRow):
    """Dated parameters of the escalation and reopening rules."""

    escalation_grace_hours = models.PositiveIntegerField(
        _("escalate after (hours overdue)"), default=24
    )
    reminder_hours = models.PositiveIntegerField(_("remind before deadline (hours)"), default=8)
    reopen_window_days = models.PositiveIntegerField(
        _("citizen may reopen within (days)"), default=15
    )
    effective_from = models.DateField(_("effective from"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("voice settings")
        verbose_name_plural = _("voice settings")

    def __str__(self) -> str:
        return f"{self.effective_from:%d/%m/%Y}"

    @classmethod
    def current(cls) -> "VoiceSettings":
        found = cls.objects.filter(effective_from__lte=timezone.localdate()).first()
        return found or cls(effective_from=timezone.localdate())


def subtree_q(path: str) -> models.Q:
    """Cases (or roll-up rows) of the subtree at `path`, through the copied path. Below the
    top of the tree, the subtree's paths by name: an equality the (responsible_path, …)
    indexes serve, where SQLite serves no LIKE from an index (a ward clerk's list counted
    its cases in 565 ms with LIKE on a million cases, 48 ms on PostgreSQL); the top of the
    tree holds nearly every case, read by its prefix."""
    if path.count("/") <= 1:
        return models.Q(responsible_path__startswith=path)
    return models.Q(responsible_path__in=Unit.objects.filter(path__startswith=path).values("path"))


def overdue_q(now=None) -> models.Q:
    """Open cases past a deadline, marked by the clock job or not yet: the running step's, or
    (while the unit has not accepted the case) the forward deadline."""
    now = now or timezone.now()
    forward = models.Q(status=Status.RECEIVED) & (
        models.Q(forward_overdue=True) | models.Q(forward_deadline__lt=now)
    )
    return models.Q(status__in=OPEN_STATES) & (
        models.Q(overdue=True) | models.Q(deadline__lt=now) | forward
    )


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user, roles=None, *, perm: str | None = None):
        """Cases of units the user's roles reach (or where the user holds perm), through the
        copied path (no join)."""
        return scope.visible_to(self, "responsible_path", user, roles, perm=perm, subtree=subtree_q)

    def in_subtree(self, unit: Unit):
        return self.filter(subtree_q(unit.path))

    def open(self):
        return self.filter(status__in=OPEN_STATES)

    def overdue(self, now=None):
        return self.filter(overdue_q(now))

    def search(self, query: str):
        return filter_search(self, query)

    def for_list(self):
        return self.select_related("category", "responsible", "commune").only(
            "id",
            "code",
            "kind",
            "urgency",
            "status",
            "channel",
            "handler_id",
            "forward_deadline",
            "forward_overdue",
            "time_barred",
            "title",
            "received_at",
            "deadline",
            "deadline_start_event",
            "overdue",
            "category__id",
            "category__name",
            "responsible__id",
            "responsible__name",
            "commune__id",
            "commune__name",
        )


class Case(models.Model):
    code = models.CharField(_("tracking code"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.FEEDBACK)
    urgency = models.CharField(
        _("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    # Place: the commune (after the 2025 reform), a free address and optional coordinates.
    commune = models.ForeignKey(
        Unit, verbose_name=_("commune / ward"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    # Legal fields of complaints and denunciations.
    decision_complained = models.CharField(
        _("decision or act complained about"), max_length=300, blank=True
    )
    decision_date = models.DateField(_("date of the decision or act"), null=True, blank=True)
    decision_known_on = models.DateField(_("date the decision became known"), null=True, blank=True)
    # The limitation period (thời hiệu) of the kind: when it ended, by which rule, whether the
    # case came after it, why it came late (obstacles: LimitationObstacle), and what the unit
    # decided about a late one.
    limitation_rule = models.ForeignKey(
        LimitationRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    limitation_ends = models.DateField(_("limitation period ends"), null=True, blank=True)
    time_barred = models.BooleanField(_("filed after the limitation period"), default=False)
    delay_reason = models.TextField(_("reason of the delay"), blank=True)
    limitation_outcome = models.CharField(
        _("decision on the late filing"),
        max_length=10,
        choices=LimitationOutcome.choices,
        blank=True,
    )
    limitation_note = models.TextField(_("why the late case was accepted"), blank=True)
    person_denounced = models.CharField(_("person or body denounced"), max_length=300, blank=True)
    # Personal data: never on public pages or in Open311 output.
    reporter_name = models.CharField(_("full name"), max_length=120, blank=True)
    reporter_phone = models.CharField(_("phone"), max_length=20, blank=True)
    reporter_email = models.EmailField(_("email"), blank=True)
    reporter_address = models.CharField(_("address of the reporter"), max_length=300, blank=True)
    consent = models.BooleanField(_("consent to the use of personal data"), default=False)
    # The kind the sender chose, when the case is kept as something else (a denunciation kept
    # as information), and why.
    filed_as = models.CharField(
        _("sent as"), max_length=20, choices=Kind.choices, blank=True, editable=False
    )
    information_reason = models.CharField(
        _("why it is kept as information"),
        max_length=16,
        choices=InformationReason.choices,
        blank=True,
    )
    information_use = models.CharField(
        _("use of the information"), max_length=8, choices=InformationUse.choices, blank=True
    )
    # What a denunciation still lacks (codes of intake.DETAILS) and when it became complete.
    missing_details = models.JSONField(_("missing details"), default=list, blank=True)
    details_completed_at = models.DateTimeField(null=True, blank=True)

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    responsible = models.ForeignKey(
        Unit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="cases"
    )
    # Copy of the responsible unit's path: subtree filters and scorecards without a join.
    responsible_path = models.CharField(max_length=255, db_index=True, editable=False)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handled_cases",
    )
    routing_rule = models.ForeignKey(
        RoutingRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    # When the case last arrived at its unit by a forward inside the system.
    forwarded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The running clock: the deadline of the current step and the rule that set it.
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True, db_index=True)
    deadline_step = models.CharField(max_length=10, choices=DeadlineRule.Step.choices, blank=True)
    deadline_rule = models.ForeignKey(
        DeadlineRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deadline_start = models.DateTimeField(null=True, blank=True)
    deadline_start_event = models.CharField(max_length=12, choices=ClockEvent.choices, blank=True)
    # The forward clock: until the unit accepts the case, a case outside its competence must
    # go to the competent unit by this moment.
    forward_deadline = models.DateTimeField(_("forward deadline"), null=True, blank=True)
    forward_rule = models.ForeignKey(
        DeadlineRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    forward_start = models.DateTimeField(null=True, blank=True)
    forward_start_event = models.CharField(max_length=12, choices=ClockEvent.choices, blank=True)
    forward_overdue = models.BooleanField(default=False)
    forward_reminded_at = models.DateTimeField(null=True, blank=True)
    extensions = models.PositiveSmallIntegerField(default=0)
    forwarded_to_name = models.CharField(_("forwarded to"), max_length=200, blank=True)
    forwarded_late = models.BooleanField(default=False)
    overdue = models.BooleanField(_("overdue"), default=False, db_index=True)
    accepted_late = models.BooleanField(default=False)
    answered_late = models.BooleanField(default=False)
    # Hours from receipt to the (last) answer: scorecards take the median of this column.
    handling_hours = models.FloatField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="escalated_cases"
    )
    answer = models.TextField(_("answer"), blank=True)
    rejection_reason = models.ForeignKey(
        RejectionReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    satisfied = models.BooleanField(_("satisfied"), null=True, blank=True)
    rating_reason = models.CharField(_("reason of the rating"), max_length=500, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(default=0)
    reception_session = models.ForeignKey(
        "ReceptionSession", null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    search_text = models.TextField(editable=False, blank=True)
    # For similar cases (lib.textsim): the folded words of title and description, and their
    # e5 embedding (float16 bytes) computed in the background after intake.
    text_signature = models.TextField(editable=False, blank=True)
    embedding = models.BinaryField(null=True, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_cases",
    )
    merged_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["responsible_path", "received_at"]),
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["received_at", "category"]),
            models.Index(fields=["responsible_path", "handling_hours"]),
            # The open cases of a commune, for similar cases (voice.similar).
            models.Index(fields=["commune", "status", "id"], name="voice_case_commune_open"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def refresh_search_text(self) -> None:
        self.search_text = search_key(f"{self.code} {self.title} {self.address}")
        self.text_signature = signature(f"{self.title} {self.description}")

    @property
    def similarity_text(self) -> str:
        return f"{self.title}. {self.description}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    @property
    def forward_pending(self) -> bool:
        """Whether the forward clock runs: the unit has not yet accepted the case."""
        return self.status == Status.RECEIVED and self.forward_deadline is not None

    @property
    def forward_is_overdue(self) -> bool:
        return self.forward_pending and (
            self.forward_overdue
            or (self.forward_deadline is not None and self.forward_deadline < timezone.now())
        )

    @property
    def is_overdue(self) -> bool:
        """Past a deadline now (the running step's or the forward's), marked or not yet."""
        if not self.is_open:
            return False
        running = self.overdue or bool(self.deadline and self.deadline < timezone.now())
        return running or self.forward_is_overdue

    @property
    def is_information(self) -> bool:
        return self.kind == Kind.INFORMATION

    @property
    def protects_reporter(self) -> bool:
        """A denouncer's identity is protected (Luật Tố cáo), also when the denunciation is
        kept as information."""
        return Kind.DENUNCIATION in (self.kind, self.filed_as)

    @property
    def handling_seconds(self) -> float | None:
        if self.answered_at is None:
            return None
        return (self.answered_at - self.received_at).total_seconds()


class LimitationObstacle(models.Model):
    """A time the citizen could not file (illness, disaster, work far away…): not counted in
    the limitation period where its rule says so (Luật Khiếu nại 2011, Điều 9)."""

    class Cause(models.TextChoices):
        ILLNESS = "illness", _("illness")
        DISASTER = "disaster", _("natural disaster or enemy action")
        AWAY = "away", _("work or study far away")
        OTHER = "other", _("another objective obstacle")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="obstacles")
    cause = models.CharField(_("obstacle"), max_length=10, choices=Cause.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("obstacle to filing")
        verbose_name_plural = _("obstacles to filing")

    def __str__(self) -> str:
        return f"{self.get_cause_display()} {self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class CaseStat(models.Model):
    """Counts of the cases a responsible unit received on a day (or in a month), as the
    scorecards count them. Kept by triggers on the case table (`voice.rollup`), so that no
    write, whether a service, a bulk load or an UPDATE, can leave them behind; dashboards
    and scorecards sum these rows instead of reading every case of a period."""

    responsible_path = models.CharField(max_length=255)
    day = models.DateField()  # local date; for a month row, its first day
    received = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    reopened = models.IntegerField(default=0)
    # Counted apart: information reports (not owed an answer) and cases refused because their
    # limitation period was over.
    information = models.IntegerField(default=0)
    time_barred = models.IntegerField(default=0)
    # The sum of the answered cases' handling hours: an average, and a fingerprint of them
    # (the scorecards keep a median until it changes).
    hours = models.FloatField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.responsible_path} {self.day}: {self.received}"


class CaseDayStat(CaseStat):  # noqa: DJ008  (CaseStat.__str__)
    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["responsible_path", "day"], name="voice_daystat_key")
        ]
        indexes = [models.Index(fields=["day", "responsible_path"], name="voice_daystat_day")]


class CaseMonthStat(CaseStat):  # noqa: DJ008  (CaseStat.__str__)
    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["responsible_path", "day"], name="voice_monthstat_key")
        ]
        indexes = [models.Index(fields=["day", "responsible_path"], name="voice_monthstat_day")]


class CaseEvent(models.Model):
    """One step in a case's life; public steps show on the tracking page."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    public_note = models.TextField(blank=True)
    internal_note = models.TextField(blank=True)
    is_public = models.BooleanField(default=True)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


def case_file_path(instance, filename: str) -> str:
    return f"voice/{instance.case.code}/{secrets.token_hex(4)}-{filename[-80:]}"


class CaseAttachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=case_file_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.original_name


class ReceptionSchedule(RuleRow):
    """The weekly citizen-reception day of a unit's chair (Luật Tiếp công dân: ≥ 1 day/week)."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE)
    weekday = models.PositiveSmallIntegerField(
        _("weekday"),
        choices=[
            (i, d)
            for i, d in enumerate(
                [
                    _("Monday"),
                    _("Tuesday"),
                    _("Wednesday"),
                    _("Thursday"),
                    _("Friday"),
                    _("Saturday"),
                    _("Sunday"),
                ]
            )
        ],
    )
    place = models.CharField(_("place"), max_length=200)
    host = models.CharField(_("received by"), max_length=120)
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reception schedule")
        verbose_name_plural = _("reception schedules")

    def __str__(self) -> str:
        return f"{self.unit} – {self.get_weekday_display()}"


class ReceptionSession(models.Model):
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT)
    date = models.DateField(_("date"))
    host = models.CharField(_("received by"), max_length=120)
    place = models.CharField(_("place"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("reception session")
        verbose_name_plural = _("reception sessions")

    def __str__(self) -> str:
        return f"{self.unit} {self.date:%d/%m/%Y}"


class ApiKey(models.Model):
    """An Open311 client allowed to POST requests; only a hash of the key is kept."""

    name = models.CharField(_("client name"), max_length=120)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
