"""The dashboards' period: a named one (this year, last year, this quarter) or dates."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danvan.dashboards.queries import Period
from danvan.voice.forms import PeriodChoiceForm, period_dates

PERIODS = [
    ("year", gettext_lazy("This year")),
    ("last_year", gettext_lazy("Last year")),
    ("quarter", gettext_lazy("This quarter")),
    ("custom", gettext_lazy("Dates below")),
]
MAX_YEARS = 20


class PeriodForm(PeriodChoiceForm):
    period = forms.ChoiceField(label=gettext_lazy("period"), choices=PERIODS, required=False)

    def clean(self):
        data = super().clean()
        if data.get("period") == "custom":
            if data["end"].year - data["start"].year >= MAX_YEARS:
                raise forms.ValidationError(
                    _("Choose a period of at most %(n)s years.") % {"n": MAX_YEARS}
                )
        return data

    def chosen(self) -> tuple[str, Period]:
        """The period chosen (this year when nothing valid is chosen)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        name = data.get("period") or "year"
        if name == "custom":
            return name, Period(data["start"], data["end"])
        today = timezone.localdate()
        start, end = period_dates(name, today)
        # A period under way runs to today, and is compared with the same stretch before it.
        span = 3 if name == "quarter" else 12
        return name, Period(start, min(end, today), span=span)
