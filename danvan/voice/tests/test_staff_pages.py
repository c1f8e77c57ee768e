"""The staff pages at work: every action on a case, logging calls, filters, query counts,
the staff scorecard, and the Open311 key command."""

import datetime
import hashlib

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from danvan.accounts.models import Role
from danvan.voice import services
from danvan.voice.models import (
    ApiKey,
    Case,
    Category,
    Channel,
    Kind,
    RejectionReason,
    Status,
)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Argon2 costs 0.2 s a user; these tests log in with force_login and never check one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def submit(actor, commune, *, kind="feedback", urgency="normal", category="moi-truong", **extra):
    return services.submit_case(
        actor=actor,
        channel=extra.pop("channel", "phone"),
        kind=kind,
        urgency=urgency,
        category=Category.objects.get(code=category),
        commune=commune,
        title=extra.pop("title", "Rác thải tồn đọng ở đầu ngõ"),
        description="Rác để ở đầu ngõ nhiều ngày, bốc mùi.",
        **extra,
    )


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def act(client, case, action, data=None):
    return client.post(
        reverse(f"voice:{action}", args=[case.pk]),
        {f"{action}-{k}": v for k, v in (data or {}).items()},
    )


# Each action, end to end


def test_accept_start_answer_close(tree, clerk_a, staff):
    case = submit(clerk_a, tree.a.commune)
    client = staff(clerk_a)

    response = act(client, case, "accept", {"urgency": "urgent", "note": "Đã tiếp nhận."})
    assert response.status_code == 302 and response.url == reverse("voice:detail", args=[case.pk])
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and case.urgency == "urgent"
    assert case.handler == clerk_a and case.deadline_step == "handle"
    assert case.deadline_rule.amount == 4  # urgent feedback: 4 working hours (QĐ 1207)

    assert act(client, case, "start", {"note": ""}).status_code == 302
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS

    assert act(client, case, "answer", {"answer": "Đã thu gom rác."}).status_code == 302
    case.refresh_from_db()
    assert case.status == Status.ANSWERED and case.answer == "Đã thu gom rác."

    assert act(client, case, "close", {"note": "Đóng hồ sơ."}).status_code == 302
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert list(case.events.values_list("action", flat=True)) == [
        "submit",
        "accept",
        "start",
        "answer",
        "close",
    ]


def test_detail_shows_the_deadline_rule_and_the_history(tree, clerk_a, staff):
    case = services.accept_case(actor=clerk_a, case=submit(clerk_a, tree.a.commune))
    services.assign_case(actor=clerk_a, case=case, handler=clerk_a)

    response = staff(clerk_a).get(reverse("voice:detail", args=[case.pk]))
    html = response.content.decode()

    assert response.status_code == 200
    assert case.deadline_rule.legal_basis in html and "10 working days" in html
    assert "Case received" in html and "Case accepted" in html and "Case assigned" in html
    assert "internal" in html  # the handler change is an internal step
    assert [a["name"] for a in response.context["actions"]] == [
        "start",
        "answer",
        "forward",
        "assign",
    ]


def test_a_refused_action_shows_the_services_message(tree, clerk_a, staff):
    case = services.accept_case(actor=clerk_a, case=submit(clerk_a, tree.a.commune))

    response = act(staff(clerk_a), case, "extend", {"reason": "Cần thêm thời gian."})

    assert response.status_code == 200
    assert "The law allows no (further) extension for this case." in response.content.decode()
    case.refresh_from_db()
    assert case.extensions == 0


def test_an_empty_answer_is_refused_on_the_form(tree, clerk_a, staff):
    case = services.accept_case(actor=clerk_a, case=submit(clerk_a, tree.a.commune))

    response = act(staff(clerk_a), case, "answer", {"answer": ""})

    forms = {a["name"]: a["form"] for a in response.context["actions"]}
    assert "answer" in forms["answer"].errors
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED


