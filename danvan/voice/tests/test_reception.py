"""Citizen reception: weekly reception days, sessions of a unit, and a session's register."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from danvan.accounts.models import Role
from danvan.core.models import AuditEntry
from danvan.voice import services
from danvan.voice.models import Case, Category, Channel, Kind, ReceptionSchedule, ReceptionSession


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Argon2 costs 0.2 s a user; these tests log in with force_login and never check one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def schedules(tree):
    """The chairs of both wards receive citizens every Thursday."""
    return [
        ReceptionSchedule.objects.create(
            unit=ward.state, weekday=3, place="Trụ sở UBND", host=f"Chủ tịch UBND {ward.commune}"
        )
        for ward in (tree.a, tree.b)
    ]


def visit(tree, title, **extra):
    data = {
        "kind": "reception",
        "urgency": "normal",
        "category": Category.objects.get(code="dat-dai-xay-dung").pk,
        "commune": tree.a.commune.pk,
        "title": title,
        "description": "Công dân trình bày trực tiếp tại buổi tiếp.",
    }
    data.update(extra)
    return data


def test_a_session_with_two_visits(tree, clerk_a, staff):
    client = staff(clerk_a)

    response = client.post(
        reverse("voice:session_create", args=[tree.a.state.pk]),
        {"date": timezone.localdate().isoformat(), "host": "Chủ tịch UBND", "place": "Hội trường"},
    )
    session = ReceptionSession.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("voice:session", args=[session.pk])
    assert session.unit == tree.a.state and session.host == "Chủ tịch UBND"

    form = client.get(reverse("voice:session_visit", args=[session.pk]))
    assert form.context["form"]["commune"].initial == tree.a.commune  # the session's ward
    first = client.post(
        reverse("voice:session_visit", args=[session.pk]), visit(tree, "Hỏi về sổ đỏ")
    )
    second = client.post(
        reverse("voice:session_visit", args=[session.pk]),
        visit(
            tree,
            "Khiếu nại quyết định thu hồi đất",
            kind="complaint",
            reporter_name="Nguyễn Văn Dân",
            reporter_address="5 Phố Kim Mã",
            consent="on",
            decision_complained="Quyết định thu hồi đất số 7/QĐ-UBND",
        ),
    )
    assert first.status_code == second.status_code == 302

    visits = Case.objects.filter(reception_session=session).order_by("pk")
    assert [(c.channel, c.kind) for c in visits] == [
        (Channel.VISIT, Kind.RECEPTION),
        (Channel.VISIT, Kind.COMPLAINT),
    ]
    register = client.get(reverse("voice:session", args=[session.pk]))
    assert [c.pk for c in register.context["visits"]] == [c.pk for c in visits]
    html = register.content.decode()
    assert "Hỏi về sổ đỏ" in html and "Khiếu nại quyết định thu hồi đất" in html
    listing = client.get(reverse("voice:sessions", args=[tree.a.state.pk]))
    assert [(s.pk, s.n_visits) for s in listing.context["sessions"]] == [(session.pk, 2)]


def test_a_visit_keeps_the_services_refusal(tree, clerk_a, staff):
    session = ReceptionSession.objects.create(
        unit=tree.a.state, date=timezone.localdate(), host="Chủ tịch"
    )

    response = staff(clerk_a).post(
        reverse("voice:session_visit", args=[session.pk]),
        visit(tree, "Khiếu nại", kind="complaint"),
    )

    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "A complaint needs the complainant's name" in errors
    assert not Case.objects.exists()


def test_a_session_is_created_only_for_a_unit_in_scope(tree, clerk_a, staff):
    response = staff(clerk_a).post(
        reverse("voice:session_create", args=[tree.b.state.pk]),
        {"date": timezone.localdate().isoformat(), "host": "Chủ tịch"},
    )

    assert response.status_code == 404
    assert not ReceptionSession.objects.exists()


def test_reception_page_lists_the_schedules_in_scope(tree, schedules, clerk_a, staff):
    response = staff(clerk_a).get(reverse("voice:reception"))

    assert list(response.context["schedules"]) == [schedules[0]]
    html = response.content.decode()
    assert "Chủ tịch UBND Phường Ba Đình" in html and "Phường Hà Đông" not in html


def test_reception_page_opens_a_units_sessions(tree, clerk_a, staff):
    client = staff(clerk_a)

    response = client.get(reverse("voice:reception"), {"unit": tree.a.state.pk})
    assert response.status_code == 302
    assert response.url == reverse("voice:sessions", args=[tree.a.state.pk])
    assert client.get(reverse("voice:reception"), {"unit": tree.b.state.pk}).status_code == 404


def test_sessions_of_a_unit_newest_first_with_its_schedule(tree, schedules, clerk_a, staff):
    older = ReceptionSession.objects.create(
        unit=tree.a.state, date=timezone.localdate().replace(day=1), host="Phó Chủ tịch"
    )
    newer = ReceptionSession.objects.create(
        unit=tree.a.state, date=timezone.localdate(), host="Chủ tịch"
    )
    ReceptionSession.objects.create(unit=tree.b.state, date=timezone.localdate(), host="Khác")

    response = staff(clerk_a).get(reverse("voice:sessions", args=[tree.a.state.pk]))

    sessions = list(response.context["sessions"])
    assert [s.pk for s in sessions] == sorted([older.pk, newer.pk], key=lambda pk: pk != newer.pk)
    assert list(response.context["schedules"]) == [schedules[0]]
    assert response.context["can_receive"] is True


# Opening a session: the receiving rule, and an audit entry in the unit's scope


def sessions_seen_by(client) -> list:
    response = client.get(reverse("accounts:audit"), {"action": "voice.session"})
    assert response.status_code == 200
    return list(response.context["page"].object_list)


@pytest.mark.parametrize("who", ["viewer", "judge", "clerk_b"])
def test_a_role_that_does_not_receive_cannot_open_a_session(tree, clerk_b, who):
    actor = {
        "viewer": lambda: make_user("viewer_a", Role.VIEWER, tree.a.commune),
        "judge": lambda: make_user("judge", Role.JUDGE, tree.city),
        "clerk_b": lambda: clerk_b,
    }[who]()

    with pytest.raises(PermissionDenied):
        services.open_reception_session(
            actor=actor, unit=tree.a.state, date=timezone.localdate(), host="Chủ tịch"
        )

    assert not ReceptionSession.objects.exists()
    assert not AuditEntry.objects.filter(action="voice.session").exists()


def test_a_viewer_gets_404_for_the_new_session_page(tree, staff):
    viewer = make_user("viewer_a", Role.VIEWER, tree.a.commune)
    response = staff(viewer).post(
        reverse("voice:session_create", args=[tree.a.state.pk]),
        {"date": timezone.localdate().isoformat(), "host": "Chủ tịch"},
    )
    assert response.status_code == 404
    assert not ReceptionSession.objects.exists()


def test_an_opened_session_is_on_the_audit_page_of_the_wards_clerk_only(
    tree, clerk_a, clerk_b, staff
):
    staff(clerk_a).post(
        reverse("voice:session_create", args=[tree.a.state.pk]),
        {"date": timezone.localdate().isoformat(), "host": "Chủ tịch UBND"},
    )
    session = ReceptionSession.objects.get()

    entries = sessions_seen_by(staff(clerk_a))
    assert [(e.object_id, e.scope_path, e.actor) for e in entries] == [
        (str(session.pk), tree.a.state.path, clerk_a)
    ]
    assert sessions_seen_by(staff(clerk_b)) == []
