"""Offline language processing of opinion items (lib.textsim): the topic suggested for each
item by a classifier trained on the items the clerks labelled, and the themes that group
similar items across units and months.

Nothing here ever blocks a write: a report is saved first, its items are classified in the
worker once it commits (`classify_later`); with no model yet or an error, they stay
unclassified until the next run or the `classify_opinion` command.
"""

import datetime
import logging

from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core.jobs import JobContext, JobFailed, defer, register, register_quiet
from danvan.core.models import TextModel
from danvan.core.services import load_text_model, save_text_model
from danvan.lib import textsim
from danvan.lib.textsim import TopicClassifier
from danvan.lib.workdays import add_months, month_start
from danvan.opinion import services
from danvan.opinion.models import OpinionItem, Theme, Topic

logger = logging.getLogger(__name__)

MODEL_NAME = "opinion-topics"
# Items the classifier learns from, newest first: a linear model gains little beyond this
# and training stays within seconds.
TRAINING_ITEMS = 20000
# Items grouped into themes at most, newest first: the grouping is quadratic.
THEME_ITEMS_MAX = 4000


# --- Topic suggestion ----------------------------------------------------------------------


def train_topics(*, actor=None, seed: int = 0, limit: int | None = TRAINING_ITEMS) -> TextModel:
    """Train the classifier on the newest `limit` labelled items (None: all) and store it
    with its held-out accuracy. Raises ValueError when there are too few labelled items."""
    model = TopicClassifier.train(services.labelled_items(limit=limit), seed=seed)
    return save_text_model(actor=actor, name=MODEL_NAME, model=model)


def current_model() -> TextModel | None:
    """The newest stored classifier's row (accuracy, samples, date), without its weights."""
    return TextModel.objects.filter(name=MODEL_NAME).defer("blob").first()


def classify_pending(*, batch: int = 2000, model: TopicClassifier | None = None) -> int:
    """Suggest a topic for every item that has none yet; return how many got one (0 when no
    model is trained)."""
    model = model or load_text_model(MODEL_NAME)
    if model is None:
        return 0
    known = set(Topic.objects.values_list("code", flat=True))
    done, after = 0, 0
    while True:
        rows = services.unclassified_items(limit=batch, after_id=after)
        if not rows:
            return done
        best = model.probabilities([content for _pk, content in rows]).argmax(axis=1)
        suggestions = {
            pk: model.classes[i]
            for (pk, _content), i in zip(rows, best, strict=True)
            if model.classes[i] in known
        }
        done += services.set_suggested_topics(suggestions=suggestions)
        after = rows[-1][0]


@register_quiet("opinion.classify_items")
def _classify_quietly(params: dict) -> None:
    classify_pending()


def classify_later() -> None:
    """Classify the new items in the worker once the current transaction commits."""
    defer("opinion.classify_items")


@register("opinion.train_topics")
def _train_job(ctx: JobContext) -> dict:
    ctx.progress(0, 2)
    try:
        row = train_topics(actor=ctx.job.owner)
    except ValueError as exc:
        raise JobFailed(_("Too few labelled items to train the classifier.")) from exc
    ctx.progress(1, 2)
    classified = classify_pending()
    ctx.progress(2, 2)
    return {
        "message": _("Classifier trained: accuracy %(accuracy)s on %(samples)s items.")
        % {"accuracy": row.accuracy, "samples": row.n_samples},
        "classified": classified,
    }


# --- Themes --------------------------------------------------------------------------------


def compute_themes(
    *,
    months: int = 3,
    today: datetime.date | None = None,
    embeddings: bool = True,
    threshold: float = 0.6,
    limit: int = THEME_ITEMS_MAX,
) -> list[Theme]:
    """Group the items of the last `months` months (this one included) into themes and store
    them, replacing the themes computed before. Embeddings are used where the engine is
    available and `embeddings`; otherwise folded TF-IDF alone."""
    today = today or timezone.localdate()
    start = add_months(month_start(today), -(months - 1))
    rows = list(
        OpinionItem.objects.filter(month__gte=start)
        .order_by("-month", "-pk")
        .values_list("pk", "content", "month")[:limit]
    )
    texts = [content for _pk, content, _month in rows]
    vectors = textsim.embed_passages(texts) if embeddings and texts else None
    groups = textsim.group_themes(texts, vectors, threshold=threshold)
    found = []
    for group in groups:
        months_of = [rows[i][2] for i in group.members]
        found.append(
            services.ThemeInput(
                label=group.label,
                item_ids=[rows[i][0] for i in group.members],
                first_month=min(months_of),
                last_month=max(months_of),
                central_text=rows[group.central][1],
            )
        )
    return services.replace_themes(themes=found, since=start)


@register("opinion.themes")
def _themes_job(ctx: JobContext) -> dict:
    themes = compute_themes(months=int(ctx.job.params.get("months", 3)))
    return {"message": _("%(n)s themes found.") % {"n": len(themes)}}
