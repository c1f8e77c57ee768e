"""Staff pages of grassroots democracy: a commune's publications, its hamlets' registers and
votes, consultations, supervision boards and dialogues, and the roll-up of the communes.

Each page reads through queries.py (404 outside the reader's scope); each form calls one
service; a refusal is shown on the form and nothing is written.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from danvan.democracy import queries, services
from danvan.democracy.forms import (
    AnswerForm,
    BoardForm,
    ConsultationForm,
    DialogueForm,
    FindingForm,
    GroupForm,
    HouseholdEditForm,
    HouseholdForm,
    HouseholdsFileForm,
    LeaveForm,
    MatterForm,
    MeetingCommentForm,
    MemberForm,
    MinutesForm,
    OnlineTallyForm,
    PetitionForm,
    PlanForm,
    PublicationFilterForm,
    PublicationForm,
    PublishForm,
    RecogniseForm,
    RecommendationForm,
    ReportForm,
    SearchForm,
    TallyForm,
)
from danvan.democracy.imports import HouseholdsError, rows_from_xlsx
from danvan.democracy.models import (
    BoardKind,
    Comment,
    DialogueItem,
    MatterStatus,
    Petition,
    VoteMethod,
)
from danvan.democracy.scorecards import figures, kept_commune_table
from danvan.organisations.queries import breadcrumb, scope_roots

PAGE_SIZE = 50
RECENT = 5


def _year_to_date() -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    return today.replace(month=1, day=1), today


def _attempt(request, form, call, message) -> bool:
    """Validate the form and call the service with its data; on a refusal, show it on the
    form. Return whether it worked."""
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or _("This is outside your scope."))
        return False
    messages.success(request, message)
    return True


def _may_edit(user, unit) -> bool:
    return user.has_perm("democracy.edit", unit)


def _context(request, unit, **extra) -> dict:
    return {"unit": unit, "crumbs": breadcrumb(unit, request.user), **extra}


# The communes ------------------------------------------------------------------------------


@login_required
@require_safe
def home(request):
    """The communes of the reader's scope: one goes straight to its page, several are listed
    with their figures of the year (the roll-up)."""
    if not request.user.has_perm("democracy.view"):
        raise PermissionDenied
    communes = list(queries.communes_in_scope(request.user)[:2])
    if len(communes) == 1:
        return redirect("democracy:commune", pk=communes[0].pk)
    roots = scope_roots(request.user)
    start, end = _year_to_date()
    tables = [(root, *kept_commune_table(root, start, end)) for root in roots]
    return render(request, "democracy/home.html", {"tables": tables, "start": start, "end": end})


@login_required
@require_safe
def commune(request, pk):
    unit = queries.get_commune_for_user(request.user, pk)
    start, end = _year_to_date()
    return render(
        request,
        "democracy/commune.html",
        _context(
            request,
            unit,
            **queries.commune_overview(unit),
            figures=figures(unit, start, end),
            start=start,
            hamlets=queries.hamlets_of(unit),
            publications=list(queries.publications_of(unit, {})[:RECENT]),
            matters=list(queries.matters_of(unit)[:RECENT]),
            consultations=list(queries.consultations_of(unit)[:RECENT]),
            boards=list(queries.boards_of(unit)),
            dialogues=list(queries.dialogues_of(unit)[:RECENT]),
            can_edit=_may_edit(request.user, unit),
        ),
    )


# Publications ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def publications(request, pk):
    unit = queries.get_commune_for_user(request.user, pk, edit=request.method == "POST")
    filters = PublicationFilterForm(request.GET or None)
    params = filters.cleaned_data if filters.is_valid() else {}
    form = PublicationForm(request.POST or None)
    if request.method == "POST" and _attempt(
        request,
        form,
        lambda d: services.register_publication(actor=request.user, commune=unit, **d),
        _("The publication was registered."),
    ):
        return redirect("democracy:publications", pk=unit.pk)
    page = Paginator(queries.publications_of(unit, params), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "democracy/publications.html",
        _context(
            request,
            unit,
            filters=filters,
            form=form,
            page=page,
            query=query.urlencode(),
            today=timezone.localdate(),
            can_edit=_may_edit(request.user, unit),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def publication(request, pk):
    item = queries.get_publication_for_user(request.user, pk, edit=request.method == "POST")
    form = PublishForm(request.POST or None)
    if request.method == "POST" and _attempt(
        request,
        form,
        lambda d: services.publish(actor=request.user, publication=item, **d),
        _("The publication was recorded."),
    ):
        return redirect("democracy:publication", pk=item.pk)
    return render(
        request,
        "democracy/publication.html",
        _context(
            request,
            item.commune,
            item=item,
            form=form,
            today=timezone.localdate(),
            can_edit=_may_edit(request.user, item.commune),
        ),
    )


# Hamlets: households, petitions, votes -----------------------------------------------------


HAMLET_FORMS = {
    "household": (
        HouseholdForm,
        services.register_household,
        gettext_lazy("The household was added."),
    ),
    "petition": (
        PetitionForm,
        services.receive_petition,
        gettext_lazy("The petition was received."),
    ),
    "matter": (MatterForm, services.open_matter, gettext_lazy("The matter was put to the vote.")),
}


@login_required
@require_http_methods(["GET", "POST"])
def hamlet(request, pk):
    unit = queries.get_hamlet_for_user(request.user, pk, edit=request.method == "POST")
    search = SearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    forms = {
        "household": HouseholdForm(prefix="household"),
        "petition": PetitionForm(prefix="petition"),
        "matter": MatterForm(prefix="matter", hamlet=unit),
    }
    action = request.POST.get("action", "")
    if request.method == "POST" and action in HAMLET_FORMS:
        form_class, service, message = HAMLET_FORMS[action]
        extra = {"hamlet": unit} if action == "matter" else {}
        form = form_class(request.POST, prefix=action, **extra)
        forms[action] = form
        if _attempt(
            request,
            form,
            lambda d: service(actor=request.user, hamlet=unit, **d),
            message,
        ):
            return redirect("democracy:hamlet", pk=unit.pk)
    page = Paginator(queries.households_of(unit, query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "democracy/hamlet.html",
        _context(
            request,
            unit,
            search=search,
            query=query,
            page=page,
            forms=forms,
            petitions=list(Petition.objects.filter(hamlet=unit).select_related("matter")),
            matters=list(queries.matters_of_hamlet(unit)),
            can_edit=_may_edit(request.user, unit),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def households_import(request, pk):
    unit = queries.get_hamlet_for_user(request.user, pk, edit=True)
    form = HouseholdsFileForm(request.POST or None, request.FILES or None)
    problems: list[tuple[int, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            rows = rows_from_xlsx(form.cleaned_data["file"])
            result = services.import_households(actor=request.user, hamlet=unit, rows=rows)
        except HouseholdsError as exc:
            problems = exc.problems
            messages.error(request, _("Nothing was written: correct the rows below and try again."))
        else:
            messages.success(
                request,
                _("%(created)d households added, %(updated)d updated, %(unchanged)d unchanged.")
                % result,
            )
            return redirect("democracy:hamlet", pk=unit.pk)
    return render(
        request,
        "democracy/households_import.html",
        _context(request, unit, form=form, problems=problems),
    )


@login_required
@require_http_methods(["GET", "POST"])
def household_edit(request, pk):
    household = queries.get_household_for_user(request.user, pk, edit=True)
    initial = {
        "head_name": household.head_name,
        "members": household.members,
        "address": household.address,
        "is_active": household.is_active,
    }
    form = HouseholdEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and _attempt(
        request,
        form,
        lambda d: services.update_household(actor=request.user, household=household, **d),
        _("The household was saved."),
    ):
        return redirect("democracy:hamlet", pk=household.hamlet_id)
    return render(
        request,
        "democracy/household_form.html",
        _context(request, household.hamlet, form=form, household=household),
    )


@login_required
@require_safe
def votes(request, pk):
    unit = queries.get_commune_for_user(request.user, pk)
    page = Paginator(queries.matters_of(unit), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "democracy/votes.html", _context(request, unit, page=page))


def _matter_forms(matter, data=None, action="") -> dict:
    def bound(name, form_class):
        return form_class(data if action == name else None, prefix=name)

    forms = {}
    if matter.status == MatterStatus.OPEN:
        online = matter.method == VoteMethod.ONLINE
        forms["tally"] = bound("tally", OnlineTallyForm if online else TallyForm)
    if matter.status == MatterStatus.TALLIED and matter.minutes_sent_on is None:
        forms["minutes"] = bound("minutes", MinutesForm)
    if matter.status == MatterStatus.TALLIED and matter.minutes_sent_on is not None:
        forms["recognise"] = bound("recognise", RecogniseForm)
    return forms


@login_required
@require_http_methods(["GET", "POST"])
def matter(request, pk):
    action = request.POST.get("action", "")
    item = queries.get_matter_for_user(request.user, pk, edit=request.method == "POST")
    forms = _matter_forms(item, request.POST, action)
    if request.method == "POST":
        calls = {
            "tally": lambda d: services.tally_vote(actor=request.user, matter=item, **d),
            "minutes": lambda d: services.send_minutes(actor=request.user, matter=item, **d),
            "recognise": lambda d: services.recognise_result(actor=request.user, matter=item, **d),
        }
        if action == "codes":
            try:
                issued = services.issue_voting_codes(actor=request.user, matter=item)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("%(n)d voting codes issued.") % {"n": issued})
            return redirect("democracy:matter", pk=item.pk)
        if action in forms and _attempt(
            request, forms[action], calls[action], _("The vote was updated.")
        ):
            return redirect("democracy:matter", pk=item.pk)
    return render(
        request,
        "democracy/matter.html",
        _context(
            request,
            item.hamlet,
            item=item,
            forms=forms,
            codes=item.codes.count() if item.method == VoteMethod.ONLINE else 0,
            ballots=item.ballots.count() if item.method == VoteMethod.ONLINE else 0,
            can_edit=_may_edit(request.user, item.hamlet),
            can_recognise=request.user.has_perm("democracy.recognise", item.commune),
        ),
    )


@login_required
@require_safe
def matter_slips(request, pk):
    """The printable slips of an online vote: each household's code."""
    item = queries.get_matter_for_user(request.user, pk, edit=True)
    return render(
        request,
        "democracy/slips.html",
        _context(request, item.hamlet, item=item, slips=list(queries.voting_slips(item))),
    )


