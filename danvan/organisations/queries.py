"""Reads of the tree for screens, always within the reader's scope."""

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
