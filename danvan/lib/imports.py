"""The sheet-level import pipeline, pure: find the header, match the columns, read the title.

Offices keep their lists in their own shape: a title block (the office's name, "DANH SÁCH
CÁC MÔ HÌNH … NĂM 2015", merged cells, blank lines) above the header, sometimes a second
header line or a numbering row ("(1) (2) (3)") under it, and headings in their own words.
A register declares an ``ImportSpec`` (its columns and its row parser); ``plan_sheet`` reads
the first rows of a sheet against it and answers which row is the header, which column is
which field, what is missing or ambiguous, and the facts the title block gives (the year,
the district). The tables that remember synonyms and users' mappings live in ``core``.
"""

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from danvan.lib.vntext import fold
from danvan.lib.xlsx import _heading_key

# The field code of a column that is read and deliberately not imported ("STT", "Ghi chú").
IGNORE = "ignore"
# How many non-empty rows the header is looked for in (the title block is shorter).
HEADER_SEARCH_ROWS = 30
# How many data rows are kept to show beside each column in the mapping step.
SAMPLE_VALUES = 3
# A heading holding a synonym's words is taken for it when they are this share of its words.
MIN_SCORE = 0.4

IGNORED_HEADINGS = ["STT", "TT", "Số TT", "Số thứ tự", "Ghi chú"]

HeadingKey = tuple[str, ...]


def heading_key(cell: object) -> HeadingKey:
    """Return the words a heading is matched by: folded, sorted, notes and numbering dropped."""
    return _heading_key(cell)


@dataclass(frozen=True)
class Column:
    """One column a register imports: its code, its label for people, whether it is needed,
    and the headings it is known by before the synonym table adds the office's words."""

    code: str
    label: Any  # a lazy translation
    required: bool = False
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportSpec:
    """What a register declares to use the pipeline: its name, columns and row parser.

    ``parse_row(values, columns, lookups, facts)`` turns one row into the register's dict
    or raises its own error; ``columns`` maps a column code to its index in the row.
    """

    register: str
    columns: tuple[Column, ...]
    parse_row: Callable[..., Any]

    def column(self, code: str) -> Column | None:
        return next((c for c in self.columns if c.code == code), None)

    @property
    def required(self) -> list[str]:
        return [c.code for c in self.columns if c.required]

    def default_synonyms(self) -> dict[str, list[str]]:
        synonyms = {c.code: [str(c.label), *c.synonyms] for c in self.columns}
        synonyms[IGNORE] = list(IGNORED_HEADINGS)
        return synonyms

    def label(self, code: str) -> str:
        column = self.column(code)
        return str(column.label) if column else _("Not imported")


# The specs the registers declare, by register name (for the admin of the synonym table).
SPECS: dict[str, ImportSpec] = {}


def declare(spec: ImportSpec) -> ImportSpec:
    """Make a register's spec known to the synonym table's admin; return it."""
    SPECS[spec.register] = spec
    return spec


# --- Matching headings ----------------------------------------------------------------------


class Synonyms:
    """The headings each field is known by, keyed for matching: exact words, then overlap."""

    def __init__(self, synonyms: Mapping[str, Iterable[str]]):
        self.exact: dict[HeadingKey, str] = {}
        self.words: list[tuple[frozenset[str], str]] = []
        for code, headings in synonyms.items():
            for heading in headings:
                key = heading_key(heading)
                if key:
                    self.exact.setdefault(key, code)
                    self.words.append((frozenset(key), code))

    def match(self, heading: object) -> tuple[str | None, float, bool]:
        """Return (field, score, ambiguous) for one heading: the exact key first, else the
        field of the longest synonym whose words the heading holds all of ("Cơ quan, đơn
        vị" holds "Đơn vị"), scored by the share of the heading's words it covers;
        ambiguous on a tie between two fields."""
        key = heading_key(heading)
        if not key:
            return None, 0.0, False
        if key in self.exact:
            return self.exact[key], 1.0, False
        words = frozenset(key)
        best: dict[str, float] = {}
        for synonym, code in self.words:
            if synonym <= words:
                score = len(synonym) / len(words)
                best[code] = max(best.get(code, 0.0), score)
        ranked = sorted(best.items(), key=lambda item: -item[1])
        if not ranked or ranked[0][1] < MIN_SCORE:
            return None, 0.0, False
        ambiguous = len(ranked) > 1 and ranked[1][1] == ranked[0][1]
        return ranked[0][0], ranked[0][1], ambiguous


