"""Forms of the awards pages: they offer only what the reader may choose; the services
decide (authority, thresholds, freezes, registers)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.awards.evidence import offered_prizes, prize_label
from danvan.awards.models import (
    AwardKind,
    EvidenceKind,
    NominationStatus,
)
from danvan.awards.queries import catalogue_in_force, deciding_units, proposing_units
from danvan.cadres.models import Cadre
from danvan.contests.models import Prize
from danvan.lib.dates import DateField
from danvan.organisations.kinds import ISSUERS
from danvan.organisations.models import Unit
from danvan.registry.forms import DATE, UnitChoiceField
from danvan.registry.models import PracticeModel


class CadreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.full_name} ({obj.birth_year})"


def award_choices(*, kind: str | None = None, blank: bool = True) -> list[tuple[str, str]]:
    rows = catalogue_in_force()
    if kind:
        rows = rows.filter(kind=kind)
    choices = [(row.code, row.name) for row in rows]
    return [("", "—"), *choices] if blank else choices


def _year_now() -> int:
    return timezone.localdate().year


class NominationForm(forms.Form):
    award_code = forms.ChoiceField(label=_("award"))
    year = forms.IntegerField(label=_("year of the achievements"), min_value=1990, max_value=2100)
    proposer = UnitChoiceField(label=_("proposing unit"), queryset=Unit.objects.none())
    decider = UnitChoiceField(label=_("sent to"), queryset=Unit.objects.none())
    cadre = CadreChoiceField(label=_("person"), queryset=Cadre.objects.none(), required=False)
    unit = UnitChoiceField(label=_("collective"), queryset=Unit.objects.none(), required=False)
    women_share = forms.DecimalField(
        label=_("share of women in the collective, in %"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
    )
    submission = forms.CharField(
        label=_("submission (tờ trình)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    achievements = forms.CharField(
        label=_("achievement report"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Left empty, the report's outline is filled in for you to complete."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award_code"].choices = award_choices()
        self.fields["year"].initial = _year_now()
        units = proposing_units(user)
        self.fields["proposer"].queryset = units
        self.fields["unit"].queryset = Unit.objects.visible_to(
            user, perm="awards.nominate"
        ).current()
        # Any body may receive a file: the authority table decides whether it may award.
        self.fields["decider"].queryset = (
            Unit.objects.current().filter(kind__in=ISSUERS).only("id", "name", "depth", "path")
        )
        self.fields["cadre"].queryset = (
            Cadre.objects.visible_to(user, perm="awards.nominate")
            .only("id", "full_name", "birth_year")
            .order_by("search_text", "id")
        )

    def clean(self):
        data = super().clean()
        if bool(data.get("cadre")) == bool(data.get("unit")):
            raise forms.ValidationError(_("Name either a person or a collective."))
        return data


class NominationEditForm(forms.Form):
    women_share = forms.DecimalField(
        label=_("share of women in the collective, in %"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
    )
    submission = forms.CharField(
        label=_("submission (tờ trình)"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    achievements = forms.CharField(
        label=_("achievement report"), required=False, widget=forms.Textarea(attrs={"rows": 10})
    )


class PrizeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return prize_label(obj)


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=EvidenceKind.choices)
    practice_model = forms.IntegerField(
        label=_("number of the model in the registry"),
        required=False,
        min_value=1,
        help_text=_("For a recognised “Dân vận khéo” model."),
    )
    prize = PrizeChoiceField(
        label=_("contest prize"),
        queryset=Prize.objects.none(),
        required=False,
        help_text=_("For a contest prize: the confirmed prizes the nominee won."),
        error_messages={
            "invalid_choice": _(
                "Choose one of the prizes the nominee won: a prize of another unit or team "
                "is not evidence of this file."
            )
        },
    )
    description = forms.CharField(label=_("description"), max_length=500, required=False)

    def __init__(self, *args, nomination, user, **kwargs):
        super().__init__(*args, **kwargs)
        cited = nomination.evidence.filter(prize__isnull=False).values("prize_id")
        self.fields["prize"].queryset = offered_prizes(user, nomination).exclude(pk__in=cited)

    def clean_practice_model(self):
        pk = self.cleaned_data.get("practice_model")
        if not pk:
            return None
        model = PracticeModel.objects.filter(pk=pk, recognised_level__isnull=False).first()
        if model is None:
            raise forms.ValidationError(_("No recognised model has this number."))
        return model


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for returning the file"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for returning the file.")},
    )


class VoteForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("your vote"),
        choices=[("1", _("In favour")), ("0", _("Against"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )


class CaseLinkForm(forms.Form):
    code = forms.CharField(label=_("tracking code of the case"), max_length=20)
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class CouncilForm(forms.Form):
    unit = UnitChoiceField(label=_("body"), queryset=Unit.objects.none())
    year = forms.IntegerField(label=_("year"), min_value=1990, max_value=2100)
    name = forms.CharField(label=_("name"), max_length=200)
    members = forms.ModelMultipleChoiceField(
        label=_("members"), queryset=get_user_model().objects.none()
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = deciding_units(user)
        self.fields["unit"].queryset = units
        self.fields["year"].initial = _year_now()
        self.fields["members"].queryset = (
            get_user_model()
            .objects.filter(
                is_active=True,
                role_assignments__unit__in=Unit.objects.visible_to(user, perm="awards.view"),
            )
            .distinct()
            .order_by("full_name", "username")
        )


class DecisionForm(forms.Form):
    number = forms.IntegerField(label=_("decision number"), min_value=1)
    symbol = forms.CharField(
        label=_("symbol"), max_length=40, required=False, help_text=_("Empty: the body's usual.")
    )
    date = DateField(label=_("decision date"), widget=DATE)
    signer_name = forms.CharField(label=_("signed by"), max_length=120)
    signer_title = forms.CharField(label=_("signer's title"), max_length=120, initial="Chủ tịch")


class DecideForm(DecisionForm):
    nominations: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("files awarded"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, nominations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominations"].queryset = nominations
        self.fields["nominations"].label_from_instance = lambda n: (
            f"{n.recipient_name} — {n.proposer.name}"
        )


class SendUpForm(forms.Form):
    number = forms.IntegerField(label=_("number of the submission"), min_value=1)
    date = DateField(label=_("date"), widget=DATE)
    nominations: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("files sent"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, nominations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominations"].queryset = nominations
        self.fields["nominations"].label_from_instance = lambda n: (
            f"{n.recipient_name} — {n.proposer.name}"
        )


class ExternalDecisionForm(DecideForm):
    signer_title = forms.CharField(label=_("signer's title"), max_length=120, required=False)


class BatchChoiceForm(forms.Form):
    """Which body and award the decision page is about."""

    decider = UnitChoiceField(label=_("body"), queryset=Unit.objects.none())
    award = forms.ChoiceField(label=_("award"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decider"].queryset = deciding_units(user)
        self.fields["award"].choices = award_choices(blank=False)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))
    on = DateField(label=_("revoked on"), widget=DATE)
    money_to_recover = forms.IntegerField(
        label=_("money to recover (đồng)"),
        min_value=0,
        required=False,
        help_text=_("Empty: the whole money awarded."),
    )


class CommendForm(DecisionForm):
    issuer = UnitChoiceField(label=_("issuing body"), queryset=Unit.objects.none())
    award_code = forms.ChoiceField(label=_("award"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = deciding_units(user)
        self.fields["award_code"].choices = award_choices(kind=AwardKind.FORM, blank=False)


class PresentForm(forms.Form):
    award = forms.IntegerField(label=_("number of the award"), min_value=1)


class NominationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("status"), choices=[("", "—"), *NominationStatus.choices], required=False
    )
    award = forms.ChoiceField(label=_("award"), required=False)
    year = forms.IntegerField(label=_("year"), required=False, min_value=1990, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award"].choices = award_choices()


class AwardFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    award = forms.ChoiceField(label=_("award"), required=False)
    year = forms.IntegerField(label=_("year"), required=False, min_value=1950, max_value=2100)
    who = forms.ChoiceField(
        label=_("awarded to"),
        required=False,
        choices=[("", "—"), ("individual", _("Individuals")), ("collective", _("Collectives"))],
    )
    revoked = forms.ChoiceField(
        label=_("revoked"),
        required=False,
        choices=[("", "—"), ("no", _("In force")), ("yes", _("Revoked"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award"].choices = award_choices()


class EligibleFilterForm(forms.Form):
    award = forms.ChoiceField(label=_("award"), required=False)
    year = forms.IntegerField(label=_("year"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(
        label=_("show"),
        required=False,
        choices=[
            ("eligible", _("Eligible")),
            ("soon", _("Not yet, with the date when")),
            ("all", _("Everyone evaluated")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            ("knc_dan_van", "Kỷ niệm chương “Vì sự nghiệp Dân vận”"),
            *[(c, n) for c, n in award_choices(kind=AwardKind.TITLE, blank=False)],
        ]
        seen: set[str] = set()
        self.fields["award"].choices = [c for c in choices if not (c[0] in seen or seen.add(c[0]))]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))