def test_a_move_the_state_does_not_allow_is_refused(tree, clerk_a, staff):
    case = submit(clerk_a, tree.a.commune)

    response = act(staff(clerk_a), case, "close")

    assert response.status_code == 200
    assert "cannot become" in " ".join(said(response))
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_reject_with_a_template_reason(tree, clerk_a, staff):
    case = submit(clerk_a, tree.a.commune)
    reason = RejectionReason.objects.get(code="trung-lap")

    response = act(staff(clerk_a), case, "reject", {"reason": reason.pk, "note": "Trùng PA cũ"})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.REJECTED and case.rejection_reason == reason
    event = case.events.get(action="reject")
    assert event.public_note == reason.text and event.internal_note == "Trùng PA cũ"


def test_forward_to_an_outside_body_ends_the_case_here(tree, clerk_a, staff):
    case = submit(clerk_a, tree.a.commune)

    response = act(staff(clerk_a), case, "forward", {"to_name": "Tòa án nhân dân thành phố"})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.FORWARDED
    assert case.forwarded_to_name == "Tòa án nhân dân thành phố"


def test_forward_to_another_ward_leaves_the_clerks_scope(tree, clerk_a, clerk_b, staff):
    case = submit(clerk_a, tree.a.commune)

    response = act(staff(clerk_a), case, "forward", {"to_unit": tree.b.state.pk})

    assert response.status_code == 302 and response.url == reverse("voice:list")
    case.refresh_from_db()
    assert case.responsible == tree.b.state and case.status == Status.RECEIVED
    assert staff(clerk_b).get(reverse("voice:detail", args=[case.pk])).status_code == 200
    assert staff(clerk_a).get(reverse("voice:detail", args=[case.pk])).status_code == 404


def test_forward_needs_one_target(tree, clerk_a, staff):
    case = submit(clerk_a, tree.a.commune)

    response = act(staff(clerk_a), case, "forward", {"to_name": ""})

    assert response.status_code == 200
    assert "Forward either to a unit of the system or to a named outside body." in " ".join(
        said(response)
    )
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_extend_a_complex_denunciation_once(tree, clerk_a, staff):
    case = submit(
        clerk_a,
        tree.a.commune,
        kind=Kind.DENUNCIATION,
        urgency="complex",
        reporter_name="Trần Thị Tố",
        reporter_phone="0987654321",
        reporter_address="8 phố Đội Cấn",
        consent=True,
        person_denounced="Cán bộ địa chính",
    )
    case = services.accept_case(actor=clerk_a, case=case)
    before = case.deadline
    client = staff(clerk_a)
    page = client.get(reverse("voice:detail", args=[case.pk]))
    assert "extend" in [a["name"] for a in page.context["actions"]]

    assert act(client, case, "extend", {"reason": "Nhiều tình tiết phức tạp."}).status_code == 302
    case.refresh_from_db()
    assert case.extensions == 1 and case.deadline > before + datetime.timedelta(days=29)

    again = act(client, case, "extend", {"reason": "Lần nữa."})
    assert "The law allows no (further) extension for this case." in again.content.decode()
    case.refresh_from_db()
    assert case.extensions == 1


def test_reassign_within_scope(tree, clerk_a, staff):
    colleague = make_user("clerk_a2", Role.CLERK, tree.a.commune, full_name="Đồng nghiệp")
    case = submit(clerk_a, tree.a.commune)
    client = staff(clerk_a)

    assert act(client, case, "assign", {"handler": colleague.pk}).status_code == 302
    case.refresh_from_db()
    assert case.handler == colleague and case.responsible == tree.a.state

    assert act(client, case, "assign", {"unit": tree.a.front.pk}).status_code == 302
    case.refresh_from_db()
    assert case.responsible == tree.a.front and case.responsible_path == tree.a.front.path


def test_reassign_outside_scope_is_refused(tree, clerk_a, front_clerk_a, staff):
    case = submit(clerk_a, tree.a.commune)
    client = staff(clerk_a)

    response = act(client, case, "assign", {"unit": tree.b.state.pk})
    forms = {a["name"]: a["form"] for a in response.context["actions"]}
    assert response.status_code == 200 and "unit" in forms["assign"].errors

    # The front's clerk does not work for the people's committee: the service says so.
    response = act(client, case, "assign", {"handler": front_clerk_a.pk})
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.responsible == tree.a.state and case.handler is None


