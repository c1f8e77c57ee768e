"""The place of a case on a real map, where a tile server is configured: the form's point is
checked, the tile server's origin is allowed for images only, and without a tile server the
pages carry no map at all."""

import runpy
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse

from danvan.portal.tests.test_feedback import form_data, only_case
from danvan.settings import tile_origin
from danvan.voice.models import Case
from danvan.voice.tests.conftest import send

SEND = reverse("public:send")
TILES = "https://{s}.tiles.example.vn/{z}/{x}/{y}.png"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tiles(settings):
    settings.TILE_SERVER_URL = TILES
    settings.TILE_ATTRIBUTION = "© OpenStreetMap contributors"
    return settings


def test_without_a_tile_server_no_page_loads_a_map(client, tree):
    page = client.get(SEND)
    assert "leaflet" not in page.text and "place-map.js" not in page.text
    assert "data-place-picker" in page.text  # the anchor is inert without the script
    case = send(tree, latitude=21.03, longitude=105.85)
    tracking = client.get(reverse("public:case", args=[case.code]))
    assert "leaflet" not in tracking.text and "data-map-point" not in tracking.text


def test_with_a_tile_server_the_form_and_the_case_pages_load_the_map(
    client, client_for, city_officer, tree, tiles
):
    page = client.get(SEND)
    assert 'data-tiles="https://{s}.tiles.example.vn/{z}/{x}/{y}.png"' in page.text
    assert "vendor/leaflet/leaflet.js" in page.text and "js/place-map.js" in page.text
    case = send(tree, latitude=21.03, longitude=105.85)
    tracking = client.get(reverse("public:case", args=[case.code]))
    assert 'data-map-point data-lat="21.03" data-lon="105.85"' in tracking.text
    assert "js/place-map.js" in tracking.text
    staff = client_for(city_officer).get(reverse("voice:detail", args=[case.pk]))
    assert 'data-map-point data-lat="21.03" data-lon="105.85"' in staff.text
    # A case without a point loads no map.
    other = send(tree)
    assert "leaflet" not in client.get(reverse("public:case", args=[other.code])).text


def test_the_tile_servers_origin_is_allowed_for_images_only():
    assert tile_origin(TILES) == "https://*.tiles.example.vn"
    assert tile_origin("http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png") == "http://127.0.0.1:8080"
    assert tile_origin("/tiles/{z}/{x}/{y}.png") == ""  # this site: 'self' allows it
    assert tile_origin("") == "" and tile_origin("javascript:alert(1)") == ""


def test_the_settings_allow_the_tile_server_in_img_src_only(monkeypatch):
    settings_file = Path(tile_origin.__code__.co_filename)
    monkeypatch.setenv("TILE_SERVER_URL", TILES)
    configured = runpy.run_path(str(settings_file))
    assert configured["TILE_SERVER_URL"] == TILES
    policy = configured["SECURE_CSP"]
    assert policy["img-src"] == ["'self'", "data:", "https://*.tiles.example.vn"]
    assert all("tiles" not in " ".join(v) for k, v in policy.items() if k != "img-src")
    monkeypatch.setenv("TILE_SERVER_URL", "")
    assert runpy.run_path(str(settings_file))["SECURE_CSP"]["img-src"] == ["'self'", "data:"]


def test_the_pages_policy_names_the_tile_server(client, settings, tree):
    settings.SECURE_CSP = {**settings.SECURE_CSP, "img-src": ["'self'", "https://t.vn"]}
    policy = client.get(SEND).headers["Content-Security-Policy"]
    assert "img-src 'self' https://t.vn" in policy


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [
        ("10.776", "106.700"),  # Hồ Chí Minh City
        ("21.03", ""),  # one coordinate only
        ("", "105.85"),
        ("95", "105.85"),  # not a latitude at all
        ("abc", "105.85"),
    ],
)
def test_a_point_outside_hanoi_is_refused_with_a_clear_message(
    client, tree, settings, latitude, longitude
):
    settings.LANGUAGE_CODE = "vi"
    response = client.post(
        SEND, form_data(tree, latitude=latitude, longitude=longitude), HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert response.status_code == 200
    assert "Vị trí chọn trên bản đồ không ở Hà Nội" in response.text
    assert not Case.objects.exists()


def test_a_point_in_hanoi_is_kept(client, tree):
    response = client.post(SEND, form_data(tree, latitude="20.95", longitude="105.76"))
    assert response.status_code == 302
    case = only_case()
    assert (case.latitude, case.longitude) == (20.95, 105.76)
