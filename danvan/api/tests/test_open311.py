"""Open311 GeoReport v2: discovery, services, posting with a key, public reading without
personal data, in JSON and in XML."""

import datetime
import hashlib
import json
import xml.etree.ElementTree as ET  # noqa: S405 - parses our own output

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from danvan.api import open311
from danvan.organisations.services import update_unit
from danvan.voice import services
from danvan.voice.models import ApiKey, Case, Category, RejectionReason

BASE = "/open311/v2"
RAW_KEY = "ihanoi-7Kq2-test-key-0123456789abcdef"
FORMATS = ["json", "xml"]
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}

# Personal data of the reporter: none of it may appear in any public answer.
REPORTER = {
    "reporter_name": "Nguyễn Thị Bảo Mật",
    "reporter_phone": "0987654321",
    "reporter_email": "baomat@example.vn",
    "reporter_address": "Số 9 ngõ Riêng Tư",
    "consent": True,
}

# Hand-written schemas: element name → expected type ("?" = may be null / empty).
DISCOVERY = {"changeset": "datetime", "contact": "str", "key_service": "str", "endpoints": "list"}
ENDPOINT = {
    "specification": "str",
    "url": "str",
    "changeset": "datetime",
    "type": "str",
    "formats": "list",
}
SERVICE = {
    "service_code": "str",
    "service_name": "str",
    "description": "str?",
    "metadata": "bool",
    "type": "str",
    "keywords": "str?",
    "group": "str?",
}
DEFINITION = {"service_code": "str", "attributes": "list"}
REQUEST = {
    "service_request_id": "str",
    "status": "str",
    "status_notes": "str?",
    "service_name": "str",
    "service_code": "str",
    "description": "str",
    "agency_responsible": "str",
    "service_notice": "str?",
    "requested_datetime": "datetime",
    "updated_datetime": "datetime",
    "expected_datetime": "datetime?",
    "address": "str?",
    "address_id": "str?",
    "zipcode": "null",
    "lat": "float?",
    "long": "float?",
    "media_url": "str?",
}
CREATED = {"service_request_id": "str", "service_notice": "str", "account_id": "null"}
ERROR = {"code": "int", "description": "str"}


def _check_json_value(value, kind: str) -> None:
    if kind.endswith("?") and value in (None, ""):
        return
    kind = kind.rstrip("?")
    if kind == "null":
        assert value is None
    elif kind == "str":
        assert isinstance(value, str) and value
    elif kind == "bool":
        assert isinstance(value, bool)
    elif kind == "int":
        assert isinstance(value, int) and not isinstance(value, bool)
    elif kind == "float":
        assert isinstance(value, int | float) and not isinstance(value, bool)
    elif kind == "list":
        assert isinstance(value, list)
    elif kind == "datetime":
        moment = datetime.datetime.fromisoformat(value)
        assert moment.tzinfo is not None


def _check_xml_text(text: str | None, kind: str) -> None:
    if kind.endswith("?") and not text:
        return
    kind = kind.rstrip("?")
    if kind == "null":
        assert not text
    elif kind == "str":
        assert text
    elif kind == "bool":
        assert text in ("true", "false")
    elif kind == "int":
        int(text or "")  # a missing text fails as a bad number
    elif kind == "float":
        float(text or "")
    elif kind == "datetime":
        assert datetime.datetime.fromisoformat(text or "").tzinfo is not None


def check(item, schema: dict, fmt: str) -> None:
    """Every key of the schema is present with a value of its type (a dict or an element)."""
    if fmt == "json":
        assert isinstance(item, dict)
        missing = set(schema) - set(item)
        assert not missing, missing
        for key, kind in schema.items():
            _check_json_value(item[key], kind)
    else:
        children = {child.tag: child for child in item}
        missing = set(schema) - set(children)
        assert not missing, missing
        for key, kind in schema.items():
            if kind != "list":
                _check_xml_text(children[key].text, kind)


def parse(response, fmt: str, *, root: str):
    """The body as JSON data or as the XML root element, after checking the envelope."""
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    if fmt == "json":
        return json.loads(response.content.decode("utf-8"))
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    element = ET.fromstring(response.content)  # noqa: S314 - our own output
    assert element.tag == root
    return element


