"""Staff pages of the organisation tree: home, tree browser, unit page, edits."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from danvan.organisations import services
from danvan.organisations.forms import (
    MoveUnitForm,
    UnitCreateForm,
    UnitForm,
    UnitSearchForm,
    UnitsFileForm,
)
from danvan.organisations.imports import rows_from_csv, rows_from_xlsx
from danvan.organisations.loader import LoadError, load_units
from danvan.organisations.models import Cluster, Unit
from danvan.organisations.queries import (
    breadcrumb,
    children_for_tree,
    count_closed_matches,
    get_unit_for_user,
    scope_roots,
    search_units,
)


@login_required
def home(request):
    roots = scope_roots(request.user)
    panels = [(root, children_for_tree(root)) for root in roots[:5]]
    return render(request, "organisations/home.html", {"panels": panels, "roots": roots})


@login_required
def tree(request):
    form = UnitSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    closed = form.is_valid() and form.cleaned_data["closed"]
    results = search_units(request.user, query, include_closed=closed) if query else None
    closed_matches = count_closed_matches(request.user, query) if query and not closed else 0
    roots = scope_roots(request.user)
    panels = (
        [] if query else [(root, children_for_tree(root, include_closed=closed)) for root in roots]
    )
    return render(
        request,
        "organisations/tree.html",
        {
            "form": form,
            "query": query,
            "results": results,
            "closed_matches": closed_matches,
            "panels": panels,
            "closed": closed,
        },
    )


@login_required
def unit_children(request, pk):
    unit = get_unit_for_user(request.user, pk)
    closed = request.GET.get("closed") == "1"
    children = children_for_tree(unit, include_closed=closed)
    return render(
        request,
        "organisations/_children.html",
        {"parent": unit, "children": children, "closed": closed},
    )


@login_required
def unit_detail(request, pk):
    unit = get_unit_for_user(request.user, pk)
    closed = request.GET.get("closed") == "1"
    context = {
        "unit": unit,
        "crumbs": breadcrumb(unit, request.user),
        "children": children_for_tree(unit, include_closed=closed),
        "closed": closed,
        "predecessors": list(unit.predecessors.select_related("parent").order_by("name")),
        "successors": list(unit.successors.order_by("name")),
        "clusters": list(unit.clusters.select_related("owner")),
        "history": list(unit.history.select_related("history_user").order_by("-history_date")[:10]),
        "can_manage": request.user.has_perm("organisations.manage", unit),
    }
    return render(request, "organisations/unit_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, pk):
    unit = get_unit_for_user(request.user, pk, manage=True)
    form = UnitForm(request.POST or None, instance=Unit.objects.get(pk=unit.pk))
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.update_unit(actor=request.user, unit=unit, **changes)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The unit was saved."))
            return redirect("organisations:unit", pk=unit.pk)
    return render(request, "organisations/unit_form.html", {"unit": unit, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def unit_add_child(request, pk):
    parent = get_unit_for_user(request.user, pk, manage=True)
    form = UnitCreateForm(request.POST or None, initial={"branch": parent.branch})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            child = services.create_unit(
                actor=request.user,
                parent=parent,
                name=data.pop("name"),
                kind=data.pop("kind"),
                **data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The unit was created."))
            return redirect("organisations:unit", pk=child.pk)
    return render(
        request, "organisations/unit_form.html", {"unit": parent, "form": form, "adding": True}
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_move(request, pk):
    unit = get_unit_for_user(request.user, pk, manage=True)
    form = MoveUnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new_parent = get_unit_for_user(
                request.user, form.cleaned_data["new_parent"], manage=True
            )
        except Http404:
            form.add_error(
                "new_parent", _("The parent unit does not exist or is outside your scope.")
            )
        else:
            try:
                services.move_unit(actor=request.user, unit=unit, new_parent=new_parent)
            except ValidationError as exc:
                form.add_error("new_parent", exc)
            else:
                messages.success(request, _("The unit was moved."))
                return redirect("organisations:unit", pk=unit.pk)
    return render(request, "organisations/unit_move.html", {"unit": unit, "form": form})


@login_required
def cluster_list(request):
    paths = request.user.scope_paths()
    if paths is not None and not paths:
        raise PermissionDenied
    clusters = (
        Cluster.objects.filter(owner__in=Unit.objects.visible_to(request.user))
        .select_related("owner")
        .prefetch_related("units")
    )
    return render(request, "organisations/cluster_list.html", {"clusters": clusters})


@login_required
@require_http_methods(["GET", "POST"])
def units_import(request):
    """Load a units file (Excel or CSV) into the administrator's subtrees: all rows or none.

    A sheet whose needed columns are not recognised is refused with the headings it has;
    there is no step to map its columns by hand.
    """
    if not request.user.has_perm("organisations.manage"):
        raise PermissionDenied
    form = UnitsFileForm(request.POST or None, request.FILES or None)
    problems, result = [], None
    if request.method == "POST" and form.is_valid():
        try:
            content = form.cleaned_data["file"]
            if isinstance(content, bytes):
                rows = rows_from_xlsx(content)
            else:
                rows = rows_from_csv(content)
            result = load_units(
                rows,
                actor=request.user,
                source=request.FILES["file"].name,
                within=request.user.paths_for("organisations.manage"),
            )
        except LoadError as exc:
            problems = exc.problems
            messages.error(request, _("Nothing was written: correct the rows below and try again."))
        else:
            messages.success(
                request,
                _("%(created)d units created, %(updated)d updated, %(unchanged)d unchanged.")
                % {
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                },
            )
            return redirect("organisations:import")
    return render(request, "organisations/units_import.html", {"form": form, "problems": problems})