@dataclass
class Matching:
    """Which column is which field, what is missing, what could be two things."""

    columns: dict[str, int]  # field → 0-based column
    missing: list[str]  # required fields no column is
    ambiguous: dict[str, list[int]]  # field → the columns that could each be it
    not_imported: list[int]  # columns with a heading that map to no field

    @property
    def complete(self) -> bool:
        return not self.missing and not self.ambiguous


def match_columns(
    headings: Sequence[object], synonyms: Synonyms, *, required: Iterable[str] = ()
) -> Matching:
    """Match every heading of a header row to a field (see Synonyms.match)."""
    candidates: dict[str, list[tuple[float, int]]] = {}
    ambiguous: dict[str, list[int]] = {}
    not_imported = []
    for index, heading in enumerate(headings):
        if not heading_key(heading):
            continue
        code, score, tied = synonyms.match(heading)
        if code is None or code == IGNORE:
            not_imported.append(index)
            continue
        if tied:
            ambiguous.setdefault(code, []).append(index)
        candidates.setdefault(code, []).append((score, index))
    columns: dict[str, int] = {}
    for code, found in candidates.items():
        found.sort(key=lambda item: (-item[0], item[1]))
        exact = [index for score, index in found if score == 1.0]
        if len(exact) > 1 or (not exact and len(found) > 1):
            ambiguous[code] = sorted({index for _score, index in found})
            continue
        columns[code] = found[0][1]
        not_imported.extend(index for _score, index in found[1:])
    for code in ambiguous:
        columns.pop(code, None)
    missing = [code for code in required if code not in columns and code not in ambiguous]
    return Matching(columns, missing, ambiguous, sorted(not_imported))


def mapping_from_choice(choice: Mapping[str, str], width: int) -> Matching:
    """A Matching from a user's choice ({"0": "name", "3": "ignore"…}), ignoring stale keys."""
    columns: dict[str, int] = {}
    not_imported = []
    for text, code in choice.items():
        if not text.isdigit() or int(text) >= width:
            continue
        if code and code != IGNORE and code not in columns:
            columns[code] = int(text)
        else:
            not_imported.append(int(text))
    return Matching(columns, [], {}, sorted(not_imported))


def signature(headings: Sequence[object]) -> str:
    """Return a short hash of a header's folded headings: sheets with the same headings in
    the same order share it, whatever their case, marks or spacing."""
    text = "\x1f".join(" ".join(heading_key(h)) for h in headings)
    return hashlib.sha256(text.encode()).hexdigest()[:40]


# --- Finding the header -----------------------------------------------------------------------

_NUMBERING = re.compile(r"\(?\s*(\d{1,2}|[A-Za-z]|[IVX]{1,4})\s*[).]?")


def _is_numbering(values: Sequence[object]) -> bool:
    """A row of column numbers under a header: "(1) (2) (3)", 1 2 3, "A B C"."""
    cells = [v for v in values if v is not None and str(v).strip()]
    if len(cells) < 2:
        return False
    for value in cells:
        if isinstance(value, bool):
            return False
        if isinstance(value, int | float):
            if not float(value).is_integer() or not 0 < value < 100:
                return False
        elif not (isinstance(value, str) and _NUMBERING.fullmatch(value.strip())):
            return False
    return True


def _texts(values: Sequence[object]) -> list[str | None]:
    return [str(v).strip() if v is not None and str(v).strip() else None for v in values]


def _score(values: Sequence[object], synonyms: Synonyms) -> int:
    """How many distinct fields (or known ignored headings) a row's cells name; a row naming
    only one scores it only if that heading is a synonym word for word (a title or a line
    of instructions holds a synonym's words by chance, a header holds several)."""
    found = set()
    exact = False
    for value in values:
        if isinstance(value, str):
            code, score, _tied = synonyms.match(value)
            if code is not None:
                found.add(code)
                exact = exact or score == 1.0
    return len(found) if len(found) > 1 or exact else 0


