"""Rule tables: the rows of the house's rules (deadlines, routing, levels, rubrics…).

A dated rule row (with `effective_from` and `effective_to`) that a result points to (a
case's deadline rule, a model's recognition level) explains that result: it is never
changed in place. It may only be closed (`effective_to`); a change makes a successor, through
`organisations.services.change_rule`. The guard lives in `save()`, below every caller (the
admin, a shell, a future API), so no path can silently rewrite a rule an old result names.
"""

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.reverse_related import ForeignObjectRel
from django.utils.translation import gettext as _
from simple_history.models import HistoricalChanges

# The fields a dated row in use may still change: closing it, or moving its close.
CLOSING_FIELDS = frozenset({"effective_to"})


class RuleInUse(ValidationError):
    """A dated rule row that a result points to was about to be changed in place."""


def pointing_relations(model: type[models.Model]) -> list[ForeignObjectRel]:
    """Relations of other tables to rows of model: what uses a row, found by looking, so
    that a table a new app adds (an award pointing to a medal rule) counts without being
    listed. Not the history tables' copies, nor the row's own parts (RuleRow.rule_parts)."""
    parts = getattr(model, "rule_parts", ())
    return [
        rel
        for rel in model._meta.get_fields(include_hidden=True)
        if isinstance(rel, ForeignObjectRel)
        and not issubclass(rel.related_model, HistoricalChanges)
        and rel.get_accessor_name() not in parts
    ]


def changed_fields(stored: models.Model, edited: models.Model) -> list[str]:
    """Names of the concrete fields whose value differs between two versions of a row."""
    return [
        field.name
        for field in edited._meta.concrete_fields
        if getattr(stored, field.attname) != getattr(edited, field.attname)
    ]


class RuleRow(models.Model):
    """A row of a rule table; dated rows in use refuse to change in place."""

    # Reverse accessors of the rows that are part of this one (a rubric's criteria), which
    # do not make it "in use".
    rule_parts: tuple[str, ...] = ()

    if TYPE_CHECKING:  # the dated tables declare these fields; see is_dated()
        effective_from: datetime.date
        effective_to: datetime.date | None

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and self.is_dated():
            stored = type(self)._base_manager.filter(pk=self.pk).first()
            if stored is not None:
                changed = set(changed_fields(stored, self)) - CLOSING_FIELDS
                if kwargs.get("update_fields") is not None:
                    changed &= set(kwargs["update_fields"])
                if changed and stored.in_use():
                    raise RuleInUse(
                        _(
                            "This rule is in use and cannot be changed in place: close it and "
                            "add its successor."
                        ),
                        code="rule_in_use",
                    )
        super().save(*args, **kwargs)

    @classmethod
    def is_dated(cls) -> bool:
        names = {field.name for field in cls._meta.concrete_fields}
        return {"effective_from", "effective_to"} <= names

    def in_use(self) -> bool:
        """Whether any row of another table (a case, a model, a decision) points to this one."""
        if self.pk is None:
            return False
        return any(
            rel.related_model._base_manager.filter(**{rel.field.name: self.pk}).exists()
            for rel in pointing_relations(type(self))
        )

    def audit_unit(self):
        """The unit whose officers read this row's audit entries; None for the city-wide
        tables, whose entries the city's administrators and board officers read."""
        return None

    def copy_to_successor(self, successor: "RuleRow") -> None:
        """Copy the rows that belong to this one (a rubric's criteria) to its successor."""
