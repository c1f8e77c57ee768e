"""Registering a model: the 2026 ward form, required items, the unit's scope, similar names."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from danvan.core.models import AuditEntry
from danvan.registry import services
from danvan.registry.models import ModelKind, PracticeModel, Status, Tag
from danvan.registry.tests.factories import PracticeModelFactory, field

NEW = reverse("registry:create")


def form_data(unit, **overrides):
    data = {
        "name": "Mô hình “Dân vận khéo” Ngõ phố văn minh",
        "kind": ModelKind.COLLECTIVE,
        "field": field("van-hoa-xa-hoi").pk,
        "tags": [Tag.objects.get(name="Đô thị văn minh").pk],
        "unit": unit.pk,
        "year": 2026,
        "situation": "Ngõ phố nhiều rác thải, lấn chiếm vỉa hè.",
        "goals": "100% hộ dân ký cam kết; không còn điểm rác tự phát.",
        "content": "Tổ dân phố họp dân, chia ca trực vệ sinh, gắn biển tên ngõ.",
        "area": "Tổ dân phố số 1, 320 hộ dân.",
        "forces": "Chi bộ lãnh đạo, Mặt trận và các đoàn thể vận động.",
        "resources": "15 triệu đồng xã hội hóa, 200 ngày công.",
        "start_date": "2026-03-01",
        "milestones": "Tháng 6: sơ kết; tháng 11: tổng kết.",
        "review_date": "2026-12-15",
        "outputs": "Biên bản cam kết, ảnh trước và sau.",
        "sustainability": "Quy ước tổ dân phố, nhân rộng ra các tổ khác.",
        "results": "",
    }
    data.update(overrides)
    return data


def unit_choices(response) -> set[int]:
    return {unit.pk for unit in response.context["form"].fields["unit"].queryset}


def test_clerk_registers_a_model_with_every_item_of_the_form(tree, clerk_a, client_for):
    response = client_for(clerk_a).post(NEW, form_data(tree.a.hamlet))

    model = PracticeModel.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("registry:detail", args=[model.pk])
    assert model.name == "Mô hình “Dân vận khéo” Ngõ phố văn minh"
    assert model.unit == tree.a.hamlet
    assert model.field == field("van-hoa-xa-hoi")
    assert [t.name for t in model.tags.all()] == ["Đô thị văn minh"]
    assert model.year == 2026
    assert model.area == "Tổ dân phố số 1, 320 hộ dân."
    assert model.forces == "Chi bộ lãnh đạo, Mặt trận và các đoàn thể vận động."
    assert model.resources == "15 triệu đồng xã hội hóa, 200 ngày công."
    assert model.start_date == datetime.date(2026, 3, 1)
    assert model.review_date == datetime.date(2026, 12, 15)
    assert model.milestones == "Tháng 6: sơ kết; tháng 11: tổng kết."
    assert model.outputs == "Biên bản cam kết, ảnh trước và sau."
    assert model.sustainability == "Quy ước tổ dân phố, nhân rộng ra các tổ khác."
    assert model.status == Status.REGISTERED
    assert model.created_by == clerk_a
    assert [(c.from_status, c.to_status) for c in model.changes.all()] == [("", "registered")]
    assert AuditEntry.objects.filter(action="registry.register", object_id=str(model.pk)).exists()


def test_registration_form_offers_only_units_in_the_clerks_scope(tree, clerk_a, client_for):
    response = client_for(clerk_a).get(NEW)

    assert response.status_code == 200
    choices = unit_choices(response)
    assert {tree.a.commune.pk, tree.a.party.pk, tree.a.hamlet.pk} <= choices
    assert tree.b.commune.pk not in choices
    assert tree.b.hamlet.pk not in choices
    assert tree.city.pk not in choices


def test_front_clerk_registers_only_for_the_front(tree, front_clerk_a, client_for):
    response = client_for(front_clerk_a).get(NEW)

    assert unit_choices(response) == {tree.a.front.pk}


def test_registration_without_required_items_is_refused_and_writes_nothing(
    tree, clerk_a, client_for
):
    data = form_data(tree.a.commune, situation="", goals="", content="", field="")

    response = client_for(clerk_a).post(NEW, data)

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"situation", "goals", "content", "field"}
    assert response.content.decode().count("Trường này là bắt buộc.") == 4
    assert not PracticeModel.objects.exists()
    assert not AuditEntry.objects.filter(action="registry.register").exists()


def test_register_model_names_the_missing_items(tree, clerk_a):
    with pytest.raises(ValidationError) as refused:
        services.register_model(
            actor=clerk_a, unit=tree.a.commune, name="Mô hình thiếu nội dung", year=2026
        )

    assert refused.value.code == "required"
    message = refused.value.messages[0]
    for name in ["field", "situation", "goals", "content"]:
        assert str(PracticeModel._meta.get_field(name).verbose_name) in message
    assert str(PracticeModel._meta.get_field("year").verbose_name) not in message
    assert not PracticeModel.objects.exists()


def test_clerk_cannot_register_a_model_for_another_commune(tree, clerk_a, client_for):
    response = client_for(clerk_a).post(NEW, form_data(tree.b.hamlet))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["unit"]
    assert not PracticeModel.objects.exists()


def test_register_model_refuses_a_unit_outside_the_actors_scope(tree, clerk_a):
    with pytest.raises(PermissionDenied):
        PracticeModelFactory(actor=clerk_a, unit=tree.b.commune)
    assert not PracticeModel.objects.exists()
    assert not AuditEntry.objects.filter(action="registry.register").exists()


@pytest.mark.parametrize("user", ["viewer_a", "no_role_user"])
def test_user_without_an_editing_role_cannot_open_the_registration_form(request, client_for, user):
    response = client_for(request.getfixturevalue(user)).get(NEW)
    assert response.status_code == 403


def test_year_before_the_movement_began_is_refused(tree, clerk_a, client_for):
    response = client_for(clerk_a).post(NEW, form_data(tree.a.commune, year=2008))

    assert list(response.context["form"].errors) == ["year"]
    assert not PracticeModel.objects.exists()


# Similar models while typing the name


def similar(client, name):
    return client.get(reverse("registry:similar"), {"name": name}).content.decode()


def test_similar_models_show_while_typing_without_marks(tree, clerk_a, clerk_b, client_for):
    mine = PracticeModelFactory(
        actor=clerk_a, unit=tree.a.hamlet, name="Mô hình Dân vận khéo giữ gìn vệ sinh ngõ xóm"
    )
    other = PracticeModelFactory(
        actor=clerk_b, unit=tree.b.hamlet, name="Mô hình Dân vận khéo Hà Đông xanh"
    )
    unrelated = PracticeModelFactory(actor=clerk_a, unit=tree.a.commune, name="Chợ an toàn")

    html = similar(client_for(clerk_a), "dan van kheo")

    assert mine.name in html
    assert reverse("registry:detail", args=[mine.pk]) in html
    assert other.name not in html
    assert unrelated.name not in html


def test_similar_models_of_other_communes_stay_hidden(tree, clerk_a, clerk_b, client_for):
    other = PracticeModelFactory(
        actor=clerk_b, unit=tree.b.hamlet, name="Mô hình Dân vận khéo Hà Đông xanh"
    )

    assert other.name not in similar(client_for(clerk_a), "Dân vận khéo Hà Đông")
    assert other.name in similar(client_for(clerk_b), "Dân vận khéo Hà Đông")


# Editing


def test_clerk_edits_a_model_and_the_change_is_audited(tree, clerk_a, client_for):
    model = PracticeModelFactory(actor=clerk_a, unit=tree.a.commune, name="Mô hình cũ")

    response = client_for(clerk_a).post(
        reverse("registry:edit", args=[model.pk]),
        form_data(tree.a.hamlet, name="Mô hình Nhà sạch ngõ đẹp"),
    )

    assert response.status_code == 302
    model.refresh_from_db()
    assert model.name == "Mô hình Nhà sạch ngõ đẹp"
    assert model.unit == tree.a.hamlet
    entry = AuditEntry.objects.get(action="registry.update", object_id=str(model.pk))
    assert entry.before["name"] == "Mô hình cũ"
    assert entry.after["name"] == model.name
    assert list(PracticeModel.objects.search("nha sach")) == [model]
    assert not PracticeModel.objects.search("mo hinh cu").exists()


def test_clerk_cannot_move_a_model_to_another_commune_by_editing(tree, clerk_a, client_for):
    model = PracticeModelFactory(actor=clerk_a, unit=tree.a.commune)

    response = client_for(clerk_a).post(
        reverse("registry:edit", args=[model.pk]), form_data(tree.b.commune)
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["unit"]
    model.refresh_from_db()
    assert model.unit == tree.a.commune


def test_withdrawn_model_can_no_longer_be_edited(tree, clerk_a, client_for):
    model = services.withdraw_model(
        actor=clerk_a, model=PracticeModelFactory(actor=clerk_a, unit=tree.a.commune)
    )

    response = client_for(clerk_a).post(
        reverse("registry:edit", args=[model.pk]), form_data(tree.a.commune, name="Tên mới")
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    model.refresh_from_db()
    assert model.name != "Tên mới"


def test_similar_models_in_other_words_show_too(tree, clerk_a, client_for):
    kept = PracticeModelFactory(
        actor=clerk_a, unit=tree.a.hamlet, name="Mô hình Dân vận khéo giữ gìn vệ sinh ngõ xóm"
    )
    unrelated = PracticeModelFactory(actor=clerk_a, unit=tree.a.commune, name="Chợ an toàn")

    html = similar(client_for(clerk_a), "Giữ sạch vệ sinh ngõ xóm")

    assert kept.name in html
    assert unrelated.name not in html
