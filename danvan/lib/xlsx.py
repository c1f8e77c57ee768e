"""Read uploaded Excel workbooks safely, and write exports and import templates that stream.

Imports: ``safe_open_workbook`` checks the upload before openpyxl parses anything,
``match_headers`` finds the columns, ``iter_rows`` yields the rows with legacy TCVN3/VNI text
turned into Unicode, ``parse_date`` reads the dates clerks type. Exports: ``write_xlsx``
streams any number of rows; ``template_workbook`` builds the import template.
"""

import calendar
import datetime
import functools
import io
import math
import os
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain, islice, repeat
from typing import IO, TYPE_CHECKING, Any

from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.cell.text import Text
from openpyxl.packaging.relationship import get_dependents, get_rels_path
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import (
    DATA_TAG,
    DIMENSION_TAG,
    FORMULA_TAG,
    INLINE_STRING,
    ROW_TAG,
    VALUE_TAG,
)
from openpyxl.worksheet.dimensions import SheetDimension
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from danvan.lib import legacy_encodings
from danvan.lib.vntext import fold

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MB = 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
# Excel 97-2003 files and password-protected .xlsx files are OLE2 compound documents.
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_MAX_ENTRIES = 10_000
# An XML part must open its root element within this many bytes; a DTD before it (entity
# expansion, external entities) is never needed in a workbook and is refused.
_PROLOG_BYTES = 64 * 1024
_SAMPLE_ROWS = 200
_SAMPLE_CELLS = 500
_WIDTH_SAMPLE_ROWS = 100
_DATE_FORMAT = "DD/MM/YYYY"
_DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
_BOLD = Font(bold=True)
_TEXT_TAG = f"{{{SHEET_MAIN_NS}}}t"  # the text of an inline string


