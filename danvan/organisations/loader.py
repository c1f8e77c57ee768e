"""Load units in bulk from rows (a package's national list, or a file), idempotently.

Files (CSV or Excel) are read into rows by ``organisations.imports``.

Rows are matched to existing units by `key`. A load is all-or-nothing: every row is checked
first, and if any is broken nothing is written and each bad row is reported with its reason.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from danvan.core.audit import log_action
from danvan.organisations.models import BRANCH_OF_KIND, Branch, Unit, UnitKind, segment
from danvan.organisations.services import move_unit

FIELDS = [
    "name",
    "short_name",
    "kind",
    "branch",
    "code",
    "valid_from",
    "valid_to",
    "latitude",
    "longitude",
]
BATCH = 2000


@dataclass
class UnitRow:
    key: str
    name: str
    kind: str
    parent_key: str = ""
    short_name: str = ""
    branch: str = ""
    code: str = ""
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    latitude: float | None = None
    longitude: float | None = None
    legacy_district_key: str = ""
    predecessor_keys: list[str] = field(default_factory=list)
    line: int = 0  # where the row came from, for error messages


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class LoadError(Exception):
    """Raised with the list of (line, key, reason) for every broken row; nothing was written."""

    def __init__(self, problems: list[tuple[int, str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{line}: {key}: {reason}" for line, key, reason in problems))


def _validate(
    rows: list[UnitRow],
    existing: dict[str, tuple[int, str | None]],
    outside: set[str] | None,
) -> None:
    problems: list[tuple[int, str, str]] = []
    if outside is not None:
        for row in rows:
            if row.key in outside or row.parent_key in outside or not row.parent_key:
                problems.append((row.line, row.key, _("This unit is outside your scope.")))
    seen: dict[str, UnitRow] = {}
    for row in rows:
        if not row.key:
            problems.append((row.line, row.key, _("The key is missing.")))
        elif row.key in seen:
            problems.append((row.line, row.key, _("The key appears twice in the file.")))
        if not row.name.strip():
            problems.append((row.line, row.key, _("The name is missing.")))
        if row.kind not in UnitKind.values:
            problems.append(
                (row.line, row.key, _("Unknown unit kind “%(kind)s”.") % {"kind": row.kind})
            )
        if row.branch and row.branch not in Branch.values:
            problems.append(
                (row.line, row.key, _("Unknown branch “%(branch)s”.") % {"branch": row.branch})
            )
        if row.valid_from and row.valid_to and row.valid_to < row.valid_from:
            problems.append((row.line, row.key, _("The unit closes before it opens.")))
        seen.setdefault(row.key, row)
    for row in rows:
        if row.parent_key and row.parent_key not in seen and row.parent_key not in existing:
            problems.append(
                (
                    row.line,
                    row.key,
                    _("The parent unit “%(parent)s” does not exist.") % {"parent": row.parent_key},
                )
            )
        for ref in [row.legacy_district_key, *row.predecessor_keys]:
            if ref and ref not in seen and ref not in existing:
                problems.append(
                    (row.line, row.key, _("The unit “%(ref)s” does not exist.") % {"ref": ref})
                )
    # Cycles: follow parents within the file (and existing units) from every row.
    parent_of = {key: parent for key, (_pk, parent) in existing.items()}
    parent_of.update({row.key: row.parent_key or None for row in rows})
    for row in rows:
        walked = {row.key}
        cursor = parent_of.get(row.key)
        while cursor:
            if cursor in walked:
                problems.append((row.line, row.key, _("The parent links form a cycle.")))
                break
            walked.add(cursor)
            cursor = parent_of.get(cursor)
    if problems:
        raise LoadError(sorted(set(problems)))


def _values(row: UnitRow) -> dict:
    return {
        "name": row.name.strip(),
        "short_name": row.short_name,
        "kind": row.kind,
        "branch": row.branch or BRANCH_OF_KIND.get(row.kind, Branch.TERRITORY),
        "code": row.code,
        "valid_from": row.valid_from,
        "valid_to": row.valid_to,
        "latitude": row.latitude,
        "longitude": row.longitude,
    }


@transaction.atomic
def load_units(
    rows: list[UnitRow], *, actor=None, source: str = "", within: list[str] | None = None
) -> LoadResult:
    """Create or update units from rows; raise LoadError (writing nothing) if any is broken.

    With `within` (tree paths), rows may only touch or hang below units in those subtrees.
    """
    existing_units = {u.key: u for u in Unit.objects.select_related("parent")}
    existing = {
        key: (u.pk, u.parent.key if u.parent else None) for key, u in existing_units.items()
    }
    outside: set[str] | None = None
    if within is not None:
        outside = {
            key
            for key, unit in existing_units.items()
            if not any(unit.path.startswith(p) for p in within)
        }
    _validate(rows, existing, outside)
    result = LoadResult()

    # Parents before children, so a parent's path is known when its child is placed.
    by_key = {row.key: row for row in rows}
    depth_cache: dict[str, int] = {}

    def depth(key: str) -> int:
        if key in depth_cache:
            return depth_cache[key]
        row = by_key.get(key)
        if row is None:
            value = existing_units[key].depth
        else:
            value = 0 if not row.parent_key else depth(row.parent_key) + 1
        depth_cache[key] = value
        return value

    ordered = sorted(rows, key=lambda r: depth(r.key))
    new_units, changed_units = [], []
    for row in ordered:
        values = _values(row)
        unit = existing_units.get(row.key)
        if unit is None:
            unit = Unit(key=row.key, path=f"~{row.key}"[:255], **values)
            unit.refresh_search_text()
            new_units.append(unit)
            existing_units[row.key] = unit
        else:
            if any(getattr(unit, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(unit, name, value)
                unit.refresh_search_text()
                changed_units.append(unit)
    Unit.objects.bulk_create(new_units, batch_size=BATCH)
    result.created = len(new_units)

    # Place new units, parents first. An existing unit whose parent changed is moved with
    # its whole subtree by the service that moves units.
    new_keys = {u.key for u in new_units}
    placed, moved = [], []
    for row in ordered:
        unit = existing_units[row.key]
        parent = existing_units.get(row.parent_key) if row.parent_key else None
        if row.key in new_keys:
            unit.parent = parent
            unit.path = (parent.path if parent else "") + segment(unit.pk)
            unit.depth = parent.depth + 1 if parent else 0
            placed.append(unit)
        elif unit.parent_id != (parent.pk if parent else None):
            moved.append((unit, parent))
    if placed:
        Unit.objects.bulk_update(placed, ["parent", "path", "depth"], batch_size=BATCH)
    for unit, parent in moved:
        moved_unit = move_unit(actor=actor, unit=unit, new_parent=parent)
        unit.path, unit.depth, unit.parent_id = (
            moved_unit.path,
            moved_unit.depth,
            parent.pk if parent else None,
        )
        if unit not in changed_units:
            changed_units.append(unit)
    if moved and placed:
        # New units may hang below a moved one: place them again from the fresh paths.
        for unit in placed:
            parent = unit.parent
            if parent is not None and parent.key not in new_keys:
                parent.refresh_from_db(fields=["path", "depth"])
            unit.path = (parent.path if parent else "") + segment(unit.pk)
            unit.depth = parent.depth + 1 if parent else 0
        Unit.objects.bulk_update(placed, ["path", "depth"], batch_size=BATCH)

    links = []
    for row in rows:
        unit = existing_units[row.key]
        district = existing_units.get(row.legacy_district_key) if row.legacy_district_key else None
        if unit.legacy_district_id != (district.pk if district else None):
            unit.legacy_district = district
            links.append(unit)
            if unit not in changed_units and unit not in new_units:
                changed_units.append(unit)
    if links:
        Unit.objects.bulk_update(links, ["legacy_district"], batch_size=BATCH)
    changed_existing = [u for u in changed_units if u not in new_units]
    if changed_existing:
        Unit.objects.bulk_update(changed_existing, FIELDS + ["search_text"], batch_size=BATCH)
    result.updated = len({u.pk for u in changed_existing})

    through = Unit.predecessors.through
    wanted = {
        (existing_units[row.key].pk, existing_units[p].pk)
        for row in rows
        for p in row.predecessor_keys
    }
    if wanted:
        have = set(
            through.objects.filter(from_unit_id__in={a for a, _b in wanted}).values_list(
                "from_unit_id", "to_unit_id"
            )
        )
        through.objects.bulk_create(
            [through(from_unit_id=a, to_unit_id=b) for a, b in wanted - have], batch_size=BATCH
        )
    result.unchanged = len(rows) - result.created - result.updated
    if result.created or result.updated:
        log_action(
            actor=actor,
            action="unit.load",
            after={"source": source, "created": result.created, "updated": result.updated},
        )
    return result
