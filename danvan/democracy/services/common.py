"""What every service of grassroots democracy shares: the permission check, the audit
entry, the commune's stamp and the checks of units and texts."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from danvan.core.audit import log_action
from danvan.democracy.models import (
    CommuneStamp,
)
from danvan.democracy.scorecards import forget_versions
from danvan.organisations.models import Unit, UnitKind

MAX_COMMENT = 5000


def _date(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _require(actor, unit: Unit, perm: str = "democracy.edit") -> None:
    """Refuse an actor without the named permission on the unit; None is the system."""
    if actor is not None and not actor.has_perm(perm, unit):
        raise PermissionDenied(_("This is outside your scope."))


def _person(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _audit(actor, action: str, obj, unit: Unit, *, before=None, after=None) -> None:
    log_action(
        actor=actor, action=f"democracy.{action}", obj=obj, unit=unit, before=before, after=after
    )


def _text(value: str, message: str, *, code: str = "required") -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message, code=code)
    return value


def _not_future(day: datetime.date, today: datetime.date, what: str) -> None:
    if day > today:
        raise ValidationError(
            _("%(what)s cannot be in the future (%(date)s).") % {"what": what, "date": _date(day)},
            code="future",
        )


def touch(commune: Unit) -> None:
    """Raise the stamps of the commune and of the units above it (the city): their cached
    pages and roll-ups are read again on the next visit (within a second in other workers,
    which trust a version they read for that long: scorecards.VERSION_SECONDS)."""
    forget_versions()
    transaction.on_commit(forget_versions)
    for pk in [*commune.ancestor_ids(), commune.pk]:
        if CommuneStamp.objects.filter(commune_id=pk).update(version=F("version") + 1):
            continue
        try:
            with transaction.atomic():
                CommuneStamp.objects.create(commune_id=pk, version=1)
        except IntegrityError:  # created meanwhile by another request
            CommuneStamp.objects.filter(commune_id=pk).update(version=F("version") + 1)


def _check_commune(unit: Unit) -> None:
    if unit.kind != UnitKind.COMMUNE or not unit.is_current():
        raise ValidationError(_("Choose a commune or ward that exists today."), code="commune")


def _check_hamlet(unit: Unit) -> None:
    if unit.kind != UnitKind.HAMLET or not unit.is_current():
        raise ValidationError(
            _("Choose a hamlet or residential group that exists today."), code="hamlet"
        )


def commune_of(unit: Unit) -> Unit:
    """The commune a unit lies in (itself when it is one)."""
    if unit.kind == UnitKind.COMMUNE:
        return unit
    found = (
        Unit.objects.filter(path__in=unit.ancestor_paths(), kind=UnitKind.COMMUNE)
        .order_by("-depth")
        .first()
    )
    if found is None:
        raise ValidationError(_("This unit lies in no commune."), code="commune")
    return found
