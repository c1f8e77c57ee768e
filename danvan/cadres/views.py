"""Staff pages of the cadres: the list, profiles, postings, training, discipline, sensitive
data, the generations of a unit, events and their documents, import and export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from danvan.cadres import documents, services, transfer
from danvan.cadres.events import event_sections, profile_sections
from danvan.cadres.forms import (
    AttendanceForm,
    CadreForm,
    DisciplineForm,
    EventForm,
    FilterForm,
    GenerationsForm,
    ImportForm,
    PostingForm,
    ProgrammeFormSet,
    SensitiveForm,
    SigningForm,
    TrainingForm,
)
from danvan.cadres.generations import (
    danvan_postings,
    history_paths,
    holders_page,
    is_whole_tree,
    term_counts,
)
from danvan.cadres.models import Attendance, Cadre, Discipline, Invitee, Posting, Term, Training
from danvan.cadres.queries import (
    disciplines_for,
    events_for,
    filtered_cadres,
    get_cadre_for_user,
    get_event_for_user,
    invitees_of,
    open_discipline,
    postings_for,
    reaches_cadre,
    readable_cadre_ids,
    trainings_for,
    with_current_postings,
)
from danvan.core.forms import ColumnMappingForm
from danvan.core.jobs import start_job
from danvan.core.models import Job
from danvan.core.services import remember_column_mapping
from danvan.lib.documents import render_docx, render_pdf
from danvan.lib.paginators import CappedPaginator
from danvan.organisations.forms import resolve_filters
from danvan.organisations.queries import get_unit_for_user, scope_roots, territory_of

PAGE_SIZE = 50
COUNT_CAP = 1000
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _require_any(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied


def _form_errors(form, exc: ValidationError) -> None:
    form.add_error(None, exc)


# --- The list and profiles --------------------------------------------------------------------


@login_required
def cadre_list(request):
    _require_any(request.user, "cadres.view")
    form, params, unit = resolve_filters(FilterForm, request.user, request.GET)
    qs = with_current_postings(filtered_cadres(request.user, params).for_list())
    # Who is in scope is decided by each cadre's postings of today: an exact count of the
    # city's twenty thousand costs a scan, a page does not.
    page = CappedPaginator(qs, PAGE_SIZE, cap=COUNT_CAP).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cadres/cadre_list.html",
        {"form": form, "page": page, "unit": unit, "query": query.urlencode()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def cadre_create(request):
    _require_any(request.user, "cadres.change")
    form = CadreForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            cadre = services.create_cadre(actor=request.user, **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The profile was created: add the cadre's postings."))
            return redirect("cadres:posting_add", pk=cadre.pk)
    return render(request, "cadres/cadre_form.html", {"form": form})


def _profile(request, cadre: Cadre, *, sensitive=None, revealed=False):
    postings = list(postings_for(cadre))
    user = request.user
    today = timezone.localdate()
    return render(
        request,
        "cadres/cadre_detail.html",
        {
            "cadre": cadre,
            "postings": postings,
            "trainings": trainings_for(cadre),
            "disciplines": disciplines_for(cadre),
            "open_discipline": open_discipline(cadre, on=today),
            "today": today,
            "can_edit": reaches_cadre(user, cadre, "cadres.change", postings),
            "can_discipline": reaches_cadre(user, cadre, "cadres.discipline", postings),
            "can_sensitive": reaches_cadre(user, cadre, "cadres.read_sensitive", postings),
            "sensitive": sensitive,
            "revealed": revealed,
            "sections": profile_sections(cadre, user),
        },
    )


@login_required
def cadre_detail(request, pk):
    return _profile(request, get_cadre_for_user(request.user, pk))


@login_required
@require_POST
def cadre_sensitive(request, pk):
    """Show the cadre's ethnicity and religion: each read is logged."""
    cadre = get_cadre_for_user(request.user, pk, perm="cadres.read_sensitive")
    data = services.read_sensitive(cadre, actor=request.user)
    return _profile(request, cadre, sensitive=data, revealed=True)


