"""The cadres' pages: every URL answers 404 outside the reader's scope, forms go through
the services, the lists' queries do not grow with their rows."""

import datetime

import pytest
from django.urls import reverse

from danvan.cadres import services
from danvan.cadres.models import Cadre, Discipline, Posting, Sex, Training
from danvan.cadres.tests.conftest import make_cadre, post
from danvan.core.models import AuditEntry


@pytest.fixture
def records(tree, old, cadre_a):
    """Ward A's cadre with a past posting, a training, a discipline and an event."""
    posting = post(cadre_a, old.commune, "Trưởng khối Dân vận", (2010, 1, 1), (2020, 1, 1))
    course = services.find_or_create_course(
        name="Bồi dưỡng nghiệp vụ công tác dân vận",
        organiser="Ban Dân vận Thành ủy",
        level="refresher",
        start=datetime.date(2019, 5, 6),
        hours=40,
    )
    training = services.record_training(cadre_a, actor=None, course=course, result="good")
    discipline = Discipline.objects.create(
        cadre=cadre_a, form="reprimand", date=datetime.date(2024, 1, 1), unit=tree.a.party
    )
    event = services.create_event(
        actor=None,
        unit=tree.a.commune,
        name="Gặp mặt các thế hệ",
        date=datetime.date(2026, 10, 15),
        place="Hội trường",
    )
    invitee = event.invitees.create(cadre=cadre_a, title="Trưởng khối Dân vận")
    return {
        "cadre": cadre_a,
        "posting": posting,
        "training": training,
        "discipline": discipline,
        "event": event,
        "invitee": invitee,
    }


def object_urls(r):
    """Every staff URL naming an object of ward A (GET; the POST-only ones answer 405)."""
    c, e = r["cadre"].pk, r["event"].pk
    return [
        reverse("cadres:detail", args=[c]),
        reverse("cadres:edit", args=[c]),
        reverse("cadres:sensitive_edit", args=[c]),
        reverse("cadres:posting_add", args=[c]),
        reverse("cadres:posting_edit", args=[c, r["posting"].pk]),
        reverse("cadres:training_add", args=[c]),
        reverse("cadres:discipline_add", args=[c]),
        reverse("cadres:discipline_edit", args=[c, r["discipline"].pk]),
        reverse("cadres:event", args=[e]),
        reverse("cadres:event_edit", args=[e]),
        reverse("cadres:event_programme", args=[e]),
        reverse("cadres:event_invite", args=[e]),
        reverse("cadres:event_document", args=[e, "programme"]),
        reverse("cadres:event_document", args=[e, "invitees"]),
    ]


def post_urls(r):
    c, e = r["cadre"].pk, r["event"].pk
    return [
        reverse("cadres:sensitive", args=[c]),
        reverse("cadres:posting_delete", args=[c, r["posting"].pk]),
        reverse("cadres:training_delete", args=[c, r["training"].pk]),
        reverse("cadres:event_uninvite", args=[e, r["invitee"].pk]),
        reverse("cadres:event_attendance", args=[e]),
        reverse("cadres:event_invite", args=[e]),
    ]


def test_every_url_of_another_ward_is_404(records, clerk_b, admin_b, client_for):
    for user in (clerk_b, admin_b):
        client = client_for(user)
        for url in object_urls(records):
            assert client.get(url).status_code == 404, url
        for url in post_urls(records):
            assert client.post(url).status_code == 404, url
    assert Posting.objects.filter(pk=records["posting"].pk).exists()
    assert Training.objects.filter(pk=records["training"].pk).exists()
    assert records["event"].invitees.count() == 1


def test_a_ward_outside_the_unit_cannot_open_its_generations(records, tree, clerk_b, client_for):
    url = reverse("cadres:generations") + f"?unit={tree.a.commune.pk}"
    assert client_for(clerk_b).get(url).status_code == 404


def test_clerk_reads_but_cannot_discipline_or_read_sensitive(records, clerk_a, client_for):
    client = client_for(clerk_a)
    c = records["cadre"].pk
    assert client.get(reverse("cadres:detail", args=[c])).status_code == 200
    assert client.get(reverse("cadres:edit", args=[c])).status_code == 200
    assert client.get(reverse("cadres:discipline_add", args=[c])).status_code == 404
    assert client.get(reverse("cadres:sensitive_edit", args=[c])).status_code == 404
    assert client.post(reverse("cadres:sensitive", args=[c])).status_code == 404
    page = client.get(reverse("cadres:detail", args=[c])).content.decode()
    assert "Hiện dân tộc, tôn giáo" not in page


def test_user_without_role_is_refused_everywhere(records, no_role_user, client_for):
    client = client_for(no_role_user)
    for name in ("cadres:list", "cadres:generations", "cadres:events", "cadres:create"):
        assert client.get(reverse(name)).status_code in (403, 404), name
    for url in object_urls(records):
        assert client.get(url).status_code == 404, url


