from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.cadres.models import (
    Attendance,
    Cadre,
    Discipline,
    Event,
    Posting,
    Sex,
    Term,
    TrainingLevel,
    TrainingResult,
)
from danvan.lib.dates import DateField, DateInput
from danvan.lib.uploads import check_upload
from danvan.lib.xlsx import SpreadsheetError, safe_open_workbook
from danvan.organisations.models import Unit

DATE = DateInput()
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        label = "— " * max(0, obj.depth - 1) + obj.name
        if obj.valid_to and obj.valid_to < timezone.localdate():
            label += " (" + str(_("until %(date)s") % {"date": obj.valid_to.strftime("%d/%m/%Y")})
            label += ")"
        return label


def units_for(user, perm: str = "cadres.change"):
    """The current units where the user holds perm."""
    return (
        Unit.objects.visible_to(user, perm=perm)
        .current()
        .only("id", "name", "depth", "path", "valid_to")
    )


def posting_units_for(user):
    """Where a posting may be recorded: current units of the user's scope and the units
    closed since (the districts and communes before 2025)."""
    today = timezone.localdate()
    closed = Q(valid_to__lt=today)
    scoped = Unit.objects.visible_to(user, perm="cadres.change").current()
    return (
        Unit.objects.filter(Q(pk__in=scoped.values("pk")) | closed)
        .only("id", "name", "depth", "path", "valid_to")
        .order_by("path")
    )


