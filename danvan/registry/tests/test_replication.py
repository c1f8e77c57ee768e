"""Replication: other units adopt a recognised model, and adopt from each other's versions."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from danvan.registry import services
from danvan.registry.models import Replication, Status
from danvan.registry.queries import replication_graph
from danvan.registry.tests.factories import PracticeModelFactory, make_good, recognise

START = datetime.date(2026, 3, 1)


def replicate(model, unit, *, actor, adopted_from=None, title="Bản của đơn vị", start=START):
    return services.record_replication(
        actor=actor,
        model=model,
        unit=unit,
        title=title,
        start_date=start,
        results="120 hộ tham gia",
        adopted_from=adopted_from,
    )


@pytest.fixture
def adoptions(tree, ward_a, clerk_b):
    """Ward B adopts ward A's recognised model; B's hamlet adopts from B's version."""
    ward = replicate(ward_a.recognised, tree.b.commune, actor=clerk_b, title="Camera Hà Đông")
    hamlet = replicate(
        ward_a.recognised,
        tree.b.hamlet,
        actor=clerk_b,
        adopted_from=ward,
        title="Camera tổ dân phố",
        start=START + datetime.timedelta(days=30),
    )
    return ward, hamlet


def test_replication_graph_nests_adoptions_under_their_source(ward_a, adoptions):
    ward, hamlet = adoptions

    assert replication_graph(ward_a.recognised) == [
        {"replication": ward, "children": [{"replication": hamlet, "children": []}]}
    ]


def test_second_replication_with_the_same_model_object_is_recorded(tree, ward_a, clerk_b):
    """record_replication reads the locked row, not the (stale) object it is given."""
    model = ward_a.recognised
    replicate(model, tree.b.commune, actor=clerk_b)
    assert model.status == Status.RECOGNISED  # the caller's object is now stale

    replicate(model, tree.b.hamlet, actor=clerk_b)

    assert model.replications.count() == 2
    model.refresh_from_db()
    assert model.status == Status.REPLICATING
    assert [c.to_status for c in model.changes.all()].count(Status.REPLICATING) == 1


def test_first_replication_marks_the_model_as_being_replicated(ward_a, adoptions):
    ward_a.recognised.refresh_from_db()
    assert ward_a.recognised.status == Status.REPLICATING
    assert ward_a.recognised.changes.last().to_status == Status.REPLICATING


def test_model_page_shows_every_adopting_unit_and_the_count(
    tree, ward_a, adoptions, clerk_a, client_for
):
    response = client_for(clerk_a).get(reverse("registry:detail", args=[ward_a.recognised.pk]))

    html = response.content.decode()
    assert tree.b.commune.name in html
    assert tree.b.hamlet.name in html
    assert "Camera tổ dân phố" in html
    assert re.search(r"<h2>[^<]*\b2\b[^<]*</h2>", html)
    assert response.context["replication_count"] == 2


def test_clerk_of_another_commune_replicates_a_recognised_model_from_its_page(
    tree, ward_a, clerk_b, client_for
):
    url = reverse("registry:replicate", args=[ward_a.recognised.pk])
    client = client_for(clerk_b)

    form = client.get(url).context["form"]
    response = client.post(
        url,
        {"unit": tree.b.hamlet.pk, "title": "Camera tổ 1", "start_date": "2026-04-01"},
    )

    assert tree.a.hamlet.pk not in {u.pk for u in form.fields["unit"].queryset}
    assert response.status_code == 302
    assert response.url == reverse("registry:list")
    replication = Replication.objects.get()
    assert (replication.unit, replication.created_by) == (tree.b.hamlet, clerk_b)


def test_unit_cannot_replicate_its_own_model(tree, ward_a, clerk_a, client_for):
    with pytest.raises(ValidationError) as refused:
        replicate(ward_a.recognised, tree.a.commune, actor=clerk_a)
    assert refused.value.code == "own"

    form = (
        client_for(clerk_a)
        .get(reverse("registry:replicate", args=[ward_a.recognised.pk]))
        .context["form"]
    )
    assert tree.a.commune.pk not in {u.pk for u in form.fields["unit"].queryset}
    assert not Replication.objects.exists()


def test_model_that_is_not_recognised_cannot_be_replicated(tree, ward_a, clerk_a, client_for):
    with pytest.raises(ValidationError) as refused:
        replicate(ward_a.reviewed, tree.a.hamlet, actor=clerk_a)
    assert refused.value.code == "unrecognised"

    response = client_for(clerk_a).post(
        reverse("registry:replicate", args=[ward_a.reviewed.pk]),
        {"unit": tree.a.hamlet.pk, "title": "Chợ tổ 1", "start_date": "2026-04-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Replication.objects.exists()


def test_same_unit_cannot_replicate_a_model_twice(tree, ward_a, adoptions, clerk_b):
    with pytest.raises(ValidationError) as refused:
        replicate(ward_a.recognised, tree.b.commune, actor=clerk_b, title="Lần hai")

    assert refused.value.code == "duplicate"
    assert Replication.objects.filter(unit=tree.b.commune).count() == 1


def test_adoption_must_come_from_a_version_of_the_same_model(
    tree, ward_a, adoptions, clerk_a, clerk_b, city_officer, judge
):
    other = make_good(
        PracticeModelFactory(actor=clerk_a, unit=tree.a.hamlet),
        ward_a.council,
        actor=clerk_a,
        decider=city_officer,
    )
    recognise(other, actor=city_officer)

    with pytest.raises(ValidationError) as refused:
        replicate(other, tree.b.hamlet, actor=clerk_b, adopted_from=adoptions[0])

    assert refused.value.code == "source"
    assert not other.replications.exists()


def test_clerk_cannot_record_a_replication_for_a_unit_outside_scope(
    tree, ward_a, clerk_b, client_for
):
    response = client_for(clerk_b).post(
        reverse("registry:replicate", args=[ward_a.recognised.pk]),
        {"unit": tree.a.hamlet.pk, "title": "Không được", "start_date": "2026-04-01"},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["unit"]
    assert not Replication.objects.exists()