@login_required
@require_http_methods(["GET", "POST"])
def cadre_sensitive_edit(request, pk):
    cadre = get_cadre_for_user(request.user, pk, perm="cadres.read_sensitive")
    policy = services.policy_for(cadre.record_unit)
    if request.method == "POST":
        form = SensitiveForm(request.POST)
        if form.is_valid():
            try:
                services.set_sensitive_data(cadre, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("cadres:detail", pk=cadre.pk)
    else:
        # Opening the form to change the values reads them: logged like any read.
        data = services.read_sensitive(cadre, actor=request.user)
        initial = {"ethnicity": data.ethnicity, "religion": data.religion} if data else {}
        form = SensitiveForm(initial=initial)
    return render(
        request, "cadres/sensitive_form.html", {"cadre": cadre, "form": form, "policy": policy}
    )


@login_required
@require_http_methods(["GET", "POST"])
def cadre_edit(request, pk):
    cadre = get_cadre_for_user(request.user, pk, perm="cadres.change")
    form = CadreForm(request.POST or None, instance=cadre, user=request.user)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.update_cadre(Cadre.objects.get(pk=cadre.pk), actor=request.user, **changes)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("cadres:detail", pk=cadre.pk)
    return render(request, "cadres/cadre_form.html", {"form": form, "cadre": cadre})


# --- Postings, training, discipline -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def posting_add(request, pk):
    cadre = get_cadre_for_user(request.user, pk, perm="cadres.change")
    form = PostingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.add_posting(cadre, actor=request.user, **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The posting was recorded."))
            return redirect("cadres:detail", pk=cadre.pk)
    return render(request, "cadres/posting_form.html", {"form": form, "cadre": cadre})


def _posting(request, pk, posting_pk) -> tuple[Cadre, Posting]:
    cadre = get_cadre_for_user(request.user, pk, perm="cadres.change")
    posting = get_object_or_404(Posting.objects.select_related("unit"), pk=posting_pk, cadre=cadre)
    return cadre, posting


@login_required
@require_http_methods(["GET", "POST"])
def posting_edit(request, pk, posting_pk):
    cadre, posting = _posting(request, pk, posting_pk)
    form = PostingForm(request.POST or None, instance=posting, user=request.user)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.update_posting(
                Posting.objects.get(pk=posting.pk), actor=request.user, **changes
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("cadres:detail", pk=cadre.pk)
    return render(
        request, "cadres/posting_form.html", {"form": form, "cadre": cadre, "posting": posting}
    )


@login_required
@require_POST
def posting_delete(request, pk, posting_pk):
    cadre, posting = _posting(request, pk, posting_pk)
    services.delete_posting(posting, actor=request.user)
    messages.success(request, _("The posting was removed."))
    return redirect("cadres:detail", pk=cadre.pk)


@login_required
@require_http_methods(["GET", "POST"])
def training_add(request, pk):
    cadre = get_cadre_for_user(request.user, pk, perm="cadres.change")
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            course = services.find_or_create_course(
                name=data["name"],
                organiser=data["organiser"],
                level=data["level"],
                start=data["start"],
                end=data["end"],
                hours=data["hours"],
            )
            services.record_training(
                cadre,
                actor=request.user,
                course=course,
                result=data["result"],
                certificate_number=data["certificate_number"],
                certificate_date=data["certificate_date"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The training was recorded."))
            return redirect("cadres:detail", pk=cadre.pk)
    return render(request, "cadres/training_form.html", {"form": form, "cadre": cadre})


@login_required
@require_POST
def training_delete(request, pk, training_pk):
    cadre = get_cadre_for_user(request.user, pk, perm="cadres.change")
    training = get_object_or_404(Training, pk=training_pk, cadre=cadre)
    services.delete_training(training, actor=request.user)
    messages.success(request, _("The training was removed."))
    return redirect("cadres:detail", pk=cadre.pk)


@login_required
@require_http_methods(["GET", "POST"])
def discipline_form(request, pk, discipline_pk=None):
    cadre = get_cadre_for_user(request.user, pk, perm="cadres.discipline")
    discipline = None
    if discipline_pk is not None:
        discipline = get_object_or_404(Discipline, pk=discipline_pk, cadre=cadre)
    form = DisciplineForm(request.POST or None, instance=discipline)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.fields}
        try:
            if discipline is None:
                services.record_discipline(cadre, actor=request.user, **data)
            else:
                changes = {name: data[name] for name in form.changed_data}
                services.change_discipline(
                    Discipline.objects.get(pk=discipline.pk), actor=request.user, **changes
                )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("cadres:detail", pk=cadre.pk)
    return render(
        request,
        "cadres/discipline_form.html",
        {"form": form, "cadre": cadre, "discipline": discipline},
    )


# --- Generations ------------------------------------------------------------------------------


def _generations_unit(request, data, roots):
    """The unit whose generations are shown: the one asked for (in scope), else the top of
    the user's scope."""
    if data.get("unit"):
        return get_unit_for_user(request.user, data["unit"])
    if not roots:
        raise Http404
    return roots[0]


def generations_context(request, unit, term=None) -> dict:
    terms = list(Term.objects.order_by("start"))
    postings = danvan_postings(history_paths(unit), whole_tree=is_whole_tree(unit))
    rows, total = term_counts(unit, terms)
    if term is None:
        today = timezone.localdate()
        term = next((t for t in terms if t.start <= today <= t.end), terms[-1] if terms else None)
    page = None
    readable: set[int] = set()
    if term is not None:
        known = next((row.postings for row in rows if row.term == term), None)
        page = holders_page(postings, term, request.GET.get("page"), PAGE_SIZE, count=known)
        readable = readable_cadre_ids(request.user, {p.cadre_id for p in page})
    return {
        "unit": unit,
        "terms": terms,
        "rows": rows,
        "total": total,
        "term": term,
        "page": page,
        "readable": readable,
        "today": timezone.localdate(),
    }


@login_required
def generations(request):
    _require_any(request.user, "cadres.view")
    form = GenerationsForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    roots = scope_roots(request.user)
    unit = _generations_unit(request, data, roots)
    context = generations_context(request, unit, data.get("term"))
    query = request.GET.copy()
    query.pop("page", None)
    context.update({"form": form, "query": query.urlencode(), "roots": roots})
    return render(request, "cadres/generations.html", context)


# --- Events -----------------------------------------------------------------------------------


@login_required
def event_list(request):
    _require_any(request.user, "cadres.view")
    events = events_for(request.user).order_by("-date", "-id")
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cadres/event_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def event_form(request, pk=None):
    event = None
    if pk is not None:
        event = get_event_for_user(request.user, pk, perm="cadres.change")
    else:
        _require_any(request.user, "cadres.change")
    form = EventForm(request.POST or None, instance=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        terms = data.pop("terms")
        try:
            if event is None:
                event = services.create_event(actor=request.user, terms=terms, **data)
            else:
                services.update_event(event, actor=request.user, terms=terms, **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("cadres:event", pk=event.pk)
    return render(request, "cadres/event_form.html", {"form": form, "event": event})


@login_required
def event_detail(request, pk):
    event = get_event_for_user(request.user, pk)
    invitees = list(invitees_of(event))
    can_edit = request.user.has_perm("cadres.change", event.unit)
    attendance = AttendanceForm(invitees=invitees) if can_edit else None
    tally: dict[str, int] = {}
    for invitee in invitees:
        tally[invitee.attendance] = tally.get(invitee.attendance, 0) + 1
    counts = [(label, tally[value]) for value, label in Attendance.choices if value in tally]
    return render(
        request,
        "cadres/event_detail.html",
        {
            "event": event,
            "invitees": invitees,
            "readable": readable_cadre_ids(request.user, [i.cadre_id for i in invitees]),
            "programme": list(event.programme.all()),
            "terms": list(event.terms.all()),
            "can_edit": can_edit,
            "attendance": attendance,
            "counts": counts,
            "sections": event_sections(event, request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_programme(request, pk):
    event = get_event_for_user(request.user, pk, perm="cadres.change")
    initial = [
        {"time": i.time, "title": i.title, "presenter": i.presenter} for i in event.programme.all()
    ]
    formset = ProgrammeFormSet(request.POST or None, initial=initial)
    if request.method == "POST" and formset.is_valid():
        items = [f.cleaned_data for f in formset.forms if f.cleaned_data]
        services.set_programme(event, items, actor=request.user)
        messages.success(request, _("Saved."))
        return redirect("cadres:event", pk=event.pk)
    return render(request, "cadres/event_programme.html", {"event": event, "formset": formset})


@login_required
@require_http_methods(["GET", "POST"])
def event_invite(request, pk):
    """Choose invitees from the generations of the event's unit, term by term."""
    event = get_event_for_user(request.user, pk, perm="cadres.change")
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("cadre") if v.isdigit()]
        chosen = list(Cadre.objects.filter(pk__in=ids))
        try:
            added = services.invite(event, chosen, actor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("%(n)d cadres invited.") % {"n": added} if added else _("No one new.")
            )
        return redirect(
            reverse("cadres:event_invite", args=[event.pk]) + "?" + request.GET.urlencode()
        )
    form = GenerationsForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    context = generations_context(request, territory_of(event.unit), data.get("term"))
    query = request.GET.copy()
    query.pop("page", None)
    invited = set(Invitee.objects.filter(event=event).values_list("cadre_id", flat=True))
    context.update({"event": event, "form": form, "query": query.urlencode(), "invited": invited})
    return render(request, "cadres/event_invite.html", context)


@login_required
@require_POST
def event_uninvite(request, pk, invitee_pk):
    event = get_event_for_user(request.user, pk, perm="cadres.change")
    invitee = get_object_or_404(Invitee, pk=invitee_pk, event=event)
    services.uninvite(invitee, actor=request.user)
    messages.success(request, _("The invitation was withdrawn."))
    return redirect("cadres:event", pk=event.pk)


@login_required
@require_POST
def event_attendance(request, pk):
    event = get_event_for_user(request.user, pk, perm="cadres.change")
    form = AttendanceForm(request.POST, invitees=list(invitees_of(event)))
    if form.is_valid():
        try:
            changed = services.set_attendance(event, form.marks(), actor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(n)d answers recorded.") % {"n": changed})
    return redirect("cadres:event", pk=event.pk)


@login_required
def event_document(request, pk, kind):
    """The programme or the invitee list: the form asks the number, date and signer."""
    event = get_event_for_user(request.user, pk)
    if kind not in documents.KINDS:
        raise Http404
    form = SigningForm(request.GET if "format" in request.GET else None)
    if not form.is_valid():
        return render(
            request, "cadres/event_document.html", {"event": event, "form": form, "kind": kind}
        )
    data = form.cleaned_data
    signing = documents.Signing(
        number=data["number"],
        symbol=data["symbol"],
        date=data["date"],
        signer_title=data["signer_title"],
        signer_name=data["signer_name"],
    )
    invitees = list(invitees_of(event))
    if kind == "programme":
        doc = documents.programme_document(
            event,
            list(event.programme.all()),
            len(invitees),
            event_sections(event, request.user),
            signing,
        )
        stem = "chuong-trinh"
    else:
        doc = documents.invitee_document(event, invitees, signing)
        stem = "danh-sach-khach-moi"
    fmt = data["format"]
    content = render_docx(doc) if fmt == "docx" else render_pdf(doc)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    filename = f"{stem}-{slugify(event.name)[:40]}-{event.date:%Y%m%d}.{fmt}"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# --- Import and export ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def cadre_import(request):
    """Upload a sheet of legacy cadres (with postings) or training: a background job checks
    every row (the preview), then the review page imports all of them or none."""
    _require_any(request.user, "cadres.change")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = start_job(
            actor=request.user,
            kind="cadres.import_preview",
            params={"kind": data["kind"]},
            input_file=data["file"],
        )
        return redirect("cadres:import_review", token=job.token)
    recent = Job.objects.filter(owner=request.user, kind__startswith="cadres.import")[:10]
    return render(request, "cadres/import.html", {"form": form, "recent": recent})


@login_required
@require_http_methods(["GET", "POST"])
def import_review(request, token):
    """The preview of a sheet: progress, then the column-mapping step (a needed column not
    recognised), or the rows with problems (nothing can be written), or the rows checked;
    import or cancel. The choice of columns is remembered for the same headings."""
    job = get_object_or_404(Job, token=token, owner=request.user, kind__startswith="cadres.import")
    kind = job.params.get("kind")
    if kind not in transfer.SPECS:
        raise Http404
    spec = transfer.SPECS[kind]
    preview = job.kind == "cadres.import_preview" and job.status == Job.Status.DONE
    mapping = (
        ColumnMappingForm(spec, job.result, request.POST or None, facts=()) if preview else None
    )
    if request.method == "POST":
        if mapping is None:
            raise Http404
        action = request.POST.get("action")
        if action == "cancel":
            messages.info(request, _("Nothing was imported."))
            return redirect("cadres:import")
        if action == "remap":
            if not mapping.is_valid():
                return render(
                    request, "cadres/import_review.html", {"job": job, "mapping": mapping}
                )
            params = {"kind": kind, **mapping.params()}
            if "mapping" in params:
                remember_column_mapping(
                    actor=request.user,
                    register=spec.register,
                    headings=job.result["headings"],
                    mapping=params["mapping"],
                )
            again = start_job(
                actor=request.user,
                kind="cadres.import_preview",
                params=params,
                input_file=job.input_file.name,
            )
            return redirect("cadres:import_review", token=again.token)
        if action != "import" or job.result.get("needs_mapping") or job.result.get("problems"):
            raise Http404
        run = start_job(
            actor=request.user,
            kind="cadres.import",
            params=job.params,
            input_file=job.input_file.name,
        )
        return redirect("cadres:import_review", token=run.token)
    template = "cadres/_import_status.html" if request.htmx else "cadres/import_review.html"
    return render(request, template, {"job": job, "mapping": mapping})


@login_required
def import_template(request, kind):
    _require_any(request.user, "cadres.change")
    if kind not in transfer.SPECS:
        raise Http404
    response = HttpResponse(
        transfer.template_bytes(kind),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition_header(True, f"mau-{kind}.xlsx")
    return response


@login_required
@require_POST
def cadre_export(request):
    _require_any(request.user, "cadres.view")
    _form, params, _unit = resolve_filters(FilterForm, request.user, request.POST)
    if not filtered_cadres(request.user, params).exists():
        messages.error(request, _("The selection is empty: there is nothing to export."))
        return redirect(reverse("cadres:list") + "?" + request.POST.urlencode())
    data = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    job = start_job(actor=request.user, kind="cadres.export", params=data)
    return redirect("job", token=job.token)
