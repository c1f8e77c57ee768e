"""The registry's figures for dashboards, targets and reports: models registered and
recognised (from the roll-up per unit and year) and replications started."""

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from danvan.lib.metrics import Counts, Metric, Source, count, register
from danvan.organisations.models import Unit
from danvan.registry.models import ModelYearStat, Replication


def _by_branch(qs, width: int | None, path_field: str, *fields: str):
    """The rows' values of `fields`, and of their branch (the first `width` characters of
    their unit's path) unless the subtree is read whole."""
    if width is None:
        return qs.values(*fields)
    return qs.annotate(branch=Substr(path_field, 1, width)).values("branch", *fields)


def _read_models(root, width, spans):
    """Models registered and recognised in the years of each period."""
    # Unit ids as a subquery rather than a join on the unit's path: the database then reads
    # the (unit, year) index.
    qs = ModelYearStat.objects.filter(
        unit__in=Unit.objects.filter(path__startswith=root).values("id"),
        year__gte=min(start.year for start, _end in spans),
        year__lte=max(end.year for _start, end in spans),
    ).order_by()
    rows = _by_branch(qs, width, "unit__path", "year").annotate(
        registered=Sum("registered"), recognised=Sum("recognised")
    )
    found: dict = {}
    for row in rows:
        counts = found.setdefault(row.get("branch"), [Counts() for _ in spans])
        for i, (start, end) in enumerate(spans):
            if start.year <= row["year"] <= end.year:
                counts[i].add(
                    {"registered": row["registered"] or 0, "recognised": row["recognised"] or 0}
                )
    return found


def _read_replications(root, width, spans):
    """Replications started in each period."""
    within = Q()
    for start, end in spans:
        within |= Q(start_date__gte=start, start_date__lte=end)
    qs = Replication.objects.filter(within, unit__path__startswith=root).order_by()
    per_span = {
        f"s{i}": Count("id", filter=Q(start_date__gte=start, start_date__lte=end))
        for i, (start, end) in enumerate(spans)
    }
    rows = [qs.aggregate(**per_span)] if width is None else _by_branch(qs, width, "unit__path")
    if width is not None:
        rows = rows.annotate(**per_span)
    return {
        row.get("branch"): [Counts(replications=row[f"s{i}"]) for i in range(len(spans))]
        for row in rows
    }


MODELS = Source("models", _read_models)
REPLICATIONS = Source("replications", _read_replications)

for _metric in [
    Metric(
        "models_registered",
        _("Models registered"),
        "registry",
        "count",
        source=MODELS,
        formula=count("registered"),
    ),
    Metric(
        "models_recognised",
        _("Models recognised"),
        "registry",
        "count",
        source=MODELS,
        formula=count("recognised"),
    ),
    Metric(
        "recognition_rate",
        _("Recognition rate"),
        "registry",
        "percent",
        source=MODELS,
        parts=("recognised", "registered"),
    ),
    Metric(
        "replications",
        _("Replications started"),
        "registry",
        "count",
        source=REPLICATIONS,
        formula=count("replications"),
    ),
]:
    register(_metric)