class SpreadsheetError(Exception):
    """An upload that cannot be used; the message is translated and ready for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class MissingColumnsError(SpreadsheetError):
    """The header row lacks required columns; ``fields`` names them."""

    def __init__(self, message: str, fields: list[str]):
        super().__init__(message)
        self.fields = fields


def _not_xlsx() -> SpreadsheetError:
    return SpreadsheetError(_("The file is not an Excel (.xlsx) workbook."))


def _damaged() -> SpreadsheetError:
    return SpreadsheetError(
        _("The workbook is damaged and cannot be read. Open it in Excel, save it and try again.")
    )


# --- Opening an upload ------------------------------------------------------------------


def safe_open_workbook(
    file_obj_or_bytes: bytes | IO[bytes] | str | os.PathLike[str],
    *,
    max_bytes: int = 20 * MB,
    max_uncompressed: int = 200 * MB,
    max_ratio: int = 100,
) -> Workbook:
    """Return an uploaded .xlsx opened read-only, or raise SpreadsheetError.

    The content is checked before openpyxl parses it: the zip signature, the parts every
    workbook has, encryption, the total unpacked size and compression ratio declared by the
    zip directory (Python's zipfile never inflates an entry past its declared size, so the
    sum is a real bound), and the absence of DTDs in the XML parts.
    """
    data = _read_upload(file_obj_or_bytes, max_bytes)
    _check_archive(data, max_uncompressed=max_uncompressed, max_ratio=max_ratio)
    try:
        # openpyxl.load_workbook(read_only=True, data_only=True), but see _ReadOnlySheet.
        reader = _WorkbookReader(io.BytesIO(data), read_only=True, data_only=True)
        reader.read()
    except Exception as exc:  # untrusted input: any parser failure means a damaged file
        raise _damaged() from exc
    return reader.wb


class _ReadOnlySheet(ReadOnlyWorksheet):
    """openpyxl's read-only sheet, its size read from the head of its XML only.

    openpyxl looks for the sheet's <dimension> element when it opens the workbook and, where
    there is none (openpyxl's own write-only sheets, such as our exports, write none), parses
    the whole sheet to find it out: 3 s for 80,000 rows, before any row is read. The element
    may only come before <sheetData>, so the search stops there; the size found is the same.
    """

    def _get_size(self) -> None:
        sheet: Any = self  # the private parts used here are not in the type stubs
        with sheet._get_source() as source:
            for _event, element in iterparse(source, events=("start",)):
                if element.tag == DIMENSION_TAG:
                    dimension: Any = SheetDimension.from_tree(element)
                    sheet._min_column, sheet._min_row, sheet._max_column, sheet._max_row = (
                        dimension.boundaries
                    )
                    return
                if element.tag == DATA_TAG:
                    return


class _WorkbookReader(ExcelReader):
    """openpyxl's reader (pinned 3.1.5), making _ReadOnlySheet its read-only sheets."""

    def read_worksheets(self) -> None:
        if not self.read_only:
            super().read_worksheets()
            return
        workbook: Any = self.wb  # the private parts used here are not in the type stubs
        sheet: Any
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files:
                continue
            if "chartsheet" in rel.Type:
                self.read_chartsheet(sheet, rel)
                continue
            rels_path = get_rels_path(rel.target)
            if rels_path in self.valid_files:
                get_dependents(self.archive, rels_path)  # read as openpyxl does: may fail
            worksheet = _ReadOnlySheet(workbook, sheet.name, rel.target, self.shared_strings)
            worksheet.sheet_state = sheet.state
            workbook._sheets.append(worksheet)


def _read_upload(source: Any, max_bytes: int) -> bytes:
    too_large = SpreadsheetError(
        _("The file is larger than %(limit)s.") % {"limit": filesizeformat(max_bytes)}
    )
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    elif isinstance(source, str | os.PathLike):
        with open(source, "rb") as handle:
            data = handle.read(max_bytes + 1)
    else:
        size = getattr(source, "size", None)  # Django's UploadedFile knows it up front
        if isinstance(size, int) and size > max_bytes:
            raise too_large
        if getattr(source, "seekable", lambda: False)():
            source.seek(0)
        data = source.read(max_bytes + 1)
        if not isinstance(data, bytes):
            raise _not_xlsx()
    if len(data) > max_bytes:
        raise too_large
    if not data:
        raise SpreadsheetError(_("The file is empty."))
    return data


def _check_archive(data: bytes, *, max_uncompressed: int, max_ratio: int) -> None:
    if data.startswith(_OLE2_MAGIC):
        if _ENCRYPTED_STREAM in data:
            raise _encrypted()
        raise SpreadsheetError(
            _(
                "The file is an old Excel 97-2003 (.xls) workbook. Open it in Excel, save it "
                "as .xlsx and upload it again."
            )
        )
    if not data.startswith(_ZIP_MAGIC):
        raise _not_xlsx()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        raise _damaged() from exc
    with archive:
        entries = archive.infolist()
        names = {entry.filename.lower() for entry in entries}
        if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
            raise _not_xlsx()  # another zip: a .docx, an .ods, a renamed archive
        if any(entry.flag_bits & 0x1 for entry in entries):
            raise _encrypted()
        unpacked = sum(entry.file_size for entry in entries)
        packed = sum(entry.compress_size for entry in entries)
        if (
            len(entries) > _MAX_ENTRIES
            or unpacked > max_uncompressed
            or unpacked > max_ratio * max(packed, 1)
        ):
            raise SpreadsheetError(
                _("The workbook unpacks to more data than can be read safely (%(size)s).")
                % {"size": filesizeformat(unpacked)}
            )
        try:
            for entry in entries:
                if entry.filename.lower().endswith((".xml", ".rels", ".vml")) and _has_dtd(
                    archive, entry
                ):
                    raise _damaged()
        except (zipfile.BadZipFile, NotImplementedError, EOFError, OSError, ValueError) as exc:
            raise _damaged() from exc


def _encrypted() -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "The workbook is protected by a password. Remove the password in Excel and upload "
            "it again."
        )
    )


