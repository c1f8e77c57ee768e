"""A recognised “Dân vận khéo” model is commended by an award decision (one place for every
decision), and the commendations recorded in the registry before moved here."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from conftest import make_user
from danvan.accounts.models import Role
from danvan.awards import services
from danvan.awards.models import Award, Decision
from danvan.registry.models import Recognition, Status
from danvan.registry.tests.factories import (
    PracticeModelFactory,
    council_for,
    make_good,
    recognise,
)

D = datetime.date


@pytest.fixture
def judge(tree):
    return make_user("judge", Role.JUDGE, tree.city, full_name="Giám khảo")


@pytest.fixture
def recognised(tree, clerk_a, city_officer, judge):
    council = council_for(tree.city, members=[judge])
    model = PracticeModelFactory(actor=clerk_a, unit=tree.a.hamlet, name="Ngõ phố sạch đẹp")
    model = make_good(model, council, actor=clerk_a, decider=city_officer)
    recognise(model, actor=city_officer, issuer=tree.a.party)
    return model


def commend(model, *, actor, issuer, number=9, code="giay_khen"):
    return services.commend_model(
        actor=actor,
        model=model,
        issuer=issuer,
        award_code=code,
        number=number,
        date=D(2026, 3, 8),
        signer_name="Nguyễn Văn An",
        signer_title="Bí thư",
    )


def test_commending_a_recognised_model_is_an_award_decision(tree, recognised, city_officer):
    decision = commend(recognised, actor=city_officer, issuer=tree.a.party)

    recognised.refresh_from_db()
    assert recognised.status == Status.COMMENDED
    award = decision.awards.get()
    assert (award.unit, award.practice_model) == (tree.a.hamlet, recognised)
    assert award.amount == round(0.3 * 2_340_000)  # Giấy khen to a collective
    assert decision.number_line == "09-QĐ/ĐU"  # a Party body's register and layout


def test_the_commending_body_must_be_of_the_models_ward_and_have_the_power(
    tree, recognised, city_officer
):
    with pytest.raises(ValidationError) as refused:
        commend(recognised, actor=city_officer, issuer=tree.b.party)
    assert refused.value.code == "issuer"
    with pytest.raises(ValidationError) as refused:
        commend(recognised, actor=city_officer, issuer=tree.a.party, code="bang_khen")
    assert refused.value.code == "authority"
    recognised.refresh_from_db()
    assert recognised.status == Status.RECOGNISED
    assert not Decision.objects.exists()


def test_a_clerk_cannot_commend(tree, recognised, clerk_a):
    with pytest.raises(PermissionDenied):
        commend(recognised, actor=clerk_a, issuer=tree.a.party)


def test_the_number_is_shared_with_the_registrys_recognitions(tree, recognised, city_officer):
    """The Party committee's recognition took no. 5 of 2026: the commendation cannot."""
    with pytest.raises(ValidationError) as refused:
        commend(recognised, actor=city_officer, issuer=tree.a.party, number=5)
    assert refused.value.code == "number_used"


def test_the_models_page_shows_its_commendations(tree, recognised, city_officer, client_for):
    client = client_for(city_officer)
    page = client.get(reverse("registry:detail", args=[recognised.pk])).content.decode()
    assert reverse("awards:commend_model", args=[recognised.pk]) in page

    decision = commend(recognised, actor=city_officer, issuer=tree.a.party)
    page = client.get(reverse("registry:detail", args=[recognised.pk])).content.decode()
    assert reverse("awards:decision", args=[decision.pk]) in page


BEFORE = [("awards", "0002_seed_rules"), ("registry", "0009_field_synonyms")]


@pytest.mark.django_db(transaction=True)
def test_commendations_recorded_in_the_registry_become_award_decisions():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    try:
        unit = old.get_model("organisations", "Unit")
        city = unit.objects.create(name="Hà Nội", kind="province", key="vn-01", path="00000001/")
        commune = unit.objects.create(
            name="Phường Ba Đình", kind="commune", key="c", path="00000001/00000002/", parent=city
        )
        party = unit.objects.create(
            name="Đảng ủy phường Ba Đình",
            kind="party_committee",
            branch="party",
            key="p",
            path="00000001/00000002/00000003/",
            parent=commune,
        )
        field = old.get_model("registry", "Field").objects.first()
        level = old.get_model("registry", "RecognitionLevel").objects.first()
        model = old.get_model("registry", "PracticeModel").objects.create(
            name="Ngõ phố sạch đẹp", field=field, unit=commune, year=2025, status="commended"
        )
        recognition = old.get_model("registry", "Recognition")
        common = {
            "model": model,
            "level": level,
            "issuer": party,
            "decision_symbol": "QĐ/ĐU",
            "signer_name": "Nguyễn Văn An",
            "signer_title": "Bí thư",
        }
        recognition.objects.create(
            kind="recognition", decision_number=3, decision_date=D(2025, 5, 1), **common
        )
        recognition.objects.create(
            kind="commendation", decision_number=11, decision_date=D(2025, 9, 2), **common
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)

    assert Recognition.objects.filter(model_id=model.pk).count() == 1  # the recognition stays
    award = Award.objects.get(practice_model_id=model.pk)
    assert award.award_type.code == "giay_khen"  # a commune's body
    assert (award.decision.number, award.decision.year) == (11, 2025)
    assert award.decision.issuer_id == party.pk
    assert award.unit_id == commune.pk
