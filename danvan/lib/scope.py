"""Scope filters: rows whose tree path lies under any of a user's scope paths."""

from django.db import models


def under_paths(
    queryset,
    field: str,
    paths: list[str] | None,
    *,
    extra: models.Q | None = None,
    subtree=None,
):
    """Rows whose `field` starts with one of the paths (None means every row, [] none).

    `extra` is OR-ed in (e.g. audit entries tied to no unit). `subtree(path)`, when given,
    makes the condition for one path instead of the prefix (see voice's cases).
    """
    if paths is None:
        return queryset
    if not paths:
        return queryset.none()
    condition = extra if extra is not None else models.Q()
    for path in paths:
        condition |= subtree(path) if subtree else models.Q(**{f"{field}__startswith": path})
    return queryset.filter(condition)


def visible_to(queryset, field: str, user, roles=None, *, perm: str | None = None, subtree=None):
    """Rows within the paths the user's roles (of these kinds) reach, or where the user holds
    the named permission `perm`; none for a visitor."""
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    paths = user.paths_for(perm) if perm else user.scope_paths(roles)
    return under_paths(queryset, field, paths, subtree=subtree)
