"""Scope of the staff pages: ward B's clerk never reaches ward A's cases, files or sessions;
a denunciation's reporter is shown to its handler only; viewers read and do not act."""

from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from danvan.accounts.models import Role
from danvan.core.models import AuditEntry
from danvan.voice import services
from danvan.voice.models import Case, Category, ReceptionSession, RejectionReason

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Argon2 costs 0.2 s a user; these tests log in with force_login and never check one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def submit(actor, commune, *, kind="feedback", urgency="normal", **extra):
    return services.submit_case(
        actor=actor,
        channel=extra.pop("channel", "phone"),
        kind=kind,
        urgency=urgency,
        category=Category.objects.get(code="moi-truong"),
        commune=commune,
        title=extra.pop("title", "Rác thải tồn đọng ở đầu ngõ"),
        description="Rác để ở đầu ngõ nhiều ngày, bốc mùi.",
        **extra,
    )


def denunciation(actor, commune, **extra):
    data = {
        "kind": "denunciation",
        "urgency": "complex",
        "reporter_name": "Trần Thị Tố",
        "reporter_phone": "0987654321",
        "reporter_address": "12 phố Đội Cấn",
        "consent": True,
        "person_denounced": "Cán bộ địa chính phường",
    }
    return submit(actor, commune, **{**data, **extra})


@pytest.fixture
def ward_a(tree, clerk_a):
    """Ward A's objects in each state an action starts from, a file and a reception session."""
    received = submit(
        clerk_a,
        tree.a.commune,
        files=[(SimpleUploadedFile("anh-hien-truong.pdf", PDF), "application/pdf")],
    )
    accepted = services.accept_case(actor=clerk_a, case=denunciation(clerk_a, tree.a.commune))
    answered = services.answer_case(
        actor=clerk_a,
        case=services.accept_case(actor=clerk_a, case=submit(clerk_a, tree.a.commune)),
        answer="Đã thu gom.",
    )
    session = ReceptionSession.objects.create(
        unit=tree.a.state,
        date=timezone.localdate(),
        host="Chủ tịch UBND phường",
        place="Hội trường",
    )
    visit = submit(clerk_a, tree.a.commune, channel="visit", reception_session=session)
    # A denunciation lacking its denouncer's address and contact; an anonymous one.
    awaiting = denunciation(clerk_a, tree.a.commune, reporter_phone="", reporter_address="")
    information = denunciation(clerk_a, tree.a.commune, reporter_name="", reporter_phone="")
    return SimpleNamespace(
        awaiting=awaiting,
        information=information,
        received=received,
        attachment=received.attachments.get(),
        accepted=accepted,
        answered=answered,
        session=session,
        visit=visit,
        unit=tree.a.state,
    )


def visit_data(tree):
    return {
        "kind": "reception",
        "urgency": "normal",
        "category": Category.objects.get(code="moi-truong").pk,
        "commune": tree.a.commune.pk,
        "title": "Hỏi về cấp giấy chứng nhận",
        "description": "Công dân hỏi tiến độ hồ sơ.",
    }


def case_url(name, case_of):
    return lambda w: reverse(f"voice:{name}", args=[case_of(w).pk])


# name → (method, url of ward A's object, POST data)
STAFF_URLS = {
    "detail": ("get", case_url("detail", lambda w: w.received), None),
    "detail-denunciation": ("get", case_url("detail", lambda w: w.accepted), None),
    "accept": ("post", case_url("accept", lambda w: w.received), {"accept-urgency": "normal"}),
    "start": ("post", case_url("start", lambda w: w.accepted), {}),
    "answer": ("post", case_url("answer", lambda w: w.accepted), {"answer-answer": "Đã xử lý."}),
    "reject": (
        "post",
        case_url("reject", lambda w: w.received),
        lambda t: {"reject-reason": RejectionReason.objects.get(code="trung-lap").pk},
    ),
    "assign": (
        "post",
        case_url("assign", lambda w: w.received),
        lambda t: {"assign-unit": t.a.front.pk},
    ),
    "forward": (
        "post",
        case_url("forward", lambda w: w.received),
        {"forward-to_name": "Tòa án nhân dân thành phố"},
    ),
    "extend": ("post", case_url("extend", lambda w: w.accepted), {"extend-reason": "Phức tạp."}),
    "details": (
        "post",
        case_url("details", lambda w: w.awaiting),
        {"details-reporter_address": "5 phố Kim Mã", "details-reporter_phone": "0912345678"},
    ),
    "information": (
        "post",
        case_url("information", lambda w: w.awaiting),
        {"information-reason": "incomplete"},
    ),
    "settle": ("post", case_url("settle", lambda w: w.information), {"settle-use": "check"}),
    "close": ("post", case_url("close", lambda w: w.answered), {}),
    "attachment": (
        "get",
        lambda w: reverse("voice:attachment", args=[w.received.pk, w.attachment.pk]),
        None,
    ),
    "sessions": ("get", lambda w: reverse("voice:sessions", args=[w.unit.pk]), None),
    "session-create": ("get", lambda w: reverse("voice:session_create", args=[w.unit.pk]), None),
    "session-create-post": (
        "post",
        lambda w: reverse("voice:session_create", args=[w.unit.pk]),
        {"date": "2026-03-02", "host": "Phó Chủ tịch", "place": "Phòng tiếp dân"},
    ),
    "session": ("get", lambda w: reverse("voice:session", args=[w.session.pk]), None),
    "session-visit": ("get", lambda w: reverse("voice:session_visit", args=[w.session.pk]), None),
    "session-visit-post": (
        "post",
        lambda w: reverse("voice:session_visit", args=[w.session.pk]),
        visit_data,
    ),
    "scorecard": ("get", lambda w: reverse("voice:scorecard") + f"?unit={w.unit.pk}", None),
    "list-of-unit": ("get", lambda w: reverse("voice:list") + f"?unit={w.unit.pk}", None),
}


