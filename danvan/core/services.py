"""Changes of state of the kernel's own tables: the import headings and column mappings."""

from django.db import transaction

from danvan.core.audit import log_action
from danvan.core.models import ColumnMapping, ColumnSynonym, TextModel
from danvan.lib.imports import signature
from danvan.lib.textsim import TopicClassifier


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


@transaction.atomic
def save_text_model(*, actor, name: str, model: TopicClassifier, keep: int = 3) -> TextModel:
    """Store a trained topic classifier under a name (its bytes hold no pickle), keeping the
    newest few of that name; audited."""
    row = TextModel.objects.create(
        name=name, n_samples=model.n_samples, accuracy=model.accuracy, blob=model.to_bytes()
    )
    old = TextModel.objects.filter(name=name).values_list("pk", flat=True)[keep:]
    TextModel.objects.filter(pk__in=list(old)).delete()
    log_action(
        actor=actor,
        action="core.text_model",
        obj=row,
        after={"name": name, "samples": model.n_samples, "accuracy": model.accuracy},
    )
    return row


def load_text_model(name: str) -> TopicClassifier | None:
    """The newest classifier stored under a name, or None."""
    blob = TextModel.objects.filter(name=name).values_list("blob", flat=True).first()
    return TopicClassifier.from_bytes(blob) if blob is not None else None
