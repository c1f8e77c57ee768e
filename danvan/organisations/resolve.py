"""Which unit an imported row names, as offices wrote it in their time.

A unit is named as offices wrote it in their time: "X. Tân Lập", "Tân Lập", "TT Trạm Trôi",
or by its code. It is looked up among the units the importer may act in (closed ones of
their subtree included), as they were on the row's date: a code that a 2025 commune took
over does not capture a 2012 row of the commune that held it before. Names that several
units share are told apart by the row's district, then the sheet's, then a unit code.
Every register's import (models, cadres' postings) resolves its units here.
"""

import datetime
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

from danvan.lib.vntext import words
from danvan.organisations.models import REFORM_DATE, Unit, UnitKind

# Words that open a unit's name and say its kind, as written in full or shortened; the
# longer ones first so that "thi xa" is not read as "xa" (folded, punctuation as spaces).
PREFIXES = [
    ("thanh pho", "thanh pho"),
    ("thi tran", "thi tran"),
    ("thi xa", "thi xa"),
    ("phuong", "phuong"),
    ("huyen", "huyen"),
    ("quan", "quan"),
    ("xa", "xa"),
    ("tp", "thanh pho"),
    ("tt", "thi tran"),
    ("tx", "thi xa"),
    ("p", "phuong"),
    ("h", "huyen"),
    ("q", "quan"),
    ("x", "xa"),
]
MAX_LISTED = 8
MAX_MEMO = 5000  # units resolved and remembered, by text and date


def split_prefix(text: str) -> tuple[str, str]:
    """Return (kind word, bare name) of a unit's name: "X. Tân Lập" → ("xa", "tan lap")."""
    folded = words(text)
    for prefix, kind in PREFIXES:
        if folded.startswith(prefix + " ") and len(folded) > len(prefix) + 1:
            return kind, folded[len(prefix) + 1 :]
    return "", folded


def marked(text: str, bare: str) -> str:
    """The last words of text that make its bare name, with their marks: "Xã Sơn Đồng" and
    "Xã Sơn Đông" fold alike, and are told apart by these."""
    count = len(bare.split())
    plain = unicodedata.normalize("NFC", text).lower()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in plain).split()[-count:])


def _day(date: datetime.date) -> str:
    return date.strftime("%d/%m/%Y")


@dataclass(eq=False, slots=True)
class Known:
    """A unit as the import matches it: its names, dates and district, read once."""

    unit: Unit
    prefix: str
    bare: str
    marked: str
    district: str  # the name of the district it belonged to (before 1 July 2025), or ""
    district_bare: str
    labelled: str = ""  # label(), made once

    def valid_on(self, on: datetime.date) -> bool:
        return self.unit.is_current(on)

    def dates(self) -> str:
        start, end = self.unit.valid_from, self.unit.valid_to
        if start and end:
            return f"{_day(start)}–{_day(end)}"
        if end:
            return _("until %(date)s") % {"date": _day(end)}
        if start:
            return _("from %(date)s") % {"date": _day(start)}
        return ""

    def label(self) -> str:
        """The unit with its district and dates: "Xã Tân Lập (Huyện Đan Phượng, đến …)"."""
        if not self.labelled:
            self.labelled = self._label()
        return self.labelled

    def _label(self) -> str:
        start = self.unit.valid_from
        # The district tells apart the units of before 2025, not those that came after it.
        district = "" if start and start >= REFORM_DATE else self.district
        details = [d for d in (district, self.dates()) if d]
        return f"{self.unit.name} ({', '.join(details)})" if details else self.unit.name


class UnitNotResolved(Exception):
    """The row's unit is unknown, or several units answer to it (then listed)."""

    def __init__(self, message: str, candidates: list[Known] | None = None):
        super().__init__(message)
        self.message = message
        self.candidates = candidates or []


def _codes(text: str) -> list[str]:
    """The forms a code may take: as written, and with the zeros a spreadsheet dropped."""
    text = text.strip()
    forms = [text]
    if text.isdigit() and len(text) < 5:
        forms.append(text.zfill(5))
    return forms


