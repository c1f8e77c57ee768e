"""Staff pages of emulation and commendation. Each fetches through queries (404 outside the
reader's scope), binds a form, calls one service and renders or redirects."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from danvan.awards import eligibility, queries, services, transfer
from danvan.awards.documents import (
    award_certificate,
    decision_document,
    submission_document,
    training_certificate,
)
from danvan.awards.forms import (
    AwardFilterForm,
    BatchChoiceForm,
    CaseLinkForm,
    CommendForm,
    CouncilForm,
    DecideForm,
    EligibleFilterForm,
    EvidenceForm,
    ExternalDecisionForm,
    ImportForm,
    NominationEditForm,
    NominationFilterForm,
    NominationForm,
    PresentForm,
    ReturnForm,
    RevokeForm,
    SendUpForm,
    VoteForm,
)
from danvan.awards.models import (
    Authority,
    Award,
    AwardType,
    BaseSalary,
    MedalRule,
    NominationStatus,
    RecipientKind,
    TitleRule,
    Verdict,
    Vote,
)
from danvan.cadres.models import Training
from danvan.cadres.queries import get_cadre_for_user, get_event_for_user
from danvan.core.forms import ColumnMappingForm
from danvan.core.jobs import start_job
from danvan.core.models import Job
from danvan.core.services import remember_column_mapping
from danvan.lib.documents import render_certificate_pdf, render_docx, render_pdf
from danvan.lib.paginators import CappedPaginator
from danvan.organisations.models import Unit
from danvan.registry.queries import get_model_for_user
from danvan.voice.models import Case

PAGE_SIZE = 50
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _refusal(exc: ValidationError | PermissionDenied) -> list[str]:
    return getattr(exc, "messages", None) or [str(exc)]


def _file(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _link(name: str) -> dict[str, str]:
    """The URL of a named page with an id, as what goes before and after the id: reversed
    once for a list, not once per row (each reversal costs as much as the row's cells)."""
    before, _zero, after = reverse(name, args=[0]).rpartition("0")
    return {"before": before, "after": after}


def _this_year() -> int:
    return timezone.localdate().year


# --- Home: the rules in force -----------------------------------------------------------------


@login_required
def home(request):
    today = timezone.localdate()
    salary = services.base_salary_on(today)
    catalogue = []
    for row in AwardType.objects.in_force(today).order_by("rank", "code"):
        amounts = [
            services.money_for(row, collective=collective, on=today)[2]
            for collective in (False, True)
        ]
        catalogue.append((row, amounts[0], amounts[1]))
    return render(
        request,
        "awards/home.html",
        {
            "catalogue": catalogue,
            "salary": salary,
            "authorities": Authority.objects.in_force(today).order_by(
                "level", "issuer_kind", "award_code"
            ),
            "names": dict(AwardType.objects.values_list("code", "name")),
            "medal_rule": MedalRule.objects.in_force(today).first(),
            "title_rules": TitleRule.objects.in_force(today),
            "salaries": BaseSalary.objects.order_by("-effective_from"),
            "can_nominate": queries.holds(request.user, "awards.nominate"),
            "can_decide": queries.holds(request.user, "awards.decide"),
        },
    )


# --- Nominations ------------------------------------------------------------------------------


@login_required
def nomination_list(request):
    form = NominationFilterForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    page = _page(request, queries.filtered_nominations(request.user, params))
    return render(
        request,
        "awards/nomination_list.html",
        {
            "page": page,
            "form": form,
            "votes": queries.vote_counts(page.object_list),
            "can_nominate": queries.holds(request.user, "awards.nominate"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def nomination_create(request):
    if not queries.holds(request.user, "awards.nominate"):
        raise PermissionDenied
    initial = {
        k: request.GET[k] for k in ("award_code", "cadre", "unit", "year") if k in request.GET
    }
    form = NominationForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            nomination = services.open_nomination(actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _refusal(exc))
        else:
            messages.success(request, _("The nomination file was opened."))
            return redirect("awards:nomination", pk=nomination.pk)
    return render(request, "awards/nomination_form.html", {"form": form})


@login_required
def nomination_detail(request, pk):
    nomination = queries.get_nomination_for_user(request.user, pk)
    user = request.user
    council = queries.council_of(nomination)
    is_member = council is not None and council.members.filter(pk=user.pk).exists()
    own_vote = Vote.objects.filter(nomination=nomination, member=user).first()
    votes = nomination.votes.select_related("member")
    can_edit = user.has_perm("awards.nominate", nomination.proposer)
    at_office = nomination.holder is not None and user.has_perm("awards.forward", nomination.holder)
    status = nomination.status
    return render(
        request,
        "awards/nomination_detail.html",
        {
            "nomination": nomination,
            "frozen": services.nomination_freeze(nomination),
            "evidence": nomination.evidence.select_related("practice_model", "prize__team"),
            "council": council,
            "members_count": council.members.count() if council else 0,
            "votes": votes,
            "votes_for": sum(1 for v in votes if v.approve),
            "is_member": is_member,
            "own_vote": own_vote,
            "can_edit": can_edit and status in services.EDITABLE_STATES,
            "can_submit": can_edit and status in services.EDITABLE_STATES,
            "can_withdraw": can_edit and status in services.BEFORE_VOTE_STATES,
            "can_close": user.has_perm("awards.decide", nomination.decider)
            and status == NominationStatus.SUBMITTED,
            "can_forward": at_office and status == NominationStatus.IN_TRANSIT,
            "can_return": at_office
            and (
                status == NominationStatus.IN_TRANSIT
                or (status == NominationStatus.SUBMITTED and not votes)
            ),
            "steps": nomination.steps.select_related("from_unit", "to_unit", "actor"),
            "ahead": services.route_ahead(nomination),
            "return_form": ReturnForm(),
            "can_link": can_edit,
            "edit_form": NominationEditForm(
                initial={
                    "women_share": nomination.women_share,
                    "submission": nomination.submission,
                    "achievements": nomination.achievements,
                }
            ),
            "evidence_form": EvidenceForm(nomination=nomination, user=user),
            "vote_form": VoteForm(),
            "case_form": CaseLinkForm(),
            "award": getattr(nomination, "award", None),
        },
    )


def _nomination_action(request, pk, action, success: str, **kwargs):
    nomination = queries.get_nomination_for_user(request.user, pk)
    try:
        action(actor=request.user, nomination=nomination, **kwargs)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(_refusal(exc)))
    else:
        messages.success(request, success)
    return redirect("awards:nomination", pk=nomination.pk)


@login_required
@require_POST
def nomination_edit(request, pk):
    queries.get_nomination_for_user(request.user, pk)  # 404 outside the scope first
    form = NominationEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the values entered."))
        return redirect("awards:nomination", pk=pk)
    return _nomination_action(
        request, pk, services.update_nomination, _("The file was saved."), **form.cleaned_data
    )


@login_required
@require_POST
def nomination_evidence(request, pk):
    nomination = queries.get_nomination_for_user(request.user, pk)  # 404 outside the scope
    form = EvidenceForm(request.POST, nomination=nomination, user=request.user)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("awards:nomination", pk=pk)
    return _nomination_action(
        request, pk, services.add_evidence, _("The evidence was added."), **form.cleaned_data
    )


@login_required
@require_POST
def nomination_submit(request, pk):
    return _nomination_action(request, pk, services.submit_nomination, _("The file was sent up."))


@login_required
@require_POST
def nomination_forward(request, pk):
    return _nomination_action(
        request, pk, services.forward_nomination, _("The file was forwarded up.")
    )


@login_required
@require_POST
def nomination_return(request, pk):
    queries.get_nomination_for_user(request.user, pk)  # 404 outside the scope first
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("awards:nomination", pk=pk)
    return _nomination_action(
        request,
        pk,
        services.return_nomination,
        _("The file was returned to the proposing unit."),
        reason=form.cleaned_data["reason"],
    )


@login_required
@require_POST
def nomination_withdraw(request, pk):
    return _nomination_action(
        request, pk, services.withdraw_nomination, _("The file was withdrawn.")
    )


@login_required
@require_POST
def nomination_vote(request, pk):
    queries.get_nomination_for_user(request.user, pk)  # 404 outside the scope first
    form = VoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose in favour or against."))
        return redirect("awards:nomination", pk=pk)
    return _nomination_action(
        request,
        pk,
        services.cast_vote,
        _("Your vote was recorded."),
        approve=form.cleaned_data["approve"],
    )


@login_required
@require_POST
def nomination_close(request, pk):
    return _nomination_action(request, pk, services.close_vote, _("The council's vote was closed."))


@login_required
@require_POST
def nomination_link_case(request, pk):
    nomination = queries.get_nomination_for_user(request.user, pk)
    form = CaseLinkForm(request.POST)
    case = None
    if form.is_valid():
        case = (
            Case.objects.visible_to(request.user)
            .filter(code=form.cleaned_data["code"].strip().upper())
            .first()
        )
    if case is None:
        messages.error(request, _("No case you can see has this tracking code."))
        return redirect("awards:nomination", pk=nomination.pk)
    try:
        services.link_case(
            actor=request.user,
            case=case,
            unit=nomination.unit,
            cadre=nomination.cadre,
            note=form.cleaned_data["note"],
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(_refusal(exc)))
    else:
        messages.success(request, _("The case was recorded as concerning this nominee."))
    return redirect("awards:nomination", pk=nomination.pk)


# --- Councils ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def council_form(request):
    if not queries.holds(request.user, "awards.decide"):
        raise PermissionDenied
    form = CouncilForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            council = services.set_up_council(actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _refusal(exc))
        else:
            messages.success(
                request,
                _("The council “%(name)s” has %(count)d members.")
                % {"name": council.name, "count": council.members.count()},
            )
            return redirect("awards:nominations")
    return render(request, "awards/council_form.html", {"form": form})


# --- Decisions --------------------------------------------------------------------------------


def _batch(request):
    """The body and award of a decision page, from its query string."""
    choice = BatchChoiceForm(request.GET or None, user=request.user)
    if not choice.is_valid():
        return choice, None, None
    decider = choice.cleaned_data["decider"]
    if not request.user.has_perm("awards.decide", decider):
        raise Http404
    return choice, decider, choice.cleaned_data["award"]


@login_required
@require_http_methods(["GET", "POST"])
def decide(request):
    """Issue the decision awarding approved files, ranked (ties favour women)."""
    if not queries.holds(request.user, "awards.decide"):
        raise PermissionDenied
    choice, decider, code = _batch(request)
    form = None
    ranked = []
    authority = None
    if decider is not None:
        files = queries.ready_for_decision(request.user, decider, code, NominationStatus.APPROVED)
        ranked = services.ranked(list(files), {n.pk: n.votes_for or 0 for n in files})
        authority = services.authority_for(code, decider, timezone.localdate())
        form = DecideForm(
            request.POST or None,
            nominations=files,
            initial={"date": timezone.localdate(), "nominations": [n.pk for n in files]},
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                decision = services.issue_decision(
                    actor=request.user,
                    issuer=decider,
                    nominations=list(data.pop("nominations")),
                    **data,
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, _refusal(exc))
            else:
                messages.success(request, _("The decision was issued."))
                return redirect("awards:decision", pk=decision.pk)
    return render(
        request,
        "awards/decide.html",
        {
            "choice": choice,
            "form": form,
            "ranked": ranked,
            "decider": decider,
            "authority": authority,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def send_up(request):
    """Send approved files to the external authority, and record its decision later."""
    if not queries.holds(request.user, "awards.decide"):
        raise PermissionDenied
    choice, decider, code = _batch(request)
    send_form = record_form = None
    if decider is not None:
        approved = queries.ready_for_decision(
            request.user, decider, code, NominationStatus.APPROVED
        )
        sent = queries.ready_for_decision(request.user, decider, code, NominationStatus.SENT_UP)
        post = request.POST if request.method == "POST" else None
        step = request.POST.get("step")
        send_form = SendUpForm(
            post if step == "send" else None,
            nominations=approved,
            initial={"date": timezone.localdate()},
        )
        record_form = ExternalDecisionForm(
            post if step == "record" else None,
            nominations=sent,
            initial={"date": timezone.localdate()},
        )
        if step == "send" and send_form.is_valid():
            data = send_form.cleaned_data
            try:
                services.send_up(
                    actor=request.user,
                    nominations=list(data["nominations"]),
                    number=data["number"],
                    date=data["date"],
                )
            except (ValidationError, PermissionDenied) as exc:
                send_form.add_error(None, _refusal(exc))
            else:
                messages.success(request, _("The files were sent up."))
                return redirect(request.get_full_path())
        if step == "record" and record_form.is_valid():
            data = record_form.cleaned_data
            try:
                decision = services.record_external_decision(
                    actor=request.user,
                    nominations=list(data.pop("nominations")),
                    **data,
                )
            except (ValidationError, PermissionDenied) as exc:
                record_form.add_error(None, _refusal(exc))
            else:
                messages.success(request, _("The decision was recorded."))
                return redirect("awards:decision", pk=decision.pk)
    return render(
        request,
        "awards/send_up.html",
        {"choice": choice, "send_form": send_form, "record_form": record_form, "decider": decider},
    )


@login_required
def submission_file(request):
    """The city's submission (tờ trình) of the files sent up under one number."""
    choice, decider, code = _batch(request)
    if decider is None:
        raise Http404
    try:
        number = int(request.GET.get("number", ""))
    except ValueError as exc:
        raise Http404 from exc
    files = list(
        queries.ready_for_decision(request.user, decider, code, NominationStatus.SENT_UP).filter(
            sent_number=number
        )
    )
    if not files:
        raise Http404
    authority = files[0].authority
    with translation.override("vi"):
        document = submission_document(
            files, number=number, date=files[0].sent_on, body_name=authority.external_body
        )
        content = render_docx(document)
    return _file(content, DOCX, f"to-trinh-{number:02d}.docx")


@login_required
def decision_detail(request, pk):
    decision = queries.get_decision_for_user(request.user, pk)
    awards = queries.awards_for(request.user).filter(decision=decision).for_list()
    return render(
        request,
        "awards/decision_detail.html",
        {"decision": decision, "awards": awards, "total": decision.awards.count()},
    )


@login_required
def decision_document_view(request, pk, fmt):
    if fmt not in {"docx", "pdf"}:
        raise Http404
    decision = queries.get_decision_for_user(request.user, pk)
    awards = list(decision.awards.select_related("base_salary").order_by("id"))
    with translation.override("vi"):
        document = decision_document(decision, awards)
        if fmt == "pdf":
            content, content_type = render_pdf(document), "application/pdf"
        else:
            content, content_type = render_docx(document), DOCX
    return _file(content, content_type, f"quyet-dinh-{decision.number:02d}-{decision.year}.{fmt}")


# --- Awards -----------------------------------------------------------------------------------


@login_required
def award_list(request):
    form = AwardFilterForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    # Counted to a cap: the exact count of a city's tens of thousands costs a scan.
    paginator = CappedPaginator(queries.award_rows(request.user, params), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "awards/award_list.html",
        {
            "page": page,
            "form": form,
            "query": request.GET.urlencode(),
            "award_link": _link("awards:award"),
            "decision_link": _link("awards:decision"),
        },
    )


@login_required
@require_POST
def award_export(request):
    """Export the filtered list as XLSX, in the background."""
    form = AwardFilterForm(request.POST)
    params = form.cleaned_data if form.is_valid() else {}
    params = {k: v for k, v in params.items() if v not in (None, "")}
    job = start_job(actor=request.user, kind="awards.export", params=params)
    return redirect("job", token=job.token)


@login_required
def award_detail(request, pk):
    award = queries.get_award_for_user(request.user, pk)
    can_revoke = request.user.has_perm("awards.decide", services.revoking_unit(award))
    return render(
        request,
        "awards/award_detail.html",
        {
            "award": award,
            "can_revoke": can_revoke and award.revoked_on is None,
            "revoke_form": RevokeForm(initial={"on": timezone.localdate()}),
        },
    )


@login_required
@require_POST
def award_revoke(request, pk):
    award = queries.get_award_for_user(request.user, pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("awards:award", pk=award.pk)
    try:
        services.revoke_award(actor=request.user, award=award, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(_refusal(exc)))
    else:
        messages.success(request, _("The award was revoked."))
    return redirect("awards:award", pk=award.pk)


@login_required
def award_certificate_view(request, pk):
    award = queries.get_award_for_user(request.user, pk)
    if award.revoked_on is not None:
        raise Http404
    with translation.override("vi"):
        content = render_certificate_pdf(award_certificate(award))
    return _file(content, "application/pdf", f"chung-nhan-{award.pk}.pdf")


@login_required
def training_certificate_view(request, cadre_pk, pk):
    cadre = get_cadre_for_user(request.user, cadre_pk)
    training = get_object_or_404(
        Training.objects.select_related("course__organiser_unit__parent", "cadre"),
        pk=pk,
        cadre=cadre,
    )
    with translation.override("vi"):
        content = render_certificate_pdf(training_certificate(training))
    return _file(content, "application/pdf", f"giay-chung-nhan-{training.pk}.pdf")


# --- Practice models and events ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def commend_model(request, pk):
    model = get_model_for_user(request.user, pk)
    if not queries.holds(request.user, "awards.decide"):
        raise Http404
    form = CommendForm(
        request.POST or None, user=request.user, initial={"date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.commend_model(actor=request.user, model=model, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _refusal(exc))
        else:
            messages.success(request, _("The decision was recorded."))
            return redirect("awards:decision", pk=decision.pk)
    return render(request, "awards/commend_form.html", {"form": form, "model": model})


@login_required
@require_http_methods(["GET", "POST"])
def event_awards(request, pk):
    event = get_event_for_user(request.user, pk)
    can_present = request.user.has_perm("awards.decide", event.unit)
    form = PresentForm(request.POST or None)
    if request.method == "POST":
        if not can_present:
            raise Http404
        if form.is_valid():
            award = (
                queries.awards_for(request.user)
                .filter(pk=form.cleaned_data["award"], revoked_on__isnull=True)
                .first()
            )
            if award is None:
                form.add_error("award", _("No award in force you can see has this number."))
            else:
                services.present_at(actor=request.user, award=award, event=event)
                messages.success(request, _("The award is recorded as presented at the event."))
                return redirect("awards:event_awards", pk=event.pk)
    awards = Award.objects.filter(presented_at=event).for_list().order_by("award_type__rank")
    return render(
        request,
        "awards/event_awards.html",
        {"event": event, "awards": awards, "form": form, "can_present": can_present},
    )


# --- Eligibility ------------------------------------------------------------------------------


@login_required
def eligible_list(request):
    form = EligibleFilterForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    code = params.get("award") or eligibility.MEDAL_CODE
    year = params.get("year") or _this_year()
    status = params.get("status") or "eligible"
    unit = None
    if request.GET.get("unit"):
        unit = get_object_or_404(
            Unit.objects.visible_to(request.user, perm="awards.view"),
            pk=queries._pk(request.GET["unit"]),
        )
    # The catalogue's names, and whom each award goes to (the latest row of each code).
    catalogue = {
        c: (name, recipients)
        for c, name, recipients in AwardType.objects.order_by("effective_from").values_list(
            "code", "name", "recipients"
        )
    }
    # People or collectives: as asked, else as the award goes (a flag to collectives).
    who = request.GET.get("who")
    if who not in ("person", "collective"):
        collective_only = catalogue.get(code, ("", ""))[1] == RecipientKind.COLLECTIVE
        who = "collective" if collective_only else "person"
    verdicts = queries.verdicts_for(
        request.user,
        code=code,
        year=year,
        status=status,
        unit=unit,
        collective=who == "collective",
    )
    page = CappedPaginator(verdicts, PAGE_SIZE).get_page(request.GET.get("page"))
    names = {c: name for c, (name, _recipients) in catalogue.items()}
    return render(
        request,
        "awards/eligible_list.html",
        {
            "form": form,
            "page": page,
            "code": code,
            "year": year,
            "status": status,
            "unit": unit,
            "award_name": names.get(code, code),
            "can_run": queries.holds(request.user, "awards.decide"),
            "can_nominate": queries.holds(request.user, "awards.nominate"),
            "query": request.GET.urlencode(),
            "verdict_link": _link("awards:verdict"),
            "who": who,
            "nominate_url": reverse("awards:nominate"),
        },
    )


@login_required
@require_POST
def eligibility_run(request):
    """Recompute this year's verdicts for the scope the user decides for, in the background."""
    paths = request.user.paths_for("awards.decide")
    if paths is not None and not paths:
        raise PermissionDenied
    try:
        year = int(request.POST.get("year") or _this_year())
    except ValueError:
        year = _this_year()
    units = [] if paths is None else [u.pk for u in Unit.objects.filter(path__in=paths)]
    job = start_job(
        actor=request.user, kind="awards.eligibility", params={"year": year, "units": units}
    )
    return redirect("job", token=job.token)


@login_required
def verdict_detail(request, pk):
    verdict = get_object_or_404(
        Verdict.objects.visible_to(request.user, perm="awards.view").select_related(
            "cadre", "unit", "scope_unit", "medal_rule", "title_rule"
        ),
        pk=queries._pk(pk),
    )
    names = dict(AwardType.objects.values_list("code", "name"))
    return render(
        request,
        "awards/verdict_detail.html",
        {
            "verdict": verdict,
            "x": verdict.explanation,
            "award_name": names.get(verdict.award_code, verdict.award_code),
            "names": names,
        },
    )


# --- Import -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def award_import(request):
    """Upload a sheet (a preview job checks it), then import its valid rows (a second job)."""
    if not queries.holds(request.user, "awards.nominate"):
        raise PermissionDenied
    job = None
    token = request.POST.get("preview") or request.GET.get("job")
    if token:
        job = get_object_or_404(Job, token=token, owner=request.user, kind="awards.import_preview")
    mapping = (
        ColumnMappingForm(
            transfer.SPEC,
            job.result,
            request.POST if request.POST.get("action") == "remap" else None,
            facts=(),
        )
        if job is not None and job.status == Job.Status.DONE
        else None
    )
    if request.method == "POST" and job is not None:
        if mapping is None:
            raise Http404
        if request.POST.get("action") == "remap":
            if not mapping.is_valid():
                return render(request, "awards/import.html", {"job": job, "mapping": mapping})
            params = mapping.params()
            if "mapping" in params:
                remember_column_mapping(
                    actor=request.user,
                    register=transfer.SPEC.register,
                    headings=job.result["headings"],
                    mapping=params["mapping"],
                )
            again = start_job(
                actor=request.user,
                kind="awards.import_preview",
                params=params,
                input_file=job.input_file.name,
            )
            return redirect(f"{reverse('awards:import')}?job={again.token}")
        if job.result.get("needs_mapping"):
            raise Http404
        imported = start_job(
            actor=request.user,
            kind="awards.import",
            params=job.params,
            input_file=job.input_file.name,
        )
        return redirect("job", token=imported.token)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        started = start_job(
            actor=request.user, kind="awards.import_preview", input_file=form.cleaned_data["file"]
        )
        return redirect(f"{reverse('awards:import')}?job={started.token}")
    return render(request, "awards/import.html", {"form": form, "job": job, "mapping": mapping})
