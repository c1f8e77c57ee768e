"""The link in every notice to a citizen: stop the messages about a case."""

from django.core.exceptions import ValidationError
from django.shortcuts import render

from danvan.notices.models import OptOut
from danvan.notices.services import case_for_stop_token, stop_notices
from danvan.portal.views import case_page, public_post


@case_page
def stop(request, context, token):
    """Ask before stopping: a mail scanner that opens the link changes nothing."""
    try:
        case = case_for_stop_token(token)
    except ValidationError as exc:
        context["refusal"] = exc.messages[0]
        return render(request, "portal/stop_notices.html", context, status=400)
    context.update(
        {"case": case, "token": token, "stopped": OptOut.objects.filter(case=case).exists()}
    )
    return render(request, "portal/stop_notices.html", context)


@public_post("case")
def stop_confirm(request, context, token):
    try:
        case = stop_notices(token)
    except ValidationError as exc:
        context["refusal"] = exc.messages[0]
        status = 200 if exc.code == "already_stopped" else 400
        return render(request, "portal/stop_notices.html", context, status=status)
    context.update({"case": case, "done": True})
    return render(request, "portal/stop_notices.html", context)
