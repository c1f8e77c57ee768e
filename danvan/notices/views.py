"""The staff's notification centre: what happened that concerns them, and how they hear of it;
and the mail provider's signed report of bounced addresses."""

import hashlib
import hmac

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from danvan.notices import services
from danvan.notices.channels import CHANNELS
from danvan.notices.forms import PreferencesForm
from danvan.notices.models import NotificationRules
from danvan.notices.queries import get_notification_for_user, notifications_for

PAGE_SIZE = 30


@login_required
def notification_list(request):
    page = Paginator(notifications_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notices/list.html", {"page": page})


@login_required
@require_POST
def mark_read(request, pk):
    """Mark one notification read; with `open`, go on to what it is about."""
    notification = get_notification_for_user(request.user, pk)
    services.mark_read(user=request.user, notification=notification)
    target = notification.url if request.POST.get("open") else ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notices:list")


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_all_read(user=request.user)
    messages.success(request, _("%(count)s notifications marked as read.") % {"count": count})
    return redirect("notices:list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    form = PreferencesForm(
        request.POST or None, initial_choices=services.preferences_of(request.user)
    )
    if request.method == "POST" and form.is_valid():
        services.set_preferences(user=request.user, choices=form.cleaned_data)
        messages.success(request, _("Your choices were saved."))
        return redirect("notices:preferences")
    context = {"form": form, "digest_hour": NotificationRules.current().digest_hour}
    return render(request, "notices/preferences.html", context)


@csrf_exempt  # a mail provider's call, authenticated by its signature instead
@require_POST
def bounce_report(request):
    """Bounced addresses from the mail provider: one a line (optionally a tab or comma and
    the reason), signed with HMAC-SHA256 of the body under NOTICE_BOUNCE_SECRET in the
    X-Signature header. Off (404) where no secret is set."""
    secret = settings.NOTICE_BOUNCE_SECRET
    if not secret:
        raise Http404
    expected = hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
    given = request.headers.get("X-Signature", "").removeprefix("sha256=")
    if not hmac.compare_digest(given, expected):
        return HttpResponseForbidden()
    channel = request.GET.get("channel", "email")
    try:
        lines = request.body.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return HttpResponseBadRequest()
    if channel not in CHANNELS:
        return HttpResponseBadRequest()
    recorded, refused = services.record_bounces(lines, channel=channel)
    return JsonResponse({"recorded": recorded, "refused": refused})
