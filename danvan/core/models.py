"""Cross-cutting tables: the audit trail, working-day calendar overrides, background jobs,
the headings and column mappings of the imports."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.lib import workdays
from danvan.lib.actions import ACTION_LABELS
from danvan.lib.imports import heading_key
from danvan.lib.scope import under_paths


class DatedQuerySet(models.QuerySet):
    """Rule rows with effective_from / effective_to: the ones in force on a date."""

    def in_force(self, on=None):
        on = on or timezone.localdate()
        return self.filter(
            models.Q(effective_from__lte=on),
            models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=on),
        )


class AuditEntryQuerySet(models.QuerySet):
    def within_paths(self, paths: list[str] | None, *, include_global: bool = False):
        """Entries about units under the given tree paths (None means everything).

        Entries tied to no unit (logins, lockouts) are included when include_global is set.
        """
        extra = models.Q(scope_path="") if include_global else None
        return under_paths(self, "scope_path", paths, extra=extra)

    def for_list(self):
        return self.select_related("actor", "content_type")


class AuditEntry(models.Model):
    """One action done by someone (or the system) on one object."""

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    # Tree path of the unit the action concerns: scopes who may read the entry.
    scope_path = models.CharField(max_length=255, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def changes(self) -> list[tuple[str, object, object]]:
        """Return (field label, before, after) for each field whose value differs."""
        before = self.before or {}
        after = self.after or {}
        keys = sorted(set(before) | set(after))
        model = self.content_type.model_class() if self.content_type is not None else None
        result = []
        for key in keys:
            if before.get(key) == after.get(key):
                continue
            label = key
            if model is not None:
                try:
                    label = str(getattr(model._meta.get_field(key), "verbose_name", key))
                except FieldDoesNotExist:
                    pass
            result.append((label, before.get(key), after.get(key)))
        return result

    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))


class WorkdayOverride(models.Model):
    """A date that departs from the holiday calendar: an extra day off or a make-up workday."""

    class Kind(models.TextChoices):
        DAY_OFF = workdays.DAY_OFF, _("Day off")
        WORKING_DAY = workdays.WORKING_DAY, _("Working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}"


def job_output_path(instance, filename: str) -> str:
    return f"jobs/{instance.token}/{filename}"


class Job(models.Model):
    """A long import or export run by the worker, with progress shown to its owner."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    token = models.CharField(max_length=32, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=64)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default="queued")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField(_("message"), blank=True)
    params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    input_file = models.FileField(upload_to=job_output_path, blank=True, max_length=255)
    output_file = models.FileField(upload_to=job_output_path, blank=True, max_length=255)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="jobs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self) -> str:
        return f"{self.kind} {self.token[:8]} {self.status}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ColumnSynonym(models.Model):
    """A heading an office uses for a register's column ("Cơ quan, đơn vị" is the unit).

    ``register`` and ``column`` are the codes a register's import declares (the registry's
    "registry", its "unit" column); the column "ignore" marks a heading read and left out.
    """

    register = models.CharField(_("register"), max_length=40)
    column = models.CharField(_("column"), max_length=40)
    heading = models.CharField(_("heading"), max_length=200)
    # The heading's matching words (lib.imports.heading_key), so a spelling is kept once.
    key = models.CharField(max_length=200, editable=False)

    class Meta:
        ordering = ["register", "column", "heading"]
        verbose_name = _("column heading")
        verbose_name_plural = _("column headings")
        constraints = [
            models.UniqueConstraint(fields=["register", "key"], name="column_synonym_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.heading} → {self.column}"

    def save(self, *args, **kwargs):
        self.key = " ".join(heading_key(self.heading))
        super().save(*args, **kwargs)


class ColumnMapping(models.Model):
    """A user's choice of which column of a sheet is which, kept for the next sheet with the
    same headings (``signature``: lib.imports.signature of the header)."""

    register = models.CharField(_("register"), max_length=40)
    signature = models.CharField(max_length=64)
    headings = models.JSONField(_("headings"), default=list)
    mapping = models.JSONField(_("mapping"), default=dict)  # {"0": "name", "3": "ignore"}
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chosen by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["register", "signature"], name="column_mapping_unique_signature"
            )
        ]

    def __str__(self) -> str:
        return f"{self.register} {self.signature[:8]}"


class TextModel(models.Model):
    """A trained text model (lib.textsim.TopicClassifier) stored as plain-array bytes, no
    pickle: the topic suggestions of an app read the newest one of their name."""

    name = models.CharField(_("name"), max_length=80, db_index=True)
    trained_at = models.DateTimeField(_("trained at"), default=timezone.now)
    n_samples = models.PositiveIntegerField(_("samples"), default=0)
    accuracy = models.FloatField(_("held-out accuracy"), null=True, blank=True)
    blob = models.BinaryField()

    class Meta:
        ordering = ["name", "-trained_at", "-id"]
        verbose_name = _("text model")
        verbose_name_plural = _("text models")

    def __str__(self) -> str:
        return f"{self.name} {self.trained_at:%Y-%m-%d %H:%M}"