# Logging a call, a letter, an anonymous denunciation


def log_data(tree, **extra):
    data = {
        "channel": "phone",
        "kind": "feedback",
        "urgency": "normal",
        "category": Category.objects.get(code="giao-thong").pk,
        "commune": tree.a.commune.pk,
        "title": "Ổ gà trên phố Đội Cấn",
        "description": "Ổ gà sâu trước số nhà 20.",
        "address": "20 Đội Cấn",
        "reporter_name": "Phạm Văn Gọi",
        "reporter_phone": "0901234567",
        "consent": "on",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def test_logging_a_phone_call_creates_a_case(tree, clerk_a, staff):
    response = staff(clerk_a).post(reverse("voice:create"), log_data(tree))

    case = Case.objects.get()
    assert response.status_code == 302 and response.url == reverse("voice:detail", args=[case.pk])
    assert case.channel == Channel.PHONE and case.created_by == clerk_a
    assert case.responsible == tree.a.state and case.reporter_name == "Phạm Văn Gọi"
    assert case.code in " ".join(said(response))


def test_logging_a_letter_keeps_its_arrival_date(tree, clerk_a, staff):
    arrived = timezone.localtime() - datetime.timedelta(days=3)
    data = log_data(tree, channel="letter", received_at=arrived.strftime("%Y-%m-%dT%H:%M"))

    staff(clerk_a).post(reverse("voice:create"), data)

    case = Case.objects.get()
    assert case.channel == Channel.LETTER
    assert abs(case.received_at - arrived) < datetime.timedelta(minutes=1)


def test_contact_details_without_consent_are_refused_with_the_services_message(
    tree, clerk_a, staff
):
    response = staff(clerk_a).post(reverse("voice:create"), log_data(tree, consent=None))

    assert response.status_code == 200
    assert "Tick the consent box" in response.content.decode()
    assert not Case.objects.exists()


def test_an_anonymous_denunciation_is_recorded_as_information_after_the_notice(
    tree, clerk_a, staff
):
    data = log_data(
        tree,
        kind="denunciation",
        reporter_name="",
        reporter_phone="",
        consent=None,
        person_denounced="Tổ trưởng tổ dân phố",
    )
    client = staff(clerk_a)

    first = client.post(reverse("voice:create"), data)

    assert first.status_code == 200 and not Case.objects.exists()
    form = first.context["form"]
    assert set(form.warnings) == {"information"}
    assert "Luật Tố cáo 2018, Điều 25" in first.content.decode()

    second = client.post(
        reverse("voice:create"), {**data, "confirm": "on", "warned": "information"}, follow=True
    )

    case = Case.objects.get()
    assert (case.kind, case.filed_as, case.status) == ("information", "denunciation", "received")
    assert case.deadline_rule.kind == "information"  # its own review clock, not Luật Tố cáo's
    html = second.content.decode()
    assert "Kept as information, not handled as a denunciation" in html
    assert "Accept" not in [a["title"] for a in second.context["actions"]]


def test_a_clerk_cannot_log_a_case_about_another_ward(tree, clerk_a, staff):
    response = staff(clerk_a).post(
        reverse("voice:create"), log_data(tree, commune=tree.b.commune.pk)
    )

    assert response.status_code == 200 and "commune" in response.context["form"].errors
    assert not Case.objects.exists()


# The list and its filters


@pytest.fixture
def listed(tree, clerk_a, clerk_b):
    fresh = submit(clerk_a, tree.a.commune, title="Rác thải ở chợ")
    complaint = services.accept_case(
        actor=clerk_a,
        case=submit(
            clerk_a,
            tree.a.commune,
            kind=Kind.COMPLAINT,
            category="giao-thong",
            title="Ổ gà không được sửa",
            reporter_name="Nguyễn Văn Dân",
            reporter_phone="0912345678",
            consent=True,
            decision_complained="Quyết định số 12/QĐ-UBND",
        ),
    )
    # Received a month ago and never accepted: its acceptance deadline has passed.
    old = submit(
        clerk_a,
        tree.a.commune,
        title="Đèn đường hỏng",
        received_at=timezone.now() - datetime.timedelta(days=30),
    )
    other_ward = submit(clerk_b, tree.b.commune, title="Rác thải Hà Đông")
    return {"fresh": fresh, "complaint": complaint, "old": old, "other": other_ward}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["fresh", "complaint", "old"]),
        ({"status": "accepted"}, ["complaint"]),
        ({"kind": "complaint"}, ["complaint"]),
        ({"overdue": "on"}, ["old"]),
        ({"q": "o ga"}, ["complaint"]),
        ({"q": "rac thai"}, ["fresh"]),
    ],
)
def test_list_filters(listed, clerk_a, staff, params, expected):
    response = staff(clerk_a).get(reverse("voice:list"), params)

    assert {c.pk for c in response.context["page"]} == {listed[n].pk for n in expected}


