"""Staff pages of contests: organisers set them up and run their rounds; units' staff
register their teams; judges score on their own sheets."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from danvan.contests import documents, queries, services
from danvan.contests.forms import (
    ClustersForm,
    ConfirmForm,
    ContestForm,
    DrawForm,
    JudgeForm,
    PartForm,
    QuotaForm,
    RoundForm,
    SheetForm,
    TeamClusterForm,
    TeamForm,
    TeamModelsForm,
)
from danvan.contests.models import (
    ContestStatus,
    Criterion,
    JudgeAssignment,
    RoundPart,
    RoundStatus,
    Rubric,
)

PAGE_SIZE = 50


def _refusal(exc: ValidationError | PermissionDenied) -> list[str]:
    """The messages of a service's refusal."""
    return getattr(exc, "messages", None) or [str(exc)]


def _flash_refusal(request, exc) -> None:
    for text in _refusal(exc):
        messages.error(request, text)


def action(view):
    """A POST that calls one service and returns to a page; a refusal is shown there."""

    @login_required
    @require_POST
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except (ValidationError, PermissionDenied) as exc:
            _flash_refusal(request, exc)
            # Back to the page the action belongs to (its URL without the action's part).
            return redirect(request.path.rsplit("/", 2)[0] + "/")

    return wrapper


# Contests ------------------------------------------------------------------------------


