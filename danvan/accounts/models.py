"""Users and the roles they hold on units of the tree."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from danvan.organisations.models import Unit

# Permission name → the roles that hold it on a unit's subtree (None: any role). Each app's
# rules.py fills it through `accounts.rules.add_scoped_perm`, the only place roles are named.
SCOPED_PERMISSIONS: dict[str, tuple[str, ...] | None] = {}


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    def scope_paths(self, roles: list[str] | tuple[str, ...] | None = None) -> list[str] | None:
        """Return the tree paths this user's roles reach; None means the whole tree.

        The assignments are read once per user object (one query per request).
        """
        if not self.is_active:
            return []
        if self.is_superuser:
            return None
        cache = getattr(self, "_scope_cache", None)
        if cache is None:
            cache = list(
                RoleAssignment.objects.active().filter(user=self).values_list("role", "unit__path")
            )
            self._scope_cache = cache
        paths = sorted({path for role, path in cache if roles is None or role in roles})
        # Drop paths already covered by a shorter one, so filters stay small.
        kept: list[str] = []
        for path in paths:
            if not any(path.startswith(k) for k in kept):
                kept.append(path)
        return kept

    def reaches(self, unit, roles: list[str] | tuple[str, ...] | None = None) -> bool:
        """Whether one of this user's roles (of the given kinds) covers the unit."""
        if unit is None:
            return False
        paths = self.scope_paths(roles)
        return paths is None or any(unit.path.startswith(p) for p in paths)

    def paths_for(self, perm: str) -> list[str] | None:
        """Return the tree paths where this user holds the named permission (None: all)."""
        return self.scope_paths(SCOPED_PERMISSIONS[perm])

    def forget_scope(self) -> None:
        self.__dict__.pop("_scope_cache", None)


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    BOARD_OFFICER = "board_officer", _("Board officer")
    CLERK = "clerk", _("Unit clerk")
    JUDGE = "judge", _("Judge")
    VIEWER = "viewer", _("Viewer")


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self, on=None):
        on = on or timezone.localdate()
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=on),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=on),
        )


class RoleAssignment(models.Model):
    """A role held by a user on a unit; it reaches the unit's whole subtree."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="role_assignments"
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    history = HistoricalRecords()
    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="role_assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.unit}"