def _has_dtd(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bool:
    """Return whether an XML part declares a DTD (or hides its root past the prolog)."""
    with archive.open(entry) as handle:
        head = handle.read(_PROLOG_BYTES)
    if not head.strip():
        return False
    encoding = "utf-16" if head.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8"
    text = head.decode(encoding, errors="ignore")
    prolog = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    root = re.search(r"<[^?!]", prolog)
    return root is None or "<!DOCTYPE" in prolog[: root.start()].upper()


# --- Reading rows -------------------------------------------------------------------------


def match_headers(
    header_cells: Sequence[object],
    expected: Mapping[str, Sequence[str]],
    *,
    required: Iterable[str] | None = None,
) -> dict[str, int]:
    """Return the 0-based column of each expected field found in a header row.

    A heading matches an alias whatever its case, marks, punctuation, word order, leading
    numbering ("1.") or bracketed notes ("(*)", "(dd/mm/yyyy)"). Fields in ``required``
    (all of them by default) that no heading matches raise MissingColumnsError, listing
    their first aliases; two headings for the same field raise SpreadsheetError.
    """
    aliases = {field: {_heading_key(a) for a in names} for field, names in expected.items()}
    found: dict[str, int] = {}
    for index, cell in enumerate(header_cells):
        key = _heading_key(cell)
        if not key:
            continue
        for field, keys in aliases.items():
            if key in keys:
                if field in found:
                    raise SpreadsheetError(
                        _("The column “%(column)s” appears more than once.")
                        % {"column": str(cell).strip()}
                    )
                found[field] = index
                break
    needed = list(expected) if required is None else list(required)
    missing = [field for field in needed if field not in found]
    if missing:
        names = ", ".join(f"“{expected[field][0]}”" for field in missing)
        raise MissingColumnsError(_("Missing columns: %(columns)s.") % {"columns": names}, missing)
    return found


def _heading_key(cell: object) -> tuple[str, ...]:
    if cell is None:
        return ()
    text = legacy_encodings.to_unicode(str(cell))
    without_notes = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", text)
    if re.search(r"\w", without_notes):
        text = without_notes
    text = re.sub(r"^\s*\d+\s*[.)/-]\s*", "", fold(text))
    return tuple(sorted(re.findall(r"[^\W_]+", text)))


@dataclass(frozen=True)
class UncomputedFormula:
    """What ``iter_rows`` yields for a formula saved without its result.

    Excel saves each formula's last result beside it, and that cached value is what is
    read (no formula is ever evaluated). Tools that write workbooks without computing them
    leave the result out; the cell then holds this instead of a value, so it is never
    mistaken for an empty cell or imported as formula text.
    """

    coordinate: str

    @property
    def message(self) -> str:
        return _(
            "Cell %(cell)s holds a formula without a value: open the file in Excel and save "
            "it again."
        ) % {"cell": self.coordinate}


def row_problem(values: Sequence[object]) -> str | None:
    """Return why a row from ``iter_rows`` cannot be read as it stands, or None."""
    for value in values:
        if isinstance(value, UncomputedFormula):
            return value.message
    return None


# A row as _sheet_rows reads it: its values, and beside each what tells its font (see _Fonts).
_Row = tuple[list[Any], list[Any]]


def _sheet_rows(worksheet: Any) -> Iterator[_Row]:
    """Yield a sheet's rows from row 1, (values, styles), empty lists for each missing row.

    A read-only sheet of a workbook read for its values (as ``safe_open_workbook`` opens
    them) is read by ``_read_only_rows``; any other sheet through openpyxl's cells.
    """
    if not isinstance(worksheet, ReadOnlyWorksheet) or not worksheet.parent.data_only:
        for cells in worksheet.iter_rows():
            yield [getattr(cell, "value", None) for cell in cells], list(cells)
        return
    expected = 1
    for number, values, styles in _read_only_rows(worksheet):
        if number < expected:
            continue  # a row repeated or out of order: openpyxl keeps the first
        for _missing in range(expected, number):
            yield [], []
        yield values, styles
        expected = number + 1


def _read_only_rows(sheet: Any) -> Iterator[tuple[int, list[Any], list[int | None]]]:
    """Yield (row number, values, style ids) of each <row> of a read-only sheet, in order.

    The values are those openpyxl's reader gives (pinned 3.1.5: ``WorkSheetParser.parse_row``
    and ``parse_cell``, then ``ReadOnlyWorksheet._get_row``): cached values of formulas,
    shared and inline strings, numbers, dates by the cell's number format, booleans; a row
    as wide as its last cell. A formula saved without its value gives an UncomputedFormula.
    openpyxl builds a dictionary and a cell object per cell, which is two thirds of reading
    a large sheet; this reads the same XML elements straight into lists.
    """
    workbook = sheet.parent
    strings = sheet._shared_strings
    date_formats = workbook._date_formats
    timedelta_formats = workbook._timedelta_formats
    epoch = workbook.epoch
    columns: dict[str, int] = {}  # the letters of a coordinate → its column
    number = 0
    with sheet._get_source() as source:
        for _event, element in iterparse(source):
            if element.tag != ROW_TAG:
                continue
            found = element.get("r")
            number = number + 1 if found is None else _row_number(found)
            values: list[Any] = []
            styles: list[Any] = []
            column = 0
            for cell in element:
                kind = cell.get("t", "n")
                coordinate = cell.get("r")
                style = cell.get("s", 0)
                if style:
                    style = int(style)
                if coordinate:
                    letters = coordinate.rstrip(_DIGITS)
                    found_column = columns.get(letters)
                    if found_column is None or len(letters) == len(coordinate):
                        found_column = columns[letters] = coordinate_to_tuple(coordinate)[1]
                    column = found_column
                else:
                    column += 1
                value = None if kind == "inlineStr" else (cell.findtext(VALUE_TAG) or None)
                if value is not None:
                    if kind == "n":
                        value = _cast_number(value)
                        if style in date_formats:
                            value = _excel_date(value, epoch, style in timedelta_formats, cell)
                    elif kind == "s":
                        value = strings[int(value)]
                    elif kind == "b":
                        value = bool(int(value))
                    elif kind == "d":
                        value = from_ISO8601(value)
                elif kind == "inlineStr":
                    value = _inline_text(cell.find(INLINE_STRING))
                if (
                    value is None
                    and cell.find(FORMULA_TAG) is not None
                    # Only a text result can be empty (Excel writes t="str" and <v></v>);
                    # openpyxl and others write an empty <v> or none for a formula they
                    # did not compute.
                    and kind != "str"
                ):
                    value = UncomputedFormula(coordinate or f"{get_column_letter(column)}{number}")
                # As wide as the last cell's column, a later cell of a column winning.
                if column == len(values) + 1:
                    values.append(value)
                    styles.append(style)
                elif column > len(values):
                    gap = [None] * (column - 1 - len(values))
                    values.extend([*gap, value])
                    styles.extend([*gap, style])
                elif column >= 1:
                    values[column - 1] = value
                    styles[column - 1] = style
            element.clear()
            if column < len(values):
                del values[max(column, 0) :], styles[max(column, 0) :]
            yield number, values, styles


_DIGITS = "0123456789"


def _cast_number(text: str) -> int | float:
    """A number cell's text as openpyxl reads it (``_reader._cast_number``)."""
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


def _row_number(text: str) -> int:
    """A <row>'s number as openpyxl reads it: "12", or "12.0" from some tools."""
    try:
        return int(text)
    except ValueError:
        number = float(text)
        if not number.is_integer():
            raise ValueError(f"{text} is not a valid row number") from None
        return int(number)


def _excel_date(value: Any, epoch: Any, timedelta: bool, cell: Any) -> Any:
    """A number in a date format as openpyxl reads it: a date, else the error it shows."""
    try:
        return from_excel(value, epoch, timedelta=timedelta)
    except (OverflowError, ValueError):
        warnings.warn(
            f"Cell {cell.get('r')} is marked as a date but the serial value {value} is "
            "outside the limits for dates. The cell will be treated as an error.",
            stacklevel=2,
        )
        return "#VALUE!"


def _inline_text(element: Any) -> str | None:
    """The text of an inline string (<is>), as openpyxl's ``Text.content`` gives it."""
    if element is None:
        return None
    if len(element) == 1 and element[0].tag == _TEXT_TAG and not len(element[0]):
        return element[0].text or ""  # one plain <t>: what nearly every writer makes
    text: Any = Text.from_tree(element)
    return text.content


_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]{1,3}[0-9]+:[A-Z]{1,3}[0-9]+)"')


