"""Every page of the site in Debian's Chromium on a 360 px phone: axe-core finds no WCAG 2.1
A/AA violation and nothing is wider than the screen.

The pages come from the root URL resolver (every_page.py): a page that is neither walked nor
excluded with a reason fails the fast coverage test below, so a new page cannot escape.
The walk runs over the demo (load_demo at a small scale): every app's objects are there, as a
reader meets them, with one browser and one context per login.
"""

from io import StringIO

import pytest
from django.core.management import call_command

from danvan.organisations.tests.test_browser import (
    CHROMIUM,
    TIMEOUT_MS,
    axe_violations,
    page,  # noqa: F401  (the Chromium fixture)
)
from danvan.portal.tests import every_page

DEMO_PASSWORD = "danvan-demo-2026"  # noqa: S105  (the demo accounts' published password)
PHONE = {"width": 360, "height": 800}


def test_every_url_name_is_walked_or_excluded_with_a_reason():
    names = every_page.url_names()
    walked, excluded = set(every_page.WALKED), set(every_page.EXCLUDED)
    assert not names - walked - excluded, "pages neither walked nor excluded"
    assert not (walked | excluded) - names, "walked or excluded names that no URL has"
    assert not walked & excluded
    assert all(reason.strip() for reason in every_page.EXCLUDED.values())


@pytest.fixture
def demo(settings):
    settings.DEMO_MODE = True
    call_command("load_demo", hamlets=1, scale=0.002, stdout=StringIO())
    every_page.seed()


def _log_in(context, base: str, login: str):
    phone = context.new_page()
    phone.set_default_timeout(TIMEOUT_MS)
    if login != every_page.PUBLIC:
        phone.goto(f"{base}/accounts/login/")
        phone.fill("input[name=username]", login)
        phone.fill("input[name=password]", DEMO_PASSWORD)
        phone.locator("main form button[type=submit]").click()
        phone.wait_for_url(f"{base}/")
    return phone


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
def test_every_page_passes_axe_and_fits_a_phone(live_server, demo, page):  # noqa: F811
    browser = page.context.browser
    broken: dict[str, list[str]] = {}
    walked = 0
    for login, pages in every_page.pages().items():
        context = browser.new_context(locale="vi-VN", viewport=PHONE, bypass_csp=True)
        phone = _log_in(context, live_server.url, login)
        for name, path in pages:
            response = phone.goto(f"{live_server.url}{path}")
            status = response.status if response else None
            problems = [] if status and status < 400 else [f"status {status}"]
            problems += axe_violations(phone)
            width = phone.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                problems.append(f"{width} px wide")
            if problems:
                broken[f"{login} {name} {path}"] = problems
            walked += 1
        context.close()
    assert walked == len(every_page.WALKED) + 1  # the public home besides the staff's
    assert not broken, broken
