"""A citizen sends feedback from the portal, follows it by its code, rates and reopens it."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from danvan.portal.queries import normalise_code
from danvan.voice import services
from danvan.voice.models import Case, CaseAttachment, CaseEvent, Category, Status
from danvan.voice.places import commune_from_address, ward_code_from_address

SEND = reverse("public:send")
TRACK = reverse("public:track")
NAME, PHONE, EMAIL = "Nguyễn Thị Phản Ánh", "0912 345 678", "phananh@example.vn"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Every test starts with no submission counted against its address."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def category(code="moi-truong") -> Category:
    return Category.objects.get(code=code)


def form_data(tree, **changes) -> dict:
    data = {
        "kind": "feedback",
        "category": category().pk,
        "commune": tree.a.commune.pk,
        "title": "Rác thải tồn đọng ở ngõ 5",
        "description": "Rác để ở đầu ngõ nhiều ngày, bốc mùi.",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def case_url(case) -> str:
    return reverse("public:case", args=[case.code])


def send(client, tree, **changes):
    return client.post(SEND, form_data(tree, **changes))


def only_case() -> Case:
    return Case.objects.get()


@pytest.fixture
def answered(tree, clerk_a):
    """A case sent from the portal and answered by ward A's clerk."""
    case = services.submit_case(
        channel="portal",
        kind="feedback",
        category=category(),
        commune=tree.a.commune,
        title="Đèn đường hỏng",
        description="Đèn đường ngõ 8 hỏng một tuần nay.",
    )
    case = services.accept_case(actor=clerk_a, case=case)
    return services.answer_case(actor=clerk_a, case=case, answer="Đã thay bóng đèn ngày 3/11.")


# Sending --------------------------------------------------------------------------------


def test_visitor_sees_the_form_without_any_cookie(client, tree):
    response = client.get(SEND)

    assert response.status_code == 200
    assert not response.cookies
    assert 'name="csrfmiddlewaretoken"' not in response.text
    assert tree.a.commune.name in response.text
    assert 'name="website"' in response.text


def test_the_consent_box_states_its_purpose(client, settings, tree):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(SEND)

    assert "to contact me about this case only" in response.text


def test_anonymous_feedback_is_routed_and_opens_its_tracking_page(client, tree):
    response = send(client, tree)

    case = only_case()
    assert response.status_code == 302
    assert response.url == case_url(case) + "?new=1"
    assert str(case.pk) not in response.url.split("/")[-2].replace("-", "")
    assert case.channel == "portal" and case.kind == "feedback"
    assert case.responsible == tree.a.state
    assert case.deadline is not None and case.deadline > case.received_at
    assert case.urgency == "normal" and case.created_by is None
    assert not case.consent and case.reporter_name == ""

    page = client.get(response.url)
    assert page.status_code == 200
    assert case.code in page.text and page.context["is_new"] is True


def test_tracking_page_shows_the_case_but_never_the_reporter(client, tree):
    send(
        client,
        tree,
        reporter_name=NAME,
        reporter_phone=PHONE,
        reporter_email=EMAIL,
        reporter_address="Số 9 phố Quán Thánh",
        consent="on",
    )
    case = only_case()
    assert case.reporter_name == NAME and case.consent is True
    assert case.reporter_phone == "0912345678"

    page = client.get(case_url(case))

    assert page.status_code == 200
    assert case.title in page.text and case.get_status_display() in page.text
    assert tree.a.state.name in page.text and tree.a.commune.name in page.text
    for secret in [NAME, "0912345678", PHONE, EMAIL, "Quán Thánh"]:
        assert secret not in page.text
    assert "no-store" in page.headers["Cache-Control"]
    assert "noindex" in page.headers["X-Robots-Tag"]
    assert not page.cookies


def test_contact_details_without_consent_are_refused(client, tree):
    response = send(client, tree, reporter_name=NAME, reporter_phone=PHONE)

    assert response.status_code == 200
    assert response.context["form"].errors["consent"]
    assert not Case.objects.exists()


def test_a_filled_honeypot_pretends_success_and_keeps_nothing(client, tree):
    response = send(client, tree, website="http://spam.example")

    assert response.status_code == 302
    assert not Case.objects.exists()


@pytest.mark.parametrize("field", ["commune", "category"])
def test_an_unknown_commune_or_category_is_refused_clearly(client, tree, field):
    response = send(client, tree, **{field: 999999})

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Case.objects.exists()