def _merged_ranges(worksheet: Any) -> list[tuple[int, int, int, int]]:
    """Return the merged ranges of a sheet as (min_col, min_row, max_col, max_row).

    A read-only sheet lists them after its rows, so the sheet's XML is scanned for them
    first: it is only inflated, not parsed, which costs a small part of reading it.
    """
    if not isinstance(worksheet, ReadOnlyWorksheet):
        return [rng.bounds for rng in worksheet.merged_cells.ranges]
    refs: list[bytes] = []
    tail = b""
    sheet: Any = worksheet
    with sheet._get_source() as source:
        while chunk := source.read(1 << 20):
            data = tail + chunk
            end = 0
            for match in _MERGE_REF.finditer(data):
                refs.append(match[1])
                end = match.end()
            tail = data[max(end, len(data) - 256) :]
    return [range_boundaries(ref.decode()) for ref in refs]  # type: ignore[misc]


class _MergedFill:
    """Fill the cells of merged ranges with the value of each range's first cell."""

    def __init__(self, ranges: list[tuple[int, int, int, int]]):
        self.anchors: dict[int, list[tuple[int, int]]] = {}  # row → columns that start a range
        self.covered: dict[int, list[tuple[int, tuple[int, int]]]] = {}
        for min_col, min_row, max_col, max_row in ranges:
            if (min_col, min_row) == (max_col, max_row):
                continue
            self.anchors.setdefault(min_row, []).append((min_row, min_col))
            for row in range(min_row, max_row + 1):
                for column in range(min_col, max_col + 1):
                    if (row, column) != (min_row, min_col):
                        self.covered.setdefault(row, []).append((column, (min_row, min_col)))
        self.values: dict[tuple[int, int], Any] = {}

    def fill(self, number: int, values: list[Any]) -> None:
        for anchor in self.anchors.get(number, ()):
            column = anchor[1]
            self.values[anchor] = values[column - 1] if column <= len(values) else None
        for column, anchor in self.covered.get(number, ()):
            if column > len(values):
                values.extend([None] * (column - len(values)))
            if values[column - 1] is None:
                values[column - 1] = self.values.get(anchor)