def _state(ward):
    return (
        list(
            Case.objects.order_by("pk").values_list(
                "status", "kind", "responsible", "handler", "reporter_address"
            )
        ),
        Case.objects.count(),
        ReceptionSession.objects.count(),
    )


@pytest.mark.parametrize("name", list(STAFF_URLS))
def test_clerk_of_ward_b_gets_404_for_every_object_of_ward_a(
    tree, ward_a, clerk_b, city_officer, staff, name
):
    method, url_of, data = STAFF_URLS[name]
    url = url_of(ward_a)

    def send(user):
        payload = data(tree) if callable(data) else data
        return getattr(staff(user), method)(url, payload or {})

    before = _state(ward_a)
    assert send(clerk_b).status_code == 404
    assert _state(ward_a) == before  # and nothing changed
    # The same address works for the city's officer: the 404 is the scope, not a typo.
    assert send(city_officer).status_code in {200, 302}


def test_clerk_of_ward_b_does_not_see_ward_a_cases_in_the_list(tree, ward_a, clerk_b, staff):
    own = submit(clerk_b, tree.b.commune)

    response = staff(clerk_b).get(reverse("voice:list"))

    assert [c.pk for c in response.context["page"]] == [own.pk]
    assert ward_a.received.code not in response.content.decode()


def test_a_user_without_role_is_refused_the_staff_pages(no_role_user, staff):
    client = staff(no_role_user)
    for name in ["list", "create", "reception", "scorecard"]:
        assert client.get(reverse(f"voice:{name}")).status_code == 403


# The protected reporter of a denunciation


@pytest.fixture
def clerk_a2(tree):
    """Another clerk of ward A, who is not assigned the denunciation."""
    return make_user("clerk_a2", Role.CLERK, tree.a.commune, full_name="Văn thư hai Ba Đình")


def reads(case):
    return AuditEntry.objects.filter(action="voice.reporter_read", object_id=str(case.pk))


def test_denunciation_reporter_is_hidden_from_an_unassigned_clerk_of_the_same_unit(
    tree, clerk_a, clerk_a2, city_officer, staff
):
    case = services.accept_case(actor=clerk_a, case=denunciation(clerk_a, tree.a.commune))
    assert case.handler == clerk_a

    for outsider in [clerk_a2, city_officer]:
        response = staff(outsider).get(reverse("voice:detail", args=[case.pk]))
        html = response.content.decode()
        assert response.status_code == 200
        assert response.context["identity"] is None
        assert "Trần Thị Tố" not in html and "0987654321" not in html
        assert "protected" in html
    assert not reads(case).exists()


def test_denunciation_reporter_is_shown_to_the_handler_and_each_read_is_logged(
    tree, clerk_a, staff
):
    case = services.accept_case(actor=clerk_a, case=denunciation(clerk_a, tree.a.commune))
    client = staff(clerk_a)

    first = client.get(reverse("voice:detail", args=[case.pk]))
    assert "Trần Thị Tố" in first.content.decode() and "0987654321" in first.content.decode()
    assert reads(case).count() == 1
    client.get(reverse("voice:detail", args=[case.pk]))
    assert reads(case).count() == 2
    assert set(reads(case).values_list("actor", flat=True)) == {clerk_a.pk}


