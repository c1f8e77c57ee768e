"""The demo registry: generated models of 2009–2025 and this year's review council."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from danvan.accounts.demo import create_demo_accounts
from danvan.accounts.models import Role, RoleAssignment, User
from danvan.core.models import AuditEntry
from danvan.organisations.loader import load_units
from danvan.organisations.models import REFORM_DATE, UnitKind
from danvan.organisations.national import national_rows
from danvan.registry import services
from danvan.registry.demo import LAST_RECOGNITION, generate_models, seed_review_demo
from danvan.registry.models import (
    RECOGNISED_STATES,
    Council,
    PracticeModel,
    RecognitionLevel,
    Replication,
    Rubric,
    Status,
    StatusChange,
)

COUNT, RECOGNISED = 500, 120
REFORM_MOMENT = datetime.datetime.combine(
    REFORM_DATE, datetime.time(), tzinfo=timezone.get_default_timezone()
)


@pytest.fixture
def hanoi(db):
    load_units(national_rows(province_codes=["01"], hamlets=1, legacy_for=("01",)))


@pytest.fixture
def generated(hanoi):
    assert generate_models(count=COUNT, recognised=RECOGNISED, seed=7) == COUNT
    return PracticeModel.objects.select_related("unit__parent", "recognised_level")


def _commune(unit):
    return unit if unit.kind == UnitKind.COMMUNE else unit.parent


def test_it_generates_exactly_the_asked_totals(generated):
    assert generated.count() == COUNT
    assert generated.recognised().count() == RECOGNISED
    assert {m.year for m in generated} <= set(range(2009, 2026))
    assert generated.filter(year=2009).count() < generated.filter(year=2020).count()
    assert StatusChange.objects.count() == COUNT
    assert not generated.filter(search_text="").exists()
    assert generated.filter(kind="individual").exists()
    assert generated.filter(kind="collective").count() > generated.filter(kind="individual").count()
    entry = AuditEntry.objects.get(action="registry.generate")
    assert (entry.after["count"], entry.after["recognised"]) == (COUNT, RECOGNISED)


def test_models_belong_to_current_hanoi_communes_and_their_parts(generated):
    for model in generated:
        assert model.unit.key.startswith("vn-01-")
        assert model.unit.is_current()
        assert _commune(model.unit).kind == UnitKind.COMMUNE
        assert model.created_at.astimezone(timezone.get_default_timezone()).year == model.year


def test_recognised_models_have_a_level_in_force_and_a_recognised_state(generated):
    for model in generated.recognised():
        assert model.status in RECOGNISED_STATES
        assert model.recognised_on <= LAST_RECOGNITION
        assert model.recognised_on.year in (model.year, model.year + 1)
        assert model.recognised_on >= model.created_at.date()
        in_force = RecognitionLevel.objects.in_force(model.recognised_on)
        assert in_force.filter(pk=model.recognised_level_id).exists()


def test_other_models_have_no_level(generated):
    others = generated.filter(recognised_level__isnull=True)
    assert others.count() == COUNT - RECOGNISED
    assert not others.filter(status__in=RECOGNISED_STATES).exists()
    assert not others.filter(recognised_on__isnull=False).exists()
    assert others.filter(status=Status.GOOD).exists()
    assert not generated.filter(status=Status.WITHDRAWN, recognised_level__isnull=False).exists()


def test_models_before_the_reform_keep_their_former_district(generated):
    before = [m for m in generated if m.created_at < REFORM_MOMENT]
    assert before
    for model in before:
        commune = _commune(model.unit)
        expected = commune.legacy_district.name if commune.legacy_district_id else ""
        assert model.legacy_district_name == expected
    assert any(m.legacy_district_name for m in before)
    assert not generated.filter(created_at__gte=REFORM_MOMENT).exclude(legacy_district_name="")


def test_replications_are_of_recognised_models_by_other_units(generated):
    replications = Replication.objects.select_related("model", "adopted_from")
    assert replications.exists()
    for replication in replications:
        model = replication.model
        assert model.status == Status.REPLICATING
        assert replication.unit_id != model.unit_id
        assert replication.start_date >= model.recognised_on
        if replication.adopted_from:
            assert replication.adopted_from.model_id == model.pk
            assert replication.start_date >= replication.adopted_from.start_date
    assert not generated.filter(status=Status.REPLICATING, replications__isnull=True).exists()


def test_same_seed_gives_the_same_models(hanoi):
    def names(seed):
        with transaction.atomic():
            generate_models(count=60, recognised=15, seed=seed)
            result = list(
                PracticeModel.objects.order_by("id").values_list("name", "unit__key", "status")
            )
            transaction.set_rollback(True)
        return result

    first = names(3)
    assert len(first) == 60
    assert names(3) == first
    assert names(4) != first


def test_second_call_creates_nothing(generated):
    counts = (StatusChange.objects.count(), Replication.objects.count())
    entries = AuditEntry.objects.count()
    assert generate_models(count=COUNT, recognised=RECOGNISED, seed=7) == 0
    assert PracticeModel.objects.count() == COUNT
    assert (StatusChange.objects.count(), Replication.objects.count()) == counts
    assert AuditEntry.objects.count() == entries


def test_more_recognised_than_models_is_refused(hanoi):
    with pytest.raises(ValueError):
        generate_models(count=10, recognised=11)
    assert not PracticeModel.objects.exists()


def test_command_prints_the_counts(hanoi):
    out = StringIO()
    call_command("generate_models", count=40, recognised=9, seed=1, stdout=out)
    assert "40 models generated" in out.getvalue()
    assert PracticeModel.objects.recognised().count() == 9


@pytest.fixture
def demo_accounts(hanoi, settings):
    settings.DEMO_MODE = True
    create_demo_accounts()


def test_review_demo_gives_the_council_its_members_and_six_models(demo_accounts):
    council = seed_review_demo(2026)
    assert council.name == "Hội đồng đánh giá mô hình “Dân vận khéo” năm 2026"
    assert set(council.members.values_list("username", flat=True)) == {"thanhpho", "giamkhao"}
    judge = User.objects.get(username="giamkhao")
    assert judge.full_name == "Đỗ Văn Khảo"
    assert RoleAssignment.objects.filter(user=judge, role=Role.JUDGE, unit__key="vn-01").exists()
    rubric = council.rubric
    assert rubric.issuer.key == "vn-01-party-dv"
    assert rubric.good_threshold == Decimal(70)
    assert rubric.effective_from == datetime.date(2026, 1, 1)
    criteria = list(rubric.criteria.all())
    assert len(criteria) == 9
    assert [c.weight for c in criteria].count(Decimal(2)) == 2
    assert {c.max_score for c in criteria} == {10}
    under_review = PracticeModel.objects.in_subtree(council.unit).filter(
        year=2026, status=Status.UNDER_REVIEW
    )
    assert under_review.count() == 6
    # The council's judge can score them.
    model = under_review.first()
    services.score_model(
        actor=judge, council=council, model=model, values={c.pk: 8 for c in criteria}
    )


def test_review_demo_twice_changes_nothing(demo_accounts):
    seed_review_demo(2026)
    counts = (
        Council.objects.count(),
        Rubric.objects.count(),
        PracticeModel.objects.count(),
        User.objects.count(),
        AuditEntry.objects.count(),
    )
    council = seed_review_demo(2026)
    assert council.members.count() == 2
    assert (
        Council.objects.count(),
        Rubric.objects.count(),
        PracticeModel.objects.count(),
        User.objects.count(),
        AuditEntry.objects.count(),
    ) == counts


def test_review_demo_creates_no_judge_outside_demo_mode(hanoi, settings):
    settings.DEMO_MODE = False
    council = seed_review_demo(2026)
    assert not User.objects.filter(username="giamkhao").exists()
    assert not council.members.exists()
    assert PracticeModel.objects.filter(status=Status.UNDER_REVIEW).count() == 6
