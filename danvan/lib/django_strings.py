"""Strings of Django itself that its Vietnamese catalogue lacks, so ours can carry them."""

from django.utils.translation import gettext_noop

MISSING_IN_DJANGO = [
    gettext_noop("- Select an option -"),
]
