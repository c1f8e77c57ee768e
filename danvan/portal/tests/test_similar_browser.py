"""In a browser on a phone: a citizen who chose the commune and typed sees the open cases
that say the same thing, in a panel that passes axe and fits the screen."""

import pytest

from danvan.organisations.tests.test_browser import (
    CHROMIUM,
    TIMEOUT_MS,
    axe_violations,
    page,  # noqa: F401 (the fixture)
)
from danvan.voice.tests.conftest import send

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def test_similar_cases_show_while_typing(live_server, tree, page):  # noqa: F811
    flood = send(
        tree,
        title="Ngõ 12 phố Trần Phú bị ngập nước sâu mỗi khi mưa to",
        description="Nước không thoát được, người dân phải lội.",
    )
    page.context.close()
    context = page.context.browser.new_context(
        locale="vi-VN", viewport={"width": 360, "height": 800}, bypass_csp=True
    )
    phone = context.new_page()
    phone.set_default_timeout(TIMEOUT_MS)
    phone.goto(f"{live_server.url}/gui-phan-anh/")
    phone.select_option("#id_commune", str(tree.a.commune.pk))
    phone.fill("#id_title", "")
    phone.locator("#id_title").press_sequentially("ngo 12 tran phu ngap nuoc khi mua")
    panel = phone.locator("#similar-found")
    panel.wait_for()
    assert "Đã có người phản ánh" in panel.inner_text()
    assert flood.title in panel.inner_text()
    assert axe_violations(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()