def test_list_filters_by_category_dates_code_and_unit(tree, listed, city_officer, staff):
    client = staff(city_officer)
    today = timezone.localdate()

    def found(params):
        page = client.get(reverse("voice:list"), params).context["page"]
        return {c.pk for c in page}

    names = {v.pk: k for k, v in listed.items()}
    category = Category.objects.get(code="giao-thong").pk
    assert {names[pk] for pk in found({"category": category})} == {"complaint"}
    recent = found({"received_from": (today - datetime.timedelta(days=1)).isoformat()})
    assert {names[pk] for pk in recent} == {"fresh", "complaint", "other"}
    early = found({"received_to": (today - datetime.timedelta(days=20)).isoformat()})
    assert {names[pk] for pk in early} == {"old"}
    assert found({"q": listed["fresh"].code}) == {listed["fresh"].pk}
    assert {names[pk] for pk in found({"unit": tree.b.commune.pk})} == {"other"}


def test_list_is_newest_first(listed, clerk_a, staff):
    page = staff(clerk_a).get(reverse("voice:list")).context["page"]

    received = [c.received_at for c in page]
    assert received == sorted(received, reverse=True)


# Query counts do not grow with rows


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_case_list_query_count_does_not_grow(tree, clerk_a, staff):
    client = staff(clerk_a)
    communes = [tree.a.commune]
    categories = list(Category.objects.values_list("code", flat=True))
    for i in range(3):
        submit(clerk_a, communes[0], category=categories[i])
    url = reverse("voice:list")
    count_queries(client, url)  # warm the caches (content types, sessions)
    few = count_queries(client, url)

    for i in range(27):
        case = submit(clerk_a, communes[0], category=categories[i % len(categories)])
        if i % 3 == 0:
            services.accept_case(actor=clerk_a, case=case)

    assert count_queries(client, url) == few


def test_case_detail_query_count_does_not_grow_with_events(tree, clerk_a, staff):
    colleague = make_user("clerk_a2", Role.CLERK, tree.a.commune, full_name="Đồng nghiệp")
    case = submit(clerk_a, tree.a.commune, reporter_name="Phạm Gọi", consent=True)
    services.accept_case(actor=clerk_a, case=case)
    services.assign_case(actor=clerk_a, case=case, handler=colleague)
    client = staff(clerk_a)
    url = reverse("voice:detail", args=[case.pk])
    count_queries(client, url)
    few = count_queries(client, url)
    assert case.events.count() == 3

    for i in range(27):
        services.assign_case(actor=clerk_a, case=case, handler=[clerk_a, colleague][i % 2])

    assert case.events.count() == 30
    assert count_queries(client, url) == few


# The staff scorecard


@pytest.fixture
def season(tree, clerk_a, clerk_b):
    """Ward A this month: 4 cases, 2 answered (1 late), 1 rated satisfied; ward B: 1 case."""
    on_time = services.accept_case(actor=clerk_a, case=submit(clerk_a, tree.a.commune))
    on_time = services.answer_case(actor=clerk_a, case=on_time, answer="Đã xử lý.")
    services.rate_case(case=on_time, satisfied=True)
    late = services.accept_case(actor=clerk_a, case=submit(clerk_a, tree.a.commune))
    # The clock job, run two months from now, finds the handling deadline passed.
    services.mark_overdue(now=timezone.now() + datetime.timedelta(days=60))
    services.answer_case(actor=clerk_a, case=late, answer="Đã xử lý, chậm.")
    submit(clerk_a, tree.a.commune)
    submit(clerk_a, tree.a.commune)
    submit(clerk_b, tree.b.commune)


