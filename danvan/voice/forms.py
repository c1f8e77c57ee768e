"""Forms of the staff pages: filters, logging a case, each action on a case, reception."""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.accounts.models import RoleAssignment
from danvan.accounts.rules import roles_for
from danvan.lib.dates import DateField, DateInput
from danvan.lib.uploads import check_upload
from danvan.organisations.kinds import NOT_CASE_HANDLERS
from danvan.organisations.models import SEGMENT_WIDTH, Unit, UnitKind
from danvan.voice import intake
from danvan.voice.models import (
    SENDER_KINDS,
    ApiKey,
    Case,
    Category,
    Channel,
    InformationReason,
    InformationUse,
    Kind,
    LimitationObstacle,
    ReceptionSession,
    RejectionReason,
    Status,
    Urgency,
)

DATE = DateInput()
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = forms.Textarea(attrs={"rows": 3})


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return "— " * max(0, obj.depth - 1) + obj.name


def handling_units_for(user):
    """Current units the user may hand a case to (their scope, handling roles)."""
    return (
        Unit.objects.visible_to(user, perm="voice.handle")
        .current()
        .exclude(kind__in=NOT_CASE_HANDLERS)
        .only("id", "name", "depth", "path")
    )


def communes_for(user):
    """Communes a clerk may log a case about: those in scope and those their units lie in."""
    qs = Unit.objects.filter(kind=UnitKind.COMMUNE).current().order_by("search_text")
    paths = user.paths_for("voice.receive")
    if paths is None:
        return qs
    step = SEGMENT_WIDTH + 1
    condition = Q(pk__in=[])
    for path in paths:
        ancestors = [path[:i] for i in range(step, len(path), step)]
        condition |= Q(path__startswith=path) | Q(path__in=ancestors)
    return qs.filter(condition)


def handlers_for(unit: Unit):
    """Active users whose handling role covers the unit (a role on it or on an ancestor)."""
    roles = RoleAssignment.objects.active().filter(
        role__in=roles_for("voice.handle"), unit__path__in=[*unit.ancestor_paths(), unit.path]
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=roles.values("user"))
        .order_by("full_name", "username")
    )


# The case list


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("status"), choices=[("", "—"), *Status.choices], required=False
    )
    kind = forms.ChoiceField(label=_("kind"), choices=[("", "—"), *Kind.choices], required=False)
    category = forms.ModelChoiceField(
        label=_("category"), queryset=Category.objects.all(), required=False
    )
    overdue = forms.BooleanField(label=_("overdue only"), required=False)
    received_from = DateField(label=_("received from"), required=False, widget=DATE)
    received_to = DateField(label=_("received to"), required=False, widget=DATE)
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)


# What the law asks at intake: the portal's form and the clerk's share these fields and checks.


