"""A cache server that does not answer: pages still served, a warning logged."""

import logging
import socket

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse

from danvan.lib import cache as tolerant


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nothing listens


@pytest.fixture
def redis_down(monkeypatch):
    monkeypatch.setattr(tolerant.TolerantRedisCache, "_last_warning", 0.0)
    down = {
        "default": {
            "BACKEND": "danvan.lib.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    with override_settings(CACHES=down):  # Django forgets the caches it had opened
        yield caches["default"]


def test_reads_miss_and_writes_are_dropped(redis_down, caplog):
    with caplog.at_level(logging.WARNING, logger="danvan.lib.cache"):
        assert redis_down.get("k", "fallback") == "fallback"
        assert redis_down.add("k", 1) is False
        redis_down.set("k", 1)
        assert redis_down.get_many(["k"]) == {}
        with pytest.raises(ValueError):
            redis_down.incr("k")
    warnings = [r for r in caplog.records if "does not answer" in r.getMessage()]
    assert len(warnings) == 1  # once a minute, not once a call


def test_public_pages_and_forms_are_still_served(redis_down, tree, settings):
    settings.PUBLIC_PAGE_SECONDS = 60
    client = Client()
    for url in ["/", reverse("public:scorecards"), reverse("public:send"), "/healthz/"]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert client.get("/healthz/").json()["cache"] == "error"


def test_a_cache_that_answers_keeps_values(tree):
    with override_settings(
        CACHES={
            "default": {
                "BACKEND": "danvan.lib.cache.TolerantRedisCache",
                "LOCATION": "redis://127.0.0.1:6379/15",
            }
        }
    ):
        cache = caches["default"]
        try:
            cache.set("danvan-test", 7)
        except Exception:  # noqa: BLE001
            pytest.skip("no Redis on 127.0.0.1:6379")
        if cache.get("danvan-test") is None:
            pytest.skip("no Redis on 127.0.0.1:6379")
        assert cache.get("danvan-test") == 7
        assert cache.incr("danvan-test") == 8
        cache.delete("danvan-test")
