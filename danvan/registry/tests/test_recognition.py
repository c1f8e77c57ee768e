"""Recognition decisions: level in force, issuer of the model's territory, documents. (A
model's commendation is an award decision: awards/tests/test_commend_models.py.)"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from danvan.registry import services
from danvan.registry.models import Recognition, Status
from danvan.registry.tests.factories import (
    DECISION_DATE,
    PracticeModelFactory,
    council_for,
    docx_text,
    level,
    make_good,
    put_under_review,
    recognise,
    score_all,
)


@pytest.fixture
def council(tree, judge):
    return council_for(tree.city, members=[judge])


@pytest.fixture
def good_model(tree, clerk_a, city_officer, council):
    model = PracticeModelFactory(
        actor=clerk_a, unit=tree.a.hamlet, name="Mô hình Dân vận khéo “Ngõ phố sạch đẹp”"
    )
    return make_good(model, council, actor=clerk_a, decider=city_officer)


def assert_unchanged(model):
    model.refresh_from_db()
    assert model.status == Status.GOOD
    assert model.recognised_level is None
    assert model.recognised_on is None
    assert not Recognition.objects.filter(model=model).exists()


def test_recognising_a_good_model_records_the_decision(tree, good_model, city_officer):
    recognition = recognise(
        good_model,
        actor=city_officer,
        issuer=tree.a.commune,
        level=level("co-so"),
        decision_number=12,
        decision_date=datetime.date(2026, 2, 3),
        signer_name=" Trần Thị Bình ",
        signer_title="Phó Trưởng ban",
    )

    assert recognition.level == level("co-so")
    assert recognition.issuer == tree.a.commune
    assert (recognition.decision_number, recognition.decision_symbol) == (12, "QĐ-BDV")
    assert recognition.decision_date == datetime.date(2026, 2, 3)
    assert (recognition.signer_name, recognition.signer_title) == (
        "Trần Thị Bình",
        "Phó Trưởng ban",
    )
    good_model.refresh_from_db()
    assert good_model.status == Status.RECOGNISED
    assert good_model.recognised_level == level("co-so")
    assert good_model.recognised_on == datetime.date(2026, 2, 3)
    assert good_model.changes.last().actor == city_officer


def test_board_officer_recognises_from_the_decision_page(
    tree, good_model, city_officer, client_for
):
    response = client_for(city_officer).post(
        reverse("registry:recognise", args=[good_model.pk]),
        {
            "issuer": tree.city.pk,
            "level": level("thanh-pho").pk,
            "decision_number": "7",
            "decision_symbol": "QĐ-BDV",
            "decision_date": "2026-01-05",
            "signer_name": "Nguyễn Văn An",
            "signer_title": "Trưởng ban",
        },
    )

    assert response.status_code == 302
    good_model.refresh_from_db()
    assert good_model.status == Status.RECOGNISED
    assert good_model.recognised_level == level("thanh-pho")
    assert good_model.recognitions.get().issuer == tree.city


def test_clerk_cannot_open_the_decision_page(good_model, clerk_a, client_for):
    response = client_for(clerk_a).get(reverse("registry:recognise", args=[good_model.pk]))
    assert response.status_code == 404


def test_level_abolished_before_the_decision_date_is_refused(tree, good_model, city_officer):
    with pytest.raises(ValidationError) as refused:
        recognise(good_model, actor=city_officer, level=level("huyen"), decision_date=DECISION_DATE)

    assert refused.value.code == "level"
    assert_unchanged(good_model)


def test_level_is_accepted_on_its_last_day_in_force(tree, good_model, city_officer):
    recognise(
        good_model,
        actor=city_officer,
        level=level("huyen"),
        decision_date=datetime.date(2025, 6, 30),
    )
    good_model.refresh_from_db()
    assert good_model.recognised_level == level("huyen")


def unit_at(tree, dotted: str):
    unit = tree
    for part in dotted.split("."):
        unit = getattr(unit, part)
    return unit


@pytest.mark.parametrize("issuer", ["b.commune", "b.party", "b.state", "b.hamlet", "a.hamlet"])
def test_issuer_outside_the_models_territory_is_refused(tree, good_model, city_officer, issuer):
    """Ward B's bodies do not decide for ward A's models, and a hamlet issues no decisions."""
    with pytest.raises(ValidationError) as refused:
        recognise(good_model, actor=city_officer, issuer=unit_at(tree, issuer))

    assert refused.value.code == "issuer"
    assert_unchanged(good_model)


@pytest.mark.parametrize(
    "issuer",
    ["a.commune", "a.party", "a.state", "a.front", "city", "city_party"],
)
def test_issuer_may_be_any_body_whose_territory_holds_the_model(
    tree, good_model, city_officer, issuer
):
    """A unit decides for its ward (or, at the city, the whole city): ward A's Party committee
    for ward A's models, the city Party committee for every ward's."""
    unit = unit_at(tree, issuer)

    recognise(good_model, actor=city_officer, issuer=unit)

    assert good_model.recognitions.get().issuer == unit
    good_model.refresh_from_db()
    assert good_model.status == Status.RECOGNISED


@pytest.mark.parametrize(
    ("unit", "territory"),
    [
        ("city", "city"),
        ("city_party", "city"),
        ("a.commune", "a.commune"),
        ("a.party", "a.commune"),
        ("a.hamlet", "a.commune"),
        ("b.state", "b.commune"),
    ],
)
def test_territory_of_a_unit_is_its_ward_or_province(tree, unit, territory):
    assert services.territory_of(unit_at(tree, unit)) == unit_at(tree, territory)


def test_administrator_of_another_ward_cannot_decide_in_the_name_of_ward_a(
    tree, good_model, admin_b
):
    """The actor must be a decider reaching the issuer: ward B's administrator is not."""
    with pytest.raises(PermissionDenied):
        recognise(good_model, actor=admin_b, issuer=tree.a.commune)

    assert_unchanged(good_model)