class IntakeLawForm(forms.Form):
    """A complaint's dates and the obstacles that delayed it (Luật Khiếu nại 2011, Điều 9),
    and the notice a sender reads before an anonymous or incomplete denunciation or a late
    complaint is sent: sending it anyway takes ticking `confirm` after the notice."""

    decision_date = DateField(
        label=_("date of the decision or act"),
        required=False,
        widget=DATE,
    )
    obstacle_cause = forms.ChoiceField(
        label=_("what kept the sender from filing in time"),
        choices=[("", "—"), *LimitationObstacle.Cause.choices],
        required=False,
        help_text=_("Only if the case comes late: that time is not counted."),
    )
    obstacle_start = DateField(
        label=_("obstacle from"),
        required=False,
        widget=DATE,
    )
    obstacle_end = DateField(label=_("obstacle to"), required=False, widget=DATE)
    delay_reason = forms.CharField(
        label=_("reason of the delay"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # Shown (as a checkbox) only with a notice; `warned`, the codes of the notice the sender
    # read, comes back from a hidden input the template writes (see warning_codes).
    confirm = forms.BooleanField(
        label=_("Send it as it is"), required=False, widget=forms.HiddenInput
    )

    LAW_KINDS = (Kind.COMPLAINT,)  # the kinds whose dates and obstacles count

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings: dict[str, str] = {}

    @property
    def warning_codes(self) -> str:
        return ",".join(sorted(self.warnings))

    @property
    def only_notice(self) -> bool:
        """Whether the case is held back only for its notice to be read."""
        return bool(self.warnings) and set(self.errors) == {"confirm"}

    def obstacles(self) -> list[intake.Obstacle]:
        data = self.cleaned_data
        if data.get("kind") not in self.LAW_KINDS:
            return []
        if data.get("obstacle_start") and data.get("obstacle_end"):
            return [(data["obstacle_cause"], data["obstacle_start"], data["obstacle_end"])]
        return []

    def clean_law(self, data: dict, *, filed_on: datetime.date | None = None) -> None:
        """Mark bad dates on their fields; then, with nothing else wrong, hold the case back
        once with the notice it calls for."""
        if data.get("kind") in self.LAW_KINDS:
            errors = intake.date_errors(
                decision_date=data.get("decision_date"),
                decision_known_on=data.get("decision_known_on"),
                obstacles=[
                    (
                        data.get("obstacle_cause", ""),
                        data.get("obstacle_start"),
                        data.get("obstacle_end"),
                    )
                ],
                delay_reason=data.get("delay_reason", ""),
                filed_on=filed_on,
            )
            for name, message in errors.items():
                if name not in self.errors:
                    self.add_error(name, message)
        else:
            for name in ("decision_date", "obstacle_cause", "obstacle_start", "obstacle_end"):
                data[name] = None if name != "obstacle_cause" else ""
            data["delay_reason"] = ""
        if self.errors:
            return
        category = data.get("category")
        self.warnings = intake.warnings(
            kind=data.get("kind", ""),
            category_id=category.pk if category else None,
            reporter_name=data.get("reporter_name", ""),
            reporter_address=data.get("reporter_address", ""),
            reporter_phone=data.get("reporter_phone", ""),
            reporter_email=data.get("reporter_email", ""),
            person_denounced=data.get("person_denounced", ""),
            decision_known_on=data.get("decision_known_on")
            if data.get("kind") in self.LAW_KINDS
            else None,
            obstacles=self.obstacles(),
            filed_on=filed_on,
        )
        shown = set(filter(None, str(self.data.get("warned", "")).split(",")))
        if self.warnings:
            self.fields["confirm"].widget = forms.CheckboxInput()
        if self.warnings and not (data.get("confirm") and set(self.warnings) <= shown):
            self.add_error(
                "confirm",
                _(
                    "Read the notice above: give what it asks, or tick this box to send it as "
                    "it is."
                ),
            )

    def law_arguments(self) -> dict:
        """The keyword arguments of submit_case these fields give."""
        data = self.cleaned_data
        return {
            "decision_date": data.get("decision_date"),
            "delay_reason": data.get("delay_reason", "") if self.obstacles() else "",
            "obstacles": self.obstacles(),
        }


# Logging a case received by phone, letter or at a reception


class CaseLogForm(IntakeLawForm):
    """What a clerk writes down when a citizen calls, writes or comes in."""

    channel = forms.ChoiceField(
        label=_("received through"),
        choices=[(c.value, c.label) for c in (Channel.PHONE, Channel.LETTER, Channel.VISIT)],
    )
    kind = forms.ChoiceField(
        label=_("kind"), choices=[(k.value, k.label) for k in SENDER_KINDS], initial=Kind.FEEDBACK
    )
    urgency = forms.ChoiceField(label=_("urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    category = forms.ModelChoiceField(label=_("category"), queryset=Category.objects.none())
    commune = forms.ModelChoiceField(label=_("commune / ward"), queryset=Unit.objects.none())
    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(label=_("description"), widget=forms.Textarea(attrs={"rows": 5}))
    address = forms.CharField(label=_("address"), max_length=300, required=False)
    received_at = forms.DateTimeField(
        label=_("received at"),
        required=False,
        widget=DATETIME,
        help_text=_("Leave empty for now. For a letter: the day it arrived."),
    )
    reporter_name = forms.CharField(label=_("citizen's full name"), max_length=120, required=False)
    reporter_phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    reporter_email = forms.EmailField(label=_("email"), required=False)
    reporter_address = forms.CharField(
        label=_("address of the citizen"), max_length=300, required=False
    )
    consent = forms.BooleanField(
        label=_("The citizen agrees to the use of their contact details for this case"),
        required=False,
    )
    decision_complained = forms.CharField(
        label=_("decision or act complained about"),
        max_length=300,
        required=False,
        help_text=_("Complaints only."),
    )
    decision_known_on = DateField(
        label=_("date the decision became known"), required=False, widget=DATE
    )
    person_denounced = forms.CharField(
        label=_("person or body denounced"),
        max_length=300,
        required=False,
        help_text=_(
            "Denunciations only. Without the denouncer's name and address a denunciation is "
            "kept as information, not handled as a denunciation (Luật Tố cáo 2018, Điều 25); "
            "Điều 23 also asks for a way to contact them and the content."
        ),
    )
    file = forms.FileField(label=_("Photo, PDF or Word file (up to 10 MB)"), required=False)

    field_order = [
        "channel",
        "kind",
        "urgency",
        "category",
        "commune",
        "title",
        "description",
        "address",
        "received_at",
        "reporter_name",
        "reporter_phone",
        "reporter_email",
        "reporter_address",
        "consent",
        "decision_complained",
        "decision_date",
        "decision_known_on",
        "obstacle_cause",
        "obstacle_start",
        "obstacle_end",
        "delay_reason",
        "person_denounced",
        "file",
        "confirm",
    ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.checked_type = None
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["commune"].queryset = communes_for(user)
        self.fields["confirm"].label = _("Record it as it is")

    def clean(self):
        data = super().clean()
        received = data.get("received_at")
        self.clean_law(data, filed_on=timezone.localdate(received) if received else None)
        return data

    def clean_received_at(self):
        value = self.cleaned_data["received_at"]
        if value and value > timezone.now() + datetime.timedelta(minutes=5):
            raise forms.ValidationError(_("A case cannot be received in the future."))
        return value

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            self.checked_type = check_upload(upload, allowed={"jpeg", "png", "pdf", "docx"})
        return upload

    def arguments(self) -> dict:
        """The keyword arguments of services.submit_case."""
        data = dict(self.cleaned_data)
        upload = data.pop("file", None)
        data["files"] = [(upload, self.checked_type)] if upload else []
        if not data.get("received_at"):
            data.pop("received_at", None)
        for name in ("obstacle_cause", "obstacle_start", "obstacle_end", "confirm"):
            data.pop(name, None)
        data.update(self.law_arguments())
        return data


class VisitForm(CaseLogForm):
    """A citizen who came to a reception session: the channel is the visit itself."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["channel"]
        del self.fields["received_at"]
        self.fields["kind"].initial = Kind.RECEPTION

    def arguments(self) -> dict:
        return {**super().arguments(), "channel": Channel.VISIT}


# Actions on a case: each form's cleaned data are the keyword arguments of one service.


class CaseActionForm(forms.Form):
    def __init__(self, *args, case: Case, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.user = user

    def arguments(self) -> dict:
        return dict(self.cleaned_data)


class AcceptForm(CaseActionForm):
    urgency = forms.ChoiceField(label=_("urgency"), choices=Urgency.choices)
    note = forms.CharField(label=_("note to the citizen"), required=False, max_length=1000)
    limitation_reason = forms.CharField(
        label=_("why it is accepted although its limitation period is over"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: the obstacle is proven by a hospital certificate."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["urgency"].initial = self.case.urgency
        if self.case.time_barred and not self.case.limitation_outcome:
            self.fields["limitation_reason"].required = True
        else:
            del self.fields["limitation_reason"]


class StartForm(CaseActionForm):
    note = forms.CharField(label=_("note to the citizen"), required=False, max_length=1000)


class AnswerForm(CaseActionForm):
    answer = forms.CharField(
        label=_("answer (published to the citizen)"), widget=forms.Textarea(attrs={"rows": 5})
    )


class MergeForm(CaseActionForm):
    """Merge this case into another open case of its commune (chosen in the duplicates
    panel, which posts the other case's code)."""

    kept = forms.CharField(label=_("case to merge into"), max_length=20, widget=forms.HiddenInput)
    note = forms.CharField(label=_("internal note"), required=False, max_length=1000)

    def clean_kept(self):
        code = self.cleaned_data["kept"].strip().upper()
        kept = Case.objects.visible_to(self.user).filter(code=code).first()
        if kept is None:
            raise forms.ValidationError(_("This case does not exist or is outside your scope."))
        return kept


class RejectForm(CaseActionForm):
    reason = forms.ModelChoiceField(label=_("reason"), queryset=RejectionReason.objects.none())
    note = forms.CharField(label=_("internal note"), required=False, max_length=1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reasons = RejectionReason.objects.filter(is_active=True)
        if self.case.time_barred:
            # The legal template of a refusal for a late filing is offered first.
            self.fields["reason"].initial = reasons.filter(time_barred=True).first()
        else:
            reasons = reasons.filter(time_barred=False)
        self.fields["reason"].queryset = reasons


class AssignForm(CaseActionForm):
    unit = UnitChoiceField(
        label=_("responsible unit"), queryset=Unit.objects.none(), required=False
    )
    handler = forms.ModelChoiceField(
        label=_("handler"), queryset=get_user_model().objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = handling_units_for(self.user)
        self.fields["handler"].queryset = handlers_for(self.case.responsible)
        self.fields["handler"].label_from_instance = lambda u: u.get_full_name()

    def clean(self):
        data = super().clean()
        if data.get("unit") and data["unit"].pk == self.case.responsible_id:
            data["unit"] = None  # the same unit: only the handler changes
        if not data.get("unit") and not data.get("handler") and not self.errors:
            raise forms.ValidationError(_("Choose another unit, a handler or both."))
        return data


class ForwardForm(CaseActionForm):
    to_unit = UnitChoiceField(
        label=_("to a unit in the system"), queryset=Unit.objects.none(), required=False
    )
    to_name = forms.CharField(
        label=_("or to a body outside the system"),
        max_length=200,
        required=False,
        help_text=_("A court, a ministry, a provincial department…"),
    )
    note = forms.CharField(label=_("internal note"), required=False, max_length=1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = (
            Unit.objects.current()
            .exclude(kind__in=NOT_CASE_HANDLERS)
            .exclude(pk=self.case.responsible_id)
            .only("id", "name", "depth", "path")
        )

    def clean(self):
        data = super().clean()
        if data.get("to_unit") and data.get("to_name", "").strip():
            raise forms.ValidationError(
                _("Forward either to a unit in the system or to an outside body, not both.")
            )
        return data


class DetailsForm(CaseActionForm):
    """The details a denunciation lacked, recorded by a clerk (the citizen brought them)."""

    reporter_address = forms.CharField(
        label=_("address of the citizen"), max_length=300, required=False
    )
    reporter_phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    reporter_email = forms.EmailField(label=_("email"), required=False)
    person_denounced = forms.CharField(
        label=_("person or body denounced"), max_length=300, required=False
    )
    consent = forms.BooleanField(
        label=_("The citizen agrees to the use of their contact details for this case"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        missing = set(self.case.missing_details)
        keep = {
            "reporter_address": "address" in missing,
            "reporter_phone": "contact" in missing,
            "reporter_email": "contact" in missing,
            "person_denounced": "content" in missing,
            "consent": bool(missing - {"content"}) and not self.case.consent,
        }
        for name, shown in keep.items():
            if not shown:
                del self.fields[name]


class InformationForm(CaseActionForm):
    """Keep a denunciation as information: a false identity, or details that never came."""

    reason = forms.ChoiceField(
        label=_("why"),
        choices=[
            (r.value, r.label)
            for r in (InformationReason.INCOMPLETE, InformationReason.FALSE_IDENTITY)
        ],
    )
    note = forms.CharField(label=_("internal note"), required=False, max_length=1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.case.status != Status.AWAITING_DETAILS:
            self.fields["reason"].choices = [
                (InformationReason.FALSE_IDENTITY.value, InformationReason.FALSE_IDENTITY.label)
            ]


class SettleForm(CaseActionForm):
    """What became of information: used for a check, or kept for reference."""

    use = forms.ChoiceField(label=_("use"), choices=InformationUse.choices)
    note = forms.CharField(label=_("internal note"), required=False, max_length=1000)


class ExtendForm(CaseActionForm):
    reason = forms.CharField(
        label=_("reason for the extension"), widget=forms.Textarea(attrs={"rows": 2})
    )


class CloseForm(CaseActionForm):
    note = forms.CharField(label=_("note"), required=False, max_length=1000)


# Reception


class UnitPickForm(forms.Form):
    """Open the reception sessions of a unit in scope."""

    unit = UnitChoiceField(label=_("Sessions of a unit"), queryset=Unit.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = handling_units_for(user).order_by("path")


class ReceptionSessionForm(forms.ModelForm):
    class Meta:
        model = ReceptionSession
        fields = ["date", "host", "place", "notes"]
        widgets = {"date": DATE, "notes": TEXT}
        field_classes = {"date": DateField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


# Scorecards

PERIODS = [
    ("month", _("This month")),
    ("quarter", _("This quarter")),
    ("year", _("This year")),
    ("last_year", _("Last year")),
    ("custom", _("Dates below")),
]


def period_dates(period: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a named period around today."""
    if period == "quarter":
        first_month = 3 * ((today.month - 1) // 3) + 1
        start = today.replace(month=first_month, day=1)
        end_month = first_month + 2
        after = (
            datetime.date(today.year + 1, 1, 1)
            if end_month == 12
            else datetime.date(today.year, end_month + 1, 1)
        )
        return start, after - datetime.timedelta(days=1)
    if period == "year":
        return datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
    if period == "last_year":
        return datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31)
    start = today.replace(day=1)
    after = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, after - datetime.timedelta(days=1)


class PeriodChoiceForm(forms.Form):
    """A named period or two dates (“custom”), checked; the scorecards' and the dashboards'."""

    period = forms.ChoiceField(label=_("period"), choices=PERIODS, required=False)
    start = DateField(label=_("from"), required=False, widget=DATE)
    end = DateField(label=_("to"), required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("period") == "custom":
            if not data.get("start") or not data.get("end"):
                raise forms.ValidationError(_("Give both dates of the period."))
            if data["end"] < data["start"]:
                raise forms.ValidationError(_("The period ends before it starts."))
        return data


class ScorecardForm(PeriodChoiceForm):
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def dates(self) -> tuple[str, datetime.date, datetime.date]:
        """The period chosen (this month when nothing valid is chosen) and its dates."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        period = data.get("period") or "month"
        if period == "custom":
            return period, data["start"], data["end"]
        return (period, *period_dates(period, timezone.localdate()))


# Open311 clients


class ApiKeyForm(forms.ModelForm):
    """Name a client; `services.issue_api_key` issues its key, shown once."""

    class Meta:
        model = ApiKey
        fields = ["name"]
