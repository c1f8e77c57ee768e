"""The registry's commendations of practice models become award decisions: one place for
every decision. Each commendation recorded in the registry becomes a decision of its issuer
(one decision per issuer, year and number: a decision that commended several models keeps
them together) awarding a Giấy khen (a commune's body) or a Bằng khen (the city's) to the
collective that runs the model; then it is removed from the registry, whose next migration
drops the column that told commendations from recognitions."""

from django.db import migrations

SEGMENT = 9  # a unit's path segment: 8 digits and "/"


def _award_type(apps, code, on):
    award_type = apps.get_model("awards", "AwardType")
    rows = award_type.objects.filter(code=code)
    return (
        rows.filter(effective_from__lte=on).order_by("-effective_from").first()
        or rows.order_by("effective_from").first()
    )


def _in_commune(apps, unit) -> bool:
    """Whether a unit is a commune (or a former district) or lies in one."""
    prefixes = [unit.path[:end] for end in range(SEGMENT, len(unit.path) + 1, SEGMENT)]
    return (
        apps.get_model("organisations", "Unit")
        .objects.filter(path__in=prefixes, kind__in=["commune", "district"])
        .exists()
    )


def forwards(apps, schema_editor):
    recognition = apps.get_model("registry", "Recognition")
    decision_model = apps.get_model("awards", "Decision")
    award_model = apps.get_model("awards", "Award")
    commendations = recognition.objects.filter(kind="commendation").select_related(
        "issuer", "model__unit"
    )
    for old in commendations.order_by("decision_date", "id"):
        issuer = old.issuer
        code = "giay_khen" if _in_commune(apps, issuer) else "bang_khen"
        award_type = _award_type(apps, code, old.decision_date)
        decision, _created = decision_model.objects.get_or_create(
            issuer=issuer,
            year=old.decision_date.year,
            number=old.decision_number,
            defaults={
                "issuer_name": issuer.name,
                "symbol": old.decision_symbol,
                "date": old.decision_date,
                "signer_name": old.signer_name,
                "signer_title": old.signer_title,
                "award_type": award_type,
                "created_at": old.created_at,
            },
        )
        model = old.model
        award_model.objects.create(
            decision=decision,
            award_type=decision.award_type,
            year=old.decision_date.year,
            unit=model.unit,
            recipient_name=model.unit.name,
            practice_model=model,
            achievement=f"Mô hình “Dân vận khéo” “{model.name}”",
            scope_unit=model.unit,
            scope_path=model.unit.path,
            created_at=old.created_at,
        )
    commendations.delete()


def backwards(apps, schema_editor):
    recognition = apps.get_model("registry", "Recognition")
    award_model = apps.get_model("awards", "Award")
    for award in award_model.objects.filter(practice_model__isnull=False).select_related(
        "decision", "practice_model"
    ):
        decision = award.decision
        level = award.practice_model.recognised_level_id
        if decision.issuer_id is None or level is None:
            continue
        recognition.objects.create(
            kind="commendation",
            model_id=award.practice_model_id,
            level_id=level,
            issuer_id=decision.issuer_id,
            decision_number=decision.number,
            decision_symbol=decision.symbol,
            decision_date=decision.date,
            signer_name=decision.signer_name,
            signer_title=decision.signer_title,
            created_at=award.created_at,
        )
        award.delete()
        if not decision.awards.exists():
            decision.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0002_seed_rules"),
        ("registry", "0009_field_synonyms"),
        ("organisations", "0004_seed_unit_column_synonyms"),
    ]
    # The registry drops the column telling commendations apart once they are here.
    run_before = [("registry", "0010_commendations_move_to_awards")]

    operations = [migrations.RunPython(forwards, backwards)]
