"""What the awards app shows on other apps' pages: a practice model's commendations (the
registry's model page) and the awards presented at a generations event (cadres' event page
and printed programme). Registered from AwardsConfig.ready()."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from danvan.awards.models import Award
from danvan.cadres.events import EventSection, register_event_section
from danvan.registry.models import Status as ModelStatus
from danvan.registry.panels import register_model_panel


def model_commendations(request, model) -> str:
    """The model's commendation decisions, and the way to commend it when recognised."""
    awards = list(
        Award.objects.filter(practice_model=model)
        .select_related("decision", "award_type")
        .order_by("decision__date", "id")
    )
    paths = request.user.paths_for("awards.decide")
    can_commend = model.status == ModelStatus.RECOGNISED and (paths is None or bool(paths))
    if not awards and not can_commend:
        return ""
    return render_to_string(
        "awards/_model_commendations.html",
        {"awards": awards, "model": model, "can_commend": can_commend},
        request=request,
    )


def _decision_line(decision) -> str:
    return f"{decision.number_line}, {decision.date:%d/%m/%Y}"


def event_awards(event, user=None) -> EventSection | None:
    """The awards handed over at a generations event."""
    awards = (
        Award.objects.filter(presented_at=event)
        .select_related("award_type", "decision")
        .order_by("award_type__rank", "recipient_name")
    )
    rows = [
        [
            a.award_type.name,
            a.recipient_name,
            f"{a.decision.number_line}, {a.decision.date:%d/%m/%Y}",
        ]
        for a in awards
    ]
    return EventSection(
        title=_("Awards presented"),
        columns=[_("Award"), _("Awarded to"), _("Decision")],
        rows=rows,
        url=reverse("awards:event_awards", args=[event.pk]),
        empty_text=_("No award is recorded as presented at this event yet."),
    )


register_model_panel(model_commendations)
register_event_section(event_awards)