def iter_rows(
    workbook: Workbook, sheet: str | int | None = None, *, fill_merged: bool = False
) -> Iterator[tuple[int, list[Any]]]:
    """Yield (Excel row number, values) for each non-empty row of a sheet, lazily.

    ``sheet`` is a name, a 0-based index or None for the active sheet. Text is stripped,
    empty text becomes None and rows are padded to the widest of the first 200 rows.
    A formula gives its cached value; one saved without it gives an UncomputedFormula
    (see ``row_problem``). With ``fill_merged``, every cell of a merged range holds the
    value of its first cell (a unit written once beside the several rows it registered);
    otherwise those cells are None, as openpyxl reads them.

    Legacy text is judged per sheet as well as per cell, because a short cell can read
    equally well two ways ("bò" is a word, and VNI for "bị"; "Tên" is TCVN3 for "Tờn").
    A cell whose own text settles it is always decoded (or left) accordingly. For the
    rest, the text cells of the first 200 rows vote: a cell holding ộ, ư… is Unicode, a
    cell whose text settles it votes for that, a tie votes for its legacy font if it has
    one. Then a cell its text does not settle is read:
    - in its legacy font (.VnTime, VNI-Times), as the clerk saw it;
    - as the sheet voted, if the sheet voted legacy, its legacy text lost its fonts and
      nothing in the row is certainly Unicode (a Unicode heading row stays Unicode);
    - otherwise as it stands.
    TCVN3 text in an "H" font (.VnTimeH) comes back in capitals.
    """
    worksheet = _worksheet(workbook, sheet)
    if hasattr(worksheet, "reset_dimensions"):
        worksheet.reset_dimensions()  # old tools write wrong dimensions; read every row
    merged = _MergedFill(_merged_ranges(worksheet)) if fill_merged else None
    rows = _guarded(_sheet_rows(worksheet))
    fonts = _Fonts(worksheet)
    head = list(islice(rows, _SAMPLE_ROWS))
    fallback = _sheet_fallback(head, fonts)
    width = max((len(cells) for cells, _styles in head), default=0)
    for number, (cells, styles) in enumerate(chain(head, rows), start=1):
        values = _row_values(cells, styles, fonts, fallback)
        if merged is not None:
            merged.fill(number, values)
        if all(value is None for value in values):
            continue
        values.extend([None] * (width - len(values)))
        yield number, values


@dataclass(frozen=True)
class SheetInfo:
    """One sheet of a workbook, as the upload form lists it."""

    index: int
    name: str
    visible: bool
    filled: int  # non-empty cells among the first rows
    likely: bool  # the sheet that most looks like the data


def sheet_names(workbook: Workbook, *, sample_rows: int = 50) -> list[SheetInfo]:
    """List a workbook's sheets with a guess of which one holds the data.

    The guess is the visible sheet with the most non-empty cells in its first
    ``sample_rows`` rows (a title page or an instructions sheet holds a few); a tie goes
    to the sheet Excel opens on, then to the first. Hidden sheets are listed, never guessed.
    """
    active = workbook.active
    sheets = []
    for index, worksheet in enumerate(workbook.worksheets):
        if hasattr(worksheet, "reset_dimensions"):
            worksheet.reset_dimensions()
        filled = sum(
            value is not None and value != ""
            for row in islice(_guarded(worksheet.iter_rows(values_only=True)), sample_rows)
            for value in row
        )
        visible = getattr(worksheet, "sheet_state", "visible") == "visible"
        sheets.append((index, worksheet.title, visible, filled, worksheet is active))
    candidates = [sheet for sheet in sheets if sheet[2] and sheet[3]]
    best = max(candidates, key=lambda s: (s[3], s[4], -s[0]), default=None)
    return [
        SheetInfo(index, name, visible, filled, likely=best is not None and index == best[0])
        for index, name, visible, filled, _active in sheets
    ]


def _worksheet(workbook: Workbook, sheet: str | int | None) -> Any:
    try:
        if sheet is None:
            return workbook.active or workbook.worksheets[0]
        if isinstance(sheet, int):
            return workbook.worksheets[sheet]
        return workbook[sheet]
    except (KeyError, IndexError) as exc:
        raise SpreadsheetError(
            _("The workbook has no sheet “%(sheet)s”.") % {"sheet": sheet}
        ) from exc


def _guarded(rows: Iterator[Any]) -> Iterator[Any]:
    """Yield from openpyxl's row iterator, turning a parser failure into SpreadsheetError."""
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # untrusted input: the sheet XML is parsed lazily
            raise _damaged() from exc
        yield row


