"""Dates are typed and shown dd/mm/yyyy in every interface language and every browser."""

import datetime

import pytest
from django import forms
from django.utils import translation

from danvan.lib.dates import DateField, parse_date


class When(forms.Form):
    on = DateField(label="on")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_date_typed_dd_mm_yyyy_is_read_day_first_in_every_language(language):
    with translation.override(language):
        form = When({"on": "05/03/2026"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["on"] == datetime.date(2026, 3, 5)


def test_an_iso_date_is_still_read_for_links_and_the_api():
    form = When({"on": "2026-03-05"})
    assert form.is_valid()
    assert form.cleaned_data["on"] == datetime.date(2026, 3, 5)


@pytest.mark.parametrize("typed", ["2026-13-45", "31/02/2026", "5 tháng 3", "03/05/26"])
def test_a_wrong_date_is_refused_with_a_vietnamese_message_that_says_how(typed):
    with translation.override("vi"):
        form = When({"on": typed})
        assert not form.is_valid()
        assert form.errors["on"] == ["Nhập ngày theo dạng dd/mm/yyyy, ví dụ 05/03/2026."]


def test_the_box_is_text_with_a_numeric_keyboard_and_says_dd_mm_yyyy():
    html = str(When(initial={"on": datetime.date(2026, 3, 5)})["on"])
    assert 'type="text"' in html and 'type="date"' not in html
    assert 'inputmode="numeric"' in html
    assert 'placeholder="dd/mm/yyyy"' in html
    assert 'pattern="' in html
    assert 'value="05/03/2026"' in html


def test_dates_in_query_strings_are_read_both_ways():
    assert parse_date("05/03/2026") == datetime.date(2026, 3, 5)
    assert parse_date("2026-03-05") == datetime.date(2026, 3, 5)
    assert parse_date("2026-13-45") is None
    assert parse_date("") is None
