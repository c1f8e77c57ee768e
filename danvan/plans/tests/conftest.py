"""Shared by the plans tests."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Argon2 costs 0.2 s a user; these tests log in with force_login and never check one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def english():
    """Services run outside a request; their messages are compared as their English msgids."""
    with translation.override("en"):
        yield
