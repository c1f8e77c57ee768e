"""Reads on a PostgreSQL streaming replica, writes and a client's own reads on the primary.

Active only when settings.DATABASE_REPLICA_URL configures the "replica" alias (settings.py
then lists the router and the middleware). A read goes to the replica only when all hold:

- it happens inside a request seen by `ReplicaRoutingMiddleware` whose method is GET or
  HEAD; jobs, commands, the shell and anything outside a request read the primary;
- the client did not write recently: a POST, PUT, PATCH or DELETE, or any request that
  wrote, sets a cookie that keeps the client's reads on the primary for REPLICA_PIN_SECONDS,
  so that a user always sees their own write (no stale read after a save);
- no transaction is open on the primary (inside `transaction.atomic` reads stay with it);
- the replica answered its last health check and lags less than REPLICA_MAX_LAG_SECONDS.
  Each process asks the replica at most once every REPLICA_CHECK_SECONDS; a replica that
  errors or lags sends reads to the primary, with a warning logged at most once a minute.

A GET whose replica connection broke while it ran (the replica stopped between two checks)
is answered again from the primary, once.
"""

import logging
import sys
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import DatabaseError, InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"
PIN_COOKIE = "dv_primary_until"
READ_METHODS = frozenset({"GET", "HEAD"})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
WARN_EVERY_SECONDS = 60

# The health query: in recovery (a standby), caught up (all WAL received is replayed: an idle
# primary sends nothing, so the last replayed transaction may be old without any lag), and the
# age of the last replayed transaction otherwise.
HEALTH_SQL = (
    "SELECT pg_is_in_recovery(),"
    " COALESCE(pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(), false),"
    " COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)"
)


@dataclass
class RequestRouting:
    """What the router may do for the request being served."""

    use_replica: bool
    wrote: bool = False
    used_replica: bool = False
    replica_failed: bool = False


_routing: ContextVar[RequestRouting | None] = ContextVar("db_routing", default=None)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


# --- Health of the replica, cached per process ---------------------------------------------


class _Health:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.checked_at: float | None = None
        self.healthy = False
        self.last_warning: float | None = None


_health = _Health()


def reset_health() -> None:
    """Forget the last check (tests, the smoke script): the next read asks the replica."""
    _health.reset()


def measure_lag() -> float:
    """Seconds the replica is behind (0 when caught up); raises DatabaseError if unreachable."""
    connection = connections[REPLICA]
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute(HEALTH_SQL)
        in_recovery, caught_up, replay_age = cursor.fetchone()
    if not in_recovery or caught_up:
        # Not a standby (a test mirror, a managed read endpoint) or nothing left to replay.
        return 0.0
    return float(replay_age)


def _close_replica() -> None:
    """Drop this thread's replica connection; the next check opens a fresh one."""
    if replica_configured():
        try:
            connections[REPLICA].close()
        except DatabaseError:
            pass


def _warn(message: str, *args) -> None:
    now = time.monotonic()
    last = _health.last_warning
    if last is None or now - last >= WARN_EVERY_SECONDS:
        _health.last_warning = now
        logger.warning(message, *args)


def mark_replica_unhealthy(reason: str) -> None:
    """Send reads to the primary until the next check."""
    _health.checked_at = time.monotonic()
    _health.healthy = False
    _warn("Replica not used, reads go to the primary: %s", reason)


def replica_healthy() -> bool:
    """The replica answers and lags less than the bound (checked at most once per interval)."""
    now = time.monotonic()
    checked_at = _health.checked_at
    if checked_at is not None and now - checked_at < settings.REPLICA_CHECK_SECONDS:
        return _health.healthy
    if not _health.lock.acquire(blocking=False):
        return _health.healthy  # another thread is asking; its answer comes soon
    try:
        try:
            lag = measure_lag()
        except DatabaseError as error:
            _close_replica()
            mark_replica_unhealthy(f"{type(error).__name__}: {error}".strip())
            return False
        if lag > settings.REPLICA_MAX_LAG_SECONDS:
            mark_replica_unhealthy(f"lag {lag:.1f} s > {settings.REPLICA_MAX_LAG_SECONDS} s")
            return False
        _health.checked_at = time.monotonic()
        _health.healthy = True
        return True
    finally:
        _health.lock.release()


# --- The router ---------------------------------------------------------------------------


def read_alias() -> str:
    """The alias a read made now should use."""
    routing = _routing.get()
    if routing is None or not routing.use_replica or not replica_configured():
        return PRIMARY
    if connections[PRIMARY].in_atomic_block:
        return PRIMARY
    if not replica_healthy():
        return PRIMARY
    routing.used_replica = True
    return REPLICA


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not replica_configured():
            return None
        return read_alias()

    def db_for_write(self, model, **hints):
        routing = _routing.get()
        if routing is not None:
            routing.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA, None}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


# --- The middleware -----------------------------------------------------------------------


def pinned(request, now: float | None = None) -> bool:
    """The client wrote less than REPLICA_PIN_SECONDS ago."""
    try:
        until = float(request.COOKIES.get(PIN_COOKIE, ""))
    except ValueError:
        return False
    return (time.time() if now is None else now) < until


def _note_replica_failure(sender, request=None, **kwargs):
    """A request failed with a connection error after reading the replica: retry it."""
    routing = _routing.get()
    if routing is None or not routing.used_replica:
        return
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        routing.replica_failed = True


got_request_exception.connect(_note_replica_failure, dispatch_uid="dbrouter-replica-failure")


class ReplicaRoutingMiddleware:
    """Says, for each request, whether its reads may use the replica; pins writers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        safe = request.method in READ_METHODS
        routing = RequestRouting(use_replica=safe and replica_configured() and not pinned(request))
        token = _routing.set(routing)
        try:
            response = self._respond(request, routing)
        finally:
            _routing.reset(token)
        if replica_configured() and (request.method in WRITE_METHODS or routing.wrote):
            seconds = settings.REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                str(int(time.time()) + seconds + 1),
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def _respond(self, request, routing: RequestRouting):
        try:
            response = self.get_response(request)
        except (OperationalError, InterfaceError):
            # DEBUG_PROPAGATE_EXCEPTIONS: the error comes here instead of as a 500 page.
            if not routing.used_replica:
                raise
            routing.replica_failed = True
        else:
            if not routing.replica_failed:
                return response
        # The replica went away while the request read it: a safe request is answered again,
        # from the primary (it changed nothing the first time).
        mark_replica_unhealthy("a connection to it failed during a request")
        routing.replica_failed = False
        routing.use_replica = False
        return self.get_response(request)
