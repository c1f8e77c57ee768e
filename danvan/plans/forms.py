"""Forms of the campaign pages: they offer only what the reader may choose; the services
decide."""

from typing import TypedDict

from django import forms
from django.utils.translation import gettext_lazy as _

from danvan.lib.dates import DateField
from danvan.lib.metrics import METRICS
from danvan.organisations.kinds import OWNERS
from danvan.organisations.models import Unit, UnitKind
from danvan.plans.models import Target
from danvan.registry.forms import DATE, UnitChoiceField


class DecimalBounds(TypedDict):
    max_digits: int
    decimal_places: int
    min_value: int


VALUE: DecimalBounds = {"max_digits": 12, "decimal_places": 2, "min_value": 0}


def _units(user):
    return (
        Unit.objects.visible_to(user, perm="plans.decide")
        .current()
        .only("id", "name", "depth", "path")
    )


class CampaignForm(forms.Form):
    owner = UnitChoiceField(label=_("opened by"), queryset=Unit.objects.none())
    name = forms.CharField(label=_("name"), max_length=300)
    start = DateField(label=_("from"), widget=DATE)
    end = DateField(label=_("to"), widget=DATE)
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _units(user).filter(kind__in=OWNERS)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The campaign cannot end before it starts."))
        return data


def metric_choices():
    """“Reported by hand”, then every figure the system measures (read when the form is
    built: apps may register metrics after this module is imported)."""
    return [("", _("Reported by hand"))] + [(code, m.label) for code, m in METRICS.items()]


class TargetForm(forms.Form):
    unit = UnitChoiceField(label=_("unit"), queryset=Unit.objects.none())
    title = forms.CharField(
        label=_("target"),
        max_length=300,
        help_text=_("For example: “Each commune registers at least 5 models”."),
    )
    metric = forms.ChoiceField(label=_("measured by"), required=False)
    comparison = forms.ChoiceField(
        label=_("comparison"),
        choices=Target.Comparison.choices,
        initial=Target.Comparison.AT_LEAST,
    )
    value = forms.DecimalField(label=_("value"), **VALUE)

    def __init__(self, *args, user, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user).filter(path__startswith=campaign.owner.path)
        self.fields["metric"].choices = metric_choices()


# Cascading goes down the tree: the city and legacy districts are never below a target.
CASCADE_KINDS = [
    (value, label)
    for value, label in UnitKind.choices
    if value not in (UnitKind.PROVINCE, UnitKind.LEGACY_DISTRICT)
]


class CascadeForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Give the same target to every unit of these kinds below"),
        choices=CASCADE_KINDS,
        initial=[UnitKind.COMMUNE],
        widget=forms.CheckboxSelectMultiple,
    )


class ProgressForm(forms.Form):
    value = forms.DecimalField(label=_("value reached"), **VALUE)
    note = forms.CharField(
        label=_("note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How the figure was counted, or the document that shows it."),
    )
