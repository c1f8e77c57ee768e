"""The column-mapping step of the import pipeline, for any register's import."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.lib.imports import IGNORE, ImportSpec


class SheetFactsForm(forms.Form):
    """What the user says about a whole sheet: its year and its district."""

    year = forms.IntegerField(
        label=_("Year of the whole sheet"),
        required=False,
        min_value=2009,
        help_text=_("Used for rows without a year of their own."),
    )
    district = forms.CharField(
        label=_("All rows are units of the district"),
        required=False,
        max_length=120,
        help_text=_("Unit names are then looked for in this district first."),
    )

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is not None and year > timezone.localdate().year:
            raise forms.ValidationError(_("The year must be between 2009 and this year."))
        return year


class ColumnMappingForm(SheetFactsForm):
    """Each column of the sheet with a choice of what it is, and the sheet's own facts.

    ``summary`` is the preview's account of the sheet (its "columns", "sheets", "sheet",
    and the proposed year and district). ``facts`` names the sheet's facts the register
    reads (a register whose rows carry their own year and district asks for none).
    """

    sheet = forms.ChoiceField(label=_("Sheet"), required=False)
    field_order = ["sheet", "year", "district"]

    def __init__(
        self,
        spec: ImportSpec,
        summary: dict,
        *args,
        facts: tuple[str, ...] = ("year", "district"),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        for name in ("year", "district"):
            if name not in facts:
                del self.fields[name]
        self.spec = spec
        self.summary = summary
        sheet_field = self.fields["sheet"]
        assert isinstance(sheet_field, forms.ChoiceField)
        sheet_field.choices = [(name, name) for name in summary.get("sheets", [])]
        self.initial.update(
            {
                "sheet": summary.get("sheet", ""),
                "year": summary.get("year") or summary.get("proposed_year"),
                "district": summary.get("district") or summary.get("proposed_district"),
            }
        )
        choices = [(IGNORE, _("Skip"))] + [(c.code, c.label) for c in spec.columns]
        self.column_fields = []
        for column in summary.get("columns", []):
            name = f"column_{column['index']}"
            self.fields[name] = forms.ChoiceField(
                label=column["heading"] or _("(no heading)"),
                choices=choices,
                initial=column["field"] or IGNORE,
                required=False,
            )
            self.column_fields.append((self[name], column))

    def sheet_changed(self) -> bool:
        return bool(self.cleaned_data.get("sheet")) and (
            self.cleaned_data["sheet"] != self.summary.get("sheet")
        )

    def clean(self):
        data = super().clean()
        if self.sheet_changed():
            return data  # another sheet: its columns are matched afresh
        chosen: dict[str, str] = {}
        for bound, column in self.column_fields:
            code = data.get(bound.name) or IGNORE
            if code != IGNORE and code in chosen.values():
                self.add_error(
                    bound.name,
                    _("Two columns are “%(column)s”: choose one.")
                    % {"column": self.spec.label(code)},
                )
            chosen[str(column["index"])] = code
        for code in self.spec.required:
            if code not in chosen.values():
                self.add_error(
                    None,
                    _("Choose the column “%(column)s”.") % {"column": self.spec.label(code)},
                )
        self.mapping = chosen
        return data

    def params(self) -> dict:
        """The preview's parameters for this choice."""
        data = self.cleaned_data
        params = {"sheet": data.get("sheet") or self.summary.get("sheet", "")}
        if not self.sheet_changed():
            params["mapping"] = self.mapping
        if data.get("year"):
            params["year"] = data["year"]
        if data.get("district"):
            params["district"] = data["district"].strip()
        return params