class _Fonts:
    """The font name of a cell, from what _sheet_rows gives beside its value: a style id
    of a read-only sheet (as openpyxl's ReadOnlyCell.font reads it), else the cell."""

    def __init__(self, worksheet: Any):
        self.workbook: Any = worksheet.parent if isinstance(worksheet, ReadOnlyWorksheet) else None
        self.names: dict[int, str | None] = {}

    def __call__(self, style: Any) -> str | None:
        if self.workbook is None:
            return _font_name(style)
        if style is None:
            return None  # no cell there
        if style not in self.names:
            try:
                font = self.workbook._fonts[self.workbook._cell_styles[style].fontId]
            except (AttributeError, IndexError, KeyError, TypeError):  # a damaged style table
                font = None
            self.names[style] = getattr(font, "name", None)
        return self.names[style]


def _font_name(cell: Any) -> str | None:
    try:
        font = cell.font
    except (AttributeError, IndexError, KeyError):  # an empty cell, a damaged style table
        return None
    return getattr(font, "name", None)


def _is_certainly_unicode(value: object) -> bool:
    return (
        isinstance(value, str)
        and not value.isascii()
        and not legacy_encodings.legacy_compatible(value)
    )


def _sheet_fallback(rows: list[_Row], fonts: _Fonts) -> legacy_encodings.Encoding | None:
    """Return the encoding undecided cells of a sheet fall back to, if not as they stand."""
    votes = dict.fromkeys(legacy_encodings.ENCODINGS, 0)
    legacy_texts = in_legacy_fonts = 0
    for value, style in chain.from_iterable(zip(*row, strict=True) for row in rows):
        if not isinstance(value, str) or value.isascii():
            continue
        if _is_certainly_unicode(value):
            votes["unicode"] += 1
            continue
        font = legacy_encodings.font_encoding(fonts(style))
        encoding, settled = legacy_encodings.weigh(value, hint=font)
        if settled or encoding != "unicode":
            votes[encoding] += 1
        legacy_texts += 1
        in_legacy_fonts += font is not None
        if legacy_texts >= _SAMPLE_CELLS:
            break
    best: legacy_encodings.Encoding = max(("tcvn3", "vni"), key=lambda encoding: votes[encoding])
    if votes[best] <= sum(votes.values()) - votes[best]:
        return None
    if 2 * in_legacy_fonts >= legacy_texts:
        return None  # the legacy text wears its fonts: a cell in another font was typed so
    return best


def _row_values(
    values: list[Any], styles: list[Any], fonts: _Fonts, fallback: legacy_encodings.Encoding | None
) -> list[Any]:
    """Return a row's values, texts stripped and decoded to Unicode (see iter_rows)."""
    if fallback and any(_is_certainly_unicode(value) for value in values):
        fallback = None  # a heading row, or a row retyped in Unicode
    row = []
    for value, style in zip(values, styles, strict=True):
        if isinstance(value, str):
            if value.isascii():
                value = value.strip() or None
            else:
                value = _text_value(value, style, fonts, fallback)
        row.append(value)
    return row


def _text_value(
    value: str, style: Any, fonts: _Fonts, fallback: legacy_encodings.Encoding | None
) -> str | None:
    """Return a text cell that is not plain ASCII, stripped and decoded to Unicode."""
    if legacy_encodings.legacy_compatible(value):
        font = fonts(style)
        if len(value) <= _MEMO_LENGTH:
            value = _legacy_text(value, font, fallback)
        else:
            value = _decode_legacy(value, font, fallback)
    else:
        value = unicodedata.normalize("NFC", value)  # ộ, ư…: Unicode already
    return value.strip() or None


def _decode_legacy(value: str, font: str | None, fallback: legacy_encodings.Encoding | None) -> str:
    """Return text that may be TCVN3 or VNI as Unicode, by its font, content and sheet."""
    hint = legacy_encodings.font_encoding(font) or fallback
    encoding = legacy_encodings.detect(value, hint=hint)
    upper = True if legacy_encodings.is_upper_font(font) else None
    return legacy_encodings.decode(value, encoding, upper=upper)


# Texts a sheet repeats (units, kinds, fields) are weighed once: weighing takes 0.1 ms.
_MEMO_LENGTH = 200
_legacy_text = functools.lru_cache(maxsize=4096)(_decode_legacy)


# --- Dates --------------------------------------------------------------------------------