@pytest.mark.parametrize("status", [Status.UNDER_REVIEW, Status.WEAK])
def test_only_a_model_classified_good_can_be_recognised(
    tree, clerk_a, city_officer, judge, council, status
):
    model = put_under_review(PracticeModelFactory(actor=clerk_a, unit=tree.a.commune))
    if status == Status.WEAK:  # the council's result, as a clerk cannot set it by hand
        score_all(council, model, judge, [0])
        services.classify_model(actor=city_officer, council=council, model=model)
        model.refresh_from_db()
        assert model.status == Status.WEAK

    with pytest.raises(ValidationError) as refused:
        recognise(model, actor=city_officer)

    assert refused.value.code == "transition"
    model.refresh_from_db()
    assert model.status == status
    assert model.recognised_level is None
    assert not Recognition.objects.exists()


# The decision as a document


def download(client, recognition, fmt):
    return client.get(
        reverse("registry:decision", args=[recognition.model_id, recognition.pk, fmt])
    )


@pytest.fixture
def state_decision(tree, clerk_a, council, city_officer):
    """Decision 5/QĐ-BDV of ward A's People's Committee for one of its own models."""
    model = PracticeModelFactory(
        actor=clerk_a, unit=tree.a.state, name="Mô hình “Một cửa thân thiện”"
    )
    make_good(model, council)
    return recognise(
        model, actor=city_officer, issuer=tree.a.state, decision_number=5, decision_symbol="QĐ-BDV"
    )


def test_decision_docx_opens_and_carries_number_date_and_model(state_decision, clerk_a, client_for):
    response = download(client_for(clerk_a), state_decision, "docx")

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert 'filename="quyet-dinh-05-2026.docx"' in response["Content-Disposition"]
    text = docx_text(response.content)
    assert "Số: 05/QĐ-BDV" in text
    assert "Hà Nội, ngày 05 tháng 01 năm 2026" in text
    assert "Mô hình “Một cửa thân thiện”" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" not in text


def test_party_decision_has_the_party_heading(tree, clerk_a, city_officer, council, client_for):
    """The city Party committee recognises a model of ward A: a Party decision."""
    model = PracticeModelFactory(
        actor=clerk_a, unit=tree.a.hamlet, name="Mô hình “Dân vận khéo” của tổ dân phố"
    )
    make_good(model, council)
    recognition = recognise(
        model,
        actor=city_officer,
        issuer=tree.city_party,
        decision_number=5,
        decision_symbol="QĐ/TU",
    )

    text = docx_text(download(client_for(city_officer), recognition, "docx").content)

    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "Số 05-QĐ/TU" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in text


def test_decision_pdf_is_a_pdf(state_decision, clerk_a, client_for):
    response = download(client_for(clerk_a), state_decision, "pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_decision_of_another_model_is_not_found(state_decision, good_model, clerk_a, client_for):
    url = reverse("registry:decision", args=[good_model.pk, state_decision.pk, "docx"])
    assert client_for(clerk_a).get(url).status_code == 404


def test_decision_in_an_unknown_format_is_not_found(state_decision, clerk_a, client_for):
    assert download(client_for(clerk_a), state_decision, "odt").status_code == 404


def test_the_decision_page_offers_the_bodies_of_the_ward_and_the_city(
    tree, good_model, city_officer, client_for
):
    page = client_for(city_officer).get(reverse("registry:recognise", args=[good_model.pk]))
    choices = {u.pk for u in page.context["form"].fields["issuer"].queryset}
    assert {tree.city.pk, tree.city_party.pk, tree.a.commune.pk, tree.a.party.pk} <= choices
    assert tree.a.hamlet.pk not in choices and tree.b.commune.pk not in choices
