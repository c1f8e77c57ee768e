import datetime
import re

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from danvan.lib.dates import DateField, DateInput
from danvan.lib.uploads import check_upload
from danvan.organisations.models import Unit
from danvan.portal.queries import (
    active_categories,
    city_communes,
    current_communes,
    library_years,
    normalise_code,
)
from danvan.registry.models import Field, ModelKind
from danvan.voice.forms import IntakeLawForm
from danvan.voice.models import Category, Kind
from danvan.voice.places import MAX_ADDRESS_LENGTH, commune_from_address, in_hanoi


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


# Citizen voice -------------------------------------------------------------------------

HONEYPOT = "website"
MAX_FILES = 3
CASE_FILE_KINDS = {"jpeg", "png", "pdf"}
CITIZEN_KINDS = [Kind.FEEDBACK, Kind.RECOMMENDATION, Kind.COMPLAINT, Kind.DENUNCIATION]
_PHONE = re.compile(r"^\+?[0-9]{8,15}$")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; each one is cleaned like a single file."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return super().clean(None, initial) or []
        single = super().clean
        items = data if isinstance(data, (list, tuple)) else [data]
        return [single(item, initial) for item in items]


class FeedbackForm(IntakeLawForm):
    """What a citizen sends from the portal; the urgency is set by the unit, not here. Before
    an anonymous or incomplete denunciation or a late complaint is sent, the citizen reads
    what the law says of it (IntakeLawForm)."""

    kind = forms.ChoiceField(
        label=_("What do you want to send?"),
        choices=[(kind.value, kind.label) for kind in CITIZEN_KINDS],
        initial=Kind.FEEDBACK,
        widget=forms.RadioSelect,
    )
    category = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Category.objects.none(),
        empty_label=_("— Choose a topic —"),
        error_messages={
            "required": _("Choose a topic."),
            "invalid_choice": _("This topic does not exist or is no longer in use."),
        },
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What happened, where exactly, since when. At most 5,000 characters."),
    )
    decision_complained = forms.CharField(
        label=_("Decision or act complained about"),
        max_length=300,
        required=False,
        help_text=_("Its number, date and the body that issued it, or the act and who did it."),
    )
    decision_known_on = DateField(
        label=_("Date you learned of it"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "A complaint is filed within 90 days of this date (Luật Khiếu nại 2011, Điều 9); "
            "time lost to illness, disaster, work or study far away is not counted."
        ),
    )
    person_denounced = forms.CharField(
        label=_("Person or body denounced"),
        max_length=300,
        required=False,
        help_text=_(
            "Without your full name and address a denunciation is kept as information, not "
            "handled as a denunciation (Luật Tố cáo 2018, Điều 25). The law also asks for a way "
            "to contact you. The identity of a denouncer is protected by law."
        ),
    )
    commune = CommuneChoiceField(
        label=_("Commune / ward"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("— Choose the commune or ward —"),
        error_messages={
            "invalid_choice": _(
                "This commune or ward does not exist (any more). Choose one from the list."
            )
        },
    )
    address = forms.CharField(
        label=_("Address or place"),
        max_length=MAX_ADDRESS_LENGTH,
        required=False,
        help_text=_(
            "House number, street, ward… If you do not choose a commune or ward above, we "
            "find it from this address."
        ),
    )
    latitude = forms.FloatField(
        required=False, min_value=-90, max_value=90, widget=forms.HiddenInput
    )
    longitude = forms.FloatField(
        required=False, min_value=-180, max_value=180, widget=forms.HiddenInput
    )
    # The form's metaclass takes declared fields out of the class, so this does not hide
    # BaseForm.files (the uploads); mypy sees only the class attribute.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Photos or documents"),
        required=False,
        help_text=_("Up to 3 files: JPEG or PNG photos, PDF documents; 10 MB each at most."),
    )
    reporter_name = forms.CharField(label=_("Full name"), max_length=120, required=False)
    reporter_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    reporter_email = forms.EmailField(label=_("Email"), required=False)
    reporter_address = forms.CharField(label=_("Your address"), max_length=300, required=False)
    consent = forms.BooleanField(
        label=_(
            "I agree that the unit handling this case uses my contact details to contact me "
            "about this case only."
        ),
        required=False,
    )
    website = forms.CharField(label=_("Website"), required=False)  # the honeypot: leave empty

    CONTACT_FIELDS = ("reporter_name", "reporter_phone", "reporter_email", "reporter_address")
    SERVICE_FIELDS = (
        "kind",
        "category",
        "title",
        "description",
        "address",
        "latitude",
        "longitude",
        "decision_complained",
        "decision_known_on",
        "person_denounced",
        *CONTACT_FIELDS,
        "consent",
    )
    LABELS = {
        "decision_date": _("Date of the decision or act"),
        "obstacle_cause": _("Did something keep you from filing in time?"),
        "obstacle_start": _("From"),
        "obstacle_end": _("To"),
        "delay_reason": _("Explain the delay"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in self.LABELS.items():
            self.fields[name].label = label
        self.fields["obstacle_cause"].help_text = _(
            "Only if you file more than 90 days after learning of it: the time of the obstacle "
            "is not counted."
        )
        self.fields["category"].queryset = active_categories()
        self.fields["commune"].queryset = city_communes()
        self.fields[HONEYPOT].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.checked_files: list[tuple] = []

    def clean_reporter_phone(self) -> str:
        phone = _PHONE_SEPARATORS.sub("", self.cleaned_data["reporter_phone"])
        if phone and not _PHONE.match(phone):
            raise forms.ValidationError(_("Enter a phone number of 8 to 15 digits."))
        return phone

    def clean_files(self) -> list:
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("Attach at most %(count)d files.") % {"count": MAX_FILES})
        errors, checked = [], []
        for upload in files:
            try:
                checked.append((upload, check_upload(upload, allowed=CASE_FILE_KINDS)))
            except forms.ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise forms.ValidationError(errors)
        self.checked_files = checked
        return files

    def clean(self):
        data = super().clean()
        self._clean_place(data)
        self._clean_point(data)
        self._clean_contact(data)
        self._clean_legal_fields(data)
        self.clean_law(data)
        return data

    def _clean_place(self, data) -> None:
        if data.get("commune") or "commune" in self.errors:
            return
        address = data.get("address", "")
        if not address:
            self.add_error(
                "commune", _("Choose the commune or ward, or type the address of the place.")
            )
            return
        commune = commune_from_address(address)
        if commune is None:
            self.add_error(
                "address",
                _(
                    "We could not find a current commune or ward of Hà Nội in this address. "
                    "Choose it from the list above."
                ),
            )
        else:
            data["commune"] = commune

    def _clean_point(self, data) -> None:
        """The point chosen on the map (or the device's position): both coordinates or none,
        in Hà Nội. The fields are hidden, so the message shows above the form."""
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if "latitude" in self.errors or "longitude" in self.errors:
            pass
        elif latitude is None and longitude is None:
            return
        elif latitude is not None and longitude is not None and in_hanoi(latitude, longitude):
            return
        self.add_error(
            None,
            _(
                "The place chosen on the map is not in Hà Nội. Choose it again on the map, or "
                "remove it and type the address."
            ),
        )

    def _clean_contact(self, data) -> None:
        given = any(data.get(name) for name in self.CONTACT_FIELDS)
        if given and not data.get("consent"):
            self.add_error(
                "consent",
                _("Tick this box to let us use your contact details, or leave them empty."),
            )
        if not given:
            data["consent"] = False  # nothing to consent to

    def _clean_legal_fields(self, data) -> None:
        kind = data.get("kind")
        if kind == Kind.COMPLAINT:
            if not data.get("decision_complained"):
                self.add_error(
                    "decision_complained", _("Say which decision or act you complain about.")
                )
            if not data.get("decision_known_on") and "decision_known_on" not in self.errors:
                self.add_error("decision_known_on", _("Give the date you learned of it."))
            if not data.get("reporter_name"):
                self.add_error("reporter_name", _("A complaint needs your full name."))
            if not (data.get("reporter_phone") or data.get("reporter_address")):
                self.add_error(
                    "reporter_phone", _("A complaint needs a phone number or an address.")
                )

    def case_data(self) -> dict:
        """The keyword arguments of submit_case, for a valid form."""
        data = {name: self.cleaned_data[name] for name in self.SERVICE_FIELDS}
        if data["kind"] != Kind.COMPLAINT:
            data["decision_complained"], data["decision_known_on"] = "", None
        if data["kind"] != Kind.DENUNCIATION:
            data["person_denounced"] = ""
        data["commune"] = self.cleaned_data["commune"]
        data["files"] = self.checked_files
        data.update(self.law_arguments())
        return data


class DetailsForm(forms.Form):
    """What a denunciation lacked, given by its sender on the tracking page."""

    reporter_address = forms.CharField(label=_("Your address"), max_length=300, required=False)
    reporter_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    reporter_email = forms.EmailField(label=_("Email"), required=False)
    person_denounced = forms.CharField(
        label=_("Person or body denounced, and the unlawful act"), max_length=300, required=False
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the unit handling this case uses my contact details to contact me "
            "about this case only."
        ),
        required=False,
    )

    def __init__(self, *args, missing=(), **kwargs):
        super().__init__(*args, **kwargs)
        shown = {
            "reporter_address": "address" in missing,
            "reporter_phone": "contact" in missing,
            "reporter_email": "contact" in missing,
            "person_denounced": "content" in missing,
            "consent": bool(set(missing) - {"content"}),
        }
        for name, keep in shown.items():
            if not keep:
                del self.fields[name]

    def clean_reporter_phone(self) -> str:
        phone = _PHONE_SEPARATORS.sub("", self.cleaned_data["reporter_phone"])
        if phone and not _PHONE.match(phone):
            raise forms.ValidationError(_("Enter a phone number of 8 to 15 digits."))
        return phone


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=40,
        help_text=_("For example 7K3Q-M9XW-2HDT. Dashes and capitals do not matter."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _("A tracking code has 12 letters and digits, like 7K3Q-M9XW-2HDT.")
            )
        return code