def test_an_inactive_category_or_a_former_commune_is_refused(client, tree):
    old = Category.objects.create(code="cu", name="Danh mục cũ", is_active=False)
    tree.b.commune.valid_to = timezone.localdate() - datetime.timedelta(days=1)
    tree.b.commune.save()

    first = send(client, tree, category=old.pk)
    second = send(client, tree, commune=tree.b.commune.pk)

    assert "category" in first.context["form"].errors
    assert "commune" in second.context["form"].errors
    assert not Case.objects.exists()


def test_a_place_is_required(client, tree):
    response = send(client, tree, commune="")

    assert response.context["form"].errors["commune"]
    assert not Case.objects.exists()


def test_a_typed_address_finds_the_commune(client, tree):
    response = send(client, tree, commune="", address="Số 5 phố Trúc Bạch, phường Ba Đình, Hà Nội")

    case = only_case()
    assert response.status_code == 302
    assert case.commune == tree.a.commune and case.responsible == tree.a.state
    assert case.address == "Số 5 phố Trúc Bạch, phường Ba Đình, Hà Nội"


def test_an_address_outside_the_city_is_refused(client, tree):
    response = send(client, tree, commune="", address="Số 5 Lê Lợi, Quận 1, TP Hồ Chí Minh")

    assert response.context["form"].errors["address"]
    assert not Case.objects.exists()


def test_coordinates_are_kept_and_checked(client, tree):
    bad = send(client, tree, latitude="123", longitude="105.8")
    assert "latitude" in bad.context["form"].errors

    send(client, tree, latitude="21.043", longitude="105.837")
    case = only_case()
    assert (case.latitude, case.longitude) == (21.043, 105.837)


def test_a_complaint_needs_its_legal_fields(client, tree):
    response = send(client, tree, kind="complaint")

    errors = response.context["form"].errors
    assert {"decision_complained", "decision_known_on", "reporter_name"} <= set(errors)
    assert not Case.objects.exists()

    known = timezone.localdate() - datetime.timedelta(days=20)
    send(
        client,
        tree,
        kind="complaint",
        decision_complained="Quyết định số 12/QĐ-XP",
        decision_known_on=known.isoformat(),
        reporter_name=NAME,
        reporter_phone=PHONE,
        consent="on",
    )
    case = only_case()
    assert case.kind == "complaint" and case.decision_known_on == known
    assert case.time_barred is False and case.limitation_ends is not None


def test_legal_fields_of_another_kind_are_not_kept(client, tree):
    send(client, tree, person_denounced="Ai đó", decision_complained="QĐ 1")

    case = only_case()
    assert case.person_denounced == "" and case.decision_complained == ""


def test_photos_are_attached(client, tree):
    photo = SimpleUploadedFile("rac.png", PNG, content_type="image/png")

    response = client.post(SEND, form_data(tree, files=[photo]))

    assert response.status_code == 302
    attachment = CaseAttachment.objects.get()
    assert attachment.content_type == "image/png" and attachment.case == only_case()


def test_a_file_whose_content_does_not_match_its_extension_is_refused(client, tree):
    fake = SimpleUploadedFile("anh.jpg", b"MZ\x90\x00 not a photo", content_type="image/jpeg")

    response = client.post(SEND, form_data(tree, files=[fake]))

    assert response.status_code == 200
    assert response.context["form"].errors["files"]
    assert not Case.objects.exists() and not CaseAttachment.objects.exists()


def test_at_most_three_files(client, tree):
    files = [SimpleUploadedFile(f"a{i}.png", PNG, content_type="image/png") for i in range(4)]

    response = client.post(SEND, form_data(tree, files=files))

    assert response.context["form"].errors["files"]
    assert not Case.objects.exists()


def test_a_long_description_is_refused(client, tree):
    response = send(client, tree, description="x" * 5001)

    assert response.context["form"].errors["description"]


def test_markup_from_the_citizen_is_shown_as_text(client, tree):
    send(
        client,
        tree,
        title="<script>alert('t')</script>",
        description="<img src=x onerror=alert(1)>\n<b>đậm</b>",
    )
    case = only_case()

    page = client.get(case_url(case))

    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;" in page.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page.text
    assert "&lt;b&gt;đậm&lt;/b&gt;" in page.text


def test_a_signed_in_official_sends_as_the_public(client_for, tree, clerk_b):
    response = client_for(clerk_b).post(SEND, form_data(tree))

    case = only_case()
    assert response.status_code == 302
    assert case.created_by is None and case.responsible == tree.a.state


