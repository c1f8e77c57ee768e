from django import forms
from django.utils.translation import gettext_lazy as _

from danvan.organisations.models import Unit, UnitKind


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "short_name", "kind", "branch", "code", "valid_from", "valid_to"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


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
