from django import forms
from django.utils.translation import gettext_lazy as _

from danvan.lib.dates import DateField, DateInput
from danvan.organisations.models import Unit, UnitKind
from danvan.organisations.queries import get_unit_for_user


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "short_name", "kind", "branch", "code", "valid_from", "valid_to"]
        widgets = {
            "valid_from": DateInput(),
            "valid_to": DateInput(),
        }
        field_classes = {"valid_from": DateField, "valid_to": DateField}


class UnitCreateForm(UnitForm):
    kind = forms.ChoiceField(label=_("kind"), choices=UnitKind.choices)


class MoveUnitForm(forms.Form):
    new_parent = forms.IntegerField(
        label=_("New parent unit (number)"),
        help_text=_("The number shown on the new parent unit's page."),
    )


class UnitSearchForm(forms.Form):
    q = forms.CharField(label=_("Search units"), required=False, max_length=100)
    closed = forms.BooleanField(label=_("Include closed units"), required=False)


MAX_UNITS_FILE_BYTES = 2 * 1024 * 1024


class UnitsFileForm(forms.Form):
    file = forms.FileField(
        label=_("Units file (Excel .xlsx, or CSV in UTF-8)"),
        help_text=_(
            "Needed columns: key (Mã định danh), name (Tên đơn vị), kind (Loại đơn vị); "
            "optional: parent unit (Đơn vị cấp trên), short name, branch, code (Mã đơn vị), "
            "valid from (Ngày thành lập), valid to (Ngày giải thể), latitude, longitude, "
            "district before 2025, predecessor units (separated by ;). A title above the "
            "header and a numbering row under it are skipped."
        ),
    )

    def clean_file(self) -> str | bytes:
        """The CSV's text, or the workbook's bytes (an .xlsx file)."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UNITS_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        data = upload.read()
        if upload.name.lower().endswith(".xlsx"):
            return data
        if b"\x00" in data:
            raise forms.ValidationError(_("This is not a text (CSV) file."))
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(
                _("The file is not in UTF-8. Save it from Excel as “CSV UTF-8”.")
            ) from exc


def resolve_filters(form_class, user, data):
    """Bind a list's filter form; a unit filter outside the user's scope raises 404.

    Return the form, its cleaned values (empty when invalid) with "unit" replaced by the
    Unit, and that unit (or None).
    """
    form = form_class(data or None)
    params = dict(form.cleaned_data) if form.is_valid() else {}
    unit = None
    if params.get("unit"):
        unit = get_unit_for_user(user, params["unit"])
        params["unit"] = unit
    return form, params, unit
