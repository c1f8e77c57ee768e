"""Phone first, in Debian's Chromium: the header menus fold into a button a thumb or a
keyboard opens, every link and control of a menu or form is a 44 px target at 360 px, and
the public forms work with JavaScript off."""

import re

import pytest
from django.apps import apps

from conftest import PASSWORD
from danvan.organisations.tests.test_browser import (
    CHROMIUM,
    TIMEOUT_MS,
    page,  # noqa: F401  (the Chromium fixture)
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]
PHONE = {"width": 360, "height": 800}

# Every visible link and control of the header, the menus and the forms, with its size.
TARGETS = """() => {
    const selector = ["header", "nav", "form"].flatMap((area) => [
        `${area} a`, `${area} button`, `${area} select`, `${area} textarea`, `${area} summary`,
        `${area} input:not([type=hidden]):not([type=checkbox]):not([type=radio])`,
    ]).join(", ");
    return [...new Set(document.querySelectorAll(selector))]
        .filter((el) => !el.closest(".visually-hidden, .hp, .skip"))
        .map((el) => [el, el.getBoundingClientRect()])
        .filter(([el, box]) => box.width > 0 && box.height > 0)
        .map(([el, box]) => ({
            what: el.outerHTML.slice(0, 90), width: box.width, height: box.height,
        }));
}"""


def _phone(opened, **options):
    context = opened.context.browser.new_context(locale="vi-VN", viewport=PHONE, **options)
    phone = context.new_page()
    phone.set_default_timeout(TIMEOUT_MS)
    return phone


def _log_in(phone, base: str, username: str) -> None:
    phone.goto(f"{base}/accounts/login/")
    phone.fill("input[name=username]", username)
    phone.fill("input[name=password]", PASSWORD)
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_url(f"{base}/")


def test_the_staff_menu_folds_into_a_button_a_keyboard_opens(live_server, city_officer, page):  # noqa: F811
    from playwright.sync_api import expect

    phone = _phone(page)
    _log_in(phone, live_server.url, "thanhpho")
    phone.goto(f"{live_server.url}/cases/")
    toggle = phone.get_by_role("button", name=re.compile("^(Trình đơn|Menu)$"))
    menu = phone.locator("#main-menu")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-controls", "main-menu")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()

    toggle.focus()
    phone.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name="Hồ sơ phản ánh, kiến nghị")).to_be_visible()
    phone.keyboard.press("Tab")
    phone.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(toggle).to_be_focused()
    expect(toggle).to_have_attribute("aria-expanded", "false")

    # On a wide screen the menu is always there and the button is not.
    phone.set_viewport_size({"width": 1280, "height": 900})
    expect(toggle).to_be_hidden()
    expect(menu.get_by_role("link", name="Hồ sơ phản ánh, kiến nghị")).to_be_visible()
    phone.context.close()


def test_without_javascript_the_menus_are_listed_in_full(live_server, city_officer, page):  # noqa: F811
    from playwright.sync_api import expect

    phone = _phone(page, java_script_enabled=False)
    phone.goto(f"{live_server.url}/")
    expect(phone.locator(".portal-nav .menu-toggle")).to_be_hidden()
    expect(phone.locator("#portal-menu").get_by_role("link", name="Gửi phản ánh")).to_be_visible()
    _log_in(phone, live_server.url, "thanhpho")
    expect(phone.locator(".topbar .menu-toggle")).to_be_hidden()
    expect(phone.locator("#main-menu").get_by_role("link", name="Cán bộ")).to_be_visible()
    phone.context.close()


def test_menus_and_forms_are_44_px_tap_targets_on_a_phone(live_server, clerk_a, page):  # noqa: F811
    small: dict[str, list[dict]] = {}

    def measure(phone, path: str, menu: str) -> None:
        phone.goto(f"{live_server.url}{path}")
        phone.locator(f"button[aria-controls={menu}]").click()  # open the folded menu
        found = [t for t in phone.evaluate(TARGETS) if min(t["width"], t["height"]) < 44 - 0.5]
        if found:
            small[path] = found

    visitor = _phone(page)
    for path in ["/", "/gui-phan-anh/", "/tra-cuu/", "/library/"]:
        measure(visitor, path, "portal-menu")
    visitor.context.close()

    clerk = _phone(page)
    _log_in(clerk, live_server.url, "clerk_a")
    for path in ["/", "/cases/", "/cases/new/", "/registry/new/"]:
        measure(clerk, path, "main-menu")
    clerk.context.close()
    assert not small, small


def test_feedback_is_sent_and_tracked_with_javascript_off(live_server, tree, page):  # noqa: F811
    """The citizen's forms are plain HTML: sending, tracking and finding a commune work in a
    browser that runs no script."""
    from playwright.sync_api import expect

    phone = _phone(page, java_script_enabled=False)
    category = apps.get_model("voice.Category").objects.get(code="moi-truong")
    phone.goto(f"{live_server.url}/gui-phan-anh/")
    phone.locator("input[name=kind][value=feedback]").check()
    phone.select_option("#id_category", str(category.pk))
    phone.fill("#id_title", "Rác thải tồn đọng ở ngõ 5")
    phone.fill("#id_description", "Rác để ở đầu ngõ nhiều ngày, bốc mùi.")
    phone.select_option("#id_commune", str(tree.a.commune.pk))
    phone.locator("#feedback-form > button[type=submit]").click()

    phone.wait_for_url(re.compile(r"/tra-cuu/[^/]+/\?new=1$"))
    code = phone.locator(".portal-code").inner_text().strip()
    assert code

    phone.goto(f"{live_server.url}/tra-cuu/")
    phone.fill("input[name=code]", code)
    phone.get_by_role("button", name="Tra cứu", exact=True).click()
    expect(phone.locator("h1")).to_contain_text("Rác thải tồn đọng ở ngõ 5")
    expect(phone.locator("main")).to_contain_text(code)

    phone.goto(f"{live_server.url}/")
    phone.fill("#finder input[name=q]", "ha dong")
    phone.locator("#finder button[type=submit]").click()
    phone.get_by_role("link", name="Phường Hà Đông", exact=True).click()
    expect(phone.locator("h1")).to_have_text("Phường Hà Đông")
    phone.context.close()
