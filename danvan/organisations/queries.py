"""Reads of the tree for screens, always within the reader's scope."""

import math

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from danvan.organisations.models import SEGMENT_WIDTH, Unit, UnitKind


def get_unit_for_user(user, pk, *, manage: bool = False) -> Unit:
    """Return the unit if the user's scope reaches it, else 404 (missing or not theirs)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    return get_object_or_404(
        Unit.objects.visible_to(
            user, perm="organisations.manage" if manage else None
        ).select_related("parent", "legacy_district"),
        pk=pk,
    )


def territory_of(unit: Unit) -> Unit:
    """The commune or province a unit belongs to (itself when it is one)."""
    territorial = {UnitKind.PROVINCE, UnitKind.COMMUNE}
    if unit.kind in territorial:
        return unit
    found = Unit.objects.ancestors_of(unit).filter(kind__in=territorial).order_by("-depth").first()
    return found or unit


def scope_roots(user) -> list[Unit]:
    """The top units of the user's scope (the city for a city officer)."""
    paths = user.scope_paths()
    qs = Unit.objects.all() if paths is None else Unit.objects.filter(path__in=paths)
    if paths is None:
        qs = qs.filter(parent__isnull=True)
    return list(qs.order_by("path"))


def children_for_tree(parent: Unit, *, include_closed: bool = False) -> list[Unit]:
    """Children of a unit with `descendant_count` and `child_count` set: two queries in all."""
    qs = Unit.objects.filter(parent=parent)
    if not include_closed:
        qs = qs.current()
    children = list(qs.order_by("branch", "kind", "search_text"))
    if not children:
        return children
    width = len(parent.path) + SEGMENT_WIDTH + 1
    below = Unit.objects.filter(path__startswith=parent.path, depth__gt=parent.depth + 1)
    if not include_closed:
        below = below.current()
    counts = {
        prefix: (n, direct)
        for prefix, n, direct in below.annotate(prefix=Substr("path", 1, width))
        .values("prefix")
        .annotate(n=Count("id"), direct=Count("id", filter=Q(depth=parent.depth + 2)))
        .values_list("prefix", "n", "direct")
    }
    for child in children:
        child.descendant_count, child.child_count = counts.get(child.path, (0, 0))
    return children


def breadcrumb(unit: Unit, user) -> list[Unit]:
    """Ancestors of a unit that the user may open, root first (one query)."""
    ancestors = Unit.objects.ancestors_of(unit).visible_to(user)
    return list(ancestors.only("id", "name", "path", "depth"))


def count_closed_matches(user, query: str) -> int:
    """How many units the user may see match the query but have closed: the search of
    current units says so rather than finding nothing."""
    today = timezone.localdate()
    return Unit.objects.visible_to(user).search(query).filter(valid_to__lt=today).count()


def search_units(user, query: str, *, include_closed: bool = False, limit: int = 50):
    qs = Unit.objects.visible_to(user).search(query).select_related("parent")
    if not include_closed:
        qs = qs.current()
    return list(qs.order_by("depth", "search_text")[:limit])


# Places: where a citizen is, and the 2025 reform's old names -------------------------------

# A point farther than this (in degrees) from every commune's centre lies outside them all.
NEAREST_MAX_DISTANCE = 0.5


def nearest_commune(
    latitude: float,
    longitude: float,
    *,
    within: Unit | None = None,
    max_distance: float = NEAREST_MAX_DISTANCE,
) -> Unit | None:
    """The current commune (under `within`, if given) whose centre is nearest the point, if
    one lies within max_distance degrees; two queries."""
    communes = Unit.objects.filter(kind=UnitKind.COMMUNE).current()
    if within is not None:
        communes = communes.filter(path__startswith=within.path)
    rows = communes.filter(
        latitude__range=(latitude - max_distance, latitude + max_distance),
        longitude__range=(longitude - max_distance, longitude + max_distance),
    ).values_list("pk", "latitude", "longitude")
    shrink = math.cos(math.radians(latitude))  # a degree of longitude is shorter off the equator

    def distance(row):
        return (row[1] - latitude) ** 2 + ((row[2] - longitude) * shrink) ** 2

    best = min(rows, key=distance, default=None)
    if best is None or distance(best) > max_distance**2:
        return None
    return Unit.objects.get(pk=best[0])


def communes_by_name(
    province: Unit, query: str, *, limit: int = 30
) -> list[tuple[Unit, Unit | None]]:
    """The province's current communes a name leads to, with the old unit it went through.

    The name may be a current commune's, or that of a district or commune closed by the
    2025 reform: an old commune leads to the communes that replaced it (its successors), an
    old district to the communes that replaced its communes. Marks and case do not matter
    ("ba dinh" finds "Ba Đình"). Current matches come first; at most four queries.
    """
    today = timezone.localdate()
    matches = list(
        Unit.objects.filter(
            path__startswith=province.path,
            kind__in=[UnitKind.COMMUNE, UnitKind.LEGACY_DISTRICT],
        )
        .search(query)
        .only("id", "name", "kind", "path", "parent_id", "valid_from", "valid_to")
        .order_by("search_text", "pk")[: limit * 2]
    )
    found: list[tuple[Unit, Unit | None]] = [
        (u, None) for u in matches if u.kind == UnitKind.COMMUNE and u.is_current(today)
    ]
    old = {u.pk: u for u in matches if not u.is_current(today)}
    if old:
        links = Unit.predecessors.through.objects.filter(
            Q(to_unit__in=list(old)) | Q(to_unit__parent__in=list(old))
        ).values_list("from_unit_id", "to_unit_id", "to_unit__parent_id")
        via: dict[int, Unit] = {}
        for new_id, old_id, old_parent_id in links:
            through = old.get(old_id) or old.get(old_parent_id)
            if through is not None:
                via.setdefault(new_id, through)
        seen = {u.pk for u, _via in found}
        successors = (
            Unit.objects.filter(pk__in=[pk for pk in via if pk not in seen], kind=UnitKind.COMMUNE)
            .current(today)
            .only("id", "name", "kind", "path", "valid_from", "valid_to")
            .order_by("search_text", "pk")
        )
        found.extend((u, via[u.pk]) for u in successors)
    return found[:limit]
