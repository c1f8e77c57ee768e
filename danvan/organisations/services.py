"""Every change to the organisation tree and clusters goes through these functions."""

import datetime
import uuid
from collections.abc import Iterable
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext as _

from danvan.core.audit import log_action, snapshot
from danvan.organisations.models import BRANCH_OF_KIND, SEGMENT_WIDTH, Cluster, Unit, segment
from danvan.organisations.signals import unit_moved

EDITABLE_FIELDS = [
    "name",
    "short_name",
    "kind",
    "branch",
    "code",
    "valid_from",
    "valid_to",
    "legacy_district",
    "latitude",
    "longitude",
]


def check_parent(unit: Unit, parent: Unit | None) -> None:
    if parent is None:
        return
    if parent.pk is None or not Unit.objects.filter(pk=parent.pk).exists():
        raise ValidationError(_("The parent unit does not exist."), code="parent_missing")
    if unit.pk is not None and (parent.pk == unit.pk or parent.path.startswith(unit.path)):
        raise ValidationError(
            _("A unit cannot be placed under itself or one of its own sub-units."),
            code="parent_cycle",
        )


@transaction.atomic
def create_unit(
    *, actor, parent: Unit | None, name: str, kind: str, key: str = "", **fields
) -> Unit:
    """Create a unit under parent and record it in the audit trail."""
    unit = Unit(parent=parent, name=name, kind=kind, key=key, **fields)
    if "branch" not in fields:
        unit.branch = BRANCH_OF_KIND.get(kind, parent.branch if parent else unit.branch)
    check_parent(unit, parent)
    unit.refresh_search_text()
    unit.path = f"~{uuid.uuid4().hex}"  # replaced once the id is known
    unit.full_clean(exclude=["key", "path"])
    unit.save()
    unit.path = (parent.path if parent else "") + segment(unit.pk)
    unit.depth = parent.depth + 1 if parent else 0
    if not unit.key:
        unit.key = f"unit-{unit.pk}"
    Unit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth, key=unit.key)
    log_action(actor=actor, action="unit.create", obj=unit, unit=unit, after=snapshot(unit))
    return unit


@transaction.atomic
def update_unit(*, actor, unit: Unit, **changes) -> Unit:
    """Change a unit's attributes (not its place in the tree) and audit before/after."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    before = snapshot(unit, EDITABLE_FIELDS)
    for name, value in changes.items():
        setattr(unit, name, value)
    unit.refresh_search_text()
    unit.full_clean(exclude=["path", "parent", "predecessors"])
    unit.save()
    after = snapshot(unit, EDITABLE_FIELDS)
    if before != after:
        log_action(
            actor=actor, action="unit.update", obj=unit, unit=unit, before=before, after=after
        )
    return unit


@transaction.atomic
def move_unit(*, actor, unit: Unit, new_parent: Unit | None) -> Unit:
    """Place unit under new_parent; every descendant's path follows in one update."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    check_parent(unit, new_parent)
    if new_parent is not None:
        new_parent = Unit.objects.get(pk=new_parent.pk)
    old_path, old_depth, old_parent_id = unit.path, unit.depth, unit.parent_id
    new_path = (new_parent.path if new_parent else "") + segment(unit.pk)
    new_depth = new_parent.depth + 1 if new_parent else 0
    if new_path != old_path:
        Unit.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", Length(Value(old_path)) + 1)),
            depth=F("depth") + (new_depth - old_depth),
        )
    unit.parent = new_parent
    unit.save(update_fields=["parent"])
    if new_path != old_path:
        unit_moved.send(sender=Unit, old_path=old_path, new_path=new_path)
    unit.refresh_from_db()
    before = {"parent": old_parent_id, "path": old_path}
    after = {"parent": unit.parent_id, "path": unit.path}
    # Recorded where the unit now is, and where it was, so both sides can read the move.
    log_action(actor=actor, action="unit.move", obj=unit, unit=unit, before=before, after=after)
    old_scope = SimpleNamespace(path=old_path[: -(SEGMENT_WIDTH + 1)] or old_path)
    if not unit.path.startswith(old_scope.path):
        log_action(
            actor=actor,
            action="unit.move_out",
            obj=unit,
            unit=old_scope,
            before=before,
            after=after,
        )
    return unit


@transaction.atomic
def replace_units(
    *, actor, successor: Unit, predecessors: Iterable[Unit], closed_on: datetime.date
) -> Unit:
    """Record that successor replaces predecessors, which close the day before closed_on."""
    predecessors = list(predecessors)
    for old in predecessors:
        if old.pk == successor.pk:
            raise ValidationError(_("A unit cannot replace itself."), code="self_replace")
        if old.valid_to is None or old.valid_to >= closed_on:
            update_unit(actor=actor, unit=old, valid_to=closed_on - datetime.timedelta(days=1))
    successor.predecessors.add(*predecessors)
    log_action(
        actor=actor,
        action="unit.replace",
        obj=successor,
        unit=successor,
        after={"predecessors": [p.pk for p in predecessors]},
    )
    return successor


@transaction.atomic
def set_cluster_units(*, actor, cluster: Cluster, units: Iterable[Unit]) -> Cluster:
    """Replace the member units of a cluster."""
    before = sorted(cluster.units.values_list("pk", flat=True))
    cluster.units.set(list(units))
    after = sorted(cluster.units.values_list("pk", flat=True))
    log_action(
        actor=actor,
        action="cluster.members",
        obj=cluster,
        unit=cluster.owner,
        before={"units": before},
        after={"units": after},
    )
    return cluster
