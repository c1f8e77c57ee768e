"""Which database serves a read: the replica for a safe request of a client that did not
write recently, the primary for everything else (the replica's health faked here; the real
replica is proven by deploy/replica-smoke)."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.core.handlers.exception import convert_exception_to_response
from django.db import OperationalError, connections
from django.http import HttpResponse

from danvan.lib import dbrouter

ROOT = Path(__file__).resolve().parents[3]
router = dbrouter.ReplicaRouter()


@pytest.fixture
def replica(monkeypatch):
    """A configured replica whose health the test decides (healthy unless told)."""
    state = {"healthy": True}
    monkeypatch.setattr(dbrouter, "replica_configured", lambda: True)
    monkeypatch.setattr(dbrouter, "replica_healthy", lambda: state["healthy"])
    dbrouter.reset_health()
    yield state
    dbrouter.reset_health()


def serve(request, *, write=False, fail_on_replica=False):
    """Run the request through the middleware; return the response and the aliases read."""
    reads = []

    def view(request):
        alias = router.db_for_read(ContentType)
        reads.append(alias)
        if fail_on_replica and alias == dbrouter.REPLICA:
            raise OperationalError("server closed the connection unexpectedly")
        if write:
            router.db_for_write(ContentType)
        return HttpResponse("ok")

    middleware = dbrouter.ReplicaRoutingMiddleware(convert_exception_to_response(view))
    return middleware(request), reads


def test_a_get_reads_the_replica(replica, rf):
    response, reads = serve(rf.get("/"))
    assert reads == ["replica"]
    assert dbrouter.PIN_COOKIE not in response.cookies
    _, reads = serve(rf.head("/"))
    assert reads == ["replica"]
    response, reads = serve(rf.options("/"))
    assert reads == ["default"]
    assert dbrouter.PIN_COOKIE not in response.cookies


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_an_unsafe_request_reads_and_writes_the_primary_and_pins_the_client(replica, rf, method):
    response, reads = serve(getattr(rf, method)("/"))
    assert reads == ["default"]
    assert router.db_for_write(ContentType) == "default"
    cookie = response.cookies[dbrouter.PIN_COOKIE]
    assert cookie["max-age"] == 10
    assert cookie["httponly"]


def test_the_next_get_of_the_writer_reads_the_primary_until_the_pin_ends(replica, rf):
    response, _ = serve(rf.post("/"))
    pin = response.cookies[dbrouter.PIN_COOKIE].value

    request = rf.get("/")
    request.COOKIES[dbrouter.PIN_COOKIE] = pin
    _, reads = serve(request)
    assert reads == ["default"]

    # Another client, or the same one once the pin is over, reads the replica.
    _, reads = serve(rf.get("/"))
    assert reads == ["replica"]
    assert dbrouter.pinned(request)
    assert not dbrouter.pinned(request, now=float(pin))
    garbled = rf.get("/")
    garbled.COOKIES[dbrouter.PIN_COOKIE] = "soon"
    assert not dbrouter.pinned(garbled)


def test_a_get_that_writes_pins_the_client(replica, rf):
    response, reads = serve(rf.get("/"), write=True)
    assert reads == ["replica"]
    assert dbrouter.PIN_COOKIE in response.cookies


def test_a_lagging_or_failing_replica_sends_reads_to_the_primary(replica, rf):
    replica["healthy"] = False
    _, reads = serve(rf.get("/"))
    assert reads == ["default"]


def test_outside_a_request_reads_the_primary(replica):
    assert router.db_for_read(ContentType) == "default"
    assert router.db_for_write(ContentType) == "default"


def test_inside_a_transaction_reads_stay_on_the_primary(replica, rf, monkeypatch):
    monkeypatch.setattr(connections["default"], "in_atomic_block", True)
    _, reads = serve(rf.get("/"))
    assert reads == ["default"]


def test_a_replica_lost_during_a_get_answers_it_from_the_primary(replica, rf, monkeypatch):
    monkeypatch.setattr(dbrouter, "mark_replica_unhealthy", lambda reason: None)
    response, reads = serve(rf.get("/"), fail_on_replica=True)
    assert response.status_code == 200
    assert reads == ["replica", "default"]


def test_migrations_only_on_the_primary_and_relations_across_both():
    assert router.allow_migrate("default", "voice")
    assert not router.allow_migrate("replica", "voice")
    one, other = ContentType(), ContentType()
    one._state.db, other._state.db = "default", "replica"
    assert router.allow_relation(one, other)


@pytest.mark.skipif(
    bool(django_settings.DATABASE_REPLICA_URL), reason="this run has a replica configured"
)
def test_without_a_replica_nothing_is_routed(rf):
    settings = django_settings
    assert "replica" not in settings.DATABASES
    assert not settings.DATABASE_ROUTERS
    assert "danvan.lib.dbrouter.ReplicaRoutingMiddleware" not in settings.MIDDLEWARE
    assert router.db_for_read(ContentType) is None
    response, reads = serve(rf.post("/"))
    assert reads == [None]
    assert dbrouter.PIN_COOKIE not in response.cookies


def test_the_replica_url_configures_the_alias_the_router_and_the_middleware():
    environment = {
        **os.environ,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/danvan",
        "DATABASE_REPLICA_URL": "postgres://postgres@127.0.0.1:5433/danvan",
    }
    code = (
        "from django.conf import settings as s;"
        "r = s.DATABASES['replica'];"
        "print(r['PORT'], r['TEST']['MIRROR'], r['OPTIONS']['connect_timeout'], s.DATABASE_ROUTERS,"
        " s.MIDDLEWARE[1])"
    )
    result = subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", "shell", "--no-imports", "-v", "0", "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "5433",
        "default",
        "2",
        "['danvan.lib.dbrouter.ReplicaRouter']",
        "danvan.lib.dbrouter.ReplicaRoutingMiddleware",
    ]


# --- The health check, with the replica's answer faked ----------------------------------


@pytest.fixture
def probed(monkeypatch, settings):
    """A configured replica whose measured lag (or error) the test decides; counts probes."""
    settings.REPLICA_CHECK_SECONDS = 2
    settings.REPLICA_MAX_LAG_SECONDS = 5
    answer = {"lag": 0.0, "error": None, "probes": 0}

    def measure():
        answer["probes"] += 1
        if answer["error"]:
            raise answer["error"]
        return answer["lag"]

    clock = {"now": 1000.0}
    monkeypatch.setattr(dbrouter, "measure_lag", measure)
    monkeypatch.setattr(dbrouter.time, "monotonic", lambda: clock["now"])
    answer["clock"] = clock
    dbrouter.reset_health()
    yield answer
    dbrouter.reset_health()


def test_the_health_is_asked_at_most_once_per_interval(probed):
    assert dbrouter.replica_healthy()
    assert dbrouter.replica_healthy()
    assert probed["probes"] == 1
    probed["clock"]["now"] += 2
    probed["lag"] = 7.5
    assert not dbrouter.replica_healthy()
    assert probed["probes"] == 2


def test_a_lagging_or_failing_replica_is_unhealthy_with_a_warning_once_a_minute(probed, caplog):
    caplog.set_level(logging.WARNING, logger="danvan.lib.dbrouter")
    probed["lag"] = 6.0
    assert not dbrouter.replica_healthy()
    probed["clock"]["now"] += 2
    probed["lag"], probed["error"] = 0.0, OperationalError("connection refused")
    assert not dbrouter.replica_healthy()
    assert [r.getMessage() for r in caplog.records] == [
        "Replica not used, reads go to the primary: lag 6.0 s > 5 s"
    ]
    probed["clock"]["now"] += 60
    assert not dbrouter.replica_healthy()
    assert "connection refused" in caplog.records[-1].getMessage()
    probed["clock"]["now"] += 2
    probed["error"] = None
    assert dbrouter.replica_healthy()
