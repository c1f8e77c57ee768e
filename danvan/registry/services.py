"""Every change to a practice model: registration, moves between states, review, recognition
and replication. Views, imports, commands and tests all call these. A model's commendation
is an award decision: `awards.services.commend_model` records it and moves the model here."""

import datetime
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import Avg
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core.audit import log_action, snapshot
from danvan.lib.bulk import insert_rows
from danvan.organisations.kinds import ISSUERS
from danvan.organisations.models import Unit
from danvan.organisations.queries import territory_of
from danvan.registry.models import (
    DECIDED_STATES,
    MANUAL_MOVES,
    TRANSITIONS,
    Attachment,
    Classification,
    Council,
    PracticeModel,
    Recognition,
    RecognitionLevel,
    Replication,
    Score,
    Status,
    StatusChange,
    model_search_text,
)

FORM_FIELDS = [
    "name",
    "kind",
    "field",
    "unit",
    "year",
    "situation",
    "goals",
    "content",
    "area",
    "forces",
    "resources",
    "start_date",
    "milestones",
    "review_date",
    "outputs",
    "sustainability",
    "results",
    "external_id",
    "legacy_district_name",
]
REQUIRED = ["name", "field", "unit", "year", "situation", "goals", "content"]


def require_perm(actor, perm: str, unit: Unit) -> None:
    """Refuse an actor without the named permission (registry/rules.py) on the unit; None is
    the system."""
    if actor is not None and not actor.has_perm(perm, unit):
        raise PermissionDenied(_("This unit is outside your scope."))


def _check_issuer(issuer: Unit, model: PracticeModel) -> None:
    """A committee or board decides for the models of its commune or city."""
    if issuer.kind not in ISSUERS or not model.unit.path.startswith(territory_of(issuer).path):
        raise ValidationError(
            _("The issuing body must be a committee or board of the model's commune or city."),
            code="issuer",
        )


def _check_required(data: dict) -> None:
    missing = [name for name in REQUIRED if data.get(name) in (None, "")]
    if missing:
        labels = ", ".join(
            str(getattr(PracticeModel._meta.get_field(n), "verbose_name", n)) for n in missing
        )
        raise ValidationError(
            _("Required items are missing: %(fields)s.") % {"fields": labels}, code="required"
        )


def _person(actor):
    """The user to store as the author: None for the system."""
    return actor if getattr(actor, "is_authenticated", False) else None


def _record(model: PracticeModel, *, actor, from_status: str, to_status: str, note: str = ""):
    StatusChange.objects.create(
        model=model, from_status=from_status, to_status=to_status, actor=_person(actor), note=note
    )


