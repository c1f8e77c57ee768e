"""Browser test: a judge scores on a phone-sized sheet, each box saved as it is typed.

Drives Debian's Chromium with Playwright against pytest-django's live server (as
organisations/tests/test_browser.py does); skipped, with the reason, where it is absent.
"""

import re
from decimal import Decimal

import pytest

from conftest import PASSWORD
from danvan.contests.models import Score
from danvan.organisations.tests.test_browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
    # The live server's transactions: the seeded rules are reloaded after the test.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def phone(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(locale="vi-VN", viewport={"width": 360, "height": 780})
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            yield page
            context.close()
        finally:
            browser.close()


def test_a_judge_types_points_and_each_box_is_saved(live_server, world, preliminary, phone):
    from playwright.sync_api import expect

    judge = world.judges[0]
    entry = preliminary.entries[world.wards[0].pk]
    part = preliminary.greeting
    content, time = part.rubric.criteria.all()
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.fill("input[name=username]", judge.username)
    phone.fill("input[name=password]", PASSWORD)
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/contests/judging/{preliminary.round.pk}/{entry.pk}/{part.pk}/")
    boxes = phone.locator("input.sheet-input")
    with phone.expect_response(re.compile(r"/save/$")):
        boxes.nth(0).press_sequentially("8,5", delay=40)
    expect(phone.locator(".sheet-status").nth(0)).to_contain_text(re.compile("Đã lưu|Saved"))
    with phone.expect_response(re.compile(r"/save/$")):
        boxes.nth(1).press_sequentially("3", delay=40)
    expect(phone.locator(".sheet-status").nth(1)).to_contain_text(re.compile("0 đến 2|0 and 2"))
    # No sideways scrolling on a 360 px phone.
    assert not phone.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"
    )
    saved = dict(Score.objects.filter(juror=judge, entry=entry).values_list("criterion", "value"))
    assert saved == {content.pk: Decimal("8.5")}