class RateForm(forms.Form):
    satisfied = forms.TypedChoiceField(
        label=_("Are you satisfied with the answer?"),
        choices=[("yes", _("Yes, satisfied")), ("no", _("No, not satisfied"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes or no.")},
    )
    reason = forms.CharField(
        label=_("Why? (required if you are not satisfied)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("satisfied") is False and not data.get("reason", "").strip():
            self.add_error("reason", _("Tell us why you are not satisfied."))
        return data


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does the answer not settle the matter?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Tell us why the answer does not settle the matter.")},
    )


class Period(models.TextChoices):
    MONTH = "month", _("This month")
    QUARTER = "quarter", _("This quarter")
    YEAR = "year", _("This year")
    LAST_YEAR = "last_year", _("Last year")


def period_dates(period: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a scorecard period; the current ones end today."""
    if period == Period.MONTH:
        return today.replace(day=1), today
    if period == Period.QUARTER:
        return today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), today
    if period == Period.LAST_YEAR:
        return datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31)
    return datetime.date(today.year, 1, 1), today


class ScorecardForm(forms.Form):
    """The period of the public scorecards; an unknown value falls back to this year."""

    period = forms.ChoiceField(
        label=_("Period"), choices=Period.choices, required=False, initial=Period.YEAR
    )

    def chosen_period(self) -> str:
        if self.is_bound and self.is_valid() and self.cleaned_data["period"]:
            return self.cleaned_data["period"]
        return Period.YEAR


class DemocracySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search what the commune published"),
        required=False,
        max_length=200,
        help_text=_("Marks may be left out: “ngan sach” finds “ngân sách”."),
    )
