"""Cases that say the same thing: suggestions while a citizen types and likely duplicates on
a clerk's case page (the embeddings are stored by voice.services.texts).

The candidates are the open cases of one commune (the (commune, status, id) index); their
TF-IDF index and embedding matrix are built once per process and commune and kept while a
cheap token of the commune's open cases (count, sum and greatest id, read from the index)
stays the same, for at most CACHE_SECONDS (an embedding computed since then joins at the
next build).
"""

import collections
import dataclasses
import datetime
import threading
import time

from django.db.models import Count, Max, Sum

from danvan.lib import textsim
from danvan.voice.models import OPEN_STATES, Case, Kind, Status

CACHE_SECONDS = 60
CACHE_COMMUNES = 64
# What a citizen may see of other people's cases: public-interest kinds only. Complaints
# and denunciations concern a person (Luật Tố cáo protects a denouncer).
PUBLIC_KINDS = (Kind.FEEDBACK, Kind.RECOMMENDATION)
# A citizen's text is compared once it says something.
MIN_WORDS = 3


@dataclasses.dataclass
class Candidate:
    id: int
    code: str
    title: str
    status: str
    kind: str
    received_at: datetime.datetime
    score: float = 0.0

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)


@dataclasses.dataclass
class _Entry:
    token: tuple
    built: float
    index: textsim.TextIndex
    rows: dict[int, Candidate]


_cache: collections.OrderedDict[int, _Entry] = collections.OrderedDict()
_lock = threading.Lock()


def _open_of(commune_id: int):
    return Case.objects.filter(commune_id=commune_id, status__in=OPEN_STATES)


def _token(commune_id: int) -> tuple:
    found = _open_of(commune_id).aggregate(n=Count("id"), s=Sum("id"), m=Max("id"))
    return (found["n"], found["s"], found["m"])


def _build(commune_id: int, token: tuple) -> _Entry:
    rows = list(
        _open_of(commune_id)
        .order_by("id")
        .values_list(
            "id", "code", "title", "status", "kind", "received_at", "text_signature", "embedding"
        )
    )
    vectors, mask = textsim.unpack_many(row[7] for row in rows)
    index = textsim.TextIndex([row[0] for row in rows], [row[6] for row in rows], vectors, mask)
    candidates = {row[0]: Candidate(*row[:6]) for row in rows}
    return _Entry(token=token, built=time.monotonic(), index=index, rows=candidates)


def commune_index(commune_id: int) -> _Entry:
    """The ranked-ready open cases of a commune, from the process cache while still valid."""
    token = _token(commune_id)
    with _lock:
        entry = _cache.get(commune_id)
        if entry and entry.token == token and time.monotonic() - entry.built < CACHE_SECONDS:
            _cache.move_to_end(commune_id)
            return entry
    entry = _build(commune_id, token)
    with _lock:
        _cache[commune_id] = entry
        _cache.move_to_end(commune_id)
        while len(_cache) > CACHE_COMMUNES:
            _cache.popitem(last=False)
    return entry


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def _ranked(
    commune_id: int, text: str, *, limit: int, exclude=(), kinds=None, stored=None
) -> list[Candidate]:
    """`stored`: the packed passage vector of a case compared with the others, used instead
    of embedding its text again."""
    entry = commune_index(commune_id)
    if not len(entry.index):
        return []
    vector = textsim.unpack(stored)
    passage = vector is not None
    if vector is None and entry.index.mask.any():
        vector = textsim.embed_query(text)
    found = []
    matches = entry.index.rank(text, vector, limit=limit * 3, exclude=exclude, passage=passage)
    for match in matches:
        row = entry.rows[match.id]
        if kinds is not None and row.kind not in kinds:
            continue
        found.append(dataclasses.replace(row, score=match.score))
        if len(found) == limit:
            break
    return found


def similar_open_cases(commune_id: int | None, text: str, *, limit: int = 3) -> list[Candidate]:
    """Open feedback and recommendations of a commune saying what `text` says, best first:
    for the citizen's form (public parts only)."""
    if not commune_id or len(textsim.signature(text).split()) < MIN_WORDS:
        return []
    return _ranked(commune_id, text, limit=limit, kinds=PUBLIC_KINDS)


def likely_duplicates(case: Case, user=None, *, limit: int = 5) -> list[Candidate]:
    """Open cases of the case's commune that look like it (any kind), best first; with a
    user, only those the user may handle (one query more)."""
    found = _ranked(
        case.commune_id,
        case.similarity_text,
        limit=limit,
        exclude=[case.pk],
        stored=case.embedding,
    )
    if user is not None and found:
        allowed = set(
            Case.objects.visible_to(user, perm="voice.handle")
            .filter(pk__in=[c.id for c in found])
            .values_list("pk", flat=True)
        )
        found = [c for c in found if c.id in allowed]
    return found
