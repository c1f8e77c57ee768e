"""Dates typed and shown as dd/mm/yyyy, whatever the browser's language.

An <input type="date"> draws itself in the browser's locale (mm/dd/yyyy on an English
browser), so a clerk on an office PC with an English Chromium reads 03/05/2026 for 5 March.
Every date field of the application is a plain text box instead: numeric keyboard on a phone,
the placeholder and pattern saying dd/mm/yyyy, and the server reading dd/mm/yyyy first (ISO
too, for links, the API and older bookmarks) in every interface language.
"""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

DISPLAY_FORMAT = "%d/%m/%Y"
# dd/mm/yyyy first; ISO for links, the API and bookmarks made with the old date inputs;
# dd-mm-yyyy as the Vietnamese formats always read it.
INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"]
PLACEHOLDER = "dd/mm/yyyy"
PATTERN = r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}"
INVALID = _("Enter the date as dd/mm/yyyy, for example 05/03/2026.")


class DateInput(forms.DateInput):
    """A text box for a date written dd/mm/yyyy."""

    input_type = "text"

    def __init__(self, attrs=None, format=None):  # noqa: A002  (Django's argument name)
        defaults = {
            "inputmode": "numeric",
            "placeholder": PLACEHOLDER,
            "pattern": PATTERN,
            "title": PLACEHOLDER,
            "autocomplete": "off",
            "maxlength": 10,
            "size": 10,
        }
        super().__init__({**defaults, **(attrs or {})}, format=format or DISPLAY_FORMAT)


class DateField(forms.DateField):
    """A date read as dd/mm/yyyy (or ISO) in every language, with a message that says how."""

    widget = DateInput
    input_formats = INPUT_FORMATS
    default_error_messages = {"invalid": INVALID}


def parse_date(value: str | None) -> datetime.date | None:
    """A date from a query string (dd/mm/yyyy or ISO), None when empty or not a date."""
    value = (value or "").strip()
    for fmt in INPUT_FORMATS:
        try:
            return datetime.datetime.strptime(value, fmt).date()  # noqa: DTZ007  (a date)
        except ValueError:
            continue
    return None


def format_date(value: datetime.date | None) -> str:
    return value.strftime(DISPLAY_FORMAT) if value else ""
