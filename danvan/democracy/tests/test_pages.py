"""Staff pages: each answers its commune's clerk, 404 to a clerk of another commune (GET and
POST), read-only to a viewer; forms call the services and show their refusals; lists keep
their query count whatever their rows."""

import pytest
from django.urls import reverse

from conftest import make_user
from danvan.accounts.models import Role
from danvan.democracy import services
from danvan.democracy.models import Household, Publication, PublicationGroup
from danvan.democracy.tests.conftest import LAST_MONTH, TODAY, add_households, publish

# (URL name, the object of `world` it shows)
STAFF_PAGES = [
    ("democracy:commune", "commune"),
    ("democracy:publications", "commune"),
    ("democracy:votes", "commune"),
    ("democracy:consultations", "commune"),
    ("democracy:boards", "commune"),
    ("democracy:dialogues", "commune"),
    ("democracy:publication", "publication"),
    ("democracy:hamlet", "hamlet"),
    ("democracy:matter", "matter"),
    ("democracy:consultation", "consultation"),
    ("democracy:board", "board"),
    ("democracy:dialogue", "dialogue"),
]
EDIT_ONLY_PAGES = [
    ("democracy:households_import", "hamlet"),
    ("democracy:household", "household"),
    ("democracy:slips", "online"),
]


@pytest.mark.parametrize(("name", "key"), STAFF_PAGES + EDIT_ONLY_PAGES)
def test_clerk_of_the_commune_opens_every_page(world, clerk_a, staff, name, key):
    assert staff(clerk_a).get(reverse(name, args=[world[key]])).status_code == 200


@pytest.mark.parametrize(("name", "key"), STAFF_PAGES + EDIT_ONLY_PAGES)
def test_clerk_of_another_commune_gets_404_on_every_page(world, clerk_b, staff, name, key):
    client = staff(clerk_b)
    url = reverse(name, args=[world[key]])
    assert client.get(url).status_code == 404
    # Read-only pages answer POST with 405, whoever asks.
    assert client.post(url, {"action": "tally"}).status_code in (404, 405)


@pytest.mark.parametrize(("name", "key"), STAFF_PAGES)
def test_front_clerk_of_the_same_ward_is_another_branch(world, front_clerk_a, staff, name, key):
    assert staff(front_clerk_a).get(reverse(name, args=[world[key]])).status_code == 404


@pytest.fixture
def viewer_a(tree):
    return make_user("viewer_a", Role.VIEWER, tree.a.commune, full_name="Người xem Ba Đình")


@pytest.mark.parametrize(("name", "key"), STAFF_PAGES)
def test_a_viewer_reads_but_cannot_post(world, viewer_a, staff, name, key):
    client = staff(viewer_a)
    url = reverse(name, args=[world[key]])
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="csrfmiddlewaretoken"' not in page.content.split(b"<main")[1]
    assert client.post(url, {"action": "x"}).status_code in (404, 405)


@pytest.mark.parametrize(("name", "key"), EDIT_ONLY_PAGES)
def test_a_viewer_does_not_reach_the_editing_pages(world, viewer_a, staff, name, key):
    assert staff(viewer_a).get(reverse(name, args=[world[key]])).status_code == 404


def test_home_sends_a_clerk_to_the_commune_and_lists_communes_for_the_city(
    world, clerk_a, city_officer, no_role_user, staff
):
    response = staff(clerk_a).get(reverse("democracy:home"))
    assert response.status_code == 302
    assert response.url == reverse("democracy:commune", args=[world["commune"]])
    page = staff(city_officer).get(reverse("democracy:home")).content.decode()
    assert "Phường Ba Đình" in page and "Phường Hà Đông" in page
    assert staff(no_role_user).get(reverse("democracy:home")).status_code == 403


