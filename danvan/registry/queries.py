"""Reads of the registry for screens, always within the reader's scope."""

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from danvan.lib.vntext import terms
from danvan.registry.models import PracticeModel, Replication


def get_model_for_user(user, pk, *, edit: bool = False) -> PracticeModel:
    """Return the model if the user's scope reaches its unit, else 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    qs = PracticeModel.objects.visible_to(user, perm="registry.change" if edit else None)
    return get_object_or_404(qs.select_related("unit", "field", "recognised_level"), pk=pk)


def filtered_models(user, params: dict, *, base=None):
    """The list behind the registry's filters (field, kind, status, level, year, unit, q)."""
    qs = base if base is not None else PracticeModel.objects.visible_to(user)
    if params.get("unit"):
        qs = qs.in_subtree(params["unit"])
    if params.get("field"):
        qs = qs.filter(field=params["field"])
    if params.get("kind"):
        qs = qs.filter(kind=params["kind"])
    if params.get("status"):
        qs = qs.filter(status=params["status"])
    if params.get("level"):
        qs = qs.filter(recognised_level=params["level"])
    if params.get("year"):
        qs = qs.filter(year=params["year"])
    if params.get("tag"):
        qs = qs.filter(tags=params["tag"])
    if params.get("q"):
        qs = qs.search(params["q"])
    return qs


def similar_models(user, name: str, *, limit: int = 5):
    """Models in the user's scope whose names share the words typed so far."""
    words = [w for w in terms(name) if len(w) > 1]
    if len(words) < 2:
        return []
    qs = PracticeModel.objects.visible_to(user)
    for word in words[:6]:
        qs = qs.filter(search_text__contains=" " + word)
    return list(qs.select_related("unit").only("id", "name", "year", "unit__name")[:limit])


def status_counts(qs) -> list[dict]:
    """Counts by status × field × year for a queryset (one query)."""
    return list(
        qs.order_by()
        .values("year", "field__name", "status")
        .annotate(n=Count("id"))
        .order_by("-year", "field__name", "status")
    )


def totals(qs) -> dict:
    """Registered and recognised totals for a queryset (one query)."""
    return qs.order_by().aggregate(
        registered=Count("id"),
        recognised=Count("id", filter=Q(recognised_level__isnull=False)),
    )


def replication_graph(model: PracticeModel) -> list[dict]:
    """The adoption tree of a model: each node with its unit and the nodes adopted from it."""
    nodes = list(
        Replication.objects.filter(model=model).select_related("unit").order_by("start_date", "id")
    )
    children: dict[int | None, list[Replication]] = {}
    for node in nodes:
        children.setdefault(node.adopted_from_id, []).append(node)

    def build(parent_id):
        return [
            {"replication": node, "children": build(node.pk)}
            for node in children.get(parent_id, [])
        ]

    return build(None)
