"""Staff pages of the “Dân vận khéo” registry."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from danvan.core.forms import ColumnMappingForm
from danvan.core.jobs import start_job
from danvan.core.models import Job
from danvan.core.services import remember_column_mapping
from danvan.lib.documents import render_docx, render_pdf
from danvan.lib.paginators import CappedPaginator
from danvan.organisations.forms import resolve_filters
from danvan.organisations.models import Unit
from danvan.organisations.queries import breadcrumb
from danvan.registry import services, transfer
from danvan.registry.documents import recognition_document as build_recognition_document
from danvan.registry.forms import (
    AttachmentForm,
    FilterForm,
    ImportForm,
    MoveForm,
    PracticeModelForm,
    RecognitionForm,
    ReplicationForm,
    ScoreForm,
)
from danvan.registry.models import MANUAL_MOVES, Council, PracticeModel, Recognition, Score, Status
from danvan.registry.panels import model_panels
from danvan.registry.queries import (
    filtered_models,
    get_model_for_user,
    replication_graph,
    similar_models,
    status_counts,
    totals,
)
from danvan.registry.transfer import template_bytes

PAGE_SIZE = 50
SEARCH_COUNT_CAP = 1000


def _filters(request):
    return resolve_filters(FilterForm, request.user, request.GET)


@login_required
def model_list(request):
    if not request.user.has_perm("registry.view"):
        raise PermissionDenied
    form, params, unit = _filters(request)
    qs = filtered_models(request.user, params).for_list()
    if params.get("q"):  # the exact count of a common word costs a scan of every text
        paginator = CappedPaginator(qs, PAGE_SIZE, cap=SEARCH_COUNT_CAP)
    else:
        paginator = Paginator(qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "registry/model_list.html",
        {"form": form, "page": page, "unit": unit, "query": query.urlencode()},
    )


@login_required
def model_counts(request):
    if not request.user.has_perm("registry.view"):
        raise PermissionDenied
    form, params, unit = _filters(request)
    qs = filtered_models(request.user, params)
    return render(
        request,
        "registry/model_counts.html",
        {
            "form": form,
            "unit": unit,
            "rows": status_counts(qs),
            "totals": totals(qs),
            "statuses": Status,
        },
    )


@login_required
def similar(request):
    """The models already registered whose names resemble the one being typed (htmx)."""
    found = similar_models(request.user, request.GET.get("name", ""))
    return render(request, "registry/_similar.html", {"similar": found})


@login_required
@require_http_methods(["GET", "POST"])
def model_create(request):
    if not request.user.has_perm("registry.register"):
        raise PermissionDenied
    form = PracticeModelForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        tags = data.pop("tags")
        try:
            model = services.register_model(actor=request.user, tags=tags, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The model was registered."))
            return redirect("registry:detail", pk=model.pk)
    return render(request, "registry/model_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def model_edit(request, pk):
    model = get_model_for_user(request.user, pk, edit=True)
    form = PracticeModelForm(request.POST or None, instance=model, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        tags = data.pop("tags", None)
        try:
            services.update_model(
                actor=request.user, model=PracticeModel.objects.get(pk=model.pk), tags=tags, **data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The model was saved."))
            return redirect("registry:detail", pk=model.pk)
    return render(request, "registry/model_form.html", {"form": form, "model": model})


@login_required
def model_detail(request, pk):
    model = get_model_for_user(request.user, pk)
    can_edit = request.user.has_perm("registry.change", model)
    moves = sorted(services.allowed_moves(model) & MANUAL_MOVES) if can_edit else []
    context = {
        "model": model,
        "crumbs": breadcrumb(model.unit, request.user) + [model.unit],
        "changes": model.changes.select_related("actor"),
        "attachments": model.attachments.all(),
        "classifications": model.classifications.select_related("council"),
        "recognitions": model.recognitions.select_related("level", "issuer"),
        "graph": replication_graph(model),
        "replication_count": model.replications.count(),
        "moves": [(m, Status(m).label) for m in moves],
        "can_edit": can_edit,
        "can_decide": request.user.has_perm("registry.recognise", model),
        "tags": model.tags.all(),
        "attach_form": AttachmentForm(),
        "panels": model_panels(request, model),
    }
    return render(request, "registry/model_detail.html", context)


@login_required
@require_POST
def model_move(request, pk):
    model = get_model_for_user(request.user, pk, edit=True)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This change of status is not possible here."))
        return redirect("registry:detail", pk=model.pk)
    try:
        services.transition(
            actor=request.user,
            model=model,
            to=form.cleaned_data["to"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The status was changed."))
    return redirect("registry:detail", pk=model.pk)


@login_required
@require_POST
def model_attach(request, pk):
    model = get_model_for_user(request.user, pk, edit=True)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        services.add_attachment(
            actor=request.user,
            model=model,
            upload=form.cleaned_data["file"],
            checked_type=form.checked_type,
        )
        messages.success(request, _("The file was attached."))
    else:
        for error in form.errors.get("file", []):
            messages.error(request, error)
    return redirect("registry:detail", pk=model.pk)


@login_required
def attachment_download(request, pk, attachment_pk):
    """Files are served only to users whose scope reaches the model."""
    model = get_model_for_user(request.user, pk)
    attachment = get_object_or_404(model.attachments, pk=attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle,
        as_attachment=not attachment.content_type.startswith("image/"),
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


def _decision_view(request, pk, *, form_class, action, template_title):
    model = get_model_for_user(request.user, pk)
    if not request.user.has_perm("registry.recognise", model):
        raise Http404
    form = form_class(request.POST or None, user=request.user, model=model)
    if request.method == "POST" and form.is_valid():
        try:
            action(actor=request.user, model=model, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The decision was recorded."))
            return redirect("registry:detail", pk=model.pk)
    return render(
        request,
        "registry/decision_form.html",
        {"form": form, "model": model, "title": template_title},
    )


@login_required
@require_http_methods(["GET", "POST"])
def model_recognise(request, pk):
    return _decision_view(
        request,
        pk,
        form_class=RecognitionForm,
        action=services.recognise_model,
        template_title=_("Recognise the model"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def model_replicate(request, pk):
    """Record that a unit in the user's scope adopts a recognised model (of any unit)."""
    if not request.user.has_perm("registry.register"):
        raise PermissionDenied
    model = _replicable_model(request.user, pk)
    form = ReplicationForm(request.POST or None, user=request.user, model=model)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_replication(actor=request.user, model=model, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The replication was recorded."))
            return (
                redirect("registry:detail", pk=model.pk)
                if request.user.reaches(model.unit)
                else redirect("registry:list")
            )
    return render(request, "registry/replication_form.html", {"form": form, "model": model})


@login_required
def recognition_document(request, pk, recognition_pk, fmt):
    """The recognition decision, as DOCX or PDF."""
    if fmt not in {"docx", "pdf"}:
        raise Http404
    model = get_model_for_user(request.user, pk)
    recognition = get_object_or_404(
        Recognition.objects.select_related(
            "level", "issuer__parent", "model__unit", "model__field"
        ),
        pk=recognition_pk,
        model=model,
    )
    document = build_recognition_document(recognition)
    if fmt == "pdf":
        content, content_type = render_pdf(document), "application/pdf"
    else:
        content = render_docx(document)
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    response = HttpResponse(content, content_type=content_type)
    name = f"quyet-dinh-{recognition.decision_number:02d}-{recognition.decision_date:%Y}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _replicable_model(user, pk) -> PracticeModel:
    """A model the user may replicate: one in scope, or any recognised model (public)."""
    try:
        return get_model_for_user(user, pk)
    except Http404:
        model = PracticeModel.objects.filter(pk=pk, recognised_level__isnull=False).first()
        if model is None:
            raise
        return model


# Review councils


def _council_for_user(user, pk) -> Council:
    """A council the user sits on or manages (a board officer above its unit), else 404."""
    council = get_object_or_404(Council.objects.select_related("unit", "rubric"), pk=pk)
    if council.members.filter(pk=user.pk).exists() or user.has_perm(
        "registry.manage_councils", council.unit
    ):
        return council
    raise Http404


@login_required
def council_list(request):
    managed = Unit.objects.visible_to(request.user, perm="registry.manage_councils")
    councils = (
        Council.objects.filter(Q(members=request.user) | Q(unit__in=managed))
        .distinct()
        .select_related("unit", "rubric")
    )
    return render(request, "registry/council_list.html", {"councils": councils})


@login_required
def council_detail(request, pk):
    council = _council_for_user(request.user, pk)
    models = list(
        PracticeModel.objects.in_subtree(council.unit)
        .filter(status=Status.UNDER_REVIEW)
        .select_related("unit", "field")
        .order_by("unit__name", "name")[:500]
    )
    mine = set(
        Score.objects.filter(council=council, member=request.user).values_list("model", flat=True)
    )
    scored = dict(
        Score.objects.filter(council=council, model__in=models)
        .values("model")
        .annotate(n=Count("member", distinct=True))
        .values_list("model", "n")
    )
    for model in models:
        model.scored_by_me = model.pk in mine
        model.members_scored = scored.get(model.pk, 0)
    return render(
        request,
        "registry/council_detail.html",
        {
            "council": council,
            "models": models,
            "is_member": council.members.filter(pk=request.user.pk).exists(),
            "can_manage": request.user.has_perm("registry.manage_councils", council.unit),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def council_score(request, pk, model_pk):
    council = _council_for_user(request.user, pk)
    model = get_object_or_404(
        PracticeModel.objects.in_subtree(council.unit).select_related("unit", "field"), pk=model_pk
    )
    criteria = list(council.rubric.criteria.all())
    existing = dict(
        Score.objects.filter(council=council, model=model, member=request.user).values_list(
            "criterion", "value"
        )
    )
    form = ScoreForm(request.POST or None, criteria=criteria, initial_values=existing)
    if request.method == "POST" and form.is_valid():
        try:
            services.score_model(
                actor=request.user, council=council, model=model, values=form.values()
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, getattr(exc, "messages", None) or str(exc))
        else:
            messages.success(request, _("Your scores were saved."))
            return redirect("registry:council", pk=council.pk)
    return render(
        request, "registry/council_score.html", {"council": council, "model": model, "form": form}
    )


@login_required
@require_POST
def council_classify(request, pk, model_pk):
    council = _council_for_user(request.user, pk)
    if not request.user.has_perm("registry.manage_councils", council.unit):
        raise Http404
    model = get_object_or_404(PracticeModel.objects.in_subtree(council.unit), pk=model_pk)
    try:
        result = services.classify_model(actor=request.user, council=council, model=model)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("“%(name)s”: %(percent)s%% — %(result)s.")
            % {
                "name": model.name,
                "percent": result.percent,
                "result": result.get_result_display(),
            },
        )
    return redirect("registry:council", pk=council.pk)


# Excel import and export


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request):
    if not request.user.has_perm("registry.register"):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = start_job(
            actor=request.user,
            kind="registry.import_preview",
            params=form.params(),
            input_file=form.cleaned_data["file"],
        )
        return redirect("registry:import_review", token=job.token)
    recent = Job.objects.filter(owner=request.user, kind__startswith="registry.import")[:10]
    return render(request, "registry/import_start.html", {"form": form, "recent": recent})


@login_required
def import_template(request):
    response = HttpResponse(
        template_bytes(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-mo-hinh.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_review(request, token):
    """The preview of a sheet: progress, then the column-mapping step or the valid rows and
    bad rows; import or cancel."""
    job = get_object_or_404(
        Job, token=token, owner=request.user, kind__startswith="registry.import"
    )
    done_preview = job.kind == "registry.import_preview" and job.status == Job.Status.DONE
    mapping_form = (
        ColumnMappingForm(transfer.SPEC, job.result, request.POST or None) if done_preview else None
    )
    if request.method == "POST":
        if mapping_form is None:
            raise Http404
        action = request.POST.get("action")
        if action == "cancel":
            messages.info(request, _("Nothing was imported."))
            return redirect("registry:import")
        if action == "remap":
            if not mapping_form.is_valid():
                return render(
                    request, "registry/import_review.html", {"job": job, "mapping": mapping_form}
                )
            params = mapping_form.params()
            if "mapping" in params:
                remember_column_mapping(
                    actor=request.user,
                    register=transfer.SPEC.register,
                    headings=job.result["headings"],
                    mapping=params["mapping"],
                )
            again = start_job(
                actor=request.user,
                kind="registry.import_preview",
                params=params,
                input_file=job.input_file.name,
            )
            return redirect("registry:import_review", token=again.token)
        if job.result.get("needs_mapping"):
            raise Http404
        if action == "choose":
            again = start_job(
                actor=request.user,
                kind="registry.import_preview",
                params=_with_unit_choices(job, request.POST),
                input_file=job.input_file.name,
            )
            return redirect("registry:import_review", token=again.token)
        run = start_job(
            actor=request.user,
            kind="registry.import",
            params={"preview": job.token},
            input_file=job.input_file.name,
        )
        return redirect("registry:import_review", token=run.token)
    template = "registry/_import_status.html" if request.htmx else "registry/import_review.html"
    return render(request, template, {"job": job, "mapping": mapping_form})


def _with_unit_choices(job: Job, data) -> dict:
    """The preview's parameters with the units chosen for its ambiguous rows (the import
    checks each choice is one of the row's candidates), the earlier choices kept."""
    params = dict(job.params)
    by_row = dict(params.get("unit_choices") or {})
    by_name = dict(params.get("unit_choices_by_name") or {})
    for choice in job.result.get("choices", []):
        value = data.get(f"unit_{choice['number']}", "").strip()
        if not value:
            continue
        by_row[str(choice["number"])] = value
        if data.get(f"all_{choice['number']}") and value != transfer.SKIP_ROW:
            by_name[choice["key"]] = value
    params["unit_choices"], params["unit_choices_by_name"] = by_row, by_name
    return params


@login_required
@require_POST
def export_start(request):
    if not request.user.has_perm("registry.view"):
        raise PermissionDenied
    _form, params, _unit = resolve_filters(FilterForm, request.user, request.POST)
    if not filtered_models(request.user, params).exists():
        messages.error(request, _("The selection is empty: there is nothing to export."))
        return redirect(reverse("registry:list") + "?" + request.POST.urlencode())
    data = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    job = start_job(actor=request.user, kind="registry.export", params=data)
    return redirect("job", token=job.token)