def _is_second_line(header: list[str | None], values: Sequence[object], synonyms: Synonyms) -> bool:
    """Whether a row under the header continues it: text only, sparse under the header's
    filled cells (they were merged downwards), filling its blanks or naming known fields."""
    cells = _texts(values)
    filled = [i for i, v in enumerate(cells) if v is not None]
    if not filled or _is_numbering(values):
        return False
    if any(not isinstance(values[i], str) for i in filled):
        return False
    under_headings = [i for i, v in enumerate(header) if v is not None]
    blank_below = sum(1 for i in under_headings if i >= len(cells) or cells[i] is None)
    fills_blank = any(i >= len(header) or header[i] is None for i in filled)
    sparse = 2 * blank_below >= len(under_headings)
    return sparse and (fills_blank or _score(values, synonyms) > 0)


def _combine(top: list[str | None], sub: list[str | None]) -> list[str | None]:
    """Join two header lines: a sub-heading under a horizontally merged cell takes the
    nearest heading to its left ("Thời gian" over "bắt đầu", "kết thúc")."""
    width = max(len(top), len(sub))
    top = top + [None] * (width - len(top))
    sub = sub + [None] * (width - len(sub))
    combined: list[str | None] = []
    above = None
    for upper, lower in zip(top, sub, strict=True):
        if upper is not None:
            above = upper
        elif lower is None:
            above = None  # an empty cell in both lines ends the merged heading
        if lower is None:
            combined.append(upper)
        elif above is None:
            combined.append(lower)
        else:
            combined.append(f"{above} {lower}")
    return combined


@dataclass
class Header:
    """Where a sheet's header is and what it says."""

    row: int  # Excel row number of the (first) header line
    rows: list[int]  # every header line, numbering row included
    cells: list[str | None]  # the headings, two lines combined
    title_lines: list[str]  # the text of the rows above the header
    data_index: int  # index, in the rows searched, of the first data row
    sub_cells: list[str | None] = field(default_factory=list)  # the second line alone


def find_header(
    rows: Sequence[tuple[int, Sequence[object]]],
    synonyms: Synonyms,
    *,
    limit: int = HEADER_SEARCH_ROWS,
) -> Header | None:
    """Return the header among the first non-empty rows, or None when no row names a field.

    ``rows`` are (Excel row number, values) of non-empty rows, in order. Each of the first
    ``limit`` is scored by how many known headings it holds; the best (the first of equals)
    is the header. A second header line under it is combined with it; a numbering row
    under them is skipped.
    """
    searched = list(rows[:limit])
    scores = [_score(values, synonyms) for _number, values in searched]
    if not scores or max(scores) == 0:
        return None
    best = scores.index(max(scores))
    number, values = searched[best]
    cells = _texts(values)
    used = [number]
    index = best + 1
    sub: list[str | None] = []
    if index < len(rows) and _is_second_line(cells, rows[index][1], synonyms):
        sub = _texts(rows[index][1])
        cells = _combine(cells, sub)
        used.append(rows[index][0])
        index += 1
    if index < len(rows) and _is_numbering(rows[index][1]):
        used.append(rows[index][0])
        index += 1
    title = [line for _n, v in searched[:best] if (line := " | ".join(t for t in _texts(v) if t))]
    return Header(number, used, cells, title, index, sub)


def first_rows_text(rows: Sequence[tuple[int, Sequence[object]]], count: int = 5) -> str:
    """The first rows as short text, for the message saying no header was found."""
    lines = []
    for number, values in rows[:count]:
        text = " | ".join(t for t in _texts(values) if t)
        lines.append(f"{number}: {text[:80]}")
    return "; ".join(lines)


# --- Facts of the title block ---------------------------------------------------------------