@login_required
def contest_list(request):
    contests = queries.contests_visible_to(request.user).for_list()
    page = Paginator(contests, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "contests/contest_list.html",
        {
            "page": page,
            "open_contests": queries.open_for(request.user),
            "can_organise": queries.may_organise(request.user),
            "judging": queries.assignments_of(request.user).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contest_create(request):
    if not queries.may_organise(request.user):
        raise Http404
    form = ContestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            contest = services.create_contest(actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _refusal(exc))
        else:
            messages.success(request, _("The contest was set up."))
            return redirect("contests:detail", pk=contest.pk)
    return render(request, "contests/form.html", {"form": form, "title": _("New contest")})


@login_required
@require_http_methods(["GET", "POST"])
def contest_edit(request, pk):
    contest = queries.get_contest_for_user(request.user, pk, manage=True)
    initial = {f: getattr(contest, f) for f in services.setup.CONTEST_FIELDS}
    form = ContestForm(request.POST or None, initial=initial, user=request.user, contest=contest)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_contest(actor=request.user, contest=contest, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _refusal(exc))
        else:
            messages.success(request, _("The contest was changed."))
            return redirect("contests:detail", pk=contest.pk)
    return render(
        request, "contests/form.html", {"form": form, "title": contest.name, "contest": contest}
    )


@login_required
def contest_detail(request, pk):
    contest = queries.get_contest_for_user(request.user, pk)
    manages = queries.manages(request.user, contest)
    context = {
        "contest": contest,
        "manages": manages,
        "reads_rounds": request.user.has_perm("contests.view", contest.organiser),
        "teams": list(queries.teams_for_user(request.user, contest)),
        "rounds": list(contest.rounds.order_by("order")),
        "clusters": list(contest.clusters.all()),
        "children": list(contest.children.select_related("organiser")),
        "can_register": contest.status == ContestStatus.REGISTRATION
        and queries.registrable_units(request.user, contest).exists(),
    }
    if manages:
        context["clusters_form"] = ClustersForm(contest=contest)
        context["draw_form"] = DrawForm()
        context["round_form"] = RoundForm(rules=services.usable_rules(contest))
    return render(request, "contests/contest_detail.html", context)


@action
def contest_status(request, pk):
    contest = queries.get_contest_for_user(request.user, pk, manage=True)
    services.set_contest_status(actor=request.user, contest=contest, to=request.POST.get("to", ""))
    messages.success(request, _("The contest's status was changed."))
    return redirect("contests:detail", pk=contest.pk)


@action
def contest_clusters(request, pk):
    contest = queries.get_contest_for_user(request.user, pk, manage=True)
    if "count" in request.POST:
        form = DrawForm(request.POST)
        if form.is_valid():
            services.draw_clusters(
                actor=request.user, contest=contest, count=form.cleaned_data["count"]
            )
            messages.success(request, _("The teams were drawn into clusters."))
    else:
        form = ClustersForm(request.POST, contest=contest)
        if form.is_valid():
            services.clusters_from_foundation(
                actor=request.user, contest=contest, clusters=list(form.cleaned_data["clusters"])
            )
            messages.success(request, _("The clusters were set and the teams placed."))
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
    return redirect("contests:detail", pk=contest.pk)


@action
def send_up(request, pk):
    contest = queries.get_contest_for_user(request.user, pk, manage=True)
    sent = services.send_winners_up(actor=request.user, contest=contest)
    messages.success(
        request,
        _("%(count)s teams were registered in %(contest)s.")
        % {"count": len(sent), "contest": contest.parent},
    )
    return redirect("contests:detail", pk=contest.pk)


# Teams ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def team_register(request, pk):
    contest = queries.get_contest_for_user(request.user, pk)
    units = queries.registrable_units(request.user, contest)
    form = TeamForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.register_team(
                actor=request.user,
                contest=contest,
                unit=form.cleaned_data["unit"],
                name=form.cleaned_data["name"],
                members=form.cleaned_data["members"],
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _refusal(exc))
        else:
            messages.success(request, _("The team was registered."))
            return redirect("contests:team", pk=team.pk)
    return render(
        request,
        "contests/form.html",
        {"form": form, "title": _("Register a team"), "contest": contest},
    )


@login_required
def team_detail(request, pk):
    team = queries.get_team_for_user(request.user, pk)
    manages = queries.manages(request.user, team.contest)
    entries = team.entries.select_related("round").order_by("round__order")
    return render(
        request,
        "contests/team_detail.html",
        {
            "team": team,
            "contest": team.contest,
            "members": list(team.members.all()),
            "models": list(team.practice_models.select_related("field")),
            "entries": [e for e in entries if e.round.has_results or e.round.published_at],
            "prizes": list(team.prizes.confirmed().select_related("kind", "round")),
            "editable": team.contest.status in (ContestStatus.DRAFT, ContestStatus.REGISTRATION),
            "cluster_form": TeamClusterForm(contest=team.contest, initial={"cluster": team.cluster})
            if manages
            else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request, pk):
    team = queries.get_team_for_user(request.user, pk)
    initial = {"name": team.name, "members": TeamForm.members_text(team)}
    form = TeamForm(request.POST or None, initial=initial)
    models_form = TeamModelsForm(
        request.POST or None,
        unit=team.unit,
        initial={"practice_models": list(team.practice_models.all())},
    )
    if request.method == "POST" and form.is_valid() and models_form.is_valid():
        try:
            services.update_team(
                actor=request.user,
                team=team,
                name=form.cleaned_data["name"] or team.name,
                members=form.cleaned_data["members"],
                practice_models=models_form.cleaned_data["practice_models"],
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _refusal(exc))
        else:
            messages.success(request, _("The team was changed."))
            return redirect("contests:team", pk=team.pk)
    return render(
        request,
        "contests/team_form.html",
        {"form": form, "models_form": models_form, "team": team, "contest": team.contest},
    )


@action
def team_cluster(request, pk):
    team = queries.get_team_for_user(request.user, pk, change=True)
    form = TeamClusterForm(request.POST, contest=team.contest)
    if form.is_valid():
        services.place_team(actor=request.user, team=team, cluster=form.cleaned_data["cluster"])
        messages.success(request, _("The team was placed."))
    return redirect("contests:team", pk=team.pk)


# Rounds --------------------------------------------------------------------------------


@action
def round_add(request, pk):
    contest = queries.get_contest_for_user(request.user, pk, manage=True)
    form = RoundForm(request.POST, rules=services.usable_rules(contest))
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return redirect("contests:detail", pk=contest.pk)
    round_ = services.add_round(actor=request.user, contest=contest, **form.cleaned_data)
    messages.success(request, _("The round was added: now give it its parts and judges."))
    return redirect("contests:round", pk=round_.pk)


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request, pk):
    round_ = queries.get_round_for_user(request.user, pk, manage=True)
    fields = services.setup.ROUND_FIELDS
    form = RoundForm(
        request.POST or None,
        initial={f: getattr(round_, f) for f in fields},
        rules=services.usable_rules(round_.contest),
        parts=round_.parts.all(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_round(actor=request.user, round_=round_, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _refusal(exc))
        else:
            messages.success(request, _("The round was changed."))
            return redirect("contests:round", pk=round_.pk)
    return render(
        request,
        "contests/form.html",
        {"form": form, "title": round_.name, "contest": round_.contest, "round": round_},
    )


@login_required
def round_detail(request, pk):
    round_ = queries.get_round_for_user(request.user, pk)
    contest = round_.contest
    manages = queries.manages(request.user, contest)
    parts = list(round_.parts.select_related("rubric").order_by("order"))
    judges = list(round_.judges.select_related("juror", "home_unit", "cluster"))
    # A judge of the round sees no progress of the others' sheets, whatever else they are.
    judging = any(a.juror_id == request.user.pk for a in judges)
    context = {
        "round": round_,
        "contest": contest,
        "manages": manages and not judging,
        "judging": judging,
        "parts": parts,
        "judges": judges,
        "quotas": list(round_.quotas.select_related("kind", "part")),
        "rows": []
        if judging and not round_.has_results
        else queries.round_table(round_, parts=parts, judges=judges),
        "setup": round_.status == RoundStatus.SETUP,
        "is_open": round_.status == RoundStatus.SCORING,
    }
    if manages and not judging:
        context.update(
            {
                "part_form": PartForm(rubrics=services.usable_rules(contest, Rubric)),
                "quota_form": QuotaForm(parts=round_.parts.all()),
                "confirm_form": ConfirmForm(),
            }
        )
    return render(request, "contests/round_detail.html", context)


@action
def part_add(request, pk):
    round_ = queries.get_round_for_user(request.user, pk, manage=True)
    form = PartForm(request.POST, rubrics=services.usable_rules(round_.contest, Rubric))
    if form.is_valid():
        services.add_part(actor=request.user, round_=round_, **form.cleaned_data)
        messages.success(request, _("The part was added."))
    else:
        _form_errors(request, form)
    return redirect("contests:round", pk=round_.pk)


@action
def part_remove(request, pk):
    part = get_object_or_404(RoundPart.objects.select_related("round"), pk=pk)
    queries.get_round_for_user(request.user, part.round_id, manage=True)
    services.remove_part(actor=request.user, part=part)
    messages.success(request, _("The part was removed."))
    return redirect("contests:round", pk=part.round_id)


@login_required
@require_http_methods(["GET", "POST"])
def judge_add(request, pk):
    """Assign a judge: a page of its own, its choice of units being long."""
    round_ = queries.get_round_for_user(request.user, pk, manage=True)
    form = JudgeForm(request.POST or None, contest=round_.contest)
    if request.method == "POST" and form.is_valid():
        try:
            services.assign_judge(actor=request.user, round_=round_, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _refusal(exc))
        else:
            messages.success(request, _("The judge was assigned."))
            return redirect("contests:round", pk=round_.pk)
    return render(
        request,
        "contests/form.html",
        {
            "form": form,
            "title": _("Assign a judge"),
            "contest": round_.contest,
            "round": round_,
        },
    )


@action
def judge_remove(request, pk):
    assignment = get_object_or_404(JudgeAssignment, pk=pk)
    queries.get_round_for_user(request.user, assignment.round_id, manage=True)
    services.remove_judge(actor=request.user, assignment=assignment)
    messages.success(request, _("The judge was taken off the round."))
    return redirect("contests:round", pk=assignment.round_id)


@action
def quota_set(request, pk):
    round_ = queries.get_round_for_user(request.user, pk, manage=True)
    form = QuotaForm(request.POST, parts=round_.parts.all())
    if form.is_valid():
        services.set_prize_quota(actor=request.user, round_=round_, **form.cleaned_data)
        messages.success(request, _("The prizes were set."))
    else:
        _form_errors(request, form)
    return redirect("contests:round", pk=round_.pk)


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for text in errors:
            messages.error(request, text)


ROUND_ACTIONS = {
    "open": (services.open_round, _("The round is open: the judges can score.")),
    "reveal": (services.reveal_scores, None),
    "close": (services.close_round, _("The round is closed: check and confirm its results.")),
    "reopen": (services.reopen_round, _("The round is open again for corrections.")),
    "publish": (services.publish_round, _("The results are published on the portal.")),
}


@action
def round_action(request, pk, name):
    round_ = queries.get_round_for_user(request.user, pk, manage=True)
    if name == "confirm":
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return redirect("contests:round", pk=round_.pk)
        services.confirm_round(actor=request.user, round_=round_, **form.cleaned_data)
        messages.success(request, _("The results are confirmed."))
        return redirect("contests:round", pk=round_.pk)
    if name not in ROUND_ACTIONS:
        raise Http404
    service, done = ROUND_ACTIONS[name]
    result = service(actor=request.user, round_=round_)
    if name == "reveal":
        done = _("%(count)s scores are now on the scoreboard.") % {"count": result}
    messages.success(request, done)
    return redirect("contests:round", pk=round_.pk)


# Certificates --------------------------------------------------------------------------


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def prize_certificate(request, pk):
    prize = queries.get_prize_for_user(request.user, pk)
    if prize.confirmed_at is None:
        raise Http404
    return _pdf(documents.certificates_pdf([prize]), f"giay-chung-nhan-{prize.pk}.pdf")


@login_required
def round_certificates(request, pk):
    round_ = queries.get_round_for_user(request.user, pk)
    prizes = list(round_.prizes.confirmed().for_list())
    if not prizes:
        raise Http404
    return _pdf(documents.certificates_pdf(prizes), f"giay-chung-nhan-vong-{round_.pk}.pdf")


# Judges --------------------------------------------------------------------------------


@login_required
def judging(request):
    return render(
        request,
        "contests/judging_list.html",
        {"assignments": list(queries.assignments_of(request.user))},
    )


@login_required
def judging_round(request, round_pk):
    assignment = queries.get_assignment_for_judge(request.user, round_pk)
    round_ = assignment.round
    parts = list(round_.parts.order_by("order"))
    criteria = _criteria_counts(parts)
    entries = queries.judged_entries(assignment)
    progress = queries.my_sheet_progress(assignment, entries, parts)
    rows = [
        (e, [(p, progress.get((e.pk, p.pk), 0), criteria[p.pk]) for p in parts]) for e in entries
    ]
    return render(
        request,
        "contests/judging_round.html",
        {"assignment": assignment, "round": round_, "parts": parts, "rows": rows},
    )


def _criteria_counts(parts) -> dict[int, int]:
    counts: dict[int, int] = {p.pk: 0 for p in parts}
    by_rubric: dict[int, int] = {}
    for rubric_id in Criterion.objects.filter(rubric__in=[p.rubric_id for p in parts]).values_list(
        "rubric_id", flat=True
    ):
        by_rubric[rubric_id] = by_rubric.get(rubric_id, 0) + 1
    for part in parts:
        counts[part.pk] = by_rubric.get(part.rubric_id, 0)
    return counts


def _sheet(request, round_pk, entry_pk, part_pk):
    """The judge's assignment, the team and the part of a sheet: 404 unless the judge
    scores this team in this round."""
    assignment = queries.get_assignment_for_judge(request.user, round_pk)
    entries = queries.judged_entries(assignment)
    entry = next((e for e in entries if str(e.pk) == str(entry_pk)), None)
    part = (
        RoundPart.objects.select_related("rubric")
        .filter(round=assignment.round, pk=part_pk)
        .first()
        if str(part_pk).isdigit()
        else None
    )
    if entry is None or part is None:
        raise Http404
    return assignment, entries, entry, part


@login_required
@require_http_methods(["GET", "POST"])
def sheet(request, round_pk, entry_pk, part_pk):
    assignment, entries, entry, part = _sheet(request, round_pk, entry_pk, part_pk)
    round_ = assignment.round
    criteria = list(part.rubric.criteria.all())
    form = SheetForm(
        request.POST or None, criteria=criteria, values=queries.my_scores(assignment, entry, part)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_sheet(actor=request.user, entry=entry, part=part, values=form.values())
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _refusal(exc))
        else:
            messages.success(request, _("Your points were saved."))
            return redirect(
                "contests:sheet", round_pk=round_.pk, entry_pk=entry.pk, part_pk=part.pk
            )
    parts = list(round_.parts.order_by("order"))
    order = [(e, p) for e in entries for p in parts]
    here = order.index((entry, part)) if (entry, part) in order else 0
    locked = not round_.is_open or (entry.pk, part.pk) in queries.revealed_pairs(round_)
    return render(
        request,
        "contests/sheet.html",
        {
            "assignment": assignment,
            "round": round_,
            "entry": entry,
            "part": part,
            "form": form,
            "rows": list(zip(criteria, form, strict=True)),
            "locked": locked,
            "previous": order[here - 1] if here > 0 else None,
            "next": order[here + 1] if here + 1 < len(order) else None,
            "max_total": sum((c.max_points for c in criteria), 0),
        },
    )


@login_required
@require_POST
def sheet_save(request, round_pk, entry_pk, part_pk):
    """One box of the sheet, saved as the judge types (htmx): the box's status comes back."""
    assignment, _entries, entry, part = _sheet(request, round_pk, entry_pk, part_pk)
    criterion = part.rubric.criteria.filter(pk=request.POST.get("criterion") or 0).first()
    if criterion is None:
        raise Http404
    error = ""
    try:
        services.save_score(
            actor=request.user,
            entry=entry,
            part=part,
            criterion=criterion,
            # The box's own value (the sheet's form sends every box; only this one is saved).
            value=request.POST.get(f"c{criterion.pk}", request.POST.get("value", "")),
        )
    except (ValidationError, PermissionDenied) as exc:
        error = " ".join(_refusal(exc))
    scores = queries.my_scores(assignment, entry, part)
    return render(
        request,
        "contests/_sheet_status.html",
        {
            "criterion": criterion,
            "error": error,
            "total": sum(scores.values(), 0),
            "scored": len(scores),
            "criteria": part.rubric.criteria.count(),
        },
    )
