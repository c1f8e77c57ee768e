"""The registry's rules in the admin: a recognition level or rubric a result points to is
never changed in place; the change becomes its successor, audited and kept in history."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from danvan.core.models import AuditEntry
from danvan.registry.forms import RecognitionForm
from danvan.registry.models import Classification, RecognitionLevel, Rubric
from danvan.registry.tests.factories import CriterionFactory, RubricFactory, level


def level_data(row: RecognitionLevel, **changes) -> dict:
    data = {
        "code": row.code,
        "name": row.name,
        "rank": row.rank,
        "effective_from": row.effective_from.isoformat(),
        "effective_to": row.effective_to.isoformat() if row.effective_to else "",
    }
    data.update(changes)
    return data


def level_url(row) -> str:
    return reverse("admin:registry_recognitionlevel_change", args=[row.pk])


def test_renaming_a_level_a_model_holds_adds_its_successor(tree, ward_a, city_admin, admin_staff):
    used = ward_a.recognised.recognised_level
    today = timezone.localdate()

    admin_staff(city_admin).post(level_url(used), level_data(used, name="Cấp xã, phường"))

    old = RecognitionLevel.objects.get(pk=used.pk)
    assert old.name == used.name
    assert old.effective_to == today - datetime.timedelta(days=1)
    successor = RecognitionLevel.objects.get(code=used.code, effective_from=today)
    assert successor.name == "Cấp xã, phường"
    ward_a.recognised.refresh_from_db()
    ward_a.recognition.refresh_from_db()
    assert ward_a.recognised.recognised_level_id == used.pk
    assert ward_a.recognition.level_id == used.pk
    # New decisions choose among the levels in force: the successor, not the closed row.
    offered = RecognitionForm(user=city_admin, model=ward_a.reviewed).fields["level"].queryset
    assert successor in offered and old not in offered
    revised = AuditEntry.objects.get(action="rules.revised")
    assert revised.object_id == str(successor.pk)
    assert revised.before["name"] == used.name and revised.after["name"] == "Cấp xã, phường"
    assert revised.scope_path == ""  # city-wide: read by the city's officers
    assert successor.history.count() == 1 and old.history.first().history_type == "~"


def test_a_level_no_model_holds_changes_in_place(tree, ward_a, city_admin, admin_staff):
    unused = level("thanh-pho")

    admin_staff(city_admin).post(level_url(unused), level_data(unused, name="Cấp Thành phố"))

    unused.refresh_from_db()
    assert unused.name == "Cấp Thành phố"
    assert RecognitionLevel.objects.filter(code="thanh-pho").count() == 1
    assert AuditEntry.objects.get(action="rules.changed").after == {"name": "Cấp Thành phố"}
    assert unused.history.first().name == "Cấp Thành phố"


@pytest.mark.parametrize("who", ["clerk_a", "city_officer", "admin_b"])
def test_only_city_administrators_change_levels(request, tree, ward_a, admin_staff, who):
    used = ward_a.recognised.recognised_level
    count = RecognitionLevel.objects.count()

    response = admin_staff(request.getfixturevalue(who)).post(
        level_url(used), level_data(used, name="Cấp xã, phường")
    )

    assert response.status_code in (302, 403, 404)
    assert RecognitionLevel.objects.count() == count
    assert RecognitionLevel.objects.get(pk=used.pk).name == used.name
    assert not AuditEntry.objects.filter(action__startswith="rules.").exists()


def rubric_data(rubric: Rubric, **changes) -> dict:
    criteria = list(rubric.criteria.all())
    data = {
        "name": rubric.name,
        "issuer": rubric.issuer_id,
        "kind": rubric.kind,
        "good_threshold": str(rubric.good_threshold),
        "effective_from": rubric.effective_from.isoformat(),
        "effective_to": "",
        "criteria-TOTAL_FORMS": len(criteria),
        "criteria-INITIAL_FORMS": len(criteria),
        "criteria-MIN_NUM_FORMS": 0,
        "criteria-MAX_NUM_FORMS": 1000,
    }
    for i, criterion in enumerate(criteria):
        data[f"criteria-{i}-id"] = criterion.pk
        data[f"criteria-{i}-rubric"] = rubric.pk
    data.update(changes)
    return data


def test_raising_the_threshold_of_a_rubric_in_use_adds_its_successor(
    tree, ward_a, city_admin, admin_staff
):
    rubric = ward_a.council.rubric
    result = Classification.objects.get(model=ward_a.recognised)
    url = reverse("admin:registry_rubric_change", args=[rubric.pk])

    response = admin_staff(city_admin).post(url, rubric_data(rubric, good_threshold="80"))

    assert response.status_code == 302, response.content.decode()[:2000]
    rubric.refresh_from_db()
    assert rubric.good_threshold == Decimal("70")
    assert rubric.effective_to == timezone.localdate() - datetime.timedelta(days=1)
    successor = Rubric.objects.get(issuer=rubric.issuer, good_threshold=Decimal("80"))
    assert [(c.name, c.weight, c.max_score) for c in successor.criteria.all()] == [
        (c.name, c.weight, c.max_score) for c in rubric.criteria.all()
    ]
    result.refresh_from_db()
    assert result.rubric_id == rubric.pk
    entry = AuditEntry.objects.get(action="rules.revised")
    assert entry.scope_path == tree.a.commune.path  # a ward's rubric: the ward's officers


def test_a_rubric_no_council_uses_changes_in_place(tree, city_admin, admin_staff):
    rubric = RubricFactory(issuer=tree.b.commune)
    CriterionFactory(rubric=rubric, name="Tính sáng tạo")
    url = reverse("admin:registry_rubric_change", args=[rubric.pk])

    response = admin_staff(city_admin).post(url, rubric_data(rubric, good_threshold="75"))

    assert response.status_code == 302
    rubric.refresh_from_db()
    assert rubric.good_threshold == Decimal("75")
    assert [c.name for c in rubric.criteria.all()] == ["Tính sáng tạo"]
    assert Rubric.objects.filter(issuer=tree.b.commune).count() == 1
    assert AuditEntry.objects.get(action="rules.changed").scope_path == tree.b.commune.path
