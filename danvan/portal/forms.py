from django import forms
from django.utils.translation import gettext_lazy as _

from danvan.organisations.models import Unit
from danvan.portal.queries import current_communes, library_years
from danvan.registry.models import Field, ModelKind


class CommuneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class LibraryFilterForm(forms.Form):
    """The library's search box and filters; an invalid value is simply ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    field = forms.ModelChoiceField(
        label=_("Field"),
        queryset=Field.objects.filter(is_active=True).only("id", "name"),
        required=False,
        empty_label=_("All fields"),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    commune = CommuneChoiceField(
        label=_("Commune / ward"),
        queryset=Unit.objects.none(),  # set per request: "current" means today
        required=False,
        empty_label=_("All communes and wards"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = current_communes()
        self.fields["kind"].choices = [("", _("All kinds")), *ModelKind.choices]
        self.fields["year"].choices = [("", _("All years"))] + [
            (year, str(year)) for year in library_years()
        ]

    def params(self) -> dict:
        """The valid filters only: a stale link with a bad value still shows a list."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}