def test_denunciation_files_open_to_the_handler_only(tree, clerk_a, clerk_a2, staff):
    upload = SimpleUploadedFile("don-to-cao.pdf", PDF)
    case = services.accept_case(
        actor=clerk_a,
        case=denunciation(clerk_a, tree.a.commune, files=[(upload, "application/pdf")]),
    )
    attachment = case.attachments.get()
    url = reverse("voice:attachment", args=[case.pk, attachment.pk])

    page = staff(clerk_a2).get(reverse("voice:detail", args=[case.pk]))
    assert "don-to-cao.pdf" not in page.content.decode() and page.context["hidden_files"] == 1
    assert staff(clerk_a2).get(url).status_code == 404
    response = staff(clerk_a).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_other_reporters_are_shown_to_handlers_in_scope_and_not_to_viewers(tree, clerk_a, staff):
    case = submit(
        clerk_a, tree.a.commune, reporter_name="Lê Văn Phản", reporter_phone="0911", consent=True
    )
    viewer = make_user("viewer_a", Role.VIEWER, tree.a.commune)

    assert (
        "Lê Văn Phản"
        in staff(clerk_a).get(reverse("voice:detail", args=[case.pk])).content.decode()
    )
    hidden = staff(viewer).get(reverse("voice:detail", args=[case.pk]))
    assert "Lê Văn Phản" not in hidden.content.decode() and hidden.context["identity"] is None
    assert reads(case).count() == 1


# Viewers read, they do not act


@pytest.fixture
def viewer_a(tree):
    return make_user("viewer_a", Role.VIEWER, tree.a.commune, full_name="Người xem Ba Đình")


def test_viewer_can_read_the_list_the_case_and_the_sessions(tree, ward_a, viewer_a, staff):
    client = staff(viewer_a)

    assert client.get(reverse("voice:list")).status_code == 200
    page = client.get(reverse("voice:detail", args=[ward_a.received.pk]))
    assert page.status_code == 200 and page.context["actions"] == []
    assert client.get(reverse("voice:session", args=[ward_a.session.pk])).status_code == 200
    assert client.get(reverse("voice:scorecard")).status_code == 200


@pytest.mark.parametrize(
    "name",
    [
        "accept",
        "reject",
        "assign",
        "forward",
        "start",
        "answer",
        "extend",
        "close",
        "details",
        "information",
        "settle",
    ],
)
def test_viewer_cannot_act_on_a_case(tree, ward_a, viewer_a, staff, name):
    method, url_of, data = STAFF_URLS[name]
    before = _state(ward_a)

    response = staff(viewer_a).post(url_of(ward_a), data(tree) if callable(data) else data)

    assert response.status_code == 404
    assert _state(ward_a) == before


def test_viewer_cannot_log_cases_nor_open_sessions(tree, ward_a, viewer_a, staff):
    client = staff(viewer_a)

    assert client.get(reverse("voice:create")).status_code == 403
    assert client.get(reverse("voice:session_create", args=[ward_a.unit.pk])).status_code == 404
    assert (
        client.post(
            reverse("voice:session_visit", args=[ward_a.session.pk]), visit_data(tree)
        ).status_code
        == 404
    )
    assert ReceptionSession.objects.count() == 1


# The admin shows cases read-only, within the administrator's scope, without personal data


def test_case_admin_is_scoped_and_hides_the_reporter(tree, clerk_a, admin_b, city_admin, staff):
    case = denunciation(clerk_a, tree.a.commune)
    url = reverse("admin:voice_case_change", args=[case.pk])
    admin_b.is_staff = city_admin.is_staff = True
    admin_b.save(update_fields=["is_staff"])
    city_admin.save(update_fields=["is_staff"])

    assert staff(admin_b).get(url).status_code == 404
    response = staff(city_admin).get(url)
    assert response.status_code == 200
    assert case.code in response.content.decode()
    assert "Trần Thị Tố" not in response.content.decode()


def test_rule_tables_are_for_city_administrators(admin_b, city_admin, staff):
    admin_b.is_staff = city_admin.is_staff = True
    admin_b.save(update_fields=["is_staff"])
    city_admin.save(update_fields=["is_staff"])
    url = reverse("admin:voice_deadlinerule_changelist")

    assert staff(admin_b).get(url).status_code == 403
    assert staff(city_admin).get(url).status_code == 200


def test_case_admin_list_shows_only_cases_in_the_administrators_scope(
    tree, clerk_a, clerk_b, admin_b, staff
):
    submit(clerk_a, tree.a.commune, title="Của phường Ba Đình")
    own = submit(clerk_b, tree.b.commune, title="Của phường Hà Đông")
    admin_b.is_staff = True
    admin_b.save(update_fields=["is_staff"])

    response = staff(admin_b).get(reverse("admin:voice_case_changelist"))

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [own]
