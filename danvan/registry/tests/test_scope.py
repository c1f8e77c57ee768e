"""Scope: ward B's staff never reach ward A's models; viewers read; judges score, not edit."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from conftest import make_user
from danvan.accounts.models import Role
from danvan.core.models import AuditEntry
from danvan.registry import services
from danvan.registry.models import (
    Attachment,
    Classification,
    PracticeModel,
    Recognition,
    Replication,
    Score,
    Status,
)
from danvan.registry.tests.factories import (
    PracticeModelFactory,
    make_good,
    png_bytes,
    recognise,
    score_all,
    upload,
)

DAY = datetime.date(2026, 3, 1)


def decision_url(ward, fmt):
    return reverse("registry:decision", args=[ward.recognised.pk, ward.recognition.pk, fmt])


# name → (method, url of ward A's object, POST data)
STAFF_URLS = {
    "detail": ("get", lambda w: reverse("registry:detail", args=[w.plain.pk]), None),
    "edit": ("get", lambda w: reverse("registry:edit", args=[w.plain.pk]), None),
    "edit-post": (
        "post",
        lambda w: reverse("registry:edit", args=[w.plain.pk]),
        {"name": "Đổi tên"},
    ),
    "move": ("post", lambda w: reverse("registry:move", args=[w.plain.pk]), {"to": "launched"}),
    "attach": (
        "post",
        lambda w: reverse("registry:attach", args=[w.plain.pk]),
        lambda: {"file": upload("anh.png", png_bytes())},
    ),
    "attachment": (
        "get",
        lambda w: reverse("registry:attachment", args=[w.plain.pk, w.attachment.pk]),
        None,
    ),
    "recognise": ("get", lambda w: reverse("registry:recognise", args=[w.recognised.pk]), None),
    "replicate-unrecognised": (
        "get",
        lambda w: reverse("registry:replicate", args=[w.plain.pk]),
        None,
    ),
    "decision-docx": ("get", lambda w: decision_url(w, "docx"), None),
    "decision-pdf": ("get", lambda w: decision_url(w, "pdf"), None),
    "council": ("get", lambda w: reverse("registry:council", args=[w.council.pk]), None),
    "score": (
        "get",
        lambda w: reverse("registry:score", args=[w.council.pk, w.reviewed.pk]),
        None,
    ),
    "classify": (
        "post",
        lambda w: reverse("registry:classify", args=[w.council.pk, w.reviewed.pk]),
        {},
    ),
}


@pytest.mark.parametrize("outsider", ["clerk_b", "admin_b"])
@pytest.mark.parametrize("name", list(STAFF_URLS))
def test_staff_of_ward_b_get_404_for_every_object_of_ward_a(
    request, ward_a, city_officer, client_for, outsider, name
):
    method, url_of, data = STAFF_URLS[name]
    url = url_of(ward_a)

    def send(user):
        payload = data() if callable(data) else data
        return getattr(client_for(user), method)(url, payload or {})

    assert send(request.getfixturevalue(outsider)).status_code == 404
    # The same address works for the city's officer: the 404 is the scope, not a typo.
    assert send(city_officer).status_code in {200, 302}


# Lists, counts and search


def names_on(client, url, params=None):
    return client.get(url, params or {}).content.decode()


@pytest.fixture
def ward_b_model(tree, clerk_b):
    return PracticeModelFactory(actor=clerk_b, unit=tree.b.hamlet, name="Mô hình Phố đi bộ")


@pytest.mark.parametrize(
    "params", [{}, {"q": "mo hinh"}, {"status": "registered"}, {"year": "2026"}]
)
def test_clerk_cannot_see_other_commune_models_in_the_list(
    ward_a, ward_b_model, clerk_b, client_for, params
):
    response = client_for(clerk_b).get(reverse("registry:list"), params)

    assert [m.pk for m in response.context["page"]] == [ward_b_model.pk]
    html = response.content.decode()
    assert ward_b_model.name in html
    for model in [ward_a.plain, ward_a.reviewed, ward_a.recognised]:
        assert model.name not in html


def test_clerk_cannot_search_other_commune_models_by_name(ward_a, clerk_b, client_for):
    response = client_for(clerk_b).get(reverse("registry:list"), {"q": "camera an ninh"})

    assert list(response.context["page"]) == []
    assert ward_a.recognised.name not in response.content.decode()


def test_clerk_counts_only_their_commune(ward_a, ward_b_model, clerk_b, client_for):
    response = client_for(clerk_b).get(reverse("registry:counts"))

    assert response.context["totals"] == {"registered": 1, "recognised": 0}
    assert sum(row["n"] for row in response.context["rows"]) == 1


def test_clerk_cannot_filter_by_a_unit_of_another_commune(ward_a, clerk_b, client_for, tree):
    for url in [reverse("registry:list"), reverse("registry:counts")]:
        response = client_for(clerk_b).get(url, {"unit": tree.a.commune.pk})
        assert response.status_code == 404, url


def test_city_officer_sees_both_communes(ward_a, ward_b_model, city_officer, client_for):
    client = client_for(city_officer)

    listed = {m.pk for m in client.get(reverse("registry:list")).context["page"]}
    totals = client.get(reverse("registry:counts")).context["totals"]

    assert listed == {
        ward_a.plain.pk,
        ward_a.reviewed.pk,
        ward_a.recognised.pk,
        ward_b_model.pk,
    }
    assert totals == {"registered": 4, "recognised": 1}
    for model in [ward_a.plain, ward_b_model]:
        assert client.get(reverse("registry:detail", args=[model.pk])).status_code == 200


# Roles that read but do not edit


def test_viewer_can_see_but_not_edit(ward_a, viewer_a, client_for):
    client = client_for(viewer_a)
    model = ward_a.plain

    page = client.get(reverse("registry:detail", args=[model.pk]))
    assert page.status_code == 200
    assert reverse("registry:edit", args=[model.pk]) not in page.content.decode()
    assert reverse("registry:move", args=[model.pk]) not in page.content.decode()
    assert model.name in client.get(reverse("registry:list")).content.decode()

    assert client.get(reverse("registry:edit", args=[model.pk])).status_code == 404
    assert (
        client.post(reverse("registry:move", args=[model.pk]), {"to": "launched"}).status_code
        == 404
    )
    model.refresh_from_db()
    assert model.status == "registered"


def test_judge_on_the_council_can_score_but_not_edit(ward_a, judge, client_for):
    client = client_for(judge)
    model = ward_a.reviewed
    criterion = ward_a.council.rubric.criteria.get()
    score_url = reverse("registry:score", args=[ward_a.council.pk, model.pk])

    assert client.get(score_url).status_code == 200
    response = client.post(score_url, {f"c{criterion.pk}": "8"})

    assert response.status_code == 302
    assert Score.objects.get(member=judge, model=model).value == 8
    assert client.get(reverse("registry:edit", args=[model.pk])).status_code == 404
    assert (
        client.post(reverse("registry:move", args=[model.pk]), {"to": "withdrawn"}).status_code
        == 404
    )


def test_judge_who_is_not_on_the_council_cannot_open_it(ward_a, tree, client_for):
    outsider = make_user("judge_2", Role.JUDGE, tree.city)
    client = client_for(outsider)

    assert client.get(reverse("registry:council", args=[ward_a.council.pk])).status_code == 404
    score_url = reverse("registry:score", args=[ward_a.council.pk, ward_a.reviewed.pk])
    assert client.get(score_url).status_code == 404
    assert not Score.objects.filter(member=outsider).exists()


# The services are the one place the rules live (views, API, imports all call them), so they
# must refuse what the pages refuse.

SERVICE_CALLS = {
    "register": lambda w, t, user: PracticeModelFactory(actor=user, unit=t.a.hamlet),
    "update": lambda w, t, user: services.update_model(
        actor=user, model=w.plain, name="Tên do người xem đặt"
    ),
    "move": lambda w, t, user: services.transition(actor=user, model=w.plain, to=Status.WITHDRAWN),
    "attach": lambda w, t, user: services.add_attachment(
        actor=user, model=w.plain, upload=upload("anh.png", png_bytes()), checked_type="image/png"
    ),
    "replicate": lambda w, t, user: services.record_replication(
        actor=user, model=w.recognised, unit=t.a.hamlet, title="Bản của tổ", start_date=DAY
    ),
}


@pytest.mark.parametrize("reader", ["viewer_a", "judge"])
@pytest.mark.parametrize("call", list(SERVICE_CALLS))
def test_viewer_cannot_change_models_through_the_services(request, ward_a, tree, call, reader):
    """Viewers and judges reach ward A but only to read (and judges to score)."""
    user = request.getfixturevalue(reader)
    entries_before = AuditEntry.objects.count()
    models_before = list(PracticeModel.objects.values_list("pk", "name", "status"))

    with pytest.raises(PermissionDenied):
        SERVICE_CALLS[call](ward_a, tree, user)

    assert AuditEntry.objects.count() == entries_before
    assert list(PracticeModel.objects.values_list("pk", "name", "status")) == models_before
    assert Attachment.objects.count() == 1  # ward A's own file
    assert not Replication.objects.exists()


@pytest.mark.parametrize("call", list(SERVICE_CALLS))
def test_clerk_of_the_ward_changes_models_through_the_services(ward_a, tree, clerk_a, call):
    """The same calls succeed for an editing role: the refusal above is the role, not the call."""
    entries_before = AuditEntry.objects.count()

    SERVICE_CALLS[call](ward_a, tree, clerk_a)

    assert AuditEntry.objects.count() > entries_before


DECISIONS = {
    "recognise": lambda w, t, user, good: recognise(good, actor=user, issuer=t.a.commune),
    "classify": lambda w, t, user, good: services.classify_model(
        actor=user, council=w.council, model=w.reviewed
    ),
}


@pytest.mark.parametrize("decision", list(DECISIONS))
def test_clerk_cannot_take_a_board_decision_through_the_services(
    ward_a, tree, clerk_a, city_officer, judge, decision
):
    good = make_good(PracticeModelFactory(actor=clerk_a, unit=tree.a.commune), ward_a.council)
    score_all(ward_a.council, ward_a.reviewed, judge, [10])

    def state():
        good.refresh_from_db()
        ward_a.reviewed.refresh_from_db()
        return (
            good.status,
            ward_a.reviewed.status,
            Recognition.objects.count(),
            Classification.objects.count(),
            AuditEntry.objects.count(),
        )

    before = state()

    with pytest.raises(PermissionDenied):
        DECISIONS[decision](ward_a, tree, clerk_a, good)

    assert state() == before
    # The same call goes through for the ward's deciders (here the city's board officer).
    DECISIONS[decision](ward_a, tree, city_officer, good)
    assert state() != before


def test_user_without_a_role_cannot_open_the_registry(ward_a, no_role_user, client_for):
    client = client_for(no_role_user)

    assert client.get(reverse("registry:list")).status_code == 403
    assert client.get(reverse("registry:counts")).status_code == 403
    assert client.get(reverse("registry:detail", args=[ward_a.plain.pk])).status_code == 404
    assert (
        ward_a.plain.name
        not in client.get(
            reverse("registry:similar"), {"name": "dan van kheo ngo xanh"}
        ).content.decode()
    )


def test_anonymous_visitor_is_sent_to_the_login_page(ward_a, client):
    for url in [
        reverse("registry:list"),
        reverse("registry:detail", args=[ward_a.recognised.pk]),
        reverse("registry:decision", args=[ward_a.recognised.pk, ward_a.recognition.pk, "pdf"]),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:login")), url


def test_council_list_shows_only_councils_one_sits_on_or_manages(
    ward_a, clerk_b, judge, city_officer, client_for
):
    def councils(user):
        return list(client_for(user).get(reverse("registry:councils")).context["councils"])

    assert councils(clerk_b) == []
    assert councils(judge) == [ward_a.council]
    assert councils(city_officer) == [ward_a.council]
