"""The staff pages: scope, identities kept out of every page and file, sensitive topics
hidden, a denied case for every permission, query counts that do not grow with rows."""

import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from danvan.core.models import AuditEntry
from danvan.opinion import services
from danvan.opinion.models import OpinionItem, OpinionReport
from danvan.opinion.tests.conftest import FEB, RELIGIOUS, SECRET_NAME, SECRET_PHONE, at, item

pytestmark = pytest.mark.django_db
MONTH = "2026-02"


def _pages(tree, report):
    city = tree.city.pk
    return [
        f"{reverse('opinion:synthesis')}?unit={city}&month={MONTH}",
        f"{reverse('opinion:missing')}?unit={city}&month={MONTH}",
        f"{reverse('opinion:reports')}?unit={city}",
        f"{reverse('opinion:collaborators')}?unit={city}",
        reverse("opinion:report", args=[report.pk]),
        reverse("opinion:report_new"),
    ]


def _docx_text(body: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return archive.read("word/document.xml").decode()


def test_identities_absent_from_every_page_and_file(tree, ctv, city_admin, staff, filed):
    client = staff(city_admin)
    for url in _pages(tree, filed):
        page = client.get(url).content.decode()
        assert SECRET_NAME not in page and SECRET_PHONE not in page, url
    response = client.get(
        f"{reverse('opinion:export', args=['docx'])}?unit={tree.city.pk}&month={MONTH}"
    )
    assert response.status_code == 200
    text = _docx_text(response.content)
    assert "BÁO CÁO" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "Đất đai" in text
    assert SECRET_NAME not in text and SECRET_PHONE not in text
    assert not any(c.code in text for c in ctv.values())  # aggregate: not even the codes


def test_pdf_export(tree, city_officer, staff, filed):
    response = staff(city_officer).get(
        f"{reverse('opinion:export', args=['pdf'])}?unit={tree.city.pk}&month={MONTH}"
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_lists_show_codes(tree, ctv, city_officer, staff, filed):
    client = staff(city_officer)
    page = client.get(f"{reverse('opinion:collaborators')}?unit={tree.city.pk}").content.decode()
    assert all(c.code in page for c in ctv.values())
    missing = client.get(
        f"{reverse('opinion:missing')}?unit={tree.city.pk}&month={MONTH}"
    ).content.decode()
    assert "CTV-BD-0002" in missing and "CTV-HD-0001" not in missing.split("have not reported")[1]


def test_identity_page_for_the_units_administrator_only(
    tree, ctv, city_admin, admin_b, clerk_a, staff
):
    url = reverse("opinion:identity", args=[ctv["a1"].pk])
    page = staff(city_admin).get(url)
    assert page.status_code == 200 and SECRET_NAME in page.content.decode()
    assert AuditEntry.objects.filter(action="opinion.identity_read").count() == 1
    assert staff(clerk_a).get(url).status_code == 404
    assert staff(admin_b).get(url).status_code == 404
    assert AuditEntry.objects.filter(action="opinion.identity_read").count() == 1


def test_sensitive_topic_hidden_from_a_clerk(tree, clerk_a, city_officer, staff, filed):
    clerk = staff(clerk_a)
    for url in [
        f"{reverse('opinion:synthesis')}?unit={tree.a.commune.pk}&month={MONTH}",
        reverse("opinion:report", args=[filed.pk]),
    ]:
        page = clerk.get(url).content.decode()
        assert "Religion" not in page and "Tôn giáo" not in page and RELIGIOUS not in page
    docx = clerk.get(
        f"{reverse('opinion:export', args=['docx'])}?unit={tree.a.commune.pk}&month={MONTH}"
    )
    assert "Tôn giáo" not in _docx_text(docx.content)
    listed = clerk.get(f"{reverse('opinion:reports')}?unit={tree.a.commune.pk}&month={MONTH}")
    assert listed.context["page"].object_list[0].item_count == 4  # of 5: one is religious
    officer = staff(city_officer)
    assert RELIGIOUS in officer.get(reverse("opinion:report", args=[filed.pk])).content.decode()
    assert (
        "Tôn giáo"
        in officer.get(
            f"{reverse('opinion:synthesis')}?unit={tree.city.pk}&month={MONTH}"
        ).content.decode()
    )


def test_clerk_enters_a_report(tree, ctv, clerk_a, staff, topics):
    data = {
        "collaborator": ctv["a1"].pk,
        "kind": "urgent",
        "summary": "",
        "item-0-topic": topics["an-ninh-trat-tu"].pk,
        "item-0-breadth": "3",
        "item-0-tendency": "2",
        "item-0-intensity": "3",
        "item-0-content": "Người dân lo ngại trộm cắp xe máy tăng ở tổ dân phố số 1.",
    }
    for i in range(1, 5):
        data[f"item-{i}-intensity"] = "2"
    response = staff(clerk_a).post(reverse("opinion:report_new"), data)
    assert response.status_code == 302
    report = OpinionReport.objects.get()
    assert report.kind == "urgent" and report.items.count() == 1


def test_bad_report_shows_the_message_and_writes_nothing(tree, ctv, clerk_a, staff, topics):
    data = {
        "collaborator": ctv["a1"].pk,
        "kind": "monthly",
        "month": f"{timezone.localdate():%Y-%m}",
        "item-0-topic": topics["dat-dai"].pk,
        "item-0-intensity": "2",
        "item-0-content": "Thiếu mức độ lan tỏa.",
    }
    for i in range(1, 5):
        data[f"item-{i}-intensity"] = "2"
    response = staff(clerk_a).post(reverse("opinion:report_new"), data)
    assert response.status_code == 200
    assert "choose how widely" in response.content.decode()
    assert not OpinionReport.objects.exists()


def test_form_offers_only_collaborators_in_scope(tree, ctv, clerk_a, staff):
    page = staff(clerk_a).get(reverse("opinion:report_new")).content.decode()
    assert "CTV-BD-0001" in page and "CTV-HD-0001" not in page


# --- Denied: one for each permission -----------------------------------------------------------


def test_viewing_denied_outside_scope(tree, clerk_b, no_role_user, staff, filed):
    other = staff(clerk_b)
    assert other.get(reverse("opinion:report", args=[filed.pk])).status_code == 404
    for name in (
        "opinion:synthesis",
        "opinion:missing",
        "opinion:reports",
        "opinion:collaborators",
    ):
        assert other.get(f"{reverse(name)}?unit={tree.a.commune.pk}").status_code == 404
        assert staff(no_role_user).get(reverse(name)).status_code == 404
    url = f"{reverse('opinion:export', args=['docx'])}?unit={tree.a.commune.pk}&month={MONTH}"
    assert other.get(url).status_code == 404


def test_anonymous_is_sent_to_login(client):
    assert client.get(reverse("opinion:synthesis")).status_code == 302


def test_entering_denied_without_edit(tree, ctv, no_role_user, staff):
    assert staff(no_role_user).get(reverse("opinion:report_new")).status_code == 404


def test_registering_denied_to_a_clerk(tree, clerk_a, staff):
    assert staff(clerk_a).get(reverse("opinion:collaborator_new")).status_code == 404


def test_administrator_registers_a_collaborator(tree, city_admin, staff):
    response = staff(city_admin).post(
        reverse("opinion:collaborator_new"),
        {"unit": tree.a.commune.pk, "full_name": "Phạm Văn Mới", "phone": "0900000001"},
    )
    assert response.status_code == 302
    page = staff(city_admin).get(response.url).content.decode()
    assert "Phạm Văn Mới" not in page and "CTV-" in page


def test_acknowledging_denied_to_a_clerk(tree, ctv, clerk_a, city_officer, staff, topics):
    report = services.file_urgent_report(
        actor=clerk_a, collaborator=ctv["a1"], items=[item(topics["dat-dai"])]
    )
    url = reverse("opinion:acknowledge", args=[report.pk])
    assert staff(clerk_a).post(url).status_code == 404
    report.refresh_from_db()
    assert report.acknowledged_at is None
    assert staff(city_officer).post(url).status_code == 302
    report.refresh_from_db()
    assert report.acknowledged_at is not None


def test_handling_denied_outside_scope(tree, clerk_a, clerk_b, staff, filed):
    rumour = OpinionItem.objects.filter(report=filed, is_rumour=False).first()
    url = reverse("opinion:handle", args=[rumour.pk])
    assert staff(clerk_b).post(url, {"note": "x"}).status_code == 404
    assert staff(clerk_a).post(url, {"note": "Đã giải thích tại họp tổ."}).status_code == 302
    rumour.refresh_from_db()
    assert rumour.handled


# --- Query counts ------------------------------------------------------------------------------


def _more_reports(ctv, clerk_a, topics, n):
    for i in range(n):
        collaborator = services.register_collaborator(
            actor=None, unit=ctv["a1"].unit, full_name=f"Người {i}", since=FEB
        )
        services.file_monthly_report(
            actor=clerk_a,
            collaborator=collaborator,
            month=FEB,
            now=at(2026, 3, 3),
            items=[item(topics["dat-dai"]), item(topics["moi-truong"])],
        )


@pytest.mark.parametrize(
    "name", ["opinion:reports", "opinion:collaborators", "opinion:missing", "opinion:synthesis"]
)
def test_lists_do_not_grow_with_rows(
    name, tree, ctv, clerk_a, city_officer, staff, topics, filed, django_assert_max_num_queries
):
    client = staff(city_officer)
    url = f"{reverse(name)}?unit={tree.city.pk}&month={MONTH}"
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    _more_reports(ctv, clerk_a, topics, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