# Consultations -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def consultations(request, pk):
    unit = queries.get_commune_for_user(request.user, pk, edit=request.method == "POST")
    form = ConsultationForm(request.POST or None)
    if request.method == "POST" and _attempt(
        request,
        form,
        lambda d: services.open_consultation(actor=request.user, commune=unit, **d),
        _("The consultation was opened."),
    ):
        return redirect("democracy:consultations", pk=unit.pk)
    page = Paginator(queries.consultations_of(unit), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "democracy/consultations.html",
        _context(
            request,
            unit,
            form=form,
            page=page,
            today=timezone.localdate(),
            can_edit=_may_edit(request.user, unit),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def consultation(request, pk):
    action = request.POST.get("action", "")
    item = queries.get_consultation_for_user(request.user, pk, edit=request.method == "POST")
    comments, groups = queries.consultation_detail(item)
    loose = [c for c in comments if c.group_id is None]
    data = request.POST if request.method == "POST" else None
    comment_form = MeetingCommentForm(data if action == "comment" else None, prefix="comment")
    group_form = GroupForm(
        data if action == "group" else None, prefix="group", consultation=item, comments=loose
    )
    report_form = ReportForm(data if action == "report" else None, prefix="report")
    answer_forms = {
        g.pk: AnswerForm(
            data if action == f"answer-{g.pk}" else None,
            prefix=f"answer-{g.pk}",
            initial={"response": g.response, "answer": g.answer},
        )
        for g in groups
    }
    if request.method == "POST":
        done = False
        if action == "comment":
            done = _attempt(
                request,
                comment_form,
                lambda d: services.add_meeting_comment(actor=request.user, consultation=item, **d),
                _("The comment was entered."),
            )
        elif action == "group":
            done = _attempt(
                request,
                group_form,
                lambda d: services.group_comments(
                    actor=request.user,
                    consultation=item,
                    comments=Comment.objects.filter(pk__in=d["comments"], consultation=item),
                    title=d["title"],
                    group=d["group"],
                ),
                _("The comments were grouped."),
            )
        elif action == "report":
            done = _attempt(
                request,
                report_form,
                lambda d: services.publish_report(actor=request.user, consultation=item, **d),
                _("The report was published."),
            )
        elif action.startswith("answer-"):
            group = next((g for g in groups if f"answer-{g.pk}" == action), None)
            if group is not None:
                done = _attempt(
                    request,
                    answer_forms[group.pk],
                    lambda d: services.answer_group(actor=request.user, group=group, **d),
                    _("The answer was saved."),
                )
        if done:
            return redirect("democracy:consultation", pk=item.pk)
    return render(
        request,
        "democracy/consultation.html",
        _context(
            request,
            item.commune,
            item=item,
            comments=comments,
            groups=[(g, answer_forms[g.pk]) for g in groups],
            loose=loose,
            comment_form=comment_form,
            group_form=group_form,
            report_form=report_form,
            closed=timezone.localdate() > item.closes_on,
            can_edit=_may_edit(request.user, item.commune),
        ),
    )


# Boards ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def boards(request, pk):
    unit = queries.get_commune_for_user(request.user, pk, edit=request.method == "POST")
    form = BoardForm(request.POST or None)
    if request.method == "POST" and _attempt(
        request,
        form,
        lambda d: services.set_up_board(actor=request.user, commune=unit, **d),
        _("The board was recorded."),
    ):
        return redirect("democracy:boards", pk=unit.pk)
    return render(
        request,
        "democracy/boards.html",
        _context(
            request,
            unit,
            form=form,
            boards=list(queries.boards_of(unit)),
            can_edit=_may_edit(request.user, unit),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def board(request, pk):
    action = request.POST.get("action", "")
    item = queries.get_board_for_user(request.user, pk, edit=request.method == "POST")
    members, plans, findings, recommendations = queries.board_detail(item)
    data = request.POST if request.method == "POST" else None
    forms = {
        "member": MemberForm(data if action == "member" else None, prefix="member"),
        "plan": PlanForm(
            data if action == "plan" else None,
            prefix="plan",
            initial={"year": timezone.localdate().year},
        ),
        "finding": FindingForm(data if action == "finding" else None, prefix="finding", board=item),
        "recommend": RecommendationForm(
            data if action == "recommend" else None, prefix="recommend", user=request.user
        ),
    }
    leave_form = LeaveForm(data if action.startswith("leave-") else None, prefix="leave")
    if request.method == "POST":
        calls = {
            "member": lambda d: services.add_member(actor=request.user, board=item, **d),
            "plan": lambda d: services.add_plan(actor=request.user, board=item, **d),
            "finding": lambda d: services.record_finding(actor=request.user, board=item, **d),
            "recommend": lambda d: services.send_recommendation(
                actor=request.user, board=item, **d
            ),
        }
        done = False
        if action in calls:
            done = _attempt(request, forms[action], calls[action], _("The board was updated."))
        elif action.startswith("leave-"):
            member = next((m for m in members if f"leave-{m.pk}" == action), None)
            if member is not None:
                done = _attempt(
                    request,
                    leave_form,
                    lambda d: services.member_leaves(actor=request.user, member=member, **d),
                    _("The member's leaving was recorded."),
                )
        if done:
            return redirect("democracy:board", pk=item.pk)
    return render(
        request,
        "democracy/board.html",
        _context(
            request,
            item.commune,
            item=item,
            members=members,
            current=len(queries.current_members(item)),
            rule=services.find_board_rule(item.kind, timezone.localdate()),
            plans=plans,
            findings=findings,
            recommendations=recommendations,
            forms=forms,
            leave_form=leave_form,
            is_investment=item.kind == BoardKind.INVESTMENT,
            can_edit=_may_edit(request.user, item.commune),
        ),
    )


# Dialogues ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def dialogues(request, pk):
    unit = queries.get_commune_for_user(request.user, pk, edit=request.method == "POST")
    form = DialogueForm(request.POST or None)
    if request.method == "POST" and _attempt(
        request,
        form,
        lambda d: services.record_dialogue(
            actor=request.user,
            commune=unit,
            items=form.items(),
            **{k: d[k] for k in ("held_on", "place", "chaired_by", "participants", "summary")},
        ),
        _("The dialogue was recorded."),
    ):
        return redirect("democracy:dialogues", pk=unit.pk)
    return render(
        request,
        "democracy/dialogues.html",
        _context(
            request,
            unit,
            form=form,
            dialogues=list(queries.dialogues_of(unit)),
            can_edit=_may_edit(request.user, unit),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def dialogue(request, pk):
    item = queries.get_dialogue_for_user(request.user, pk, edit=request.method == "POST")
    if request.method == "POST":
        done = DialogueItem.objects.filter(dialogue=item, pk=request.POST.get("item")).first()
        if done is not None:
            services.mark_follow_up_done(actor=request.user, item=done)
            messages.success(request, _("The follow-up was marked done."))
        return redirect("democracy:dialogue", pk=item.pk)
    return render(
        request,
        "democracy/dialogue.html",
        _context(
            request,
            item.commune,
            item=item,
            items=list(item.items.all()),
            can_edit=_may_edit(request.user, item.commune),
        ),
    )
