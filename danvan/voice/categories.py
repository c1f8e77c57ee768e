"""The category suggested for a citizen's case from its words (lib.textsim.TopicClassifier,
stored as the TextModel "voice-categories"): a hint while the citizen types on the portal and
on the clerk's case page; the citizen and the clerk still choose."""

import logging
import threading

from danvan.core.models import TextModel
from danvan.core.services import load_text_model, save_text_model
from danvan.lib.textsim import TopicClassifier
from danvan.voice.models import Case, Category

logger = logging.getLogger(__name__)

MODEL_NAME = "voice-categories"
# Training reads the newest cases only: enough for a linear model, quick at a million.
TRAINING_CASES = 40000
# A suggestion below this confidence is not shown.
MIN_CONFIDENCE = 0.35

_lock = threading.Lock()
_loaded: dict[str, tuple[int, TopicClassifier]] = {}


def training_samples(limit: int = TRAINING_CASES):
    """(title and description, category code) of the newest cases."""
    rows = (
        Case.objects.order_by("-pk")
        .values_list("title", "description", "category__code")[:limit]
        .iterator(chunk_size=5000)
    )
    for title, description, code in rows:
        yield f"{title}. {description}", code


def train_categories(*, actor=None, limit: int = TRAINING_CASES, seed: int = 0) -> TextModel:
    """Train the classifier on the newest cases and store it with its held-out accuracy.
    Raises ValueError when there are too few cases."""
    model = TopicClassifier.train(training_samples(limit), seed=seed)
    return save_text_model(actor=actor, name=MODEL_NAME, model=model)


def _model() -> TopicClassifier | None:
    """The newest stored classifier, read from the database once per version."""
    newest = TextModel.objects.filter(name=MODEL_NAME).values_list("pk", flat=True).first()
    if newest is None:
        return None
    with _lock:
        cached = _loaded.get(MODEL_NAME)
        if cached is None or cached[0] != newest:
            model = load_text_model(MODEL_NAME)
            if model is None:
                return None
            _loaded[MODEL_NAME] = cached = (newest, model)
    return cached[1]


def suggest_category(text: str) -> Category | None:
    """The category the classifier finds most likely for a text, if confident enough;
    None without a model, or on any error (a hint never breaks a page)."""
    if not (text or "").strip():
        return None
    try:
        model = _model()
        if model is None:
            return None
        code, confidence = model.predict(text)[0]
    except Exception:
        logger.exception("Category suggestion failed")
        return None
    if confidence < MIN_CONFIDENCE:
        return None
    return Category.objects.filter(code=code, is_active=True).first()
