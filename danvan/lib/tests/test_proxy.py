"""The visitor's address behind a reverse proxy."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from danvan.lib.middleware import TrustedProxyMiddleware


def address(remote: str, forwarded: str | None, trusted: list[str]) -> str:
    seen = {}

    def view(request):
        seen["ip"] = request.META["REMOTE_ADDR"]
        return HttpResponse()

    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    with override_settings(TRUSTED_PROXIES=trusted):
        TrustedProxyMiddleware(view)(request)
    return seen["ip"]


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        ("127.0.0.1", "203.0.113.7", ["127.0.0.1"], "203.0.113.7"),
        # What the client wrote before the proxy's own entry is not believed.
        ("127.0.0.1", "10.0.0.1, 203.0.113.7", ["127.0.0.1"], "203.0.113.7"),
        # Two proxies of ours in a row.
        ("127.0.0.1", "203.0.113.7, 10.1.1.1", ["127.0.0.1", "10.1.1.1"], "203.0.113.7"),
        # Not from a trusted proxy: the header is the client's word, ignored.
        ("198.51.100.9", "203.0.113.7", ["127.0.0.1"], "198.51.100.9"),
        # No proxy configured: nothing changes.
        ("127.0.0.1", "203.0.113.7", [], "127.0.0.1"),
        ("127.0.0.1", None, ["127.0.0.1"], "127.0.0.1"),
    ],
)
def test_the_visitors_address(remote, forwarded, trusted, expected):
    assert address(remote, forwarded, trusted) == expected
