from django import forms

from danvan.notices.models import Delivery, NotificationKind


class PreferencesForm(forms.Form):
    """How the user hears of each kind of event: one choice of delivery per kind."""

    def __init__(self, *args, initial_choices: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in NotificationKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                initial=initial_choices.get(kind.value, Delivery.APP),
                widget=forms.RadioSelect,
            )