class UnitIndex:
    """The units a user may register in, by code and by bare folded name, with dates."""

    def __init__(self, units: list[Unit], districts: dict[int, str], commune_district: dict):
        self.by_id: dict[int, Known] = {}
        self.by_code: dict[str, list[Known]] = {}
        self.by_name: dict[str, list[Known]] = {}
        for unit in units:
            district = self._district_of(unit, districts, commune_district)
            prefix, bare = split_prefix(unit.name)
            known = Known(
                unit, prefix, bare, marked(unit.name, bare), district, split_prefix(district)[1]
            )
            self.by_id[unit.pk] = known
            if unit.code:
                self.by_code.setdefault(unit.code, []).append(known)
            for key in {split_prefix(name)[1] for name in (unit.name, unit.short_name) if name}:
                self.by_name.setdefault(key, []).append(known)
        self.successors: dict[int, list[Known]] = {}
        self._memo: dict[tuple, tuple[Known, Known | None] | UnitNotResolved] = {}
        self._named: dict[str, tuple[list[Known] | None, list[Known], str]] = {}

    @staticmethod
    def _district_of(unit: Unit, districts: dict[int, str], commune_district: dict) -> str:
        """The district above the unit (a commune of before 2025 sits in one), else the
        former district recorded on its commune."""
        if unit.kind == UnitKind.LEGACY_DISTRICT:
            return ""
        chain = [*unit.ancestor_ids(), unit.pk][::-1]
        for pk in chain:
            if pk in districts:
                return districts[pk]
        for pk in chain:
            if pk in commune_district:
                return districts.get(commune_district[pk], "")
        return ""

    @classmethod
    def for_user(cls, user, *, perm: str) -> "UnitIndex":
        """The units where the user holds perm (closed ones of their subtree included)."""
        return cls.for_units(Unit.objects.visible_to(user, perm=perm))

    @classmethod
    def for_units(cls, queryset) -> "UnitIndex":
        """The index of the units of a queryset, with their districts and successors."""
        units = list(
            queryset.only(
                "id", "name", "short_name", "code", "kind", "path", "valid_from", "valid_to"
            )
        )
        districts = dict(
            Unit.objects.filter(kind=UnitKind.LEGACY_DISTRICT).values_list("id", "name")
        )
        commune_district = dict(
            Unit.objects.filter(legacy_district__isnull=False).values_list(
                "id", "legacy_district_id"
            )
        )
        index = cls(units, districts, commune_district)
        links = Unit.predecessors.through.objects.values_list("to_unit_id", "from_unit_id")
        for old, new in links.iterator():
            if new in index.by_id:
                index.successors.setdefault(old, []).append(index.by_id[new])
        return index

    def resolve(
        self,
        text: str,
        *,
        on: datetime.date,
        district: str = "",
        sheet_district: str = "",
        code: str = "",
    ) -> tuple[Known, Known | None]:
        """Return the unit the text names on the date, and the closed unit it replaces when
        the row named one closed by then (None otherwise); raise UnitNotResolved."""
        key = (text, on, district, sheet_district, code)
        found = self._memo.get(key)
        if found is None:
            try:
                found = self._resolve(text, on, district, sheet_district, code)
            except UnitNotResolved as exc:
                found = exc
            if len(self._memo) >= MAX_MEMO:
                self._memo.clear()  # rows of many dates: keep the memory of the recent ones
            self._memo[key] = found
        if isinstance(found, UnitNotResolved):
            # A fresh exception each time: one raised again keeps growing its traceback.
            raise UnitNotResolved(found.message, found.candidates)
        return found

    def _named_by(self, text: str) -> tuple[list[Known] | None, list[Known], str]:
        """The units a text names whatever the date: (by code or None, by name, bare name)."""
        found = self._named.get(text)
        if found is None:
            by_code = next((self.by_code[c] for c in _codes(text) if c in self.by_code), None)
            prefix, bare = split_prefix(text)
            candidates = self.by_name.get(bare, [])
            if prefix:
                candidates = [k for k in candidates if k.prefix == prefix] or candidates
            found = self._named[text] = (by_code, candidates, bare)
        return found

    def _resolve(
        self, text: str, on: datetime.date, district: str, sheet_district: str, code: str
    ) -> tuple[Known, Known | None]:
        by_code, candidates, bare = self._named_by(text)
        if by_code is not None:
            of_time = [k for k in by_code if k.valid_on(on)]
            if not of_time:
                raise UnitNotResolved(
                    _("On %(date)s no unit in your scope had the code “%(code)s” (%(units)s).")
                    % {
                        "date": _day(on),
                        "code": text,
                        "units": ", ".join(k.label() for k in by_code[:MAX_LISTED]),
                    }
                )
            return self._one(text, of_time, district, sheet_district, code), None
        if not candidates and "," in text:
            # "Xã Tân Lập, huyện Đan Phượng": the district written after the name.
            head, _sep, tail = text.partition(",")
            return self._resolve(head, on, district or tail, sheet_district, code)
        if not candidates:
            raise UnitNotResolved(
                _("The unit “%(unit)s” is unknown or outside your scope.") % {"unit": text}
            )
        of_time = [k for k in candidates if k.valid_on(on)]
        replaced: dict[int, Known] = {}
        if not of_time:
            # Closed by the row's date: its rows go to its successors of that date. Named
            # before it existed (an old model filed under the commune's new name): kept there.
            for known in candidates:
                end = known.unit.valid_to
                if end is not None and end < on:
                    for successor in self.successors.get(known.unit.pk, []):
                        if successor.valid_on(on):
                            of_time.append(successor)
                            replaced.setdefault(successor.unit.pk, known)
                else:
                    of_time.append(known)
            of_time = list(dict.fromkeys(of_time))
            if not of_time:
                raise UnitNotResolved(
                    _(
                        "The unit “%(unit)s” was closed before %(date)s and none of its "
                        "successors is in your scope: %(units)s."
                    )
                    % {
                        "unit": text,
                        "date": _day(on),
                        "units": ", ".join(k.label() for k in candidates[:MAX_LISTED]),
                    }
                )
        if len(of_time) > 1:
            # Names that differ only by their marks: the one written exactly.
            written = marked(text, bare)
            of_time = [k for k in of_time if k.marked == written] or of_time
        chosen = self._one(text, of_time, district, sheet_district, code)
        return chosen, replaced.get(chosen.unit.pk)

    def _one(
        self, text: str, candidates: list[Known], district: str, sheet_district: str, code: str
    ) -> Known:
        """The one candidate left by the row's district, the sheet's, then a unit code."""
        for hint in (district, sheet_district):
            if len(candidates) > 1 and hint:
                bare = split_prefix(hint)[1]
                candidates = [k for k in candidates if k.district_bare == bare] or candidates
        if len(candidates) > 1 and code:
            forms = set(_codes(code))
            candidates = [k for k in candidates if k.unit.code in forms] or candidates
        if len(candidates) == 1:
            return candidates[0]
        listed = sorted(candidates, key=lambda k: (k.district, k.unit.name))
        raise UnitNotResolved(
            _(
                "%(count)d units are named “%(unit)s”: %(candidates)s: write the district or "
                "the unit's code."
            )
            % {
                "count": len(candidates),
                "unit": text,
                "candidates": ", ".join(k.label() for k in listed[:MAX_LISTED])
                + (", …" if len(listed) > MAX_LISTED else ""),
            },
            listed,
        )
