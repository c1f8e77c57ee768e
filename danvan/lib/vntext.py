"""Vietnamese text folding for search: "Hà Đông", "ha dong" and "HA ĐONG" fold alike."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[^\w\s]+")
# Letters that NFD does not decompose into base + mark.
_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def fold(text: str | None) -> str:
    """Return text without marks, with đ→d, lower-cased and with spaces squeezed."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()


def words(text: str | None) -> str:
    """Return the folded text with punctuation turned into spaces: “Dân-vận” → dan van."""
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", fold(text))).strip()


def terms(query: str | None) -> list[str]:
    """Return the folded words of a search query."""
    return [t for t in words(query).split(" ") if t]


def search_key(text: str | None) -> str:
    """Return the text as stored for search: folded words between single spaces.

    The spaces around every word let a query match at the start of any word (" ha dong").
    """
    return " " + words(text) + " "


def filter_search(queryset, query: str | None, field: str = "search_text"):
    """Rows whose words start with the query's words, as a phrase when the phrase occurs.

    "ha dong" finds "Hà Đông" but not "nhân dân phường Đông Ngạc"; when no row holds
    the phrase, rows holding every word (in any order) are returned instead.
    """
    query_terms = terms(query)
    if not query_terms:
        return queryset
    phrase = queryset.filter(**{f"{field}__contains": " " + " ".join(query_terms)})
    if len(query_terms) == 1 or phrase.exists():
        return phrase
    for term in query_terms:
        queryset = queryset.filter(**{f"{field}__contains": " " + term})
    return queryset