@transaction.atomic
def register_model(*, actor, tags=(), **data) -> PracticeModel:
    """Register a model for a unit in the actor's scope."""
    _check_required(data)
    require_perm(actor, "registry.register", data["unit"])
    unknown = set(data) - set(FORM_FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    model = PracticeModel(**data)
    if actor is not None and getattr(actor, "is_authenticated", False):
        model.created_by = actor
    model.refresh_search_text()
    model.full_clean(exclude=["tags", "created_by"])
    model.save()
    if tags:
        model.tags.set(tags)
    _record(model, actor=actor, from_status="", to_status=Status.REGISTERED)
    log_action(actor=actor, action="registry.register", obj=model, unit=model.unit)
    return model


# What the import writes of each row (services.import_models), beside the defaults.
IMPORTED_FIELDS = (
    "external_id",
    "name",
    "unit_id",
    "year",
    "field_id",
    "kind",
    "situation",
    "goals",
    "content",
    "results",
    "start_date",
    "legacy_district_name",
    "status",
    "recognised_level_id",
    "recognised_on",
    "search_text",
    "created_by_id",
    "created_at",
)


def _imported(row: dict, *, author_id: int | None, now) -> tuple:
    """The values of IMPORTED_FIELDS for a checked import row (see transfer): recognised
    when it names a level."""
    level = row["level"]
    return (
        row["external_id"],
        row["name"],
        row["unit"].pk,
        row["year"],
        row["field"].pk,
        row["kind"],
        row["situation"],
        row["goals"],
        row["content"],
        row["results"],
        row["start_date"],
        row["legacy_district_name"],
        Status.RECOGNISED if level else Status.REGISTERED,
        level.pk if level else None,
        row["recognised_on"] if level else None,
        model_search_text(row["name"], row["situation"], row["content"]),
        author_id,
        now,
    )


@transaction.atomic
def import_models(*, actor, rows: Iterable[dict], batch_size: int = 2000) -> dict[Unit, int]:
    """Register many checked rows at once (the Excel import) and return how many per unit.

    Written in bulk for speed (lib.bulk, from the rows' values, past `register_model`),
    but under its rule: the actor must hold "registry.register" on every unit, and each
    unit gets one audit entry in its own scope with the number of models imported into
    it. Each model gets its first status change, as `register_model` records it.
    """
    now = timezone.now()
    author = _person(actor)
    author_id = author.pk if author is not None else None
    note = _("import")
    units: dict[int, Unit] = {}
    per_unit: dict[int, int] = {}
    recognised: dict[int, int] = {}
    batch: list[tuple] = []

    def flush() -> None:
        created = insert_rows(
            PracticeModel, IMPORTED_FIELDS, batch, returning=("id", "status"), using=db
        )
        insert_rows(
            StatusChange,
            ("model_id", "from_status", "to_status", "actor_id", "note", "created_at"),
            [(pk, "", status, author_id, note, now) for pk, status in created],
            using=db,
        )
        batch.clear()

    db = router.db_for_write(PracticeModel)
    for row in rows:
        unit = row["unit"]
        if unit.pk not in units:
            require_perm(actor, "registry.register", unit)
            units[unit.pk] = unit
            per_unit[unit.pk] = recognised[unit.pk] = 0
        per_unit[unit.pk] += 1
        recognised[unit.pk] += row["level"] is not None
        batch.append(_imported(row, author_id=author_id, now=now))
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    for pk, created in per_unit.items():
        log_action(
            actor=actor,
            action="registry.import",
            obj=units[pk],
            unit=units[pk],
            after={"created": created, "recognised": recognised[pk]},
        )
    return {units[pk]: created for pk, created in per_unit.items()}


@transaction.atomic
def update_model(*, actor, model: PracticeModel, tags=None, **changes) -> PracticeModel:
    require_perm(actor, "registry.change", model.unit)
    if "unit" in changes:
        require_perm(actor, "registry.change", changes["unit"])
    if model.status == Status.WITHDRAWN:
        raise ValidationError(_("A withdrawn model can no longer be changed."), code="withdrawn")
    before = snapshot(model, FORM_FIELDS)
    for name, value in changes.items():
        if name not in FORM_FIELDS:
            raise ValueError(f"Not editable: {name}")
        setattr(model, name, value)
    _check_required(
        {n: getattr(model, n if n not in ("field", "unit") else f"{n}_id") for n in REQUIRED}
    )
    model.refresh_search_text()
    model.full_clean(exclude=["tags", "created_by"])
    model.save()
    if tags is not None:
        model.tags.set(tags)
    after = snapshot(model, FORM_FIELDS)
    if before != after:
        log_action(
            actor=actor,
            action="registry.update",
            obj=model,
            unit=model.unit,
            before=before,
            after=after,
        )
    return model


def allowed_moves(model: PracticeModel) -> set[str]:
    return set(TRANSITIONS.get(model.status, set()))


@transaction.atomic
def transition(*, actor, model: PracticeModel, to: str, note: str = "") -> PracticeModel:
    """Move a model to another state if its transition table allows it.

    A person (actor not None) sets only the manual states (`MANUAL_MOVES`); classification,
    recognition and replication come from a council, a decision or a recorded adoption.
    """
    require_perm(actor, "registry.change", model.unit)
    if actor is not None and to not in MANUAL_MOVES:
        if to in DECIDED_STATES:
            raise ValidationError(
                _("This status is set by a council result or a decision, not by hand."),
                code="decided",
            )
        raise _refused_move(model.status, to)
    return _move(actor=actor, model=model, to=to, note=note)


def _refused_move(current: str, to: str) -> ValidationError:
    return ValidationError(
        _("A model that is “%(current)s” cannot become “%(target)s”.")
        % {"current": Status(current).label, "target": Status(to).label},
        code="transition",
    )


def _move(*, actor, model: PracticeModel, to: str, note: str = "") -> PracticeModel:
    """Check the transition table, save the new state, record history and audit."""
    model = PracticeModel.objects.select_for_update().get(pk=model.pk)
    if to not in allowed_moves(model):
        raise _refused_move(model.status, to)
    before = model.status
    model.status = to
    update = ["status", "updated_at"]
    if to == Status.WITHDRAWN:
        model.recognised_level = None
        model.recognised_on = None
        update += ["recognised_level", "recognised_on"]
    model.save(update_fields=update)
    _record(model, actor=actor, from_status=before, to_status=to, note=note)
    log_action(
        actor=actor,
        action=f"registry.{to}",
        obj=model,
        unit=model.unit,
        before={"status": before},
        after={"status": to, "note": note},
    )
    return model


def launch_model(*, actor, model, note=""):
    return transition(actor=actor, model=model, to=Status.LAUNCHED, note=note)


def start_review(*, actor, model, note=""):
    return transition(actor=actor, model=model, to=Status.UNDER_REVIEW, note=note)


def withdraw_model(*, actor, model, note=""):
    return transition(actor=actor, model=model, to=Status.WITHDRAWN, note=note)


def strengthen_model(*, actor, model, note=""):
    return transition(actor=actor, model=model, to=Status.STRENGTHENED, note=note)


# Review council


def _require_member(actor, council: Council) -> None:
    if actor is not None and not council.members.filter(pk=actor.pk).exists():
        raise PermissionDenied(_("Only members of the council may score."))


@transaction.atomic
def score_model(*, actor, council: Council, model: PracticeModel, values: dict) -> list[Score]:
    """Record one council member's scores, criterion id → value, for a model under review."""
    _require_member(actor, council)
    if model.status != Status.UNDER_REVIEW:
        raise ValidationError(_("Only a model under review can be scored."), code="not_in_review")
    if not model.unit.path.startswith(council.unit.path):
        raise ValidationError(_("This model is outside the council's unit."), code="scope")
    criteria = {c.pk: c for c in council.rubric.criteria.all()}
    if set(values) != set(criteria):
        raise ValidationError(_("Give a score for every criterion."), code="incomplete")
    scores = []
    for criterion_id, raw in values.items():
        value = Decimal(str(raw))
        criterion = criteria[criterion_id]
        if value < 0 or value > criterion.max_score:
            raise ValidationError(
                _("The score for “%(criterion)s” must be between 0 and %(max)s.")
                % {"criterion": criterion.name, "max": criterion.max_score},
                code="range",
            )
        score, _created = Score.objects.update_or_create(
            council=council,
            model=model,
            member=actor,
            criterion=criterion,
            defaults={"value": value},
        )
        scores.append(score)
    log_action(
        actor=actor,
        action="registry.score",
        obj=model,
        unit=model.unit,
        after={"council": council.pk, "scores": {str(k): str(v) for k, v in values.items()}},
    )
    return scores


def weighted_percent(council: Council, model: PracticeModel) -> tuple[Decimal, int]:
    """Return the council's weighted score for a model, in % of the maximum, and how many
    members scored it (the mean of each criterion over members, weighted by the rubric)."""
    criteria = list(council.rubric.criteria.all())
    means = dict(
        Score.objects.filter(council=council, model=model)
        .values("criterion")
        .annotate(mean=Avg("value"))
        .values_list("criterion", "mean")
    )
    members = Score.objects.filter(council=council, model=model).values("member").distinct().count()
    total_weight = sum((c.weight * c.max_score for c in criteria), Decimal(0))
    if not total_weight or not members:
        return Decimal(0), members
    achieved = sum((c.weight * Decimal(str(means.get(c.pk) or 0)) for c in criteria), Decimal(0))
    percent = (achieved * 100 / total_weight).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return percent, members


@transaction.atomic
def classify_model(*, actor, council: Council, model: PracticeModel) -> Classification:
    """Close the council's review of a model: good at or above the rubric's threshold."""
    require_perm(actor, "registry.manage_councils", council.unit)
    percent, members = weighted_percent(council, model)
    if members == 0:
        raise ValidationError(_("No council member has scored this model yet."), code="no_scores")
    result = Status.GOOD if percent >= council.rubric.good_threshold else Status.WEAK
    transition(actor=None, model=model, to=result, note=f"{council}: {percent}%")
    classification, _created = Classification.objects.update_or_create(
        council=council,
        model=model,
        defaults={
            "rubric": council.rubric,
            "percent": percent,
            "result": result,
            "members_scored": members,
            "decided_at": timezone.now(),
        },
    )
    log_action(
        actor=actor,
        action="registry.classify",
        obj=model,
        unit=model.unit,
        after={"council": council.pk, "percent": str(percent), "result": result},
    )
    return classification


# Recognition


@transaction.atomic
def recognise_model(
    *,
    actor,
    model: PracticeModel,
    level: RecognitionLevel,
    issuer: Unit,
    decision_number: int,
    decision_date: datetime.date,
    signer_name: str,
    signer_title: str,
    decision_symbol: str = "QĐ",
) -> Recognition:
    """Recognise a model classified good, by a decision of a body of its commune or city."""
    require_perm(actor, "registry.recognise", issuer)
    _check_issuer(issuer, model)
    if not RecognitionLevel.objects.in_force(decision_date).filter(pk=level.pk).exists():
        raise ValidationError(
            _("The level “%(level)s” is not in force on that date.") % {"level": level.name},
            code="level",
        )
    if not signer_name.strip() or not decision_number:
        raise ValidationError(_("The decision needs a number and a signer."), code="decision")
    _move(actor=actor, model=model, to=Status.RECOGNISED, note=f"{decision_number}")
    recognition = Recognition.objects.create(
        model=model,
        level=level,
        issuer=issuer,
        decision_number=decision_number,
        decision_symbol=decision_symbol,
        decision_date=decision_date,
        signer_name=signer_name.strip(),
        signer_title=signer_title.strip(),
    )
    PracticeModel.objects.filter(pk=model.pk).update(
        recognised_level=level, recognised_on=decision_date
    )
    model.refresh_from_db()
    log_action(
        actor=actor,
        action="registry.recognise",
        obj=model,
        unit=model.unit,
        after={
            "level": level.code,
            "decision": f"{decision_number}/{decision_symbol}",
            "date": decision_date.isoformat(),
        },
    )
    return recognition


# Replication


@transaction.atomic
def record_replication(
    *,
    actor,
    model: PracticeModel,
    unit: Unit,
    title: str,
    start_date: datetime.date,
    results: str = "",
    adopted_from: Replication | None = None,
) -> Replication:
    """Record that a unit in the actor's scope adopts a recognised model."""
    require_perm(actor, "registry.register", unit)
    model = PracticeModel.objects.select_for_update().get(pk=model.pk)
    if not model.is_recognised:
        raise ValidationError(_("Only a recognised model can be replicated."), code="unrecognised")
    if unit.pk == model.unit_id:
        raise ValidationError(_("A unit cannot replicate its own model."), code="own")
    if adopted_from is not None and adopted_from.model_id != model.pk:
        raise ValidationError(_("That adoption belongs to another model."), code="source")
    if Replication.objects.filter(model=model, unit=unit).exists():
        raise ValidationError(_("This unit already replicates the model."), code="duplicate")
    if not title.strip():
        raise ValidationError(_("Give the name of the unit's own version."), code="title")
    replication = Replication.objects.create(
        model=model,
        unit=unit,
        adopted_from=adopted_from,
        title=title.strip(),
        start_date=start_date,
        results=results,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if model.status in (Status.RECOGNISED, Status.COMMENDED):
        transition(actor=None, model=model, to=Status.REPLICATING, note=str(unit))
    log_action(
        actor=actor,
        action="registry.replicate",
        obj=model,
        unit=unit,
        after={"unit": unit.pk, "adopted_from": adopted_from.pk if adopted_from else None},
    )
    return replication


@transaction.atomic
def add_attachment(*, actor, model: PracticeModel, upload, checked_type: str) -> Attachment:
    """Store a file already checked by content (see forms)."""
    require_perm(actor, "registry.change", model.unit)
    attachment = Attachment(
        model=model,
        original_name=upload.name[:255],
        content_type=checked_type,
        size=upload.size,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    log_action(
        actor=actor,
        action="registry.attach",
        obj=model,
        unit=model.unit,
        after={"file": attachment.original_name, "size": attachment.size},
    )
    return attachment