def items(response, fmt: str, *, root: str, schema: dict) -> list[dict]:
    """The list items of a response, each checked against the schema, as {name: text}."""
    data = parse(response, fmt, root=root)
    rows = []
    for item in data:
        check(item, schema, fmt)
        rows.append(item if fmt == "json" else {child.tag: child.text for child in item})
    return rows


def codes(response, fmt: str) -> list[str]:
    rows = items(response, fmt, root="service_requests", schema=REQUEST)
    return [row["service_request_id"] for row in rows]


def assert_error(response, fmt: str, status: int) -> None:
    assert response.status_code == status
    rows = items(response, fmt, root="errors", schema=ERROR)
    assert rows and all(int(row["code"]) == status for row in rows)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache():
    """The POST rate limit counts in the cache: every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def places(tree):
    """The two wards with the coordinates of their centres, as the national list has them."""
    update_unit(actor=None, unit=tree.a.commune, latitude=21.0340, longitude=105.8140)
    update_unit(actor=None, unit=tree.b.commune, latitude=20.9710, longitude=105.7760)
    return tree


@pytest.fixture
def api_key(db):
    return ApiKey.objects.create(
        name="Ứng dụng iHanoi",
        key_hash=hashlib.sha256(RAW_KEY.encode()).hexdigest(),
        prefix=RAW_KEY[:8],
    )


def send(tree, *, commune=None, kind="feedback", code="moi-truong", received_at=None, **extra):
    data = {
        "title": "Rác thải tồn đọng",
        "description": "Rác để ở đầu ngõ 5 nhiều ngày.",
        "address": "Đầu ngõ 5 phố Đội Cấn",
        "latitude": 21.035,
        "longitude": 105.815,
        **REPORTER,
        **extra,
    }
    return services.submit_case(
        channel="portal",
        kind=kind,
        category=Category.objects.get(code=code),
        commune=commune or tree.a.commune,
        received_at=received_at or timezone.now(),
        **data,
    )


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def post(client, fmt="json", **fields):
    data = {
        "api_key": RAW_KEY,
        "service_code": "moi-truong",
        "description": "Cống thoát nước bị tắc, nước tràn ra đường.",
        "lat": "21.0352",
        "long": "105.8161",
        **fields,
    }
    return client.post(f"{BASE}/requests.{fmt}", {k: v for k, v in data.items() if v is not None})


# Discovery and services


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_names_the_spec_the_url_and_both_formats(client, db, fmt):
    response = client.get(f"{BASE}/discovery.{fmt}")
    assert response.status_code == 200
    data = parse(response, fmt, root="discovery")
    check(data, DISCOVERY, fmt)
    if fmt == "json":
        endpoint = data["endpoints"][0]
        formats = endpoint["formats"]
    else:
        endpoint = data.find("endpoints/endpoint")
        formats = [f.text for f in endpoint.findall("formats/format")]
        endpoint = {child.tag: child.text for child in endpoint}
        check(data.find("endpoints/endpoint"), ENDPOINT, fmt)
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["type"] == "production"
    assert sorted(formats) == ["application/json", "text/xml"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_states_the_window_and_the_page_size(client, db, fmt):
    data = parse(client.get(f"{BASE}/discovery.{fmt}"), fmt, root="discovery")
    if fmt == "json":
        paging = data["paging"]
    else:
        paging = {child.tag: child.text for child in data.find("paging")}
    assert int(paging["default_window_days"]) == 90
    assert int(paging["default_page_size"]) == open311.PAGE_SIZE
    assert int(paging["max_page_size"]) == open311.MAX_PAGE_SIZE
    assert paging["page_parameter"] == "page"
    assert paging["page_size_parameter"] == "page_size"


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_are_the_categories_in_use(client, db, fmt):
    Category.objects.filter(code="khac").update(is_active=False)
    response = client.get(f"{BASE}/services.{fmt}")
    assert response.status_code == 200
    rows = items(response, fmt, root="services", schema=SERVICE)
    expected = list(Category.objects.filter(is_active=True).values_list("code", flat=True))
    assert [row["service_code"] for row in rows] == expected
    assert "khac" not in expected
    first = rows[0]
    assert first["service_name"] == Category.objects.get(code=first["service_code"]).name
    assert first["type"] == "realtime"
    # Each service takes attributes: what is sent, and what a denunciation needs.
    assert first["metadata"] in (True, "true")


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition_names_the_kind_and_a_denunciations_details(client, db, fmt):
    response = client.get(f"{BASE}/services/giao-thong.{fmt}")
    assert response.status_code == 200
    data = parse(response, fmt, root="service_definition")
    check(data, DEFINITION, fmt)
    if fmt == "json":
        codes = [a["code"] for a in data["attributes"]]
        kinds = [v["key"] for v in data["attributes"][0]["values"]]
    else:
        codes = [a.findtext("code") for a in data.find("attributes")]
        kinds = [v.findtext("key") for v in data.find("attributes")[0].find("values")]
    assert codes == ["kind", "person_denounced", "reporter_address"]
    assert kinds == ["feedback", "recommendation", "denunciation"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_or_retired_service_is_404_in_the_spec_format(client, db, fmt):
    Category.objects.filter(code="khac").update(is_active=False)
    assert_error(client.get(f"{BASE}/services/khong-co.{fmt}"), fmt, 404)
    assert_error(client.get(f"{BASE}/services/khac.{fmt}"), fmt, 404)


def test_other_formats_are_not_served(client, db):
    assert client.get(f"{BASE}/services.html").status_code == 404


# Posting


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_without_a_key_is_403_in_the_spec_format(client, places, api_key, fmt):
    response = post(client, fmt, api_key=None)
    assert_error(response, fmt, 403)
    if fmt == "xml":
        error = ET.fromstring(response.content).find("error")  # noqa: S314
        assert error.findtext("code") == "403" and error.findtext("description")
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_with_a_wrong_key_is_403(client, places, api_key, fmt):
    wrong = RAW_KEY[:8] + "but-not-the-rest"  # same prefix, other key
    assert_error(post(client, fmt, api_key=wrong), fmt, 403)
    assert_error(post(client, fmt, api_key="x" * 40), fmt, 403)
    assert not Case.objects.exists()


def test_post_with_a_revoked_key_is_403(client, places, api_key):
    ApiKey.objects.filter(pk=api_key.pk).update(is_active=False)
    assert_error(post(client), "json", 403)


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_with_key_and_point_creates_a_case_in_the_nearest_ward(places, api_key, fmt):
    client = Client(enforce_csrf_checks=True)  # the key, not a CSRF token, authenticates
    response = post(
        client,
        fmt,
        first_name="Văn An",
        last_name="Trần",
        phone="0911222333",
        email="an@example.vn",
        media_url="https://example.vn/anh/cong.jpg",
        address_string="Trước số 12 phố Đội Cấn",
    )
    assert response.status_code == 201
    [created] = items(response, fmt, root="service_requests", schema=CREATED)
    case = Case.objects.get()
    assert created["service_request_id"] == case.code
    assert str(case.pk) != case.code
    assert case.channel == "open311" and case.kind == "feedback"
    assert case.category.code == "moi-truong"
    assert case.commune == places.a.commune
    assert case.responsible == places.a.state
    assert (case.latitude, case.longitude) == (21.0352, 105.8161)
    assert case.address == "Trước số 12 phố Đội Cấn"
    assert case.reporter_name == "Trần Văn An"
    assert case.reporter_phone == "0911222333"
    assert case.reporter_email == "an@example.vn"
    assert case.consent is True
    assert case.description.startswith("Cống thoát nước bị tắc")
    assert "https://example.vn/anh/cong.jpg" in case.description
    assert case.title == "Cống thoát nước bị tắc, nước tràn ra đường."


def test_a_point_near_the_other_ward_goes_there(client, places, api_key):
    assert post(client, lat="20.9722", long="105.7790").status_code == 201
    assert Case.objects.get().commune == places.b.commune


def test_an_anonymous_post_needs_no_consent(client, places, api_key):
    assert post(client).status_code == 201
    case = Case.objects.get()
    assert case.reporter_name == "" and case.consent is False


def test_post_by_address_string_finds_the_ward_by_name(client, places, api_key, monkeypatch):
    monkeypatch.setattr(open311, "commune_from_address", None)
    response = post(client, lat=None, long=None, address_string="Số 3 Quang Trung, Hà Đông")
    assert response.status_code == 201, response.content
    assert Case.objects.get().commune == places.b.commune


def test_address_string_prefers_the_full_ward_name(places):
    found = open311.commune_named_in("ngõ 2 phố Ba Đình, phường Hà Đông, Hà Nội")
    assert found == places.b.commune
    assert open311.commune_named_in("phố Tràng Tiền, Hoàn Kiếm") is None


def test_post_by_address_string_uses_the_place_parser_when_there(
    client, places, api_key, monkeypatch
):
    monkeypatch.setattr(open311, "commune_from_address", lambda text: places.a.commune)
    assert post(client, lat=None, long=None, address_string="anywhere").status_code == 201
    assert Case.objects.get().commune == places.a.commune


def test_post_by_address_id_is_the_wards_official_code(client, places, api_key):
    assert post(client, lat=None, long=None, address_id="09556").status_code == 201
    assert Case.objects.get().commune == places.b.commune


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_anonymous_denunciation_is_kept_as_information_and_never_listed(
    client, places, api_key, fmt
):
    response = post(
        client,
        fmt,
        **{"attribute[kind]": "denunciation", "attribute[person_denounced]": "Cán bộ phường"},
    )

    assert response.status_code == 201
    case = Case.objects.get()
    assert (case.kind, case.filed_as, case.channel) == ("information", "denunciation", "open311")
    notice = (
        response.json()[0]["service_notice"]
        if fmt == "json"
        else parse(response, fmt, root="service_requests")[0].findtext("service_notice")
    )
    assert "Điều 25" in notice and case.code in notice
    assert_error(client.get(f"{BASE}/requests/{case.code}.{fmt}"), fmt, 404)


def test_a_recommendation_is_posted_as_one(client, places, api_key):
    assert post(client, **{"attribute[kind]": "recommendation"}).status_code == 201
    assert Case.objects.get().kind == "recommendation"


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_service_code_is_400(client, places, api_key, fmt):
    assert_error(post(client, fmt, service_code="khong-co"), fmt, 400)
    assert_error(post(client, fmt, service_code=None), fmt, 400)
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"description": None},
        {"description": "   "},
        {"lat": None, "long": None},  # no place at all
        {"lat": "21.03", "long": None},
        {"lat": "abc", "long": "105.8"},
        {"lat": "nan", "long": "105.8"},
        {"lat": "95", "long": "105.8"},
        {"lat": "48.8566", "long": "2.3522"},  # Paris: no ward of ours
        {"lat": None, "long": None, "address_string": "Phố Tràng Tiền"},
        {"lat": None, "long": None, "address_id": "99999"},
        {"email": "not-an-address"},
        {"phone": "0" * 30},
        {"media_url": "javascript:alert(1)"},
        {"attribute[kind]": "complaint"},  # a complaint needs its dates and complainant
        {"attribute[kind]": "information"},  # never chosen by a sender
    ],
)
def test_invalid_posts_are_400_and_create_nothing(client, places, api_key, fields):
    assert_error(post(client, **fields), "json", 400)
    assert not Case.objects.exists()


def test_posts_are_limited_per_address(client, places, api_key, settings):
    settings.RATE_LIMITS = {"open311": (2, 600)}
    assert post(client).status_code == 201
    assert post(client, api_key="wrong").status_code == 403  # failed tries count too
    assert_error(post(client), "json", 429)
    assert_error(post(client, "xml"), "xml", 429)
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert post(other).status_code == 201


def test_one_ipv6_network_shares_one_count(places, api_key, settings):
    settings.RATE_LIMITS = {"open311": (1, 600)}
    assert post(Client(REMOTE_ADDR="2001:db8:1:2::a")).status_code == 201
    assert post(Client(REMOTE_ADDR="2001:db8:1:2::b")).status_code == 429
    assert post(Client(REMOTE_ADDR="2001:db8:1:3::a")).status_code == 201


def test_only_get_and_post(client, db):
    assert client.put(f"{BASE}/requests.json").status_code == 405
    assert client.post(f"{BASE}/services.json").status_code == 405


# Reading


@pytest.fixture
def cases(places, clerk_a):
    """A received case, an answered one, a rejected one (all in ward A), one in ward B on
    roads, one 100 days old, and a denunciation (never a service request)."""
    received = send(places, received_at=days_ago(1))
    answered = send(places, received_at=days_ago(10), description="Đèn đường hỏng.")
    services.accept_case(actor=clerk_a, case=answered)
    services.answer_case(actor=clerk_a, case=answered, answer="Đã thay bóng đèn mới.")
    rejected = send(places, received_at=days_ago(40))
    reason = RejectionReason.objects.get(code="trung-lap")
    services.reject_case(actor=clerk_a, case=rejected, reason=reason, note="Trùng PA khác.")
    roads = send(places, commune=places.b.commune, code="giao-thong", received_at=days_ago(3))
    old = send(places, received_at=days_ago(100))
    secret = send(places, kind="denunciation", received_at=days_ago(2))
    by_name = {"received": received, "answered": answered, "rejected": rejected}
    by_name.update({"roads": roads, "old": old, "secret": secret})
    return {name: Case.objects.get(pk=case.pk) for name, case in by_name.items()}


def get_codes(client, fmt="json", **params) -> list[str]:
    response = client.get(f"{BASE}/requests.{fmt}", params)
    assert response.status_code == 200, response.content
    return codes(response, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_default_to_the_last_90_days_newest_first(client, cases, fmt):
    expected = [cases[n].code for n in ("received", "roads", "answered", "rejected")]
    assert get_codes(client, fmt) == expected


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_request_as_the_spec_lists_it(client, cases, fmt):
    response = client.get(f"{BASE}/requests.{fmt}")
    rows = {
        row["service_request_id"]: row
        for row in items(response, fmt, root="service_requests", schema=REQUEST)
    }
    received = rows[cases["received"].code]
    assert received["status"] == "open"
    assert received["service_code"] == "moi-truong"
    assert received["service_name"] == Category.objects.get(code="moi-truong").name
    assert received["description"] == "Rác để ở đầu ngõ 5 nhiều ngày."
    assert received["agency_responsible"] == cases["received"].responsible.name
    assert received["address"] == "Đầu ngõ 5 phố Đội Cấn"
    assert received["address_id"] == "00004"
    assert float(received["lat"]) == 21.035 and float(received["long"]) == 105.815
    assert received["requested_datetime"].endswith("+07:00")
    assert received["expected_datetime"].endswith("+07:00")
    assert datetime.datetime.fromisoformat(received["expected_datetime"]) == (
        cases["received"].deadline
    )
    assert received["service_notice"]
    answered = rows[cases["answered"].code]
    assert answered["status"] == "closed"
    assert answered["status_notes"] == "Đã thay bóng đèn mới."
    assert not answered["expected_datetime"]
    assert answered["updated_datetime"] > answered["requested_datetime"]
    rejected = rows[cases["rejected"].code]
    assert rejected["status"] == "closed"
    assert rejected["status_notes"] == RejectionReason.objects.get(code="trung-lap").text


@pytest.mark.parametrize("fmt", FORMATS)
def test_filter_by_service_request_ids_overrides_the_window(client, cases, fmt):
    wanted = f"{cases['old'].code},{cases['roads'].code.lower()}"
    found = get_codes(client, fmt, service_request_id=wanted, status="closed")
    assert found == [cases["roads"].code, cases["old"].code]


def test_a_denunciation_is_never_a_service_request(client, cases):
    assert cases["secret"].code not in get_codes(client)
    assert get_codes(client, service_request_id=cases["secret"].code) == []
    assert_error(client.get(f"{BASE}/requests/{cases['secret'].code}.json"), "json", 404)


@pytest.mark.parametrize("fmt", FORMATS)
def test_filter_by_service_codes(client, cases, fmt):
    assert get_codes(client, fmt, service_code="giao-thong") == [cases["roads"].code]
    both = get_codes(client, fmt, service_code="giao-thong,moi-truong")
    assert len(both) == 4
    assert get_codes(client, fmt, service_code="khong-co") == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_filter_by_status(client, cases, fmt):
    assert get_codes(client, fmt, status="open") == [cases["received"].code, cases["roads"].code]
    assert get_codes(client, fmt, status="closed") == [
        cases["answered"].code,
        cases["rejected"].code,
    ]
    assert len(get_codes(client, fmt, status="open,closed")) == 4
    assert_error(client.get(f"{BASE}/requests.{fmt}", {"status": "pending"}), fmt, 400)


@pytest.mark.parametrize("fmt", FORMATS)
def test_filter_by_dates(client, cases, fmt):
    def iso(days: int) -> str:
        return timezone.localtime(days_ago(days)).isoformat(timespec="seconds")

    assert get_codes(client, fmt, start_date=iso(5)) == [
        cases["received"].code,
        cases["roads"].code,
    ]
    # end only: the 90 days before it
    assert get_codes(client, fmt, end_date=iso(20)) == [cases["rejected"].code, cases["old"].code]
    assert get_codes(client, fmt, end_date=iso(60)) == [cases["old"].code]
    assert get_codes(client, fmt, start_date=iso(50), end_date=iso(5)) == [
        cases["answered"].code,
        cases["rejected"].code,
    ]
    assert get_codes(client, fmt, start_date=iso(120), end_date=iso(95)) == [cases["old"].code]
    # a bare date; a "+" that was not URL-encoded; UTC
    day = timezone.localdate(cases["roads"].received_at).isoformat()
    assert get_codes(client, fmt, start_date=day, end_date=day) == [cases["roads"].code]
    assert get_codes(client, fmt, start_date=iso(2).replace("+", " ")) == [cases["received"].code]
    utc = (days_ago(2)).astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert get_codes(client, fmt, start_date=utc) == [cases["received"].code]


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "hôm qua"},
        {"end_date": "2026-13-01"},
        {"start_date": "2026-03-01", "end_date": "2026-01-01"},
        {"start_date": "2025-01-01", "end_date": "2025-12-31"},  # more than 90 days
    ],
)
def test_bad_dates_are_400(client, db, params):
    assert_error(client.get(f"{BASE}/requests.json", params), "json", 400)


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_request_by_its_code(client, cases, fmt):
    response = client.get(f"{BASE}/requests/{cases['roads'].code}.{fmt}")
    assert response.status_code == 200
    assert codes(response, fmt) == [cases["roads"].code]
    lower = client.get(f"{BASE}/requests/{cases['roads'].code.lower()}.{fmt}")
    assert codes(lower, fmt) == [cases["roads"].code]


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_request_is_404(client, cases, fmt):
    assert_error(client.get(f"{BASE}/requests/ZZZZ-ZZZZ-ZZZZ.{fmt}"), fmt, 404)
    # a database id is not an identifier here
    assert_error(client.get(f"{BASE}/requests/{cases['roads'].pk}.{fmt}"), fmt, 404)


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_personal_data_in_any_public_answer(client, cases, fmt):
    urls = [
        f"{BASE}/requests.{fmt}",
        f"{BASE}/requests.{fmt}?status=open,closed&start_date=2020-01-01",
        f"{BASE}/requests.{fmt}?service_request_id="
        + ",".join(case.code for case in cases.values()),
        *(f"{BASE}/requests/{case.code}.{fmt}" for case in cases.values()),
    ]
    secrets = [value for key, value in REPORTER.items() if key != "consent"]
    secrets += ["Trùng PA khác."]  # the internal note of the rejection
    for url in urls:
        body = client.get(url).content.decode("utf-8")
        for secret in secrets:
            assert secret not in body, (url, secret)
            assert json.dumps(secret)[1:-1] not in body


def test_text_is_escaped_in_xml(client, places):
    nasty = "Nước \"bẩn\" <b>&amp; 'mùi'</b> ]]> \x0b đây"
    case = send(places, description=nasty)
    response = client.get(f"{BASE}/requests/{case.code}.xml")
    element = ET.fromstring(response.content)  # noqa: S314
    assert element.findtext("request/description") == nasty.replace("\x0b", "")
    assert (
        json.loads(client.get(f"{BASE}/requests/{case.code}.json").content)[0]["description"]
        == nasty
    )


def test_the_default_page_holds_the_newest_page_size_requests(client, places):
    for day in range(open311.PAGE_SIZE + 5):
        send(places, received_at=days_ago(day % 80) - datetime.timedelta(minutes=day))

    response = client.get(f"{BASE}/requests.json")

    assert len(response.json()) == open311.PAGE_SIZE
    newest = Case.objects.order_by("-received_at", "-id")[: open311.PAGE_SIZE]
    assert [row["service_request_id"] for row in response.json()] == [c.code for c in newest]
    assert 'rel="next"' in response["Link"]
    assert "page=2" in response["Link"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_pages_neither_overlap_nor_skip(client, places, fmt):
    moment = timezone.now() - datetime.timedelta(hours=1)
    for _ in range(7):  # received at the same moment: the id breaks the tie
        send(places, received_at=moment)
    for n in range(4):
        send(places, received_at=days_ago(n + 1))
    every = get_codes(client, fmt, page_size=200)
    assert len(every) == 11

    pages, number = [], 1
    while True:
        response = client.get(f"{BASE}/requests.{fmt}", {"page": number, "page_size": 3})
        assert response.status_code == 200
        pages.append(codes(response, fmt))
        if "Link" not in response:
            break
        assert f"page={number + 1}" in response["Link"]
        number += 1

    assert [len(page) for page in pages] == [3, 3, 3, 2]
    assert [code for page in pages for code in page] == every
    assert get_codes(client, fmt, page=5, page_size=3) == []


def test_paging_keeps_the_filters_in_the_next_link(client, cases):
    response = client.get(f"{BASE}/requests.json", {"status": "closed", "page_size": 1})
    assert [row["service_request_id"] for row in response.json()] == [cases["answered"].code]
    following = response["Link"].split(">")[0].removeprefix("<")
    assert "status=closed" in following
    assert [row["service_request_id"] for row in client.get(following).json()] == [
        cases["rejected"].code
    ]
    assert "Link" not in client.get(following)


def test_ids_are_not_paged(client, cases):
    wanted = ",".join(cases[n].code for n in ("received", "answered", "old"))
    assert len(get_codes(client, service_request_id=wanted, page_size=1, page=9)) == 3


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "params",
    [
        {"page": "0"},
        {"page": "-1"},
        {"page": "hai"},
        {"page": "1.5"},
        {"page": "٣"},  # a digit, but not an ASCII one
        {"page": "99999999999"},
        {"page_size": "0"},
        {"page_size": "201"},
        {"page_size": "mười"},
    ],
)
def test_bad_paging_is_400_in_the_spec_format(client, cases, fmt, params):
    response = client.get(f"{BASE}/requests.{fmt}", params)
    assert_error(response, fmt, 400)
    name = next(iter(params))
    assert name in response.content.decode()


def test_a_bad_page_is_explained_in_vietnamese(client, db):
    response = client.get(f"{BASE}/requests.json", {"page_size": "500"})
    assert response.json()[0]["description"] == "page_size phải là số nguyên từ 1 đến 200."


def test_public_answers_may_be_cached_and_set_no_cookie(client, cases):
    response = client.get(f"{BASE}/requests.json")
    assert "public" in response["Cache-Control"]
    assert not response.cookies


def test_reading_requests_costs_the_same_queries_for_3_or_30(client, places):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{BASE}/requests.json")
        assert response.status_code == 200
        return len(queries)

    for _ in range(3):
        send(places)
    few = count()
    for _ in range(27):
        send(places)
    assert len(json.loads(client.get(f"{BASE}/requests.json").content)) == 30
    assert count() == few


def test_every_page_costs_the_same_queries(client, places):
    def count(page: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{BASE}/requests.json", {"page": page, "page_size": 4})
        assert response.status_code == 200
        return len(queries)

    for _ in range(10):
        send(places)
    assert count(1) == count(2) == count(3) == count(4)


def test_the_notice_names_the_event_its_deadline_counts_from(client, places):
    case = send(places)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    data = client.get(f"{BASE}/requests/{case.code}.json").json()[0]

    assert data["service_notice"].startswith("Acceptance within 8 working hours from receipt")
