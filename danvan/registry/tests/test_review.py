"""Review councils: members score against a weighted rubric; the result is good or weak."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conftest import make_user
from danvan.accounts.models import Role
from danvan.registry import services
from danvan.registry.models import Classification, Score, Status
from danvan.registry.tests.factories import (
    PracticeModelFactory,
    RubricFactory,
    council_for,
    put_under_review,
    score_all,
)

# Three criteria as (weight, maximum) and two members' scores, criterion by criterion.
CRITERIA = ((2, 10), (1, 20), (Decimal("0.5"), 10))
MEMBER_1 = [8, 15, 6]
MEMBER_2 = [6, 11, 9]
# Means 7, 13 and 7.5; weighted 2×7 + 1×13 + 0.5×7.5 = 30.75 of 2×10 + 1×20 + 0.5×10 = 45.
EXPECTED_PERCENT = Decimal("68.33")


@pytest.fixture
def members(tree):
    return [
        make_user("member_1", Role.JUDGE, tree.city, full_name="Ủy viên 1"),
        make_user("member_2", Role.JUDGE, tree.city, full_name="Ủy viên 2"),
    ]


@pytest.fixture
def council(tree, members):
    return council_for(tree.a.commune, members=members, threshold="70", criteria=CRITERIA)


@pytest.fixture
def model(tree, clerk_a):
    return put_under_review(PracticeModelFactory(actor=clerk_a, unit=tree.a.hamlet), actor=clerk_a)


def score_both(council, model, members):
    score_all(council, model, members[0], MEMBER_1)
    score_all(council, model, members[1], MEMBER_2)


def test_weighted_percent_is_the_weighted_mean_of_the_members_scores(council, model, members):
    score_both(council, model, members)

    assert services.weighted_percent(council, model) == (EXPECTED_PERCENT, 2)


def test_scoring_again_replaces_the_members_earlier_scores(council, model, members):
    score_all(council, model, members[0], [0, 0, 0])
    score_all(council, model, members[0], [10, 20, 10])

    assert services.weighted_percent(council, model) == (Decimal("100.00"), 1)
    assert Score.objects.filter(model=model).count() == 3


@pytest.mark.parametrize(
    ("threshold", "result"),
    [("68.33", Status.GOOD), ("60", Status.GOOD), ("68.34", Status.WEAK), ("70", Status.WEAK)],
)
def test_classification_is_good_at_or_above_the_threshold(
    tree, model, members, city_officer, threshold, result
):
    # A rubric a council uses changes only by succession: this council's has the threshold.
    council = council_for(tree.a.commune, members=members, threshold=threshold, criteria=CRITERIA)
    score_both(council, model, members)

    classification = services.classify_model(actor=city_officer, council=council, model=model)

    model.refresh_from_db()
    assert model.status == result
    assert classification.result == result
    assert classification.percent == EXPECTED_PERCENT
    assert classification.members_scored == 2
    assert model.changes.last().to_status == result


def test_classification_keeps_the_rubric_it_used(tree, council, model, members, city_officer):
    used = council.rubric
    score_both(council, model, members)
    services.classify_model(actor=city_officer, council=council, model=model)

    council.rubric = RubricFactory(issuer=tree.a.commune, name="Tiêu chí năm 2027")
    council.save()

    assert Classification.objects.get(council=council, model=model).rubric == used


def test_board_officer_classifies_from_the_council_page(
    council, model, members, city_officer, client_for
):
    score_both(council, model, members)

    response = client_for(city_officer).post(
        reverse("registry:classify", args=[council.pk, model.pk])
    )

    assert response.status_code == 302
    model.refresh_from_db()
    assert model.status == Status.WEAK
    assert Classification.objects.get(model=model).percent == EXPECTED_PERCENT


def test_member_scores_from_the_score_page(council, model, members, client_for):
    criteria = list(council.rubric.criteria.all())
    data = {f"c{c.pk}": v for c, v in zip(criteria, MEMBER_1, strict=True)}

    response = client_for(members[0]).post(
        reverse("registry:score", args=[council.pk, model.pk]), data
    )

    assert response.status_code == 302
    assert sorted(Score.objects.filter(member=members[0]).values_list("value", flat=True)) == [
        6,
        8,
        15,
    ]


def test_classification_without_any_score_is_refused(council, model, city_officer):
    with pytest.raises(ValidationError) as refused:
        services.classify_model(actor=city_officer, council=council, model=model)

    assert refused.value.code == "no_scores"
    model.refresh_from_db()
    assert model.status == Status.UNDER_REVIEW
    assert not Classification.objects.exists()


def test_non_member_cannot_score(council, model, city_officer, clerk_a, client_for):
    criteria = list(council.rubric.criteria.all())
    data = {f"c{c.pk}": v for c, v in zip(criteria, MEMBER_1, strict=True)}
    url = reverse("registry:score", args=[council.pk, model.pk])

    with pytest.raises(PermissionDenied):
        score_all(council, model, clerk_a, MEMBER_1)
    assert client_for(clerk_a).get(url).status_code == 404
    assert client_for(clerk_a).post(url, data).status_code == 404
    # The board officer manages the council and may open the page, but is not a member.
    response = client_for(city_officer).post(url, data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Score.objects.exists()


def test_score_above_the_maximum_is_refused(council, model, members, client_for):
    with pytest.raises(ValidationError) as refused:
        score_all(council, model, members[0], [11, 15, 6])
    assert refused.value.code == "range"

    criteria = list(council.rubric.criteria.all())
    data = {f"c{c.pk}": v for c, v in zip(criteria, [8, 21, 6], strict=True)}
    response = client_for(members[0]).post(
        reverse("registry:score", args=[council.pk, model.pk]), data
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [f"c{criteria[1].pk}"]
    assert not Score.objects.exists()


def test_model_not_under_review_cannot_be_scored(tree, clerk_a, council, members, client_for):
    launched = services.launch_model(
        actor=clerk_a, model=PracticeModelFactory(actor=clerk_a, unit=tree.a.commune)
    )

    with pytest.raises(ValidationError) as refused:
        score_all(council, launched, members[0], MEMBER_1)
    assert refused.value.code == "not_in_review"

    criteria = list(council.rubric.criteria.all())
    data = {f"c{c.pk}": v for c, v in zip(criteria, MEMBER_1, strict=True)}
    response = client_for(members[0]).post(
        reverse("registry:score", args=[council.pk, launched.pk]), data
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Score.objects.exists()


def test_model_of_another_commune_cannot_be_scored_by_this_council(
    tree, clerk_b, council, members, client_for
):
    other = put_under_review(PracticeModelFactory(actor=clerk_b, unit=tree.b.commune))

    with pytest.raises(ValidationError) as refused:
        score_all(council, other, members[0], MEMBER_1)
    assert refused.value.code == "scope"
    url = reverse("registry:score", args=[council.pk, other.pk])
    assert client_for(members[0]).get(url).status_code == 404
    assert not Score.objects.exists()


def test_council_page_lists_the_models_under_review(council, model, members, client_for, tree):
    waiting = PracticeModelFactory(unit=tree.a.commune, name="Mô hình chưa ra mắt")

    response = client_for(members[0]).get(reverse("registry:council", args=[council.pk]))

    assert [m.pk for m in response.context["models"]] == [model.pk]
    assert waiting.name not in response.content.decode()
