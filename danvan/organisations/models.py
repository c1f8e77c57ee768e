"""The organisation tree from the city to the hamlet, and emulation clusters.

Each unit stores a materialized path (its ancestors' segments and its own), so a subtree is
one indexed prefix query. Units are never deleted when reorganised: they get a `valid_to`
date and their successors list them as predecessors.
"""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from danvan.lib import scope
from danvan.lib.vntext import filter_search, search_key

SEGMENT_WIDTH = 8
REFORM_DATE = datetime.date(2025, 7, 1)  # two-tier local government takes effect


def segment(pk: int) -> str:
    """Return the path segment of a unit: its id, zero-padded, with a separator."""
    return f"{pk:0{SEGMENT_WIDTH}d}/"


class Branch(models.TextChoices):
    TERRITORY = "territory", _("Territory")
    PARTY = "party", _("Party")
    STATE = "state", _("State")
    FRONT = "front", _("Front and mass organisations")


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Province / city")
    LEGACY_DISTRICT = "district", _("District (before 1 July 2025)")
    COMMUNE = "commune", _("Commune / ward")
    PARTY_COMMITTEE = "party_committee", _("Party committee")
    PEOPLES_COMMITTEE = "peoples_committee", _("People's committee")
    FRONT_COMMITTEE = "front_committee", _("Fatherland Front committee")
    MASS_ORGANISATION = "mass_organisation", _("Mass organisation")
    AGENCY = "agency", _("Agency / board")
    SCHOOL = "school", _("School")
    HAMLET = "hamlet", _("Hamlet / residential group")
    PARTY_CELL = "party_cell", _("Party cell")


BRANCH_OF_KIND: dict[str, str] = {
    UnitKind.PARTY_COMMITTEE: Branch.PARTY,
    UnitKind.PARTY_CELL: Branch.PARTY,
    UnitKind.PEOPLES_COMMITTEE: Branch.STATE,
    UnitKind.SCHOOL: Branch.STATE,
    UnitKind.FRONT_COMMITTEE: Branch.FRONT,
    UnitKind.MASS_ORGANISATION: Branch.FRONT,
}


class UnitQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        """Units valid on a date (today by default)."""
        on = on or timezone.localdate()
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=on),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=on),
        )

    def under_paths(self, paths: list[str] | None):
        """Units in the subtrees rooted at the given paths (None means every unit)."""
        return scope.under_paths(self, "path", paths)

    def visible_to(
        self, user, roles: list[str] | tuple[str, ...] | None = None, *, perm: str | None = None
    ):
        """Units that the user's roles (of the given kinds) reach, or where the user holds the
        named permission `perm` (e.g. "organisations.manage")."""
        return scope.visible_to(self, "path", user, roles, perm=perm)

    def descendants_of(self, unit: "Unit", *, include_self: bool = False):
        qs = self.filter(path__startswith=unit.path)
        return qs if include_self else qs.exclude(pk=unit.pk)

    def ancestors_of(self, unit: "Unit", *, include_self: bool = False):
        paths = unit.ancestor_paths()
        if include_self:
            paths.append(unit.path)
        return self.filter(path__in=paths).order_by("depth")

    def search(self, query: str):
        """Units whose name or code holds the query's words (marks and case ignored)."""
        return filter_search(self, query)

    def for_list(self):
        return self.select_related("parent")


class Unit(models.Model):
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=UnitKind.choices)
    branch = models.CharField(
        _("branch"), max_length=16, choices=Branch.choices, default=Branch.TERRITORY
    )
    code = models.CharField(
        _("official code"),
        max_length=32,
        blank=True,
        db_index=True,
        help_text=_("Code in the national list of administrative units, where one exists."),
    )
    # Stable natural key so that loading the same source twice changes nothing.
    key = models.CharField(_("key"), max_length=120, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    legacy_district = models.ForeignKey(
        "self",
        verbose_name=_("district before 1 July 2025"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"kind": UnitKind.LEGACY_DISTRICT},
    )
    predecessors = models.ManyToManyField(
        "self",
        verbose_name=_("replaces"),
        symmetrical=False,
        blank=True,
        related_name="successors",
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    search_text = models.TextField(editable=False, blank=True)

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = UnitQuerySet.as_manager()
    # Not stored: set on the rows that queries.children_for_tree returns.
    descendant_count: int
    child_count: int

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [models.Index(fields=["parent", "name"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="unit_validity_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def ancestor_paths(self) -> list[str]:
        """Return the paths of every ancestor, root first."""
        step = SEGMENT_WIDTH + 1
        return [self.path[:i] for i in range(step, len(self.path), step)]

    def ancestor_ids(self) -> list[int]:
        step = SEGMENT_WIDTH + 1
        return [
            int(self.path[i : i + SEGMENT_WIDTH]) for i in range(0, len(self.path) - step, step)
        ]

    def is_descendant_of(self, other: "Unit", *, include_self: bool = True) -> bool:
        if self.pk == other.pk:
            return include_self
        return self.path.startswith(other.path)

    def is_current(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or self.valid_to >= on
        )

    def refresh_search_text(self) -> None:
        self.search_text = search_key(
            " ".join(filter(None, [self.name, self.short_name, self.code]))
        )


class Cluster(models.Model):
    """An emulation cluster (cụm thi đua): a named group of units for one year."""

    name = models.CharField(_("name"), max_length=255)
    year = models.PositiveSmallIntegerField(_("year"))
    owner = models.ForeignKey(
        Unit,
        verbose_name=_("organising unit"),
        on_delete=models.PROTECT,
        related_name="owned_clusters",
    )
    units = models.ManyToManyField(
        Unit, verbose_name=_("member units"), related_name="clusters", blank=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        constraints = [
            models.UniqueConstraint(fields=["owner", "year", "name"], name="cluster_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"