_TIME = r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"  # "05/03/2012 08:30": the time is dropped
_DMY = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})" + _TIME)
_YMD = re.compile(r"(\d{4})([/.-])(\d{1,2})\2(\d{1,2})" + _TIME)
_IN_WORDS = re.compile(r"(?:ngay\s+)?(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")
_MONTH = re.compile(r"(?:thang\s+)?(\d{1,2})\s*(?:[/.-]|\s+nam\s+)\s*(\d{4})")
_YEAR = re.compile(r"(?:nam\s+)?(\d{4})")
_YEARS = range(1000, 3000)
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_MAX_SERIAL = (datetime.date(9999, 12, 31) - _EXCEL_EPOCH).days


def parse_date(
    value: object, *, column: "StrOrPromise | None" = None, partial: bool = False
) -> datetime.date | None:
    """Return the date a cell holds, or None when it is empty; raise ValueError otherwise.

    Accepts date and datetime cells, Excel serial numbers (1900 date system), and text in
    the forms offices type, day first: dd/mm/yyyy, d/m/yy, dd-mm-yyyy, dd.mm.yyyy (a time
    after it is dropped), yyyy-mm-dd, and "ngày 5 tháng 3 năm 2012" (with or without
    "ngày", any case, TCVN3 or VNI text decoded first). A two-digit year is 2000–2069 for
    00–69 and 1970–1999 for 70–99. A month ("3/2012", "tháng 3/2012", "tháng 3 năm 2012")
    or a bare year ("2012", "năm 2012", or a whole number 1000–2999, never read as a
    serial) is refused, unless ``partial`` is true: then it reads as its first day. The
    message names the value, and ``column`` (its heading) when given.
    """
    try:
        return _parse_date(value, partial=partial)
    except ValueError as exc:
        if column is None:
            raise
        raise ValueError(
            _("Column “%(column)s”: %(error)s") % {"column": column, "error": exc}
        ) from None


def _parse_date(value: object, *, partial: bool) -> datetime.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, UncomputedFormula):
        raise ValueError(value.message)
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = float(value)
        if math.isfinite(number) and number.is_integer() and int(number) in _YEARS:
            return _partial(str(int(number)), int(number), None, partial=partial)
        return _from_serial(value)
    if not isinstance(value, str):
        raise ValueError(_not_a_date(value))
    shown = " ".join(value.split())
    text = " ".join(fold(legacy_encodings.to_unicode(shown)).replace(",", " ").split())
    if match := _DMY.fullmatch(text):
        day, _sep, month, year = match.groups()
        if len(year) == 2:
            year = str((2000 if int(year) < 70 else 1900) + int(year))
    elif match := _YMD.fullmatch(text):
        year, _sep, month, day = match.groups()
    elif match := _IN_WORDS.fullmatch(text):
        day, month, year = match.groups()
    elif match := _MONTH.fullmatch(text):
        return _partial(shown, int(match[2]), int(match[1]), partial=partial)
    elif match := _YEAR.fullmatch(text):
        return _partial(shown, int(match[1]), None, partial=partial)
    else:
        raise ValueError(_not_a_date(shown))
    return _real_date(shown, int(year), int(month), int(day))


def _real_date(shown: str, year: int, month: int, day: int) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        pass
    if month > 12 and 1 <= day <= 12:
        message = _("“%(value)s” has no month %(month)s: write the day first, as dd/mm/yyyy.") % {
            "value": shown,
            "month": month,
        }
    elif 1 <= month <= 12 and day > 28 and 1 <= year <= 9999:
        days = calendar.monthrange(year, month)[1]
        message = _("“%(value)s” is not a real date: %(month)s/%(year)s has %(days)s days.") % {
            "value": shown,
            "month": f"{month:02d}",
            "year": year,
            "days": days,
        }
    else:
        message = _("“%(value)s” is not a real date.") % {"value": shown}
    raise ValueError(message)


def _partial(shown: str, year: int, month: int | None, *, partial: bool) -> datetime.date:
    if month is not None and not 1 <= month <= 12:
        raise ValueError(_("“%(value)s” is not a real date.") % {"value": shown})
    if partial:
        return datetime.date(year, month or 1, 1)
    if month is None:
        raise ValueError(
            _("“%(value)s” is a year, not a date: write the whole date as dd/mm/yyyy.")
            % {"value": shown}
        )
    raise ValueError(
        _("“%(value)s” gives the month but not the day: write the whole date as dd/mm/yyyy.")
        % {"value": shown}
    )


def _from_serial(serial: int | float | Decimal) -> datetime.date:
    number = float(serial)
    # Serial 60 is 29/02/1900, a day Excel invented to match Lotus 1-2-3.
    if not math.isfinite(number) or not 1 <= number < _MAX_SERIAL + 1 or int(number) == 60:
        raise ValueError(_not_a_date(serial))
    days = int(number)
    if days < 60:
        days += 1  # before the invented day, serials are one lower than a real calendar
    return _EXCEL_EPOCH + datetime.timedelta(days=days)