def test_recognising_is_the_chair_s_not_the_clerk_s(world, clerk_a, city_officer, staff):
    url = reverse("democracy:matter", args=[world["matter"]])
    staff(clerk_a).post(url, {"action": "minutes", "minutes-sent_on": TODAY.isoformat()})
    page = staff(clerk_a).get(url).content.decode()
    assert "Recognise the result" not in page
    staff(clerk_a).post(url, {"action": "recognise", "recognise-number": "5/QĐ-UBND"})
    assert "5/QĐ-UBND" not in staff(clerk_a).get(url).content.decode()
    response = staff(city_officer).post(
        url,
        {
            "action": "recognise",
            "recognise-number": "5/QĐ-UBND",
            "recognise-recognised_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    assert "5/QĐ-UBND" in staff(city_officer).get(url).content.decode()


def test_publication_dated_before_its_document_shows_the_refusal(world, clerk_a, staff):
    group = PublicationGroup.objects.get(code="ho-tro")
    response = staff(clerk_a).post(
        reverse("democracy:publications", args=[world["commune"]]),
        {
            "group": group.pk,
            "title": "Danh sách hộ cận nghèo",
            "document_date": "2026-03-02",
            "published_on": "2026-03-01",
            "channels": ["notice_board"],
        },
    )
    assert response.status_code == 200
    assert "cannot be dated before its document" in response.content.decode()
    assert Publication.objects.count() == 1


def test_tally_above_the_register_shows_the_refusal(tree, clerk_a, staff):
    add_households(tree.a.hamlet, 10)
    matter = services.open_matter(
        actor=clerk_a,
        hamlet=tree.a.hamlet,
        kind="other",
        title="X",
        method="meeting",
        vote_date=LAST_MONTH,
    )
    response = staff(clerk_a).post(
        reverse("democracy:matter", args=[matter.pk]),
        {
            "action": "tally",
            "tally-participated": 11,
            "tally-yes": 11,
            "tally-no": 0,
            "tally-invalid": 0,
            "tally-minutes": "Biên bản",
        },
    )
    assert "register has only 10" in response.content.decode()
    matter.refresh_from_db()
    assert matter.outcome == ""


def test_online_matter_of_a_kind_kept_offline_is_refused_on_the_page(tree, clerk_a, staff):
    response = staff(clerk_a).post(
        reverse("democracy:hamlet", args=[tree.a.hamlet.pk]),
        {
            "action": "matter",
            "matter-kind": "contribution",
            "matter-title": "Đóng góp làm đường",
            "matter-method": "online",
            "matter-vote_date": TODAY.isoformat(),
        },
    )
    assert "does not let" in response.content.decode()


def test_board_member_who_is_an_official_is_refused_on_the_page(world, clerk_a, staff):
    response = staff(clerk_a).post(
        reverse("democracy:board", args=[world["board"]]),
        {
            "action": "member",
            "member-full_name": "Lê Văn Cán",
            "member-position": "member",
            "member-is_commune_official": "on",
            "member-joined_on": TODAY.isoformat(),
        },
    )
    assert "commune&#x27;s authorities" in response.content.decode()


def test_household_import_page_writes_the_sheet(tree, clerk_a, staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from danvan.democracy.tests.test_households import workbook

    upload = SimpleUploadedFile(
        "ho-gia-dinh.xlsx", workbook([("Nguyễn Văn An", 4, "Số 3"), ("Trần Thị Bình", 2, "Số 5")])
    )
    response = staff(clerk_a).post(
        reverse("democracy:households_import", args=[tree.a.hamlet.pk]), {"file": upload}
    )
    assert response.status_code == 302
    assert Household.objects.filter(hamlet=tree.a.hamlet).count() == 2


# Query counts: lists do not grow with their rows.


def _count(client, url, captured):
    captured.clear()
    assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("name", "key", "grow"),
    [
        ("democracy:publications", "commune", "publications"),
        ("democracy:commune", "commune", "publications"),
        ("democracy:hamlet", "hamlet", "households"),
        ("democracy:votes", "commune", "matters"),
        ("democracy:consultations", "commune", "consultations"),
        ("democracy:boards", "commune", "boards"),
        ("democracy:dialogues", "commune", "dialogues"),
        ("democracy:consultation", "consultation", "comments"),
        ("democracy:board", "board", "members"),
    ],
)
def test_list_queries_do_not_grow_with_rows(world, tree, clerk_a, staff, name, key, grow):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = staff(clerk_a)
    url = reverse(name, args=[world[key]])
    client.get(url)  # warm the session and caches

    def more():
        if grow == "publications":
            publish(clerk_a, tree.a.commune, 5, title="Thêm")
        elif grow == "households":
            add_households(tree.a.hamlet, 5, start=100 + Household.objects.count())
        elif grow == "matters":
            for _ in range(5):
                services.open_matter(
                    actor=clerk_a,
                    hamlet=tree.a.hamlet,
                    kind="other",
                    title="Y",
                    method="meeting",
                    vote_date=TODAY,
                )
        elif grow == "consultations":
            for _ in range(5):
                services.open_consultation(
                    actor=clerk_a,
                    commune=tree.a.commune,
                    kind="plan",
                    title="Z",
                    summary="S",
                    opens_on=TODAY,
                    closes_on=TODAY,
                )
        elif grow == "boards":
            for _ in range(5):
                services.set_up_board(
                    actor=clerk_a,
                    commune=tree.a.commune,
                    kind="inspection",
                    name="B",
                    term_start=TODAY,
                )
        elif grow == "dialogues":
            for _ in range(5):
                services.record_dialogue(
                    actor=clerk_a,
                    commune=tree.a.commune,
                    held_on=TODAY,
                    place="P",
                    chaired_by="C",
                    participants=1,
                    items=[("Q", "", "")],
                )
        elif grow == "comments":
            from danvan.democracy.models import Consultation

            item = Consultation.objects.get(pk=world["consultation"])
            for i in range(5):
                services.submit_comment(consultation=item, text=f"Ý kiến {i}")
        elif grow == "members":
            from danvan.democracy.models import Board

            board = Board.objects.get(pk=world["board"])
            for i in range(5):
                services.add_member(
                    actor=clerk_a, board=board, full_name=f"Thành viên {i}", joined_on=TODAY
                )

    with CaptureQueriesContext(connection) as captured:
        before = _count(client, url, captured.captured_queries)
        more()
        after = _count(client, url, captured.captured_queries)
    assert after == before
