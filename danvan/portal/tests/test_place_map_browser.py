"""In a browser on a 360 px phone, with a tile server configured: the citizen taps the place
of the case on the map and the case keeps that point; when the tile server does not answer,
the form still sends. The pages with their map pass axe and fit the screen.

The tile server is answered by the browser itself (Playwright's page.route): a 1 px PNG for
every tile, or an aborted request for a server that is down. The pages' own content security
policy is enforced (it must allow the tile server's images), except where axe is injected."""

import base64

import pytest
from django.urls import reverse

from danvan.organisations.tests.test_browser import (
    CHROMIUM,
    TIMEOUT_MS,
    axe_violations,
    page,  # noqa: F401 (the fixture)
)
from danvan.voice.models import Case, Category

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

TILE_HOST = "http://tiles.test"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
)
PHONE = {"width": 360, "height": 800}


@pytest.fixture
def tiles(settings):
    settings.TILE_SERVER_URL = TILE_HOST + "/{z}/{x}/{y}.png"
    settings.TILE_ATTRIBUTION = "© OpenStreetMap contributors"
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "img-src": [*settings.SECURE_CSP["img-src"], TILE_HOST],
    }
    return settings


def phone_page(page, *, tiles_answer: bool, bypass_csp: bool = False):  # noqa: F811
    """A phone's page whose tile server answers with a 1 px PNG, or not at all; it records
    the script errors and the policy violations it meets."""
    page.context.close()
    context = page.context.browser.new_context(
        locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=bypass_csp
    )
    phone = context.new_page()
    phone.set_default_timeout(TIMEOUT_MS)
    requested: list[str] = []

    def answer(route):
        requested.append(route.request.url)
        if tiles_answer:
            route.fulfill(status=200, content_type="image/png", body=PNG)
        else:
            route.abort("connectionrefused")

    phone.route(TILE_HOST + "/**", answer)
    phone.errors = []  # type: ignore[attr-defined]
    phone.on("pageerror", lambda error: phone.errors.append(str(error)))
    phone.on(
        "console",
        lambda message: (
            phone.errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    phone.tiles_requested = requested  # type: ignore[attr-defined]
    return phone


def fill_the_form(phone, live_server, tree):
    phone.goto(f"{live_server.url}/gui-phan-anh/")
    phone.check("input[name=kind][value=feedback]")
    phone.select_option("#id_category", str(Category.objects.get(code="moi-truong").pk))
    phone.select_option("#id_commune", str(tree.a.commune.pk))
    phone.fill("#id_title", "Cây đổ chắn ngang đường")
    phone.fill("#id_description", "Cây đổ sau cơn mưa, chắn ngang lối đi.")


def test_a_citizen_taps_the_place_on_the_map_and_the_case_keeps_it(
    live_server,
    tree,
    tiles,
    page,  # noqa: F811
):
    phone = phone_page(page, tiles_answer=True)
    fill_the_form(phone, live_server, tree)
    box = phone.locator(".place-map-pick")
    box.scroll_into_view_if_needed()
    phone.wait_for_selector(".place-map-pick[data-tiles-loaded]")
    assert phone.tiles_requested  # the tiles came from the configured server, through the CSP
    assert phone.input_value("#id_latitude") == ""
    box.tap(position={"x": 180, "y": 100})
    latitude, longitude = phone.input_value("#id_latitude"), phone.input_value("#id_longitude")
    assert latitude and longitude
    assert 20.5 < float(latitude) < 21.5 and 105.2 < float(longitude) < 106.1
    assert phone.locator(".place-map-pick path.leaflet-interactive").count() == 1  # the mark
    assert latitude in phone.inner_text("#location-status")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.locator("#feedback-form button[type=submit]").last.click()
    phone.wait_for_url("**/?new=1")
    case = Case.objects.get()
    assert (case.latitude, case.longitude) == (float(latitude), float(longitude))
    # The tracking page shows the point on the map.
    phone.wait_for_selector(".place-map-show[data-tiles-loaded]")
    assert phone.locator(".place-map-show path.leaflet-interactive").count() == 1
    assert phone.errors == []
    phone.context.close()


def test_the_form_sends_when_the_tile_server_does_not_answer(
    live_server,
    tree,
    tiles,
    page,  # noqa: F811
):
    phone = phone_page(page, tiles_answer=False)
    fill_the_form(phone, live_server, tree)
    phone.fill("#id_address", "Số 5 phố Trúc Bạch")
    note = phone.locator(".place-map-note")
    note.wait_for()
    phone.wait_for_selector(".place-map-pick[data-tiles-failed]")
    assert "Không tải được bản đồ" in note.inner_text()
    phone.locator("#feedback-form button[type=submit]").last.click()
    phone.wait_for_url("**/?new=1")
    case = Case.objects.get()
    assert case.address == "Số 5 phố Trúc Bạch" and case.latitude is None
    assert phone.errors == []
    phone.context.close()


def test_the_form_and_the_case_page_with_their_maps_pass_axe_and_fit_a_phone(
    live_server,
    tree,
    tiles,
    page,  # noqa: F811
):
    phone = phone_page(page, tiles_answer=True, bypass_csp=True)  # axe is an inline script
    fill_the_form(phone, live_server, tree)
    phone.wait_for_selector(".place-map-pick[data-tiles-loaded]")
    phone.locator(".place-map-pick").tap(position={"x": 120, "y": 140})
    phone.locator("#clear-location").wait_for()  # "Remove the position": readable, checked too
    problems = axe_violations(phone)
    assert problems == [], problems
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.locator("#feedback-form button[type=submit]").last.click()
    phone.wait_for_url("**/?new=1")
    phone.wait_for_selector(".place-map-show[data-tiles-loaded]")
    problems = axe_violations(phone)
    assert problems == [], problems
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.context.close()


def test_the_communes_maps_pass_axe_and_fit_a_phone(
    live_server,
    tree,
    city_officer,
    page,  # noqa: F811
):
    """The maps drawn without tiles: the public home's and scorecards', and the city's
    dashboard's (its communes placed), each with its table."""
    from conftest import PASSWORD
    from danvan.organisations.services import update_unit

    update_unit(actor=None, unit=tree.a.commune, latitude=21.0341, longitude=105.8372)
    update_unit(actor=None, unit=tree.b.commune, latitude=20.9714, longitude=105.7788)
    phone = phone_page(page, tiles_answer=True, bypass_csp=True)
    broken = {}

    def check(path):
        phone.goto(f"{live_server.url}{path}")
        assert phone.locator("svg.chart-svg.map circle.spot").count() == 2, path
        phone.locator("svg.chart-svg.map + details summary").click()  # open the table
        problems = axe_violations(phone)
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"{width} px wide")
        if problems:
            broken[path] = problems

    check("/")
    check("/bang-xep-hang/")
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.fill("input[name=username]", "thanhpho")
    phone.fill("input[name=password]", PASSWORD)
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_url(f"{live_server.url}/")
    check(reverse("dashboard:unit", args=[tree.city.pk]))
    assert not broken, broken
    phone.context.close()
