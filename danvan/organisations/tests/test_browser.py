"""Browser smoke test: a city officer logs in, sees the home page, searches the tree.

Drives Debian's Chromium (`apt-get install chromium`) with Playwright's sync API against
pytest-django's live server. Skipped, with the reason shown, where Chromium is absent.
"""

import os
import re
from pathlib import Path

import pytest

from conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]
TIMEOUT_MS = 15_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed (apt-get install chromium)",
    ),
]


@pytest.fixture
def page(monkeypatch):
    """A fresh Chromium page; Playwright's sync API runs an event loop in this thread."""
    # Django refuses database calls from a thread with a running event loop; the live
    # server's test database access happens in this thread while Playwright's loop runs.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            yield page
            context.close()
        finally:
            browser.close()


def test_city_officer_logs_in_and_searches_the_tree(live_server, city_officer, page, tmp_path):
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "thanhpho")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()

    # Home: the greeting with the officer's name, the city and the wards under it.
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("h1")).to_have_text(re.compile(r"^(Xin chào|Hello), Cán bộ Thành phố$"))
    expect(page.locator("main")).to_contain_text("Thành phố Hà Nội")
    expect(page.locator("main")).to_contain_text("Phường Ba Đình")
    expect(page.locator("main")).to_contain_text("Phường Hà Đông")
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)

    # The tree: both wards are listed under the city before any search.
    page.goto(f"{live_server.url}/units/")
    expect(page.locator("main")).to_contain_text("Phường Ba Đình")
    page.screenshot(path=str(tmp_path / "tree.png"), full_page=True)

    # Typing (without diacritics) searches through htmx after a short delay.
    searched = re.compile(r"/units/\?(.*&)?q=ha(\+|%20)dong")
    with page.expect_response(searched) as response_info:
        page.locator("#id_q").press_sequentially("ha dong", delay=30)
    assert response_info.value.ok
    results = page.locator("#results")
    expect(results).to_contain_text("Phường Hà Đông")
    expect(results.get_by_role("link", name="Phường Hà Đông", exact=True)).to_be_visible()
    expect(results).not_to_contain_text("Phường Ba Đình")
    expect(page).to_have_url(searched)  # hx-push-url: the search can be bookmarked

    shot = tmp_path / "tree-search.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 1000
    keep = os.environ.get("BROWSER_SCREENSHOTS")
    if keep:  # e.g. BROWSER_SCREENSHOTS=/tmp/shots to look at them after the run
        Path(keep).mkdir(parents=True, exist_ok=True)
        for png in tmp_path.glob("*.png"):
            (Path(keep) / png.name).write_bytes(png.read_bytes())


AXE = Path(__file__).with_name("axe.min.js")  # axe-core 4.14 (MPL-2.0, axe.LICENSE beside it)
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
STAFF_PAGES = [
    "/",
    "/units/",
    "/registry/",
    "/cases/",
    "/cadres/",
    "/awards/",
    "/awards/nominations/",
    "/contests/",
    "/democracy/",
    "/campaigns/",
    "/reports/",
    "/opinion/",
    "/opinion/missing/",
    "/opinion/reports/",
    "/opinion/reports/new/",
    "/opinion/collaborators/",
    "/opinion/themes/",
    "/dashboard/",
    "/accounts/two-step/",
    "/notifications/",
]
PUBLIC_PAGES = [
    "/",  # a visitor's home: the citizen's front door
    "/xa-phuong/?q=ba+dinh",
    "/xa-phuong/phuong-ba-dinh/",
    "/accounts/login/",
    "/library/",
    "/gui-phan-anh/",
    "/tra-cuu/",
    "/bang-xep-hang/",
    "/dan-chu-co-so/",
    "/hoi-thi/",
]


def axe_violations(page) -> list[str]:
    """The WCAG 2.1 AA rules axe-core finds broken on the page, with the first element of each."""
    page.add_script_tag(content=AXE.read_text())
    found = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map((v) => `${v.id}: ${v.nodes[0].target.join(" ")}`);
        }""",
        WCAG_AA,
    )
    return list(found)


def test_pages_pass_axe_and_fit_a_phone(live_server, city_officer, page):
    """Each area's first page, staff and public, on a 360 px phone: no WCAG 2.1 AA violation
    that axe-core finds, and nothing wider than the screen."""
    page.context.close()
    context = page.context.browser.new_context(
        locale="vi-VN", viewport={"width": 360, "height": 800}, bypass_csp=True
    )
    phone = context.new_page()
    phone.set_default_timeout(TIMEOUT_MS)
    broken: dict[str, list[str]] = {}

    def check(path: str) -> None:
        response = phone.goto(f"{live_server.url}{path}")
        assert response is not None and response.status < 400, (path, response)
        problems = axe_violations(phone)
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            problems.append(f"{width} px wide")
        if problems:
            broken[path] = problems

    for path in PUBLIC_PAGES:
        check(path)
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.fill("input[name=username]", "thanhpho")
    phone.fill("input[name=password]", PASSWORD)
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_url(f"{live_server.url}/")
    for path in STAFF_PAGES:
        check(path)
    context.close()
    assert not broken, broken


def test_a_visitor_finds_their_commune_by_position_or_old_name(live_server, tree, page):
    """The public home's finder: the device's position leads to the nearest commune's page;
    without JavaScript the same form finds a commune by a name typed without marks."""
    from playwright.sync_api import expect

    from danvan.organisations.services import update_unit

    update_unit(actor=None, unit=tree.a.commune, latitude=21.0341, longitude=105.8372)
    update_unit(actor=None, unit=tree.b.commune, latitude=20.9714, longitude=105.7788)
    context = page.context.browser.new_context(
        locale="vi-VN",
        viewport={"width": 360, "height": 800},
        geolocation={"latitude": 20.972, "longitude": 105.779},
        permissions=["geolocation"],
    )
    phone = context.new_page()
    phone.set_default_timeout(TIMEOUT_MS)
    phone.goto(f"{live_server.url}/")
    phone.locator("#finder [data-locate]").click()
    phone.wait_for_url(f"{live_server.url}/xa-phuong/phuong-ha-dong/")
    expect(phone.locator("h1")).to_have_text("Phường Hà Đông")
    context.close()

    no_script = page.context.browser.new_context(locale="vi-VN", java_script_enabled=False)
    plain = no_script.new_page()
    plain.goto(f"{live_server.url}/")
    expect(plain.locator("#finder [data-locate]")).to_be_hidden()
    plain.fill("#finder input[name=q]", "ba dinh")
    plain.locator("#finder button[type=submit]").click()
    plain.get_by_role("link", name="Phường Ba Đình", exact=True).click()
    expect(plain.locator("h1")).to_have_text("Phường Ba Đình")
    no_script.close()
