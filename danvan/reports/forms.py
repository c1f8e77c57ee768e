"""Forms of the periodic reports: a report's fields by type, review, opening, export."""

import re

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from danvan.lib.dates import DateField, DateInput
from danvan.reports.documents import FORMATS, Signing
from danvan.reports.services import FieldSpec, parse_number

EMPTY_ROWS = 3  # blank table rows offered below the filled ones: "add row" without JS
MAX_EMPTY_ROWS = 50


class ReportValuesForm(forms.Form):
    """One input per number or text field and a grid of inputs per table field.

    Inputs are named by position (``f0``, ``t2_5_1``: field 2, row 5, column 1) so that any
    field code is safe. The service checks the values; this form only gathers them.
    """

    CELL = re.compile(r"^t(\d+)_(\d+)_(\d+)$")

    def __init__(self, data=None, *, specs: list[FieldSpec], values: dict, empty_rows=EMPTY_ROWS):
        super().__init__(data)
        self.specs = specs
        posted_rows = self._posted_rows(data) if data is not None else {}
        self.row_counts: dict[int, int] = {}
        for index, spec in enumerate(specs):
            value = values.get(spec.code)
            if spec.type == "number":
                self.fields[f"f{index}"] = forms.CharField(
                    label=spec.label,
                    required=False,
                    initial="" if value is None else value,
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "num"}),
                )
            elif spec.type == "text":
                self.fields[f"f{index}"] = forms.CharField(
                    label=spec.label,
                    required=False,
                    strip=False,
                    initial=value or "",
                    widget=forms.Textarea(attrs={"rows": 4}),
                )
            else:
                rows = value if isinstance(value, list) else []
                count = max(len(rows) + empty_rows, posted_rows.get(index, 0))
                self.row_counts[index] = count
                for r in range(count):
                    row = rows[r] if r < len(rows) and isinstance(rows[r], dict) else {}
                    for c, (code, label) in enumerate(spec.columns):
                        self.fields[f"t{index}_{r}_{c}"] = forms.CharField(
                            label=label, required=False, initial=row.get(code, "")
                        )

    @classmethod
    def _posted_rows(cls, data) -> dict[int, int]:
        counts: dict[int, int] = {}
        for key in data:
            match = cls.CELL.match(key)
            if match:
                index, row = int(match[1]), int(match[2])
                counts[index] = max(counts.get(index, 0), row + 1)
        return counts

    def values(self) -> dict:
        """Return the posted values by field code, in the shapes the service checks."""
        data = self.cleaned_data
        values: dict = {}
        for index, spec in enumerate(self.specs):
            if spec.type != "table":
                values[spec.code] = data.get(f"f{index}", "")
                continue
            values[spec.code] = [
                {
                    code: data.get(f"t{index}_{r}_{c}", "")
                    for c, (code, _label) in enumerate(spec.columns)
                }
                for r in range(self.row_counts[index])
            ]
        return values

    def layout(self) -> list[dict]:
        """Return each field with its bound inputs, for the template to lay out by type."""
        items = []
        for index, spec in enumerate(self.specs):
            item = {"spec": spec, "type": spec.type}
            if spec.type == "table":
                item["rows"] = [
                    [self[f"t{index}_{r}_{c}"] for c in range(len(spec.columns))]
                    for r in range(self.row_counts[index])
                ]
            else:
                item["field"] = self[f"f{index}"]
            items.append(item)
        return items


def display_values(specs: list[FieldSpec], values: dict) -> list[dict]:
    """Return each field with its value for a read-only page (tables as rows of cells)."""
    items = []
    for spec in specs:
        value = values.get(spec.code)
        item = {"spec": spec, "type": spec.type, "value": value}
        if spec.type == "number" and value not in (None, ""):
            # Written as its reader writes numbers: 8,6 and 1.234 in Vietnamese.
            try:
                number = parse_number(value)
                if number is not None:  # only blanks: shown as they are, not as "None"
                    item["value"] = formats.number_format(number, force_grouping=True)
            except ValueError:
                pass
        if spec.type == "table":
            item["rows"] = [
                [row.get(code, "") for code in spec.column_codes]
                for row in (value if isinstance(value, list) else [])
            ]
        items.append(item)
    return items


class OpenPeriodForm(forms.Form):
    period_start = DateField(
        label=_("Period starting on"),
        help_text=_("The first day of the month, quarter, half-year or year."),
        widget=DateInput(),
    )


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the unit"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when returning the report: say what needs correcting."),
    )


class ExportForm(forms.Form):
    """The number, date and signer printed on an exported document."""

    number = forms.IntegerField(
        label=_("Number"), required=False, min_value=1, max_value=99999, initial=1
    )
    date = DateField(
        label=_("Date"),
        required=False,
        widget=DateInput(),
        help_text=_("Today when left empty."),
    )
    symbol = forms.CharField(
        label=_("Symbol"),
        required=False,
        max_length=40,
        help_text=_("Derived from the unit's name when left empty."),
    )
    signer_title = forms.CharField(label=_("Signer's position"), required=False, max_length=120)
    signer_name = forms.CharField(label=_("Signer's name"), required=False, max_length=120)

    def signing(self) -> Signing:
        data = self.cleaned_data
        return Signing(
            number=data.get("number") or 1,
            date=data.get("date"),
            symbol=data.get("symbol", ""),
            signer_title=data.get("signer_title", ""),
            signer_name=data.get("signer_name", ""),
        )


class PeriodExportForm(ExportForm):
    format = forms.ChoiceField(
        label=_("Format"), choices=[(fmt, fmt.upper()) for fmt in FORMATS], initial="xlsx"
    )
