from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.core.forms import SheetFactsForm
from danvan.lib.dates import DateField, DateInput
from danvan.lib.uploads import check_upload
from danvan.lib.xlsx import SpreadsheetError, safe_open_workbook
from danvan.organisations.kinds import ISSUERS
from danvan.organisations.models import Unit, UnitKind
from danvan.registry.models import (
    Field,
    ModelKind,
    PracticeModel,
    RecognitionLevel,
    Replication,
    Status,
    Tag,
)

DATE = DateInput()


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return "— " * max(0, obj.depth - 1) + obj.name


def units_for(user, perm: str = "registry.register"):
    """The current units where the user holds perm: the choices of a unit field."""
    return Unit.objects.visible_to(user, perm=perm).current().only("id", "name", "depth", "path")


class PracticeModelForm(forms.ModelForm):
    unit = UnitChoiceField(label=_("registering unit"), queryset=Unit.objects.none())
    tags = forms.ModelMultipleChoiceField(
        label=_("tags"),
        queryset=Tag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = PracticeModel
        fields = [
            "name",
            "kind",
            "field",
            "tags",
            "unit",
            "year",
            "situation",
            "goals",
            "content",
            "area",
            "forces",
            "resources",
            "start_date",
            "milestones",
            "review_date",
            "outputs",
            "sustainability",
            "results",
        ]
        widgets = {
            "start_date": DATE,
            "review_date": DATE,
            "name": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        field_classes = {"start_date": DateField, "review_date": DateField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for(user)
        self.fields["field"].queryset = Field.objects.filter(is_active=True)
        self.fields["year"].initial = timezone.localdate().year
        for name in ["situation", "goals", "content"]:
            self.fields[name].required = True
        for name in [
            "situation",
            "goals",
            "content",
            "area",
            "forces",
            "resources",
            "milestones",
            "outputs",
            "sustainability",
            "results",
        ]:
            self.fields[name].widget.attrs["rows"] = 3

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year < 2009 or year > timezone.localdate().year + 1:
            raise forms.ValidationError(_("The year must be between 2009 and next year."))
        return year


class MoveForm(forms.Form):
    to = forms.ChoiceField(choices=Status.choices)
    note = forms.CharField(label=_("note"), required=False, max_length=1000)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Photo, PDF or Word file (up to 10 MB)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.checked_type = check_upload(upload, allowed={"jpeg", "png", "pdf", "docx"})
        return upload


class DecisionForm(forms.Form):
    issuer = UnitChoiceField(label=_("issuing unit"), queryset=Unit.objects.none())
    decision_number = forms.IntegerField(label=_("decision number"), min_value=1)
    decision_symbol = forms.CharField(label=_("symbol"), max_length=40, initial="QĐ-BDV")
    decision_date = DateField(label=_("decision date"), widget=DATE)
    signer_name = forms.CharField(label=_("signed by"), max_length=120)
    signer_title = forms.CharField(label=_("signer's title"), max_length=120, initial="Trưởng ban")

    def __init__(self, *args, user, model, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = issuers_for(user, model)


class RecognitionForm(DecisionForm):
    level = forms.ModelChoiceField(label=_("level"), queryset=RecognitionLevel.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = RecognitionLevel.objects.in_force()


class ReplicationForm(forms.ModelForm):
    unit = UnitChoiceField(label=_("adopting unit"), queryset=Unit.objects.none())

    class Meta:
        model = Replication
        fields = ["unit", "adopted_from", "title", "start_date", "results"]
        widgets = {"start_date": DATE}
        field_classes = {"start_date": DateField}

    def __init__(self, *args, user, model, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for(user).exclude(pk=model.unit_id)
        self.fields["adopted_from"].queryset = model.replications.select_related("unit")
        self.fields["adopted_from"].required = False


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    field = forms.ModelChoiceField(label=_("field"), queryset=Field.objects.all(), required=False)
    kind = forms.ChoiceField(
        label=_("kind"), choices=[("", "—"), *ModelKind.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("status"), choices=[("", "—"), *Status.choices], required=False
    )
    level = forms.ModelChoiceField(
        label=_("recognised at"), queryset=RecognitionLevel.objects.all(), required=False
    )
    year = forms.IntegerField(label=_("year"), required=False, min_value=2000, max_value=2100)
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ScoreForm(forms.Form):
    """One number per criterion of the council's rubric."""

    def __init__(self, *args, criteria, initial_values, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"c{criterion.pk}"] = forms.DecimalField(
                label=criterion.name,
                min_value=0,
                max_value=criterion.max_score,
                decimal_places=2,
                initial=initial_values.get(criterion.pk),
                help_text=_("0 to %(max)s points, weight %(weight)s")
                % {"max": criterion.max_score, "weight": criterion.weight},
            )

    def values(self) -> dict:
        return {c.pk: self.cleaned_data[f"c{c.pk}"] for c in self.criteria}


class ImportForm(SheetFactsForm):
    file = forms.FileField(label=_("Excel file (.xlsx, up to 20 MB)"))
    sheet = forms.CharField(
        label=_("Sheet"),
        required=False,
        max_length=31,
        help_text=_("Leave empty to read the first sheet with a recognisable header."),
    )
    field_order = ["file", "sheet", "year", "district"]

    def params(self) -> dict:
        """The preview's parameters: what the user said about the whole sheet."""
        data = self.cleaned_data
        return {
            key: value.strip() if isinstance(value, str) else value
            for key in ("sheet", "year", "district")
            if (value := data.get(key))
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload, allowed={"xlsx"}, max_bytes=20 * 1024 * 1024)
        try:
            safe_open_workbook(upload).close()
        except SpreadsheetError as exc:
            raise forms.ValidationError(exc.message) from exc
        upload.seek(0)
        return upload


def issuers_for(user, model):
    """Committees and boards (within the user's deciding scope) of the model's commune or city."""
    territories = Unit.objects.ancestors_of(model.unit, include_self=True).filter(
        kind__in=[UnitKind.PROVINCE, UnitKind.COMMUNE]
    )
    territorial = [UnitKind.PROVINCE, UnitKind.COMMUNE]
    near = Q()
    for territory in territories:
        # The territory itself, its committees and boards, and the boards under those.
        near |= (
            Q(pk=territory.pk)
            | (Q(parent=territory) & ~Q(kind__in=territorial))
            | (Q(parent__parent=territory) & ~Q(parent__kind__in=territorial))
        )
    if not near:
        return Unit.objects.none()
    return (
        Unit.objects.visible_to(user, perm="registry.recognise")
        .current()
        .filter(near, kind__in=ISSUERS)
        .order_by("path")
    )