def test_visitor_is_sent_to_login(records, client):
    response = client.get(reverse("cadres:detail", args=[records["cadre"].pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_shows_only_the_wards_cadres(tree, clerk_a, client_for, cadre_a, cadre_b):
    page = client_for(clerk_a).get(reverse("cadres:list")).content.decode()
    assert "Nguyễn Thị Hoa" in page and "Trần Văn Bình" not in page
    assert "Trưởng ban Dân vận Đảng ủy, Đảng ủy Phường Ba Đình" in page


def test_the_list_filters_by_name_without_marks_and_by_status(tree, city_officer, client_for):
    make_cadre(tree.a.party, "Nguyễn Thị Hoa")
    make_cadre(
        tree.a.party, "Lê Văn Tâm", sex=Sex.MALE, born=1950, retired_on=datetime.date(2010, 1, 1)
    )
    client = client_for(city_officer)
    page = client.get(reverse("cadres:list") + "?q=nguyen+thi").content.decode()
    assert "Nguyễn Thị Hoa" in page and "Lê Văn Tâm" not in page
    page = client.get(reverse("cadres:list") + "?status=retired").content.decode()
    assert "Lê Văn Tâm" in page and "Nguyễn Thị Hoa" not in page


def _many(tree, n, start=0):
    for i in range(start, start + n):
        cadre = make_cadre(tree.a.party, f"Cán bộ số {i}", born=1960 + i % 30)
        post(cadre, tree.a.party, "Cán bộ Dân vận", (2025, 7, 1))
        post(cadre, tree.a.front, "Ủy viên", (2025, 8, 1))


def test_list_queries_do_not_grow_with_rows(
    tree, city_officer, client_for, django_assert_max_num_queries
):
    client = client_for(city_officer)
    _many(tree, 3)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("cadres:list"))
    _many(tree, 30, start=3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("cadres:list"))
    assert response.content.decode().count("Cán bộ số") == 33


def test_generations_and_events_queries_do_not_grow(
    tree, old, city_officer, client_for, django_assert_max_num_queries
):
    client = client_for(city_officer)
    event = services.create_event(
        actor=None, unit=tree.a.commune, name="Gặp mặt", date=datetime.date(2026, 1, 1), place="X"
    )
    _many(tree, 3)
    services.invite(event, Cadre.objects.all(), actor=None)
    urls = [
        reverse("cadres:generations") + f"?unit={tree.a.commune.pk}",
        reverse("cadres:event", args=[event.pk]),
        reverse("cadres:event_invite", args=[event.pk]),
        reverse("cadres:events"),
    ]
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(25) as captured:
            client.get(url)
        counts[url] = len(captured.captured_queries)
    _many(tree, 20, start=3)
    services.invite(event, Cadre.objects.all(), actor=None)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200


def test_profile_shows_postings_training_and_open_discipline(records, city_officer, client_for):
    page = client_for(city_officer).get(reverse("cadres:detail", args=[records["cadre"].pk]))
    text = page.content.decode()
    assert "Trưởng khối Dân vận" in text and "Phường Trúc Bạch" in text
    assert "đã kết thúc 30/06/2025" in text or "30/06/2025" in text
    assert "Bồi dưỡng nghiệp vụ công tác dân vận" in text
    assert "Đang chịu kỷ luật" in text


def test_the_posting_form_refuses_an_overlap_and_writes_nothing(records, old, clerk_a, client_for):
    url = reverse("cadres:posting_add", args=[records["cadre"].pk])
    response = client_for(clerk_a).post(
        url,
        {
            "unit": old.commune.pk,
            "position": "Trưởng khối dân vận",
            "start": "2015-01-01",
            "end": "2016-01-01",
            "is_danvan_post": "on",
            "full_time": "on",
        },
    )
    assert response.status_code == 200
    assert "không được trùng nhau" in response.content.decode()
    assert records["cadre"].postings.count() == 2


def test_the_posting_form_adds_a_posting_at_a_closed_unit(records, old, clerk_a, client_for):
    url = reverse("cadres:posting_add", args=[records["cadre"].pk])
    response = client_for(clerk_a).post(
        url,
        {
            "unit": old.district.pk,
            "position": "Cán bộ Ban Dân vận Quận ủy",
            "start": "2000-01-01",
            "end": "2009-12-31",
            "is_danvan_post": "on",
        },
    )
    assert response.status_code == 302
    assert records["cadre"].postings.filter(unit=old.district, full_time=False).exists()
    assert AuditEntry.objects.filter(action="cadres.posting_add", actor=clerk_a).exists()


def test_showing_sensitive_data_logs_the_read(records, tree, city_officer, client_for):
    from danvan.cadres.models import PersonalDataPolicy

    PersonalDataPolicy.objects.create(
        unit=tree.city,
        records_ethnicity=True,
        records_religion=True,
        purpose="Chính sách cán bộ",
        effective_from=datetime.date(2025, 1, 1),
    )
    services.set_sensitive_data(records["cadre"], actor=None, ethnicity="Tày", religion="Không")
    client = client_for(city_officer)
    page = client.get(reverse("cadres:detail", args=[records["cadre"].pk])).content.decode()
    assert "Tày" not in page
    assert not AuditEntry.objects.filter(action="cadres.sensitive_read").exists()
    page = client.post(reverse("cadres:sensitive", args=[records["cadre"].pk])).content.decode()
    assert "Tày" in page
    page = client.get(reverse("cadres:sensitive_edit", args=[records["cadre"].pk])).content.decode()
    assert 'value="Tày"' in page
    reads = AuditEntry.objects.filter(action="cadres.sensitive_read", actor=city_officer)
    assert reads.count() == 2


def test_attendance_and_invitations_from_the_event_page(records, tree, clerk_a, client_for):
    event, invitee = records["event"], records["invitee"]
    client = client_for(clerk_a)
    response = client.post(
        reverse("cadres:event_attendance", args=[event.pk]), {f"a{invitee.pk}": "confirmed"}
    )
    assert response.status_code == 302
    invitee.refresh_from_db()
    assert invitee.attendance == "confirmed"
    client.post(reverse("cadres:event_uninvite", args=[event.pk, invitee.pk]))
    assert not event.invitees.exists()
    client.post(reverse("cadres:event_invite", args=[event.pk]), {"cadre": [records["cadre"].pk]})
    # Invited as the latest of the posts (none of them a leading one).
    assert event.invitees.get().title == (
        "Trưởng ban Dân vận Đảng ủy, Đảng ủy Phường Ba Đình (2025–nay)"
    )
