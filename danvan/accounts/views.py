"""Login (with lockout and optional TOTP), two-step set-up, and the audit trail page."""

import datetime

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from danvan.accounts import services
from danvan.accounts.forms import AssignRoleForm, LoginForm, TOTPConfirmForm
from danvan.accounts.models import RoleAssignment
from danvan.accounts.rules import SUPERVISORS
from danvan.core.audit import log_action
from danvan.core.models import AuditEntry
from danvan.lib.dates import parse_date
from danvan.lib.qr import svg_qr
from danvan.organisations.models import SEGMENT_WIDTH
from danvan.organisations.queries import breadcrumb, get_unit_for_user


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        device = getattr(form, "otp_device", None)
        if device is not None:
            otp_login(self.request, device)
        log_action(actor=self.request.user, action="auth.login", obj=self.request.user)
        return response


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Turn on TOTP: show a fresh secret as a QR code, confirm with a code from the app."""
    user = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if confirmed:
        # Turning it off needs a current code, so a borrowed session cannot remove it.
        form = TOTPConfirmForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            token = form.cleaned_data["token"]
            if services.disable_totp(actor=user, device=confirmed, token=token):
                messages.success(request, _("Two-step verification is off."))
                return redirect("accounts:two_factor")
            form.add_error("token", _("The code is not correct. Check the time on your phone."))
        return render(request, "accounts/two_factor.html", {"confirmed": True, "form": form})
    device = services.totp_device_to_confirm(actor=user)
    form = TOTPConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.confirm_totp(actor=user, device=device, token=form.cleaned_data["token"]):
            otp_login(request, device)
            messages.success(request, _("Two-step verification is on."))
            return redirect("accounts:two_factor")
        form.add_error("token", _("The code is not correct. Check the time on your phone."))
    return render(
        request,
        "accounts/two_factor.html",
        {"form": form, "qr": svg_qr(device.config_url), "secret_url": device.config_url},
    )


def _parse_date(value: str) -> datetime.date | None:
    return parse_date(value)


@login_required
def audit_list(request):
    user = request.user
    if not user.has_perm("core.view_audit"):
        raise PermissionDenied
    paths = user.paths_for("core.view_audit")
    # Supervisors of a root unit (the city) also see entries tied to no unit: logins.
    supervised = user.scope_paths(SUPERVISORS)
    on_root = supervised is not None and any(len(p) == SEGMENT_WIDTH + 1 for p in supervised)
    entries = AuditEntry.objects.within_paths(paths, include_global=on_root).for_list()
    filters = {
        "action": request.GET.get("action", "").strip(),
        "actor": request.GET.get("actor", "").strip(),
        "since": request.GET.get("since", ""),
        "until": request.GET.get("until", ""),
    }
    if filters["action"]:
        entries = entries.filter(action__startswith=filters["action"])
    if filters["actor"]:
        entries = entries.filter(actor_label__icontains=filters["actor"])
    if since := _parse_date(filters["since"]):
        entries = entries.filter(created_at__date__gte=since)
    if until := _parse_date(filters["until"]):
        entries = entries.filter(created_at__date__lte=until)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/audit_list.html", {"page": page, "filters": filters})


@login_required
@require_http_methods(["GET", "POST"])
def unit_roles(request, pk):
    """Who holds which role on a unit; its administrators assign and revoke roles here."""
    unit = get_unit_for_user(request.user, pk, manage=True)
    form = AssignRoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.assign_role(
            actor=request.user,
            user=form.user,
            role=form.cleaned_data["role"],
            unit=unit,
            valid_from=form.cleaned_data["valid_from"],
            valid_to=form.cleaned_data["valid_to"],
        )
        messages.success(request, _("The role was assigned."))
        return redirect("accounts:unit_roles", pk=unit.pk)
    assignments = RoleAssignment.objects.filter(unit=unit).select_related("user").order_by("role")
    return render(
        request,
        "accounts/unit_roles.html",
        {
            "unit": unit,
            "crumbs": breadcrumb(unit, request.user),
            "assignments": assignments,
            "form": form,
        },
    )


@login_required
@require_http_methods(["POST"])
def revoke_role(request, pk, assignment_pk):
    unit = get_unit_for_user(request.user, pk, manage=True)
    assignment = get_object_or_404(RoleAssignment, pk=assignment_pk, unit=unit)
    services.revoke_role(actor=request.user, assignment=assignment)
    messages.success(request, _("The role was revoked."))
    return redirect("accounts:unit_roles", pk=unit.pk)
