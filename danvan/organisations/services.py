"""Every change to the organisation tree and clusters goes through these functions."""

import datetime
import uuid
from collections.abc import Iterable
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core.audit import log_action, snapshot
from danvan.organisations.models import BRANCH_OF_KIND, SEGMENT_WIDTH, Cluster, Unit, segment
from danvan.organisations.ruletables import CLOSING_FIELDS, RuleRow
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


# Rule tables (deadlines, routing, levels, rubrics…). The city-wide tables' audit entries carry
# no unit: the audit page shows entries tied to no unit to the holders of a role on a root
# unit, the city's administrators and board officers, and to no one below. A rubric's
# entries are scoped to its issuing unit (RuleRow.audit_unit).


def _rule_values(rule: RuleRow, names) -> dict:
    return snapshot(rule, list(names))


@transaction.atomic
def add_rule(rule: RuleRow, *, actor) -> RuleRow:
    """Add a rule row (a new rule, or a dated successor entered by hand)."""
    rule.save()
    log_action(
        actor=actor, action="rules.added", obj=rule, unit=rule.audit_unit(), after=snapshot(rule)
    )
    return rule


@transaction.atomic
def close_rule(rule: RuleRow, *, actor, on: datetime.date) -> RuleRow:
    """Close a dated rule row: it stays in force until `on`, inclusive, and keeps its values."""
    rule = type(rule)._base_manager.select_for_update().get(pk=rule.pk)
    if on < rule.effective_from:
        raise ValidationError(
            _("A rule cannot close before it takes effect (%(date)s).")
            % {"date": rule.effective_from.strftime("%d/%m/%Y")},
            code="close_before_start",
        )
    before = {"effective_to": _jsonable_date(rule.effective_to)}
    rule.effective_to = on
    # The plugin sees RuleRow, not the dated table that declares the field.
    rule.save(update_fields=["effective_to"])  # type: ignore[misc]
    log_action(
        actor=actor,
        action="rules.closed",
        obj=rule,
        unit=rule.audit_unit(),
        before=before,
        after={"effective_to": on.isoformat()},
    )
    return rule


def _jsonable_date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def check_revision(rule: RuleRow, effective_from: datetime.date) -> None:
    """Refuse a successor that would not leave the rule it replaces a day of its own."""
    if effective_from <= rule.effective_from:
        raise ValidationError(
            _(
                "This rule is in use: its changes take effect as a new rule, which must start "
                "after %(date)s."
            )
            % {"date": rule.effective_from.strftime("%d/%m/%Y")},
            code="revision_start",
        )
    if rule.effective_to is not None and rule.effective_to < effective_from - datetime.timedelta(
        days=1
    ):
        raise ValidationError(
            _("This rule ended on %(date)s: add a new rule instead of changing it.")
            % {"date": rule.effective_to.strftime("%d/%m/%Y")},
            code="revision_closed",
        )


@transaction.atomic
def revise_rule(
    rule: RuleRow, changes: dict, *, actor, effective_from: datetime.date | None = None
) -> RuleRow:
    """Change a dated rule row by succession: the row is closed the day before
    `effective_from` (default: today) with its values kept, and a new row carries the changes.
    Results that named the old row still name it; new results get the successor."""
    model = type(rule)
    rule = model._base_manager.select_for_update().get(pk=rule.pk)
    start = effective_from or timezone.localdate()
    check_revision(rule, start)
    changes = {k: v for k, v in changes.items() if k not in ("effective_from", "id")}
    successor = model(
        **{
            field.attname: getattr(rule, field.attname)
            for field in model._meta.concrete_fields
            if not field.primary_key
        }
    )
    for name, value in changes.items():
        setattr(successor, name, value)
    successor.effective_from = start
    close_rule(rule, actor=actor, on=start - datetime.timedelta(days=1))
    successor.full_clean()
    successor.save()
    rule.copy_to_successor(successor)
    names = [*changes, "effective_from"]
    log_action(
        actor=actor,
        action="rules.revised",
        obj=successor,
        unit=successor.audit_unit(),
        before={**_rule_values(rule, names), "id": rule.pk},
        after={**_rule_values(successor, names), "id": successor.pk},
    )
    return successor


@transaction.atomic
def change_rule(rule: RuleRow, changes: dict, *, actor) -> RuleRow:
    """Apply changes to a rule row and return the row that now carries them.

    A dated row that a result points to is revised (see revise_rule) unless the change only
    closes it; any other row changes in place. Every change is audited and kept in history.
    """
    model = type(rule)
    rule = model._base_manager.select_for_update().get(pk=rule.pk)
    changes = {k: v for k, v in changes.items() if getattr(rule, k) != v}
    if not changes:
        return rule
    if model.is_dated():
        if set(changes) == {"effective_to"} and changes["effective_to"] is not None:
            return close_rule(rule, actor=actor, on=changes["effective_to"])
        if set(changes) - CLOSING_FIELDS and rule.in_use():
            start = changes.pop("effective_from", None)
            return revise_rule(rule, changes, actor=actor, effective_from=start)
    before = _rule_values(rule, changes)
    for name, value in changes.items():
        setattr(rule, name, value)
    rule.full_clean()
    rule.save()
    log_action(
        actor=actor,
        action="rules.changed",
        obj=rule,
        unit=rule.audit_unit(),
        before=before,
        after=_rule_values(rule, changes),
    )
    return rule
