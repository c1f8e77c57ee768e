"""In a browser on a phone: a clerk's notification centre with notifications, and their
choices of delivery, pass axe and fit the screen; marking one read lowers the header's count."""

import pytest

from conftest import PASSWORD
from danvan.notices import services as notices
from danvan.notices.models import NotificationKind
from danvan.organisations.tests.test_browser import (
    CHROMIUM,
    TIMEOUT_MS,
    axe_violations,
    page,  # noqa: F401 (the fixture)
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def test_the_centre_on_a_phone(live_server, tree, clerk_a, page):  # noqa: F811
    for number in range(3):
        notices.notify(
            [clerk_a],
            kind=NotificationKind.CASE_ASSIGNED,
            key=f"browser:{number}",
            subject=f"Vụ việc mới PA-2026-0000{number} chuyển đến UBND Phường Ba Đình",
            text="Đèn đường ngõ 5 hỏng một tuần, đề nghị phường sớm sửa chữa để đi lại an toàn.",
            url="/cases/",
        )
    page.context.close()
    context = page.context.browser.new_context(
        locale="vi-VN", viewport={"width": 360, "height": 800}, bypass_csp=True
    )
    phone = context.new_page()
    phone.set_default_timeout(TIMEOUT_MS)
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.fill("input[name=username]", "clerk_a")
    phone.fill("input[name=password]", PASSWORD)
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_url(f"{live_server.url}/")

    for path in ("/notifications/", "/notifications/preferences/"):
        phone.goto(f"{live_server.url}{path}")
        assert axe_violations(phone) == [], path
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360, path

    phone.goto(f"{live_server.url}/notifications/")
    header = phone.locator("header .notifications-link")
    assert "3" in header.inner_text()
    phone.get_by_role("button", name="Đánh dấu là đã đọc").first.click()
    phone.wait_for_url(f"{live_server.url}/notifications/")
    assert "2" in phone.locator("header .notifications-link").inner_text()
    context.close()
