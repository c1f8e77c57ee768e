"""Cadres of dân vận work across the generations: profiles, postings, training, discipline,
the Party congress terms that cut their history into periods, and the "gặp mặt các thế
hệ" events built from it.

A posting belongs to the unit of its time: a posting of 1998 points to the district or
commune that existed then, closed or not. Sensitive personal data (ethnicity, religion) is
kept apart, in `SensitiveData`, recorded only under a unit's dated `PersonalDataPolicy`
and read by staff only through a logged service.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from danvan.core.models import DatedQuerySet
from danvan.lib.vntext import filter_search, fold, search_key
from danvan.organisations.models import Unit
from danvan.organisations.ruletables import RuleRow


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


def current_q(on: datetime.date, prefix: str = "") -> Q:
    """Postings in force on a date: started, and not ended before it."""
    return Q(**{f"{prefix}start__lte": on}) & (
        Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": on})
    )


def _under(field: str, paths: list[str]) -> Q:
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def subtree_unit_ids(paths: list[str]) -> list[int]:
    """The ids of the units under the paths (one query; a ward's history is a few dozen)."""
    return list(Unit.objects.filter(_under("path", paths)).values_list("id", flat=True))


class CadreQuerySet(models.QuerySet):
    def in_paths(self, paths: list[str] | None, *, on: datetime.date | None = None):
        """Cadres posted on a date (today) in a unit under one of the paths; a cadre with no
        posting in force then (retired, between posts) belongs to the unit keeping the file.
        None means every cadre, [] none."""
        if paths is None:
            return self
        if not paths:
            return self.none()
        on = on or timezone.localdate()
        current = Posting.objects.filter(current_q(on), cadre=OuterRef("pk"))
        units = Unit.objects.filter(_under("path", paths)).values("id")
        posted_here = Exists(current.filter(unit__in=units))
        kept_here = ~Exists(current) & Q(record_unit__in=units)
        return self.filter(posted_here | kept_here)

    def visible_to(self, user, *, perm: str | None = None, on: datetime.date | None = None):
        """Cadres the user's scope reaches (or where the user holds the named permission)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        paths = user.paths_for(perm) if perm else user.scope_paths()
        return self.in_paths(paths, on=on)

    def search(self, query: str):
        return filter_search(self, query)

    def alive(self):
        return self.filter(died_on__isnull=True)

    def for_list(self):
        return self.select_related("record_unit").only(
            "id",
            "full_name",
            "sex",
            "birth_year",
            "retired_on",
            "died_on",
            "record_unit__id",
            "record_unit__name",
        )


class Cadre(models.Model):
    """A cadre's profile: the minimum personal data for managing dân vận work."""

    full_name = models.CharField(_("full name"), max_length=150)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"))
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    record_unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit keeping the file"),
        on_delete=models.PROTECT,
        related_name="cadre_files",
        help_text=_(
            "The unit that keeps the cadre's file while the cadre holds no posting "
            "(retired, between posts)."
        ),
    )
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    died_on = models.DateField(_("died on"), null=True, blank=True)
    external_id = models.CharField(
        _("file number"),
        max_length=60,
        blank=True,
        db_index=True,
        help_text=_("The number of the cadre's file in the unit's earlier records."),
    )
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])
    objects = CadreQuerySet.as_manager()

    class Meta:
        ordering = ["search_text", "id"]
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        indexes = [models.Index(fields=["search_text"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__gte=1900) & Q(birth_year__lte=2100),
                name="cadre_birth_year_range",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    def refresh_search_text(self) -> None:
        self.search_text = search_key(" ".join(filter(None, [self.full_name, self.external_id])))

    @property
    def is_alive(self) -> bool:
        return self.died_on is None

    def is_retired(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.retired_on is not None and self.retired_on <= on

    @property
    def status_now(self) -> str:
        """ "deceased", "retired" (and living) or "serving", today."""
        if self.died_on is not None:
            return "deceased"
        return "retired" if self.is_retired() else "serving"


class PostingQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        return self.filter(current_q(on or timezone.localdate()))

    def overlapping(self, start: datetime.date, end: datetime.date | None):
        """Postings that share at least one day with [start, end] (end None: open)."""
        qs = self.filter(Q(end__isnull=True) | Q(end__gte=start))
        return qs if end is None else qs.filter(start__lte=end)

    def under_paths(self, paths: list[str] | None):
        """Postings at units under the paths: through the subtree's unit ids, read first,
        which the (unit, …) index serves (a prefix match on the units' paths would scan
        every posting, and a subquery leaves PostgreSQL guessing how many units match)."""
        if paths is None:
            return self
        if not paths:
            return self.none()
        return self.filter(unit__in=subtree_unit_ids(paths))

    def danvan(self):
        return self.filter(is_danvan_post=True)


class Posting(models.Model):
    """A period a cadre held a position in a unit (the unit of its time, closed or not)."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="postings"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="postings"
    )
    position = models.CharField(_("position"), max_length=150)
    # The position folded (marks, case, spaces): one post is one unit and one position key.
    position_key = models.CharField(max_length=150, editable=False, db_index=True)
    is_danvan_post = models.BooleanField(_("dân vận post"), default=True)
    is_manager = models.BooleanField(
        _("leading post"),
        default=False,
        help_text=_("Head or deputy head of the unit or of its board."),
    )
    full_time = models.BooleanField(_("full-time"), default=True)
    hardship_area = models.BooleanField(_("in a hardship area"), default=False)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()
    objects = PostingQuerySet.as_manager()

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        indexes = [
            models.Index(fields=["cadre", "start"]),
            models.Index(fields=["unit", "is_danvan_post", "start"]),
            # Cover the generations' term filter and its order (leading posts first): the
            # first for SQLite; the second, the postings held on or since a date (a term's,
            # today's for the scope), for PostgreSQL.
            models.Index(fields=["is_danvan_post", "start", "end", "is_manager"]),
            models.Index(
                fields=["end", "start", "is_danvan_post", "is_manager"], name="posting_by_end"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="posting_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["cadre", "unit", "position_key", "start"], name="posting_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}, {self.unit}"

    def save(self, *args, **kwargs):
        self.position_key = fold(self.position)
        super().save(*args, **kwargs)

    def is_current(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.start <= on and (self.end is None or self.end >= on)


class TrainingLevel(models.TextChoices):
    WORKSHOP = "workshop", _("Workshop (tập huấn)")
    REFRESHER = "refresher", _("Refresher course (bồi dưỡng)")
    ELEMENTARY = "elementary", _("Elementary political theory (sơ cấp)")
    INTERMEDIATE = "intermediate", _("Intermediate political theory (trung cấp)")
    ADVANCED = "advanced", _("Advanced political theory (cao cấp)")
    BACHELOR = "bachelor", _("Bachelor of politics (cử nhân)")
    STATE_MANAGEMENT = "state_management", _("State management")
    OTHER = "other", _("Other")


class TrainingCourse(models.Model):
    """A course or class: who organised it, its level, hours and dates."""

    name = models.CharField(_("course"), max_length=255)
    organiser = models.CharField(_("organiser"), max_length=255)
    organiser_unit = models.ForeignKey(
        Unit,
        verbose_name=_("organising unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_courses",
        help_text=_("Empty when the organiser is outside the tree (a school of politics)."),
    )
    level = models.CharField(_("level"), max_length=20, choices=TrainingLevel.choices)
    hours = models.PositiveIntegerField(_("hours"), null=True, blank=True)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=255, blank=True)
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        ordering = ["-start", "name"]
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="trainingcourse_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["name", "organiser", "start"], name="trainingcourse_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start:%m/%Y})"

    def refresh_search_text(self) -> None:
        self.search_text = search_key(f"{self.name} {self.organiser}")


class TrainingResult(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    PASSED = "passed", pgettext_lazy("training result", "Passed")
    FAILED = "failed", pgettext_lazy("training result", "Not passed")
    ATTENDED = "attended", _("Attended")


class Training(models.Model):
    """A cadre's attendance of a course, with the result and the certificate."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="trainings"
    )
    course = models.ForeignKey(
        TrainingCourse, verbose_name=_("course"), on_delete=models.PROTECT, related_name="trainees"
    )
    result = models.CharField(
        _("result"), max_length=16, choices=TrainingResult.choices, blank=True
    )
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    certificate_date = models.DateField(_("certificate date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["course__start", "id"]
        verbose_name = _("training")
        verbose_name_plural = _("training")
        constraints = [
            models.UniqueConstraint(fields=["cadre", "course"], name="training_once_per_course")
        ]

    def __str__(self) -> str:
        return f"{self.cadre} – {self.course}"


class DisciplineForm(models.TextChoices):
    UNDER_REVIEW = "under_review", _("Under disciplinary review")
    REPRIMAND = "reprimand", _("Reprimand (khiển trách)")
    WARNING = "warning", _("Warning (cảnh cáo)")
    DEMOTION = "demotion", _("Demotion (hạ bậc lương, giáng chức)")
    REMOVAL = "removal", _("Removal from post (cách chức)")
    DISMISSAL = "dismissal", _("Dismissal (buộc thôi việc)")
    EXPULSION = "expulsion", _("Expulsion from the Party (khai trừ)")


class DisciplineQuerySet(models.QuerySet):
    def open_on(self, on: datetime.date):
        """Disciplines in force on a date: decided (or opened) by then, not yet ended."""
        return self.filter(Q(date__lte=on), Q(until__isnull=True) | Q(until__gte=on))


class Discipline(models.Model):
    """A discipline (or a disciplinary review under way): while open, it freezes award
    proposals for the cadre."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="disciplines"
    )
    form = models.CharField(_("form"), max_length=16, choices=DisciplineForm.choices)
    date = models.DateField(_("date"))
    until = models.DateField(
        _("in effect until"),
        null=True,
        blank=True,
        help_text=_("Empty while it is still in effect (or the review is under way)."),
    )
    decided_by = models.CharField(
        pgettext_lazy("discipline", "decided by"), max_length=255, blank=True
    )
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit concerned"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The unit whose officers read the record's audit entries."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()
    objects = DisciplineQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("discipline")
        verbose_name_plural = _("disciplines")
        indexes = [models.Index(fields=["cadre", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("date")),
                name="discipline_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_form_display()} ({self.date:%d/%m/%Y})"

    def is_open(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.date <= on and (self.until is None or self.until >= on)


class PersonalDataPolicy(RuleRow):
    """Whether a unit (and its subtree) records its cadres' ethnicity and religion, for which
    stated purpose, from when: without a policy in force nothing sensitive is stored."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    records_ethnicity = models.BooleanField(_("records ethnicity"), default=False)
    records_religion = models.BooleanField(_("records religion"), default=False)
    purpose = models.TextField(_("stated purpose"))
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["unit__path", "-effective_from"]
        verbose_name = _("personal data policy")
        verbose_name_plural = _("personal data policies")

    def __str__(self) -> str:
        return f"{self.unit} ({self.effective_from:%d/%m/%Y})"

    def audit_unit(self):
        return self.unit


class SensitiveData(models.Model):
    """A cadre's sensitive personal data, apart from the profile so that no list, export,
    history or admin page reads it by accident. Read only through services.read_sensitive,
    which logs the read."""

    cadre = models.OneToOneField(
        Cadre, on_delete=models.CASCADE, related_name="sensitive", primary_key=True
    )
    ethnicity = models.CharField(_("ethnicity"), max_length=60, blank=True)
    religion = models.CharField(_("religion"), max_length=60, blank=True)
    policy = models.ForeignKey(
        PersonalDataPolicy,
        verbose_name=_("recorded under"),
        on_delete=models.PROTECT,
        related_name="records",
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("sensitive data")
        verbose_name_plural = _("sensitive data")

    def __str__(self) -> str:
        return f"{self.cadre_id}"


class Term(models.Model):
    """A Party congress term (nhiệm kỳ): the periods of the generations view. Data, edited
    by the city's administrators."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["start"]
        verbose_name = _("congress term")
        verbose_name_plural = _("congress terms")
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="term_ordered")
        ]

    def __str__(self) -> str:
        return self.name


class RecordsVersion(models.Model):
    """A number that grows with every change to cadres, postings or terms (signals, and the
    bulk loads): the cached generations counts are keyed by it, so no process serves counts
    older than the last change, whatever cache it has."""

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.value)


class EventQuerySet(models.QuerySet):
    def visible_to(self, user, *, perm: str | None = None):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        paths = user.paths_for(perm) if perm else user.scope_paths()
        if paths is None:
            return self
        if not paths:
            return self.none()
        return self.filter(_under("unit__path", paths))


class Event(models.Model):
    """A meeting of the generations of cadres (gặp mặt các thế hệ) held by a unit."""

    name = models.CharField(_("name"), max_length=255)
    unit = models.ForeignKey(
        Unit, verbose_name=_("organised by"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"))
    time = models.TimeField(_("time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=255)
    description = models.TextField(_("purpose"), blank=True)
    terms = models.ManyToManyField(
        Term, verbose_name=_("generations invited"), blank=True, related_name="events"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()
    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("generations event")
        verbose_name_plural = _("generations events")

    def __str__(self) -> str:
        return self.name


class ProgrammeItem(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="programme")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    time = models.TimeField(_("time"), null=True, blank=True)
    title = models.CharField(_("item"), max_length=255)
    presenter = models.CharField(_("presented by"), max_length=255, blank=True)

    class Meta:
        ordering = ["order", "time", "id"]
        verbose_name = _("programme item")
        verbose_name_plural = _("programme")

    def __str__(self) -> str:
        return self.title


class Attendance(models.TextChoices):
    INVITED = "invited", _("Invited")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    ATTENDED = "attended", _("Attended")
    ABSENT = "absent", _("Absent")


class Invitee(models.Model):
    """A cadre invited to an event, with the post that earns the invitation."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitees")
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="invitations"
    )
    # The post shown on the invitee list: the highest dân vận post, as when invited.
    title = models.CharField(_("as"), max_length=255, blank=True)
    attendance = models.CharField(
        _("attendance"), max_length=12, choices=Attendance.choices, default=Attendance.INVITED
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    invited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("invitee")
        verbose_name_plural = _("invitees")
        constraints = [
            models.UniqueConstraint(fields=["event", "cadre"], name="invitee_once_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.cadre_id} @ {self.event_id}"
