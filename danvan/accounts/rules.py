"""Named permissions, checked with `user.has_perm(name, obj)` by views, admin and API."""

import rules

from danvan.accounts.models import SCOPED_PERMISSIONS, Role

# The role groups every app's permissions are built from: the only place roles are listed.
MANAGERS = (Role.ADMINISTRATOR,)  # manage units, roles and the city's rules
SUPERVISORS = (Role.ADMINISTRATOR, Role.BOARD_OFFICER)  # decide, review, recognise
EDITORS = (Role.ADMINISTRATOR, Role.BOARD_OFFICER, Role.CLERK)  # register, handle, report


def unit_of(obj):
    """The unit an object belongs to: a unit itself, a case's responsible unit, or `unit`."""
    if obj is None or hasattr(obj, "path"):
        return obj
    if hasattr(obj, "responsible"):
        return obj.responsible
    return getattr(obj, "unit", None)


def reaches(user, obj, roles) -> bool:
    """Whether the user's roles (of these kinds) reach obj's unit; without obj, any unit.

    Every app's permission predicates are built on this one check.
    """
    if not user.is_authenticated:
        return False
    if obj is None:
        paths = user.scope_paths(roles)
        return paths is None or bool(paths)
    return user.reaches(unit_of(obj), roles)


def add_scoped_perm(name: str, roles: tuple[str, ...] | None) -> None:
    """Declare a permission held by these roles (None: any role) on a unit's subtree.

    `user.has_perm(name, obj)` checks it for one object; `user.paths_for(name)` and
    `visible_to(user, perm=name)` list where it is held, so checks and choice lists agree.
    """

    def holds(user, obj=None) -> bool:
        return reaches(user, obj, roles)

    SCOPED_PERMISSIONS[name] = roles
    rules.add_perm(name, rules.predicate(holds, name=name))


def roles_for(name: str) -> tuple[str, ...] | None:
    """The roles that hold a scoped permission (None: any role)."""
    return SCOPED_PERMISSIONS[name]


@rules.predicate
def reaches_unit(user, obj=None) -> bool:
    return reaches(user, obj, None)


@rules.predicate
def manages_unit(user, obj=None) -> bool:
    return reaches(user, obj, MANAGERS)


@rules.predicate
def supervises_unit(user, obj=None) -> bool:
    return reaches(user, obj, SUPERVISORS)


add_scoped_perm("organisations.browse", None)
add_scoped_perm("organisations.manage", MANAGERS)
add_scoped_perm("accounts.manage_roles", MANAGERS)
# Everyone who changes things within a scope reads what was done there; clerks included.
add_scoped_perm("core.view_audit", EDITORS)
