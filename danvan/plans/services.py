"""Campaigns and their targets: open, set, cascade and report progress by hand.

Every change is a function here (keyword-only actor, one transaction, one audit entry per
changed row); the reads the campaign pages share (access and progress) are in queries.py.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core.audit import log_action, snapshot
from danvan.lib.metrics import METRICS
from danvan.organisations.models import Unit, UnitKind
from danvan.plans.models import Campaign, Target

CAMPAIGN_FIELDS = ["name", "owner", "start", "end", "description"]
TARGET_FIELDS = ["campaign", "unit", "parent", "title", "metric", "comparison", "value"]
MAX_VALUE = Decimal("9999999999.99")  # what Target.value (12 digits, 2 decimals) holds


def _is_person(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def _require_perm(actor, perm: str, unit: Unit, message: str) -> None:
    """Refuse an actor without the named permission (plans/rules.py) on the unit; None is the
    system."""
    if actor is not None and not actor.has_perm(perm, unit):
        raise PermissionDenied(message)


def _amount(value, *, label: str) -> Decimal:
    """Return a non-negative amount with two decimals, or refuse it with a clear message."""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(
            _("%(label)s must be a number.") % {"label": label}, code="number"
        ) from exc
    if amount < 0 or amount > MAX_VALUE:
        raise ValidationError(
            _("%(label)s must be between 0 and %(max)s.") % {"label": label, "max": MAX_VALUE},
            code="range",
        )
    return amount


# Services


@transaction.atomic
def open_campaign(
    *,
    actor,
    owner: Unit,
    name: str,
    start: datetime.date,
    end: datetime.date,
    description: str = "",
) -> Campaign:
    """Open a campaign or annual work programme of a board the actor decides for."""
    _require_perm(
        actor,
        "plans.decide",
        owner,
        _("Only an administrator or a board officer of “%(unit)s” may open its campaigns.")
        % {"unit": owner.name},
    )
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the campaign a name."), code="name")
    if end < start:
        raise ValidationError(_("The campaign cannot end before it starts."), code="period")
    campaign = Campaign.objects.create(
        owner=owner,
        name=name,
        start=start,
        end=end,
        description=description.strip(),
        created_by=actor if _is_person(actor) else None,
    )
    log_action(
        actor=actor,
        action="plans.open_campaign",
        obj=campaign,
        unit=owner,
        after=snapshot(campaign, CAMPAIGN_FIELDS),
    )
    return campaign


def _check_target(*, actor, campaign: Campaign, unit: Unit, title: str, metric: str, comparison):
    """The refusals of set_target, before anything is written."""
    owner = campaign.owner
    if not unit.path.startswith(owner.path):
        raise ValidationError(
            _("“%(unit)s” is not part of “%(owner)s”, which opened this campaign.")
            % {"unit": unit.name, "owner": owner.name},
            code="outside_campaign",
        )
    _require_perm(
        actor,
        "plans.decide",
        unit,
        _("You cannot set targets for “%(unit)s”: it is outside your scope.") % {"unit": unit.name},
    )
    if not unit.is_current():
        raise ValidationError(
            _("“%(unit)s” is closed: set the target for the unit that replaced it.")
            % {"unit": unit.name},
            code="closed",
        )
    if not title:
        raise ValidationError(_("Say what the target is."), code="title")
    if metric and metric not in METRICS:
        raise ValidationError(
            _("“%(metric)s” is not a figure the system measures.") % {"metric": metric},
            code="metric",
        )
    if comparison not in Target.Comparison.values:
        raise ValidationError(_("Choose “at least” or “at most”."), code="comparison")
    if Target.objects.filter(campaign=campaign, unit=unit, title=title).exists():
        raise ValidationError(
            _("“%(unit)s” already has the target “%(title)s” in this campaign.")
            % {"unit": unit.name, "title": title},
            code="duplicate",
        )


@transaction.atomic
def set_target(
    *,
    actor,
    campaign: Campaign,
    unit: Unit,
    title: str,
    metric: str = "",
    comparison: str = Target.Comparison.AT_LEAST,
    value,
) -> Target:
    """Set a target for a unit of the campaign's owner that the actor decides for.

    With a metric, progress is measured from live data; without one, the unit reports it.
    """
    title = title.strip()
    _check_target(
        actor=actor,
        campaign=campaign,
        unit=unit,
        title=title,
        metric=metric,
        comparison=comparison,
    )
    amount = _amount(value, label=_("The target value"))
    if metric and METRICS[metric].unit == "percent" and amount > 100:
        raise ValidationError(_("A percentage cannot be above 100."), code="percent")
    target = Target.objects.create(
        campaign=campaign,
        unit=unit,
        title=title,
        metric=metric,
        comparison=comparison,
        value=amount,
    )
    log_action(
        actor=actor,
        action="plans.set_target",
        obj=target,
        unit=unit,
        after=snapshot(target, TARGET_FIELDS),
    )
    return target


@transaction.atomic
def cascade_target(*, actor, target: Target, kinds: Iterable[str] = ("commune",)) -> list[Target]:
    """Give every current unit of these kinds below the target's unit the same target.

    Idempotent: a unit that already has a target of this title in the campaign gets no
    second one; if that target stands alone (no parent), it is linked to this one. Returns
    the targets created.
    """
    _require_perm(
        actor,
        "plans.decide",
        target.unit,
        _("You cannot cascade targets of “%(unit)s”: it is outside your scope.")
        % {"unit": target.unit.name},
    )
    kinds = list(kinds)
    unknown = sorted(set(kinds) - set(UnitKind.values))
    if not kinds or unknown:
        raise ValidationError(_("Choose the kinds of unit to cascade to."), code="kinds")
    units = list(
        Unit.objects.descendants_of(target.unit).current().filter(kind__in=kinds).order_by("path")
    )
    if not units:
        raise ValidationError(
            _("There is no current unit of these kinds below “%(unit)s”.")
            % {"unit": target.unit.name},
            code="no_units",
        )
    existing = {
        t.unit_id: t
        for t in Target.objects.filter(
            campaign_id=target.campaign_id, title=target.title, unit__in=units
        )
    }
    created = []
    for unit in units:
        found = existing.get(unit.pk)
        if found is None:
            child = Target.objects.create(
                campaign_id=target.campaign_id,
                unit=unit,
                parent=target,
                title=target.title,
                metric=target.metric,
                comparison=target.comparison,
                value=target.value,
            )
            created.append(child)
            log_action(
                actor=actor,
                action="plans.cascade_target",
                obj=child,
                unit=unit,
                after=snapshot(child, TARGET_FIELDS),
            )
        elif found.parent_id is None and found.pk != target.pk:
            found.parent = target
            found.save(update_fields=["parent"])
            log_action(
                actor=actor,
                action="plans.cascade_target",
                obj=found,
                unit=unit,
                before={"parent": None},
                after={"parent": target.pk},
            )
    return created


@transaction.atomic
def report_progress(*, actor, target: Target, value, note: str) -> Target:
    """Record the progress a unit reports for a target that is not measured from live data."""
    _require_perm(
        actor,
        "plans.report_progress",
        target.unit,
        _("Only the staff of “%(unit)s” may report its progress.") % {"unit": target.unit.name},
    )
    if target.metric:
        raise ValidationError(
            _("This target is measured from live data: its progress is not reported by hand."),
            code="measured",
        )
    amount = _amount(value, label=_("The reported value"))
    target = Target.objects.select_for_update().select_related("unit").get(pk=target.pk)
    before = {"reported_value": target.reported_value, "reported_note": target.reported_note}
    target.reported_value = amount
    target.reported_note = note.strip()
    target.reported_at = timezone.now()
    target.save(update_fields=["reported_value", "reported_note", "reported_at"])
    log_action(
        actor=actor,
        action="plans.report_progress",
        obj=target,
        unit=target.unit,
        before={k: str(v) if v is not None else None for k, v in before.items()},
        after={"reported_value": str(amount), "reported_note": target.reported_note},
    )
    return target
