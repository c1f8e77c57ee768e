"""Which unit and which field an imported row names.

Units are resolved by `organisations.resolve` (shared by every register's import); its
names are kept here for the registry's import.

Fields are matched by their words in any order, their old names and local variants (the
field's `synonyms`); an unknown one comes back with the closest fields.
"""

import difflib

from danvan.lib.vntext import words
from danvan.organisations.resolve import (  # noqa: F401  (the registry's import names them)
    MAX_LISTED,
    PREFIXES,
    Known,
    UnitIndex,
    UnitNotResolved,
    marked,
    split_prefix,
)
from danvan.registry.models import Field

# Words a field's name may carry or lose without changing which field it is.
FIELD_FILLERS = frozenset({"va", "linh", "vuc"})


def field_key(text: str) -> str:
    """A field's name as matched: its folded words, in order, without fillers."""
    return " ".join(sorted(set(words(text).split()) - FIELD_FILLERS))


class FieldIndex:
    """The fields in use, by code, name and synonyms, matched by their words."""

    def __init__(self, fields: list[Field]):
        self._found: dict[str, Field | None] = {}
        self.by_key: dict[str, Field] = {}
        self.names: dict[str, Field] = {}  # folded name or synonym → field, for suggestions
        for field in fields:
            self.by_key[field.code] = field
            for name in [field.name, *field.synonyms.splitlines()]:
                if name.strip():
                    self.by_key.setdefault(field_key(name), field)
                    self.names.setdefault(words(name), field)

    def get(self, text: str) -> Field | None:
        if text not in self._found:
            self._found[text] = self.by_key.get(text.strip()) or self.by_key.get(field_key(text))
        return self._found[text]

    def closest(self, text: str, n: int = 3) -> list[Field]:
        """The fields whose names or synonyms come nearest to the text, nearest first."""
        matches = difflib.get_close_matches(words(text), list(self.names), n=10, cutoff=0.5)
        found = list(dict.fromkeys(self.names[m] for m in matches))
        return found[:n]