def test_staff_scorecard_shows_the_hand_computed_figures(tree, season, clerk_a, staff):
    response = staff(clerk_a).get(reverse("voice:scorecard"))

    card = response.context["card"]
    assert response.context["unit"] == tree.a.commune  # the clerk's scope root
    assert (card.received, card.answered, card.on_time) == (4, 2, 1)
    assert (card.rated, card.satisfied, card.reopened, card.overdue_now) == (1, 1, 0, 0)
    assert (card.answered_pct, card.on_time_pct, card.satisfaction_pct) == (50.0, 50.0, 100.0)
    html = response.content.decode()
    assert 'id="sc-received">4<' in html
    assert 'id="sc-on-time">1 (50.0%)<' in html
    assert 'id="sc-satisfied">1 (100.0%)<' in html
    assert [row.unit for row in response.context["table"]] == [tree.a.state]


def test_staff_scorecard_league_table_links_each_child(tree, season, city_officer, staff):
    client = staff(city_officer)

    response = client.get(reverse("voice:scorecard"), {"period": "year"})

    assert response.context["unit"] == tree.city and response.context["card"].received == 5
    rows = {row.unit: row for row in response.context["table"]}
    assert set(rows) == {tree.a.commune, tree.b.commune}
    assert (rows[tree.a.commune].received, rows[tree.a.commune].on_time) == (4, 1)
    assert rows[tree.b.commune].received == 1
    html = response.content.decode()
    assert html.count('class="league-row"') == 2
    link = f"?unit={tree.a.commune.pk}&amp;period=year"
    assert link in html
    child = client.get(reverse("voice:scorecard"), {"unit": tree.a.commune.pk, "period": "year"})
    assert child.context["card"].received == 4


def test_staff_scorecard_custom_and_past_periods(tree, season, clerk_a, staff):
    client = staff(clerk_a)
    last_year = client.get(reverse("voice:scorecard"), {"period": "last_year"})
    assert last_year.context["card"].received == 0
    today = timezone.localdate()
    custom = client.get(
        reverse("voice:scorecard"),
        {"period": "custom", "start": today.isoformat(), "end": today.isoformat()},
    )
    assert custom.context["card"].received == 4
    assert (custom.context["start"], custom.context["end"]) == (today, today)
    backwards = client.get(
        reverse("voice:scorecard"),
        {"period": "custom", "start": today.isoformat(), "end": "2020-01-01"},
    )
    assert backwards.status_code == 200 and backwards.context["form"].errors


# Open311 clients


def test_create_api_key_prints_the_key_once_and_keeps_its_hash(db, capsys):
    call_command("create_api_key", "Ứng dụng iHanoi")

    name, raw = capsys.readouterr().out.strip().split(": ")
    key = ApiKey.objects.get()
    assert name == "Ứng dụng iHanoi" == key.name
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert key.prefix == raw[:8] and key.is_active
    assert raw not in str(ApiKey.objects.values_list())


def test_admin_issues_a_key_once_and_revokes_it(city_admin, staff):
    city_admin.is_staff = True
    city_admin.save(update_fields=["is_staff"])
    client = staff(city_admin)

    response = client.post(reverse("admin:voice_apikey_add"), {"name": "Cổng iHanoi"}, follow=True)

    key = ApiKey.objects.get()
    shown = [m for m in said(response) if "copy it now" in m]
    assert len(shown) == 1
    raw = shown[0].split(" is ")[1].split(" — ")[0]
    assert hashlib.sha256(raw.encode()).hexdigest() == key.key_hash
    assert (
        raw not in client.get(reverse("admin:voice_apikey_change", args=[key.pk])).content.decode()
    )

    client.post(
        reverse("admin:voice_apikey_changelist"),
        {"action": "revoke", "_selected_action": [key.pk]},
    )
    key.refresh_from_db()
    assert key.is_active is False
