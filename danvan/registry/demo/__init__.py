"""The registry's part of the demo: Hà Nội's “Dân vận khéo” models of 2009–2025 (practices),
and this year's review council with six models under review (review); the texts they are
made of are in words."""

from danvan.registry.demo.practices import (
    HANOI_MODELS,
    HANOI_RECOGNISED,
    LAST_RECOGNITION,
    SEED,
    generate_models,
)
from danvan.registry.demo.review import REVIEW_MODELS, seed_review_demo
from danvan.registry.demo.words import GOALS, METHODS, PRACTICES, PROBLEMS, RESULTS
from danvan.registry.models import PracticeModel

__all__ = [
    "GOALS",
    "HANOI_MODELS",
    "HANOI_RECOGNISED",
    "LAST_RECOGNITION",
    "METHODS",
    "PRACTICES",
    "PROBLEMS",
    "RESULTS",
    "REVIEW_MODELS",
    "SEED",
    "generate_models",
    "load",
    "seed_review_demo",
]


def load(*, progress, year: int, seed: int = SEED, scale: float = 1.0) -> str:
    """Generate the article's totals once (a `scale` of them), six of them under review now."""
    count = round((HANOI_MODELS - len(REVIEW_MODELS)) * scale)
    generated = generate_models(
        count=count, recognised=min(count, round(HANOI_RECOGNISED * scale)), seed=seed
    )
    council = seed_review_demo(year)
    return (
        f"{generated:,} models generated; {PracticeModel.objects.count():,} models, "
        f"{PracticeModel.objects.recognised().count():,} recognised; council “{council.name}”"
    )
