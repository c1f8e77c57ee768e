"""Every date of every form is typed dd/mm/yyyy, in a box that is the same in every browser:
no <input type="date"> (drawn in the browser's locale: mm/dd/yyyy on an English Chromium)."""

import datetime
import importlib
import inspect
import re
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.utils import timezone, translation

from conftest import PASSWORD
from danvan.lib.dates import DateField, DateInput
from danvan.organisations.tests.test_browser import (
    CHROMIUM,
    TIMEOUT_MS,
    page,  # noqa: F401  (the Chromium fixture)
)

TEMPLATES = Path(settings.BASE_DIR) / "danvan"


def _forms_of_the_apps():
    for config in apps.get_app_configs():
        if not config.name.startswith("danvan."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for _name, form in inspect.getmembers(module, inspect.isclass):
            if issubclass(form, forms.BaseForm) and form.__module__ == module.__name__:
                yield form


def test_every_date_field_of_every_form_reads_and_shows_dd_mm_yyyy():
    checked, wrong = 0, []
    for form in _forms_of_the_apps():
        for name, field in form.base_fields.items():
            if isinstance(field, forms.DateField):
                checked += 1
                if not isinstance(field, DateField) or not isinstance(field.widget, DateInput):
                    wrong.append(f"{form.__module__}.{form.__name__}.{name}")
    assert checked > 40
    assert not wrong


def test_no_template_draws_a_browser_date_input():
    found = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if re.search(r"""type=["']?date\b""", path.read_text())
    ]
    assert not found


def test_a_reception_session_is_dated_day_first_and_a_wrong_date_is_explained(db):
    from danvan.voice.forms import ReceptionSessionForm

    with translation.override("en"):
        form = ReceptionSessionForm({"date": "05/03/2026", "host": "Chủ tịch UBND"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["date"] == datetime.date(2026, 3, 5)

    with translation.override("vi"):
        form = ReceptionSessionForm({"date": "2026-13-45", "host": "Chủ tịch UBND"})
        assert not form.is_valid()
        assert form.errors["date"] == ["Nhập ngày theo dạng dd/mm/yyyy, ví dụ 05/03/2026."]


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
def test_an_english_browser_shows_and_takes_dates_day_first(live_server, tree, clerk_a, page):  # noqa: F811
    """An office PC with an en-US Chromium: the date box says dd/mm/yyyy, shows today as
    dd/mm/yyyy, and 05/03/2026 is saved as 5 March 2026."""
    from playwright.sync_api import expect

    context = page.context.browser.new_context(
        locale="en-US", timezone_id="America/New_York", viewport={"width": 360, "height": 800}
    )
    phone = context.new_page()
    phone.set_default_timeout(TIMEOUT_MS)
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.fill("input[name=username]", "clerk_a")
    phone.fill("input[name=password]", PASSWORD)
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_url(f"{live_server.url}/")

    phone.goto(f"{live_server.url}/cases/reception/units/{tree.a.commune.pk}/new/")
    date = phone.locator("#id_date")
    expect(date).to_have_attribute("type", "text")
    expect(date).to_have_attribute("placeholder", "dd/mm/yyyy")
    expect(date).to_have_attribute("inputmode", "numeric")
    expect(date).to_have_value(timezone.localdate().strftime("%d/%m/%Y"))  # today, day first

    date.fill("05/03/2026")
    phone.fill("#id_host", "Chủ tịch UBND phường")
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_url(re.compile(r"/cases/reception/sessions/\d+/$"))
    expect(phone.locator("main")).to_contain_text("05/03/2026")
    session = apps.get_model("voice.ReceptionSession").objects.get()
    assert session.date == datetime.date(2026, 3, 5)
    context.close()
