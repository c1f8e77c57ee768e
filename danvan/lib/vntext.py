"""Vietnamese text folding for search: "Hà Đông", "ha dong" and "HA ĐONG" fold alike."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Letters that NFD does not decompose into base + mark.
_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def fold(text: str | None) -> str:
    """Return text without marks, with đ→d, lower-cased and with spaces squeezed."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()


def terms(query: str | None) -> list[str]:
    """Return the folded words of a search query."""
    return [t for t in fold(query).split(" ") if t]
