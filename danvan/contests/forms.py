"""Forms of the contest pages: they offer only what the reader may choose; the services
decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from danvan.accounts.models import User
from danvan.contests.models import (
    Contest,
    ContestCluster,
    Level,
    PartKind,
    PrizeKind,
    RoundKind,
    RoundPart,
    Rubric,
    ScoringRule,
)
from danvan.contests.services.common import territory
from danvan.lib.dates import DateField
from danvan.organisations.kinds import OWNERS
from danvan.organisations.models import Cluster, Unit
from danvan.registry.forms import DATE, UnitChoiceField
from danvan.registry.models import PracticeModel


def _choices(form: forms.Form, name: str) -> forms.ModelChoiceField:
    """A choice field of the form, to set its choices (ModelMultipleChoiceField too)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


class ContestForm(forms.Form):
    organiser = UnitChoiceField(label=_("organising unit"), queryset=Unit.objects.none())
    name = forms.CharField(label=_("name"), max_length=300)
    year = forms.IntegerField(label=_("year"), min_value=2009, max_value=2100)
    level = forms.ChoiceField(label=_("level"), choices=Level.choices)
    parent = forms.ModelChoiceField(
        label=_("sends its winners to"),
        queryset=Contest.objects.none(),
        required=False,
        help_text=_("The contest of the level above, which this contest's best teams join."),
    )
    sends_up = forms.IntegerField(label=_("teams sent up"), min_value=0, max_value=20, initial=1)
    registration_until = DateField(label=_("registration until"), required=False, widget=DATE)
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, contest: Contest | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        _choices(self, "organiser").queryset = (
            Unit.objects.visible_to(user, perm="contests.manage")
            .current()
            .filter(kind__in=OWNERS)
            .only("id", "name", "depth", "path")
        )
        parents = Contest.objects.exclude(status="finished").select_related("organiser")
        if contest is not None:
            parents = parents.exclude(pk=contest.pk)
            del self.fields["organiser"]
        _choices(self, "parent").queryset = parents.order_by("-year", "name")


class TeamForm(forms.Form):
    unit = UnitChoiceField(label=_("unit"), queryset=Unit.objects.none())
    name = forms.CharField(
        label=_("team name"), max_length=200, required=False, help_text=_("Empty: “Team of …”.")
    )
    members = forms.CharField(
        label=_("members"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One member a line: full name, then a semicolon and the position. The first line "
            "is the team leader."
        ),
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is None:
            del self.fields["unit"]
        else:
            _choices(self, "unit").queryset = units

    def clean_members(self) -> list[dict]:
        members = []
        for n, line in enumerate(self.cleaned_data["members"].splitlines()):
            name, _sep, position = line.partition(";")
            if name.strip():
                members.append(
                    {"full_name": name.strip(), "position": position.strip(), "is_leader": n == 0}
                )
        return members

    @staticmethod
    def members_text(team) -> str:
        return "\n".join(
            f"{m.full_name}; {m.position}" if m.position else m.full_name
            for m in team.members.all()
        )


class TeamModelsForm(forms.Form):
    practice_models = forms.ModelMultipleChoiceField(
        label=_("practice models presented"),
        queryset=PracticeModel.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The unit's recognised “Dân vận khéo” models."),
    )

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        _choices(self, "practice_models").queryset = (
            PracticeModel.objects.in_subtree(unit).recognised().order_by("-year", "name")[:200]
        )


class ClustersForm(forms.Form):
    clusters = forms.ModelMultipleChoiceField(
        label=_("the year's emulation clusters"),
        queryset=Cluster.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, contest: Contest, **kwargs):
        super().__init__(*args, **kwargs)
        owners = [*contest.organiser.ancestor_ids(), contest.organiser.pk]
        _choices(self, "clusters").queryset = Cluster.objects.filter(
            year=contest.year, owner_id__in=owners
        ).order_by("name")


class DrawForm(forms.Form):
    count = forms.IntegerField(label=_("number of clusters"), min_value=1, max_value=50)


class TeamClusterForm(forms.Form):
    cluster = forms.ModelChoiceField(
        label=_("cluster"), queryset=ContestCluster.objects.none(), required=False
    )

    def __init__(self, *args, contest: Contest, **kwargs):
        super().__init__(*args, **kwargs)
        _choices(self, "cluster").queryset = contest.clusters.all()


class RoundForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=RoundKind.choices)
    scoring_rule = forms.ModelChoiceField(
        label=_("scoring rule"), queryset=ScoringRule.objects.none()
    )
    by_cluster = forms.BooleanField(label=_("ranked per cluster"), required=False)
    advance_per_cluster = forms.IntegerField(
        label=_("teams advancing"),
        min_value=0,
        max_value=50,
        initial=0,
        help_text=_("The best teams of each cluster (or of the round) that go to the next round."),
    )
    advance_runners_up = forms.IntegerField(
        label=_("best runners-up advancing"), min_value=0, max_value=50, initial=0
    )
    tie_break_part = forms.ModelChoiceField(
        label=_("tie-break part"), queryset=RoundPart.objects.none(), required=False
    )
    held_on = DateField(label=_("held on"), required=False, widget=DATE)
    venue = forms.CharField(label=_("venue"), max_length=200, required=False)

    def __init__(self, *args, rules, parts=None, **kwargs):
        super().__init__(*args, **kwargs)
        _choices(self, "scoring_rule").queryset = rules
        if parts is None:
            del self.fields["tie_break_part"]
        else:
            _choices(self, "tie_break_part").queryset = parts


class PartForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=PartKind.choices)
    weight = forms.DecimalField(
        label=_("weight"), min_value=0.01, max_digits=5, decimal_places=2, initial=1
    )
    rubric = forms.ModelChoiceField(label=_("rubric"), queryset=Rubric.objects.none())

    def __init__(self, *args, rubrics, **kwargs):
        super().__init__(*args, **kwargs)
        _choices(self, "rubric").queryset = rubrics


class JudgeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_full_name()} ({obj.username})"


class JudgeForm(forms.Form):
    juror = JudgeChoiceField(label=_("member of the jury"), queryset=User.objects.none())
    home_unit = UnitChoiceField(
        label=_("judge's unit"),
        queryset=Unit.objects.none(),
        help_text=_("Where the judge works: no team of it, above it or below it may be judged."),
    )
    cluster = forms.ModelChoiceField(
        label=_("cluster judged"),
        queryset=ContestCluster.objects.none(),
        required=False,
        help_text=_("Empty: every team of the round."),
    )
    is_head = forms.BooleanField(label=_("head of the jury"), required=False)

    def __init__(self, *args, contest: Contest, **kwargs):
        super().__init__(*args, **kwargs)
        # Judges are the accounts with a role on a unit of the organiser's area.
        area = territory(contest)
        _choices(self, "juror").queryset = (
            User.objects.filter(is_active=True, role_assignments__unit__path__startswith=area.path)
            .distinct()
            .order_by("full_name", "username")
        )
        _choices(self, "home_unit").queryset = (
            Unit.objects.current()
            .filter(path__startswith=area.path, depth__lte=area.depth + 2)
            .only("id", "name", "depth", "path")
            .order_by("path")
        )
        _choices(self, "cluster").queryset = contest.clusters.all()


class QuotaForm(forms.Form):
    kind = forms.ModelChoiceField(
        label=_("prize"), queryset=PrizeKind.objects.filter(is_active=True)
    )
    count = forms.IntegerField(label=_("number"), min_value=0, max_value=100, initial=1)
    part = forms.ModelChoiceField(
        label=_("best of the part"),
        queryset=RoundPart.objects.none(),
        required=False,
        help_text=_("For a special prize only."),
    )
    title = forms.CharField(label=_("title"), max_length=200, required=False)

    def __init__(self, *args, parts, **kwargs):
        super().__init__(*args, **kwargs)
        _choices(self, "part").queryset = parts


class ConfirmForm(forms.Form):
    decision_number = forms.IntegerField(label=_("decision number"), min_value=1, required=False)
    decision_symbol = forms.CharField(
        label=_("symbol"), max_length=40, required=False, initial="QĐ-BTC"
    )
    decision_date = DateField(label=_("decision date"), required=False, widget=DATE)
    signer_name = forms.CharField(label=_("signed by"), max_length=120, required=False)
    signer_title = forms.CharField(label=_("signer's title"), max_length=120, required=False)


class SheetForm(forms.Form):
    """A judge's sheet for one part of one team: a box per criterion (the no-script path;
    with scripts each box saves on its own as the judge types)."""

    def __init__(self, *args, criteria, values, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            value = values.get(criterion.pk)
            self.fields[f"c{criterion.pk}"] = forms.CharField(
                label=criterion.name,
                required=False,
                initial="" if value is None else _points(value),
                widget=forms.TextInput(
                    attrs={"inputmode": "decimal", "autocomplete": "off", "size": 5}
                ),
            )

    def values(self) -> dict:
        return {c.pk: self.cleaned_data.get(f"c{c.pk}", "") for c in self.criteria}


def _points(value) -> str:
    return f"{value.normalize():f}".replace(".", ",")
