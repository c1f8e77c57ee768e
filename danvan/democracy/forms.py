"""Forms of the democracy pages (staff) and of the citizen's pages on the portal."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.democracy.models import (
    BoardKind,
    Choice,
    CommentGroup,
    DraftKind,
    MatterKind,
    Petition,
    Position,
    PublicationGroup,
    PublishChannel,
    Response,
    SupervisionPlan,
    VoteMethod,
)
from danvan.lib.dates import DateField, DateInput
from danvan.organisations.kinds import NOT_CASE_HANDLERS
from danvan.organisations.models import Unit

DATE = DateInput()
TEXT = forms.Textarea(attrs={"rows": 3})
MAX_HOUSEHOLDS_FILE = 5 * 1024 * 1024
QUESTIONS = 5  # question rows of the dialogue form


def _today():
    return timezone.localdate()


class PublicationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    group = forms.ModelChoiceField(
        label=_("group"), queryset=PublicationGroup.objects.all(), required=False
    )
    state = forms.ChoiceField(
        label=_("state"),
        required=False,
        choices=[
            ("", "—"),
            ("overdue", _("Overdue")),
            ("unpublished", _("Not yet published")),
            ("late", _("Published late")),
        ],
    )


class PublicationForm(forms.Form):
    group = forms.ModelChoiceField(
        label=_("group of information"), queryset=PublicationGroup.objects.filter(is_active=True)
    )
    title = forms.CharField(label=_("title"), max_length=300)
    document_number = forms.CharField(label=_("document number"), max_length=60, required=False)
    document_date = DateField(label=_("date of the document"), widget=DATE)
    published_on = DateField(
        label=_("published on"),
        widget=DATE,
        required=False,
        help_text=_("Leave empty to register the document now and publish it later."),
    )
    channels = forms.MultipleChoiceField(
        label=_("channels"),
        choices=PublishChannel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class PublishForm(forms.Form):
    published_on = DateField(label=_("published on"), widget=DATE, initial=_today)
    channels = forms.MultipleChoiceField(
        label=_("channels"), choices=PublishChannel.choices, widget=forms.CheckboxSelectMultiple
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)


class HouseholdForm(forms.Form):
    head_name = forms.CharField(label=_("head of household"), max_length=120)
    members = forms.IntegerField(label=_("members"), min_value=1, max_value=100, initial=1)
    address = forms.CharField(label=_("address"), max_length=200)


class HouseholdEditForm(HouseholdForm):
    is_active = forms.BooleanField(
        label=_("on the register"),
        required=False,
        help_text=_("Untick when the household moved away."),
    )


class HouseholdsFileForm(forms.Form):
    file = forms.FileField(
        label=_("Households file (Excel .xlsx)"),
        help_text=_(
            "Columns: head of household (Họ và tên chủ hộ), address (Địa chỉ), members (Số "
            "nhân khẩu, optional). A title above the header and a numbering row under it are "
            "skipped."
        ),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_HOUSEHOLDS_FILE:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Choose an Excel (.xlsx) file."))
        return upload.read()


class PetitionForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind of matter"), choices=MatterKind.choices)
    title = forms.CharField(label=_("matter proposed"), max_length=300)
    signatures = forms.IntegerField(label=_("households that signed"), min_value=0)
    received_on = DateField(label=_("received on"), widget=DATE, initial=_today)


class MatterForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind of matter"), choices=MatterKind.choices)
    title = forms.CharField(label=_("matter"), max_length=300)
    description = forms.CharField(label=_("what is decided"), widget=TEXT, required=False)
    method = forms.ChoiceField(
        label=_("how it is voted"),
        choices=VoteMethod.choices,
        help_text=_("Online only for other self-managed matters, as the law allows."),
    )
    vote_date = DateField(label=_("vote date"), widget=DATE)
    petition = forms.ModelChoiceField(
        label=_("petition"), queryset=Petition.objects.none(), required=False
    )

    def __init__(self, *args, hamlet: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["petition"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Petition.objects.filter(hamlet=hamlet, matter__isnull=True)


class TallyForm(forms.Form):
    participated = forms.IntegerField(label=_("households that took part"), min_value=0)
    yes = forms.IntegerField(label=_("for"), min_value=0)
    no = forms.IntegerField(label=_("against"), min_value=0)
    invalid = forms.IntegerField(label=_("blank or invalid"), min_value=0, initial=0)
    minutes = forms.CharField(
        label=_("minutes"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The number and content of the minutes of the meeting or of the count."),
    )


class OnlineTallyForm(forms.Form):
    minutes = forms.CharField(label=_("minutes"), widget=TEXT, required=False)


class MinutesForm(forms.Form):
    sent_on = DateField(label=_("minutes reached the commune on"), widget=DATE, initial=_today)


class RecogniseForm(forms.Form):
    number = forms.CharField(label=_("decision number"), max_length=60)
    recognised_on = DateField(label=_("recognised on"), widget=DATE, initial=_today)


class ConsultationForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind of draft"), choices=DraftKind.choices)
    title = forms.CharField(label=_("title"), max_length=300)
    summary = forms.CharField(label=_("what the draft says"), widget=forms.Textarea)
    opens_on = DateField(label=_("open from"), widget=DATE, initial=_today)
    closes_on = DateField(label=_("open until"), widget=DATE)


class MeetingCommentForm(forms.Form):
    text = forms.CharField(label=_("comment"), widget=TEXT)
    meeting = forms.CharField(label=_("meeting"), max_length=200)


class GroupForm(forms.Form):
    comments = forms.MultipleChoiceField(
        label=_("comments"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    title = forms.CharField(label=_("new group: what the comments say"), required=False)
    group = forms.ModelChoiceField(
        label=_("or an existing group"), queryset=CommentGroup.objects.none(), required=False
    )

    def __init__(self, *args, consultation, comments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comments"].choices = [(str(c.pk), c.text[:120]) for c in comments]  # type: ignore[attr-defined]
        field = self.fields["group"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = CommentGroup.objects.filter(consultation=consultation)

    def clean(self):
        data = super().clean()
        if not data.get("title", "").strip() and not data.get("group"):
            raise forms.ValidationError(_("Name a new group or choose an existing one."))
        return data


class AnswerForm(forms.Form):
    response = forms.ChoiceField(label=_("response"), choices=Response.choices)
    answer = forms.CharField(label=_("how it was taken in, or why not"), widget=TEXT)


class ReportForm(forms.Form):
    report = forms.CharField(label=_("report on the comments"), widget=forms.Textarea)


class BoardForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind of board"), choices=BoardKind.choices)
    name = forms.CharField(label=_("name"), max_length=300)
    project = forms.CharField(label=_("project supervised"), max_length=300, required=False)
    project_owner = forms.CharField(label=_("project owner"), max_length=200, required=False)
    contractor = forms.CharField(label=_("contractor"), max_length=200, required=False)
    term_start = DateField(label=_("term from"), widget=DATE)
    term_end = DateField(label=_("term until"), widget=DATE, required=False)


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("full name"), max_length=120)
    position = forms.ChoiceField(label=_("position"), choices=Position.choices)
    workplace = forms.CharField(label=_("works at"), max_length=200, required=False)
    is_commune_official = forms.BooleanField(
        label=_("holds a post in the commune's authorities"), required=False
    )
    tied_to_project = forms.BooleanField(
        label=_("related to the project's owner or contractor (family, work)"), required=False
    )
    joined_on = DateField(label=_("from"), widget=DATE, initial=_today)


class LeaveForm(forms.Form):
    left_on = DateField(label=_("until"), widget=DATE, initial=_today)


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("title"), max_length=300)
    content = forms.CharField(label=_("what is supervised and when"), widget=TEXT)


class FindingForm(forms.Form):
    found_on = DateField(label=_("date"), widget=DATE, initial=_today)
    summary = forms.CharField(label=_("what was found"), widget=TEXT)
    plan = forms.ModelChoiceField(
        label=_("plan"), queryset=SupervisionPlan.objects.none(), required=False
    )

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["plan"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = SupervisionPlan.objects.filter(board=board)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return "— " * max(0, obj.depth - 1) + obj.name


class RecommendationForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    text = forms.CharField(label=_("recommendation"), widget=TEXT)
    responsible = UnitChoiceField(label=_("responsible unit"), queryset=Unit.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["responsible"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Unit.objects.visible_to(user, perm="voice.receive")
            .current()
            .exclude(kind__in=NOT_CASE_HANDLERS)
            .order_by("path")
            .only("id", "name", "depth", "path")
        )


class DialogueForm(forms.Form):
    held_on = DateField(label=_("held on"), widget=DATE, initial=_today)
    place = forms.CharField(label=_("place"), max_length=200)
    chaired_by = forms.CharField(label=_("chaired by"), max_length=200)
    participants = forms.IntegerField(label=_("residents present"), min_value=0, initial=0)
    summary = forms.CharField(label=_("summary"), widget=TEXT, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, QUESTIONS + 1):
            self.fields[f"question_{i}"] = forms.CharField(
                label=_("question %(n)d") % {"n": i}, widget=TEXT, required=False
            )
            self.fields[f"answer_{i}"] = forms.CharField(
                label=_("answer %(n)d") % {"n": i}, widget=TEXT, required=False
            )
            self.fields[f"follow_up_{i}"] = forms.CharField(
                label=_("follow-up %(n)d") % {"n": i}, required=False, max_length=500
            )

    def items(self) -> list[tuple[str, str, str]]:
        data = self.cleaned_data
        return [
            (data[f"question_{i}"], data[f"answer_{i}"], data[f"follow_up_{i}"])
            for i in range(1, QUESTIONS + 1)
        ]


# The citizen's pages


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    contact = forms.CharField(
        label=_("Your phone or email (optional)"),
        required=False,
        max_length=200,
        help_text=_("Only the commune's officers see it, to ask you more if needed."),
    )
    consent = forms.BooleanField(
        label=_("I agree that the commune keeps my contact to answer me."), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("contact", "").strip() and not data.get("consent"):
            raise forms.ValidationError(
                _("Tick the consent box to leave a contact, or leave it empty.")
            )
        return data


class BallotForm(forms.Form):
    code = forms.CharField(
        label=_("Code on your household's slip"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    choice = forms.ChoiceField(
        label=_("Your vote"), choices=Choice.choices, widget=forms.RadioSelect
    )
