"""Forms of public-opinion work: the choices they offer are the user's scope only."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.lib.workdays import add_months, month_start
from danvan.opinion.models import (
    CONTENT_MAX,
    NOTE_MAX,
    SUMMARY_MAX,
    Breadth,
    Collaborator,
    Intensity,
    OpinionReport,
    Tendency,
    Topic,
)
from danvan.opinion.services import ItemInput
from danvan.organisations.models import Unit

ITEM_ROWS = 5


def parse_month(text: str | None, default: datetime.date | None = None) -> datetime.date:
    """A month from "2026-05" (or a full date); the current month when absent or wrong."""
    fallback = default or month_start(timezone.localdate())
    if not text:
        return fallback
    try:
        return datetime.date.fromisoformat(f"{text[:7]}-01")
    except ValueError:
        return fallback


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return datetime.date.fromisoformat(f"{value[:7]}-01")
        except ValueError as exc:
            raise forms.ValidationError(_("Give a month as YYYY-MM."), code="bad_month") from exc


class CollaboratorForm(forms.Form):
    unit = forms.ModelChoiceField(Unit.objects.none(), label=_("unit"))
    code = forms.CharField(
        label=_("code"),
        max_length=32,
        required=False,
        help_text=_("Leave empty for a generated code."),
    )
    full_name = forms.CharField(label=_("full name"), max_length=200)
    phone = forms.CharField(label=_("phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("email"), required=False)
    address = forms.CharField(label=_("address"), max_length=300, required=False)
    occupation = forms.CharField(label=_("occupation"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = (
            Unit.objects.visible_to(user, perm="opinion.manage_collaborators")
            .current()
            .order_by("path")
        )


class ReportForm(forms.Form):
    collaborator = forms.ModelChoiceField(Collaborator.objects.none(), label=_("collaborator"))
    kind = forms.ChoiceField(label=_("kind"), choices=OpinionReport.Kind.choices)
    month = MonthField(
        label=_("month"), required=False, help_text=_("For a monthly report: YYYY-MM.")
    )
    summary = forms.CharField(
        label=_("summary"),
        required=False,
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collaborator"].queryset = (
            Collaborator.objects.visible_to(user, perm="opinion.edit")
            .filter(is_active=True)
            .order_by("code")
        )
        self.fields["collaborator"].label_from_instance = lambda c: c.code
        if not self.is_bound:
            self.initial.setdefault(
                "month", f"{add_months(month_start(timezone.localdate()), -1):%Y-%m}"
            )


class ItemForm(forms.Form):
    topic = forms.ModelChoiceField(Topic.objects.none(), label=_("topic"), required=False)
    breadth = forms.TypedChoiceField(
        label=_("breadth"),
        choices=[("", "—"), *Breadth.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    tendency = forms.TypedChoiceField(
        label=_("tendency"),
        choices=[("", "—"), *Tendency.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    intensity = forms.TypedChoiceField(
        label=_("intensity"), choices=Intensity.choices, coerce=int, initial=Intensity.MEDIUM
    )
    place = forms.ModelChoiceField(
        Unit.objects.none(),
        label=_("place concerned"),
        required=False,
        help_text=_("The collaborator's unit when empty."),
    )
    content = forms.CharField(
        label=_("content"),
        required=False,
        max_length=CONTENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    is_rumour = forms.BooleanField(label=_("rumour"), required=False)
    handled = forms.BooleanField(label=_("answered or dispelled"), required=False)
    handled_note = forms.CharField(
        label=_("how it was handled"), required=False, max_length=NOTE_MAX
    )

    def __init__(self, *args, topics, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics
        self.fields["place"].queryset = places

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("topic") or data.get("breadth") or data.get("content"))

    def item(self) -> ItemInput:
        data = self.cleaned_data
        return ItemInput(
            topic=data.get("topic"),
            breadth=data.get("breadth"),
            tendency=data.get("tendency"),
            intensity=data.get("intensity") or Intensity.MEDIUM,
            place=data.get("place"),
            content=data.get("content", ""),
            is_rumour=data.get("is_rumour", False),
            handled=data.get("handled", False),
            handled_note=data.get("handled_note", ""),
        )


def item_forms(data, *, topics, places) -> list[ItemForm]:
    return [
        ItemForm(data, prefix=f"item-{i}", topics=topics, places=places) for i in range(ITEM_ROWS)
    ]


class HandleForm(forms.Form):
    note = forms.CharField(label=_("how it was handled"), max_length=NOTE_MAX)