def test_forms_work_without_a_csrf_cookie(tree, answered):
    strict = Client(enforce_csrf_checks=True)

    sent = strict.post(SEND, form_data(tree))
    rated = strict.post(reverse("public:rate", args=[answered.code]), {"satisfied": "yes"})

    assert sent.status_code == 302 and rated.status_code == 302
    assert not sent.cookies and not rated.cookies


def test_a_post_from_another_site_is_refused(client, tree):
    response = client.post(SEND, form_data(tree), HTTP_ORIGIN="https://evil.example")

    assert response.status_code == 403
    assert not Case.objects.exists()


# Rate limits ----------------------------------------------------------------------------


def test_the_sixth_post_from_one_address_within_ten_minutes_is_refused(client, tree):
    for _ in range(5):
        assert send(client, tree).status_code == 302

    refused = send(client, tree)

    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert Case.objects.count() == 5
    # Another address is not held back.
    assert client.post(SEND, form_data(tree), REMOTE_ADDR="10.1.2.3").status_code == 302


def test_an_ipv6_visitor_is_counted_by_network(client, tree):
    for host in range(1, 6):
        send_from = client.post(SEND, form_data(tree), REMOTE_ADDR=f"2001:db8:1:2::{host}")
        assert send_from.status_code == 302

    refused = client.post(SEND, form_data(tree), REMOTE_ADDR="2001:db8:1:2::99")

    assert refused.status_code == 429


def test_ratings_have_their_own_limit(client, answered):
    url = reverse("public:rate", args=[answered.code])
    for _ in range(20):
        client.post(url, {"satisfied": "no", "reason": ""})

    assert client.post(url, {"satisfied": "yes"}).status_code == 429


# Tracking -------------------------------------------------------------------------------


def test_the_code_form_accepts_any_case_and_dashes(client, tree):
    send(client, tree)
    code = only_case().code
    typed = code.replace("-", "").lower()

    response = client.get(TRACK, {"code": f"  {typed} "})

    assert response.status_code == 302 and response.url == reverse("public:case", args=[code])
    assert client.get(reverse("public:case", args=[typed])).url == reverse(
        "public:case", args=[code]
    )


def test_the_code_form_explains_a_malformed_code(client, db):
    response = client.get(TRACK, {"code": "123"})

    assert response.status_code == 200
    assert response.context["form"].errors["code"]


@pytest.mark.parametrize("code", ["ABCD-EFGH-JKLM", "not-a-code", "1", "ABCD-EFGH-JKLM-NPQR"])
def test_an_unknown_or_malformed_code_is_not_found(client, db, code):
    response = client.get(reverse("public:case", args=[code]))

    assert response.status_code == 404
    assert response.templates[0].name == "portal/track.html"


def test_normalise_code():
    assert normalise_code("abcd efgh jklm") == "ABCD-EFGH-JKLM"
    assert normalise_code("ABCD–EFGH–JKLM") == "ABCD-EFGH-JKLM"
    assert normalise_code("ABCD-EFGH-JKL0") is None  # no 0 in codes
    assert normalise_code("") is None and normalise_code(None) is None


def test_the_tracking_page_lists_public_steps_only(client, tree, clerk_a):
    send(client, tree)
    case = services.accept_case(actor=clerk_a, case=only_case(), note="Đã tiếp nhận.")
    CaseEvent.objects.create(
        case=case,
        action="assign",
        is_public=False,
        internal_note="Giao cho đồng chí Tuấn xử lý",
        public_note="Ghi chú nội bộ công khai nhầm",
    )

    page = client.get(case_url(case))

    assert "Đã tiếp nhận." in page.text
    assert "Tuấn" not in page.text and "nhầm" not in page.text
    assert clerk_a.full_name not in page.text
    assert [e.action for e in page.context["events"]] == ["submit", "accept"]
    assert (
        case.deadline.astimezone(timezone.get_current_timezone()).strftime("%d/%m/%Y %H:%M")
        in page.text
    )


def test_an_overdue_case_says_so(client, tree):
    send(client, tree)
    case = only_case()
    Case.objects.filter(pk=case.pk).update(deadline=timezone.now() - datetime.timedelta(hours=1))

    page = client.get(case_url(case))

    assert page.context["overdue"] is True


def test_tracking_page_queries_do_not_grow_with_events(client, answered):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(case_url(answered)).status_code == 200
        return len(queries)

    def add_events(n):
        CaseEvent.objects.bulk_create(
            CaseEvent(case=answered, action="extend", public_note=f"Gia hạn {i}") for i in range(n)
        )

    add_events(3)
    few = count_queries()
    add_events(27)
    many = count_queries()

    assert few == many <= 5