class CadreForm(forms.ModelForm):
    record_unit = UnitChoiceField(label=_("unit keeping the file"), queryset=Unit.objects.none())

    class Meta:
        model = Cadre
        fields = [
            "full_name",
            "sex",
            "birth_year",
            "phone",
            "email",
            "record_unit",
            "external_id",
            "retired_on",
            "died_on",
        ]
        widgets = {"retired_on": DATE, "died_on": DATE}
        field_classes = {"retired_on": DateField, "died_on": DateField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = units_for(user)
        if self.instance.pk:
            units = Unit.objects.filter(
                Q(pk__in=units.values("pk")) | Q(pk=self.instance.record_unit_id)
            ).only("id", "name", "depth", "path", "valid_to")
        self.fields["record_unit"].queryset = units  # type: ignore[attr-defined]


class PostingForm(forms.ModelForm):
    unit = UnitChoiceField(label=_("unit"), queryset=Unit.objects.none())

    class Meta:
        model = Posting
        fields = [
            "unit",
            "position",
            "start",
            "end",
            "is_danvan_post",
            "is_manager",
            "full_time",
            "hardship_area",
            "note",
        ]
        widgets = {"start": DATE, "end": DATE}
        field_classes = {"start": DateField, "end": DateField}
        help_texts = {
            "unit": _(
                "The unit of that time: a district or commune closed in 2025 for the years before."
            ),
            "end": _("Empty while the cadre holds the post."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = posting_units_for(user)
        if self.instance.pk:
            units = Unit.objects.filter(
                Q(pk__in=units.values("pk")) | Q(pk=self.instance.unit_id)
            ).only("id", "name", "depth", "path", "valid_to")
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def _post_clean(self):
        # The services check the posting as a whole (dates, overlaps): not the model here.
        pass


class TrainingForm(forms.Form):
    name = forms.CharField(label=_("course"), max_length=255)
    organiser = forms.CharField(label=_("organiser"), max_length=255)
    level = forms.ChoiceField(label=_("level"), choices=TrainingLevel.choices)
    hours = forms.IntegerField(label=_("hours"), min_value=1, max_value=5000, required=False)
    start = DateField(label=_("from"), widget=DATE)
    end = DateField(label=_("to"), widget=DATE, required=False)
    result = forms.ChoiceField(
        label=_("result"), choices=[("", "—"), *TrainingResult.choices], required=False
    )
    certificate_number = forms.CharField(
        label=_("certificate number"), max_length=60, required=False
    )
    certificate_date = DateField(label=_("certificate date"), widget=DATE, required=False)


class DisciplineForm(forms.ModelForm):
    class Meta:
        model = Discipline
        fields = ["form", "date", "until", "decided_by", "decision_number", "reason"]
        widgets = {"date": DATE, "until": DATE, "reason": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"date": DateField, "until": DateField}

    def _post_clean(self):
        pass  # the service checks and writes


class SensitiveForm(forms.Form):
    ethnicity = forms.CharField(label=_("ethnicity"), max_length=60, required=False)
    religion = forms.CharField(label=_("religion"), max_length=60, required=False)


class FilterForm(forms.Form):
    STATUS_CHOICES = [
        ("", _("All")),
        ("serving", _("Serving")),
        ("retired", _("Retired")),
        ("deceased", _("Deceased")),
    ]
    q = forms.CharField(label=_("Name or file number"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    sex = forms.ChoiceField(label=_("sex"), choices=[("", _("All")), *Sex.choices], required=False)
    level = forms.ChoiceField(
        label=_("Trained at"), choices=[("", _("All")), *TrainingLevel.choices], required=False
    )
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)


class GenerationsForm(forms.Form):
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    term = forms.ModelChoiceField(
        label=_("Congress term"), queryset=Term.objects.all(), required=False
    )


class EventForm(forms.ModelForm):
    unit = UnitChoiceField(label=_("organised by"), queryset=Unit.objects.none())
    terms = forms.ModelMultipleChoiceField(
        label=_("generations invited"),
        queryset=Term.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Empty: every term."),
    )

    class Meta:
        model = Event
        fields = ["name", "unit", "date", "time", "place", "description", "terms"]
        widgets = {
            "date": DATE,
            "time": TIME,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"date": DateField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for(user)  # type: ignore[attr-defined]
        if not self.instance.pk:
            self.initial.setdefault(
                "name", _("Meeting of the generations of cadres in dân vận work")
            )


class ProgrammeItemForm(forms.Form):
    time = forms.TimeField(label=_("time"), widget=TIME, required=False)
    title = forms.CharField(label=_("item"), max_length=255, required=False)
    presenter = forms.CharField(label=_("presented by"), max_length=255, required=False)


ProgrammeFormSet = forms.formset_factory(ProgrammeItemForm, extra=3, max_num=40)


class AttendanceForm(forms.Form):
    """Built from the invitees: one choice per invitee."""

    def __init__(self, *args, invitees, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for invitee in invitees:
            name = f"a{invitee.pk}"
            self.fields[name] = forms.ChoiceField(
                label=invitee.cadre.full_name,
                choices=Attendance.choices,
                initial=invitee.attendance,
                required=False,
            )
            self.rows.append((invitee, self[name]))

    def marks(self) -> dict[int, str]:
        return {
            int(name[1:]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("a") and value
        }


class SigningForm(forms.Form):
    """What the person printing says about the document: its number, date and signer."""

    FORMATS = [("pdf", "PDF"), ("docx", "DOCX (Word)")]
    number = forms.IntegerField(label=_("Number"), min_value=1, initial=1)
    symbol = forms.CharField(label=_("Symbol"), max_length=40, required=False)
    date = DateField(label=_("Date"), widget=DATE, required=False)
    signer_title = forms.CharField(label=_("Signer's title"), max_length=120, required=False)
    signer_name = forms.CharField(label=_("Signed by"), max_length=120, required=False)
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial="pdf")


class ImportForm(forms.Form):
    KINDS = [("cadres", _("Cadres and postings")), ("training", _("Training"))]
    kind = forms.ChoiceField(label=_("The sheet lists"), choices=KINDS)
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload, allowed={"xlsx"}, max_bytes=20 * 1024 * 1024)
        try:
            safe_open_workbook(upload).close()
        except SpreadsheetError as exc:
            raise forms.ValidationError(exc.message) from exc
        upload.seek(0)
        return upload