def _not_a_date(value: object) -> str:
    return _("“%(value)s” is not a date; write it as dd/mm/yyyy.") % {"value": value}


# --- Writing ------------------------------------------------------------------------------


def write_xlsx(
    path_or_file: str | os.PathLike[str] | IO[bytes],
    headers: Sequence[str],
    rows_iterable: Iterable[Sequence[object]],
    *,
    sheet_title: str,
) -> int:
    """Write rows to a one-sheet workbook, streaming, and return how many were written.

    Memory stays flat however many rows come: openpyxl's write-only sheet spools rows to
    a temporary file and stores strings inline. Column widths are set from the headers
    and the first 100 rows. Dates are real dates shown as dd/mm/yyyy; text that starts
    with "=" is written as text, never as a formula.
    """
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=_sheet_title(sheet_title))
    rows = iter(rows_iterable)
    sample = list(islice(rows, _WIDTH_SAMPLE_ROWS))
    _set_widths(worksheet, headers, sample)
    worksheet.freeze_panes = "A2"
    worksheet.append([_header_cell(worksheet, header) for header in headers])
    count = 0
    for row in chain(sample, rows):
        worksheet.append([_cell(worksheet, value) for value in row])
        count += 1
    workbook.save(path_or_file)
    return count


def template_workbook(
    headers: Sequence[str],
    example_row: Sequence[object],
    *,
    notes: Mapping[str, str] | None = None,
) -> bytes:
    """Return an import template: headings and one example row, then a sheet of guidance."""
    notes = notes or {}
    workbook = Workbook(write_only=True)
    data_title = _sheet_title(_("Data"))
    data = workbook.create_sheet(title=data_title)
    _set_widths(data, headers, [example_row])
    data.freeze_panes = "A2"
    data.append([_header_cell(data, header) for header in headers])
    data.append([_cell(data, value) for value in example_row])

    guide = workbook.create_sheet(title=_sheet_title(_("Instructions")))
    columns = [_("Column"), _("Example"), _("Notes")]
    lines: list[list[object]] = [
        [
            _("Fill in one row per record on the sheet “%(sheet)s”, from row 2 down.")
            % {"sheet": data_title}
        ],
        [_("Keep the column headings; delete the example row before uploading.")],
        [_("Write dates as dd/mm/yyyy.")],
        [_("Text typed with TCVN3 (.VnTime) or VNI fonts is converted to Unicode.")],
        [],
    ]
    listing = [
        [header, example, notes.get(header, "")]
        for header, example in zip(headers, chain(example_row, repeat(None)), strict=False)
    ]
    for column, width in zip("ABC", (30, 30, 60), strict=True):
        guide.column_dimensions[column].width = width
    for line in lines:
        guide.append([_cell(guide, value) for value in line])
    guide.append([_header_cell(guide, column) for column in columns])
    for line in listing:
        guide.append([_cell(guide, value) for value in line])

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str) -> str:
    """Return a title Excel accepts: no []:*?/\\ and at most 31 characters."""
    cleaned = " ".join(_SHEET_TITLE_FORBIDDEN.sub(" ", str(title)).split()).strip("'")
    cleaned = cleaned[:31].strip()
    return cleaned or "Sheet1"


def _header_cell(worksheet: Any, header: object) -> Cell:
    cell = WriteOnlyCell(worksheet, value=_text(str(header)))
    cell.font = _BOLD
    return cell


def _text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _cell(worksheet: Any, value: object) -> Any:
    """Return what openpyxl should write for one value."""
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)  # Excel has no time zones: show local time
        cell = WriteOnlyCell(worksheet, value=value)
        cell.number_format = _DATETIME_FORMAT
        return cell
    if isinstance(value, datetime.date):
        # types-openpyxl leaves date out of WriteOnlyCell's values; Cell, which it makes, takes it.
        cell = WriteOnlyCell(worksheet, value=value)  # type: ignore[arg-type]
        cell.number_format = _DATE_FORMAT
        return cell
    text = _text(value if type(value) is str else str(value))
    if text.startswith("="):
        cell = WriteOnlyCell(worksheet, value=text)
        cell.data_type = "s"  # a name like "=HYPERLINK(...)" must not become a formula
        return cell
    return text


def _display_width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, datetime.date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def _set_widths(worksheet: Any, headers: Sequence[object], sample: list[Sequence[object]]):
    for index, header in enumerate(headers):
        longest = max(
            [_display_width(header)]
            + [_display_width(row[index]) for row in sample if index < len(row)]
        )
        letter = get_column_letter(index + 1)
        worksheet.column_dimensions[letter].width = min(max(longest + 2, 8), 60)
