"""Staff pages of campaigns and their targets."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from danvan.lib.metrics import METRICS
from danvan.plans import queries, services
from danvan.plans.forms import CampaignForm, CascadeForm, ProgressForm, TargetForm
from danvan.plans.queries import (
    campaign_progress,
    campaign_targets_for,
    campaigns_visible_to,
    get_campaign_for_user,
    get_target_for_user,
    may_open_campaigns,
    may_set_targets,
)

PAGE_SIZE = 50


def _refusal(exc: ValidationError | PermissionDenied) -> list[str]:
    """The messages of a service's refusal, for a form's errors."""
    return getattr(exc, "messages", None) or [str(exc)]


@login_required
def campaign_list(request):
    campaigns = campaigns_visible_to(request.user).select_related("owner")
    page = Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/campaign_list.html",
        {"page": page, "can_open": may_open_campaigns(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    if not may_open_campaigns(request.user):
        raise PermissionDenied
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.open_campaign(actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _refusal(exc))
        else:
            messages.success(request, _("The campaign was opened."))
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(request, "plans/campaign_form.html", {"form": form})


@login_required
def campaign_detail(request, pk):
    campaign = get_campaign_for_user(request.user, pk)
    return render(
        request,
        "plans/campaign_detail.html",
        {
            "campaign": campaign,
            "rows": campaign_targets_for(request.user, campaign),
            "can_set_targets": may_set_targets(request.user, campaign),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_create(request, pk):
    campaign = get_campaign_for_user(request.user, pk)
    if not may_set_targets(request.user, campaign):
        raise Http404
    form = TargetForm(request.POST or None, user=request.user, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            target = services.set_target(actor=request.user, campaign=campaign, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _refusal(exc))
        else:
            messages.success(request, _("The target was set."))
            return redirect("campaigns:target", pk=target.pk)
    return render(request, "plans/target_form.html", {"form": form, "campaign": campaign})


@login_required
def target_detail(request, pk):
    target = get_target_for_user(request.user, pk)
    user = request.user
    return render(
        request,
        "plans/target_detail.html",
        {
            "target": target,
            "campaign": target.campaign,
            "metric": METRICS.get(target.metric),
            "progress": queries.progress(target),
            "children": campaign_progress(target.campaign, target, user=user),
            "can_cascade": user.has_perm("plans.decide", target.unit),
            "can_report": not target.metric and user.has_perm("plans.report_progress", target.unit),
            "show_parent": target.parent_id and user.has_perm("plans.view", target.parent.unit),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_cascade(request, pk):
    target = get_target_for_user(request.user, pk, perm="plans.decide")
    form = CascadeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.cascade_target(
                actor=request.user, target=target, kinds=form.cleaned_data["kinds"]
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _refusal(exc))
        else:
            if created:
                text = ngettext(
                    "The target was given to %(count)d unit.",
                    "The target was given to %(count)d units.",
                    len(created),
                ) % {"count": len(created)}
                messages.success(request, text)
            else:
                messages.info(request, _("Every unit already had this target: nothing changed."))
            return redirect("campaigns:target", pk=target.pk)
    return render(request, "plans/target_cascade.html", {"form": form, "target": target})


@login_required
@require_http_methods(["GET", "POST"])
def target_report(request, pk):
    target = get_target_for_user(request.user, pk, perm="plans.report_progress")
    if target.metric:  # measured from live data: there is nothing to report
        raise Http404
    initial = {"value": target.reported_value, "note": target.reported_note}
    form = ProgressForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_progress(actor=request.user, target=target, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _refusal(exc))
        else:
            messages.success(request, _("The progress was recorded."))
            return redirect("campaigns:target", pk=target.pk)
    return render(request, "plans/target_report.html", {"form": form, "target": target})