# Rating and reopening -------------------------------------------------------------------


def test_the_answer_can_be_rated(client, answered):
    page = client.get(case_url(answered))
    assert "Đã thay bóng đèn" in page.text and page.context["rate_form"] is not None

    response = client.post(reverse("public:rate", args=[answered.code]), {"satisfied": "yes"})

    answered.refresh_from_db()
    assert response.status_code == 302
    assert answered.satisfied is True and answered.status == Status.CLOSED
    assert client.get(case_url(answered)).context["rate_form"] is None


def test_not_satisfied_needs_a_reason(client, answered):
    url = reverse("public:rate", args=[answered.code])

    refused = client.post(url, {"satisfied": "no", "reason": "  "})
    answered.refresh_from_db()
    assert refused.status_code == 200
    assert refused.context["rate_form"].errors["reason"]
    assert answered.satisfied is None

    client.post(url, {"satisfied": "no", "reason": "Đèn lại hỏng sau hai ngày."})
    answered.refresh_from_db()
    assert answered.satisfied is False and answered.status == Status.ANSWERED


def test_a_case_without_an_answer_cannot_be_rated(client, tree):
    send(client, tree)
    case = only_case()

    response = client.post(reverse("public:rate", args=[case.code]), {"satisfied": "yes"})

    case.refresh_from_db()
    assert response.status_code == 200 and response.context["refusals"]
    assert case.satisfied is None


def test_the_case_can_be_reopened_within_the_window(client, answered):
    response = client.post(
        reverse("public:reopen", args=[answered.code]), {"reason": "Đèn vẫn chưa sáng."}
    )

    answered.refresh_from_db()
    assert response.status_code == 302
    assert answered.status == Status.IN_PROGRESS and answered.reopened_count == 1
    assert answered.deadline is not None
    assert "Đèn vẫn chưa sáng." in client.get(case_url(answered)).text


def test_reopening_needs_a_reason(client, answered):
    response = client.post(reverse("public:reopen", args=[answered.code]), {"reason": ""})

    answered.refresh_from_db()
    assert response.context["reopen_form"].errors["reason"]
    assert answered.status == Status.ANSWERED


def test_reopening_after_the_window_is_refused(client, answered):
    Case.objects.filter(pk=answered.pk).update(
        answered_at=timezone.now() - datetime.timedelta(days=30)
    )
    assert client.get(case_url(answered)).context["reopen_form"] is None

    response = client.post(
        reverse("public:reopen", args=[answered.code]), {"reason": "Đèn vẫn chưa sáng."}
    )

    answered.refresh_from_db()
    assert response.status_code == 200 and response.context["refusals"]
    assert answered.status == Status.ANSWERED and answered.reopened_count == 0


def test_rating_an_unknown_code_is_not_found(client, db):
    response = client.post(reverse("public:rate", args=["ABCD-EFGH-JKLM"]), {"satisfied": "yes"})

    assert response.status_code == 404


# Address parsing ------------------------------------------------------------------------


def test_an_address_gives_the_post_2025_commune(tree):
    assert commune_from_address("Số 5 phố Trúc Bạch, phường Ba Đình, Hà Nội") == tree.a.commune
    assert commune_from_address("12 Quang Trung, Hà Đông") == tree.b.commune  # Hà Nội implied
    assert commune_from_address("so 5 truc bach, phuong ba dinh, ha noi") == tree.a.commune


def test_an_address_elsewhere_or_unreadable_gives_nothing(tree):
    assert commune_from_address("Số 5 phố Trúc Bạch, phường Ba Đình, TP Hồ Chí Minh") is None
    assert commune_from_address("") is None and commune_from_address(None) is None
    assert commune_from_address("ở đâu đó") is None
    # A ward of Hà Nội the tree does not hold.
    assert ward_code_from_address("phường Cầu Giấy, Hà Nội") == "00166"
    assert commune_from_address("phường Cầu Giấy, Hà Nội") is None


def test_a_former_commune_is_not_found_from_an_address(tree):
    tree.a.commune.valid_to = timezone.localdate() - datetime.timedelta(days=1)
    tree.a.commune.save()

    assert commune_from_address("phường Ba Đình, Hà Nội") is None


def test_file_objects_are_rewound_after_checking(client, tree):
    """check_upload reads the head of each file; the stored file must still be complete."""
    photo = SimpleUploadedFile("rac.png", PNG, content_type="image/png")

    client.post(SEND, form_data(tree, files=[photo]))

    stored = CaseAttachment.objects.get().file
    assert io.BytesIO(stored.read()).getvalue() == PNG
