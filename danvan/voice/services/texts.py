"""The text signature and embedding of a case, computed in the background after intake
(lib.textsim): the intake never waits for them, and works when they cannot be computed."""

from danvan.core.jobs import defer, register_quiet
from danvan.lib import textsim
from danvan.voice.models import Case


def embed_later(case: Case) -> None:
    """Compute the case's embedding in the worker once the intake commits."""
    defer("voice.embed_cases", {"ids": [case.pk]})


@register_quiet("voice.embed_cases")
def _embed_job(params: dict) -> None:
    embed_cases(Case.objects.filter(pk__in=params.get("ids", [])))


def embed_cases(queryset, *, batch: int = 64, progress=None) -> int:
    """Store the text signature and embedding of the cases of a queryset; return how many got
    an embedding (none when the engine is unavailable: the signatures are still stored)."""
    done = 0
    pks = list(queryset.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), batch):
        cases = list(
            Case.objects.filter(pk__in=pks[start : start + batch]).only(
                "id", "title", "description"
            )
        )
        vectors = textsim.embed_passages([c.similarity_text for c in cases])
        for i, case in enumerate(cases):
            case.text_signature = textsim.signature(f"{case.title} {case.description}")
            case.embedding = textsim.pack(vectors[i]) if vectors is not None else None
        # Two plain columns: the case's history, clocks and roll-ups do not change.
        Case.objects.bulk_update(cases, ["text_signature", "embedding"])
        done += len(cases) if vectors is not None else 0
        if progress is not None:
            progress(start + len(cases), len(pks))
    return done
