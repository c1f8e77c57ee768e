"""Changes of state of the kernel's own tables: the import headings and column mappings."""

from django.db import transaction

from danvan.core.audit import log_action
from danvan.core.models import ColumnMapping, ColumnSynonym
from danvan.lib.imports import signature


@transaction.atomic
def save_column_synonym(*, actor, synonym: ColumnSynonym):
    """Add or change a heading of a register's column, audited."""
    before = None
    if synonym.pk:
        old = ColumnSynonym.objects.filter(pk=synonym.pk).values("column", "heading").first()
        before = dict(old) if old else None
    synonym.save()
    log_action(
        actor=actor,
        action="import.synonym_save",
        obj=synonym,
        before=before,
        after={"register": synonym.register, "column": synonym.column, "heading": synonym.heading},
    )
    return synonym


@transaction.atomic
def delete_column_synonym(*, actor, synonym: ColumnSynonym):
    """Remove a heading of a register's column, audited."""
    before = {"register": synonym.register, "column": synonym.column, "heading": synonym.heading}
    log_action(
        actor=actor,
        action="import.synonym_delete",
        obj=synonym,
        before=before,
    )
    synonym.delete()


@transaction.atomic
def remember_column_mapping(
    *, actor, register: str, headings: list, mapping: dict[str, str]
) -> ColumnMapping:
    """Keep a user's choice of columns for the next sheet with the same headings."""
    remembered, _created = ColumnMapping.objects.update_or_create(
        register=register,
        signature=signature(headings),
        defaults={"headings": headings, "mapping": mapping, "created_by": actor},
    )
    log_action(
        actor=actor,
        action="import.mapping_remember",
        obj=remembered,
        after={"register": register, "mapping": mapping},
    )
    return remembered
