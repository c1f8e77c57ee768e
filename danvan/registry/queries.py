"""Reads of the registry for screens, always within the reader's scope."""

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from danvan.lib import textsim
from danvan.lib.vntext import terms
from danvan.registry.models import PracticeModel, Replication

# Names compared in other words: at most this many sharing a word, the best few embedded.
SIMILAR_POOL = 300
SIMILAR_EMBEDDED = 8


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
    """Models in the user's scope whose names share the words typed so far, then those
    saying the same in other words (lib.textsim: folded TF-IDF, and the embeddings of the
    best few), among the models sharing one longer word with the name."""
    words = [w for w in terms(name) if len(w) > 1]
    if len(words) < 2:
        return []
    visible = PracticeModel.objects.visible_to(user)
    qs = visible
    for word in words[:6]:
        qs = qs.filter(search_text__contains=" " + word)
    fields = ("id", "name", "year", "unit__name")
    found = list(qs.select_related("unit").only(*fields)[:limit])
    longer = [w for w in words if len(w) >= 3][:8]
    if len(found) >= limit or not longer:
        return found
    shares_a_word = Q()
    for word in longer:
        shares_a_word |= Q(search_text__contains=" " + word + " ")
    pool = list(
        visible.filter(shares_a_word)
        .exclude(pk__in=[m.pk for m in found])
        .order_by("-year", "-id")
        .values_list("id", "name")[:SIMILAR_POOL]
    )
    matches = textsim.rank(name, pool, limit=limit - len(found), embed_top=SIMILAR_EMBEDDED)
    if matches:
        more = visible.select_related("unit").only(*fields).in_bulk([m.id for m in matches])
        found += [more[m.id] for m in matches if m.id in more]
    return found


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