_YEAR = re.compile(r"\bnam\s+((?:19|20)\d\d)\b")
_SPAN = re.compile(r"\b(?:19|20)\d\d\s*[-–—/]\s*(?:19|20)\d\d\b|\bgiai doan\b")
_DISTRICT = re.compile(r"\b(quan|huyen|thi xa)\s+(?:uy\s+|uy ban\s+)?((?:[a-z]+\s*){1,4})")
_STOP = {
    "nam",
    "giai",
    "doan",
    "ve",
    "tren",
    "dia",
    "ban",
    "tu",
    "den",
    "thanh",
    "pho",
    "ha",
    "cong",
}
_PREFIX = {"quan": "Quận", "huyen": "Huyện", "thi xa": "Thị xã"}


def title_year(lines: Iterable[str]) -> int | None:
    """The year a title block names ("NĂM 2015"), or None for none, a span or several."""
    years: set[int] = set()
    for line in lines:
        text = fold(line)
        if _SPAN.search(text):
            return None
        years.update(int(y) for y in _YEAR.findall(text))
    return years.pop() if len(years) == 1 else None


def title_district(lines: Iterable[str]) -> str | None:
    """The district a title block names ("QUẬN HOÀN KIẾM", "UBND HUYỆN GIA LÂM"), as
    "Quận Hoàn Kiếm", or None."""
    for line in lines:
        original = unicodedata.normalize("NFC", " ".join(line.split()))
        text = fold(original)
        if len(text) != len(original):
            original = text  # folding changed the length: keep the plain letters
        for match in _DISTRICT.finditer(text):
            words: list[str] = []
            start = match.start(2)
            for word in re.finditer(r"[a-z]+|[^a-z\s]", text[start:]):
                if not word.group().isalpha() or word.group() in _STOP or len(words) == 4:
                    break
                words.append(original[start + word.start() : start + word.end()])
            if words:
                return " ".join([_PREFIX[match.group(1)], *(w.capitalize() for w in words)])
    return None


# --- The plan of a sheet ------------------------------------------------------------------


@dataclass
class SheetPlan:
    """What the first rows of a sheet say, before any row is parsed."""

    header: Header
    matching: Matching
    samples: list[list[object]]  # the first data rows, for the mapping step
    year: int | None  # from the title block
    district: str | None  # from the title block
    remembered: bool = False  # the matching is a user's remembered choice

    @property
    def signature(self) -> str:
        return signature(self.header.cells)

    def column_listing(self, spec: ImportSpec) -> list[dict]:
        """Each column of the sheet: heading, first values, the field it is taken for."""
        taken = {index: code for code, index in self.matching.columns.items()}
        listing = []
        for index, heading in enumerate(self.header.cells):
            values = [_sample_text(row[index]) for row in self.samples if index < len(row)]
            if heading is None and not any(values):
                continue
            listing.append(
                {
                    "index": index,
                    "heading": heading or "",
                    "values": values,
                    "field": taken.get(index, ""),
                    "label": spec.label(taken[index]) if index in taken else "",
                }
            )
        return listing


def _sample_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)[:60]


def plan_sheet(
    head: Sequence[tuple[int, Sequence[object]]],
    spec: ImportSpec,
    synonyms: Mapping[str, Iterable[str]],
    *,
    choice: Mapping[str, str] | None = None,
) -> SheetPlan | None:
    """Read the first rows of a sheet against a register's spec; None when no header.

    ``choice`` is the user's mapping ({column index: field code}), used instead of the
    matching when given.
    """
    table = Synonyms(synonyms)
    header = find_header(head, table)
    if header is None:
        return None
    if choice is not None:
        matching = mapping_from_choice(choice, len(header.cells))
        matching.missing = [code for code in spec.required if code not in matching.columns]
    else:
        matching = match_columns(header.cells, table, required=spec.required)
    samples = [list(values) for _n, values in head[header.data_index :][:SAMPLE_VALUES]]
    return SheetPlan(
        header,
        matching,
        samples,
        title_year(header.title_lines),
        title_district(header.title_lines),
        remembered=choice is not None,
    )


def no_header_message(head: Sequence[tuple[int, Sequence[object]]]) -> str:
    return _(
        "No header row was found in the first %(count)d rows: no row names a column of this "
        "register. The first rows are: %(rows)s"
    ) % {"count": HEADER_SEARCH_ROWS, "rows": first_rows_text(head)}
