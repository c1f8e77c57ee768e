"""The app against a real primary and streaming replica (run by deploy/replica-smoke).

Environment: DATABASE_URL (the primary), DATABASE_REPLICA_URL (the standby), REPLICA_STOP
(a shell command that stops the standby). The primary's database is migrated and empty.
Pages are served in-process by Django's test client through the whole middleware stack;
every statement is counted by the alias (connection) that ran it.

Checks, in order:
1. a GET page's queries run on the replica, none on the primary;
2. a POST (signing in) writes on the primary; while the replica has not replayed it, the same
   client's next GET reads the primary and sees its write, whereas a client without the pin
   cookie would read the replica and not see it (the stale read the pin avoids);
3. a replica lagging past REPLICA_MAX_LAG_SECONDS is left for the primary, and used again once
   it catches up;
4. the replica stopped: pages still answer 200 from the primary, the first one by retrying
   the request that met the broken connection.
"""

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "danvan.settings")

import django  # noqa: E402

django.setup()

from django.contrib.sessions.models import Session  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from danvan.accounts.models import Role, User  # noqa: E402
from danvan.accounts.services import assign_role, create_user  # noqa: E402
from danvan.lib import dbrouter  # noqa: E402
from danvan.organisations.models import UnitKind  # noqa: E402
from danvan.organisations.services import create_unit  # noqa: E402

PASSWORD = "a-long-smoke-password-42"  # noqa: S105
statements: Counter[str] = Counter()
failures: list[str] = []


def counting(alias):
    def wrapper(execute, sql, params, many, context):
        if sql != dbrouter.HEALTH_SQL:
            statements[alias] += 1
        return execute(sql, params, many, context)

    return wrapper


for _alias in ("default", "replica"):
    connections[_alias].execute_wrappers.append(counting(_alias))


def check(label: str, ok: bool, detail: str = "") -> None:
    print(f"{'ok  ' if ok else 'FAIL'} {label}{f' ({detail})' if detail else ''}", flush=True)
    if not ok:
        failures.append(label)


def get(client: Client, path: str):
    """GET a page; return the response and the statements each alias ran for it."""
    statements.clear()
    response = client.get(path)
    return response, dict(statements)


def replica_sql(sql: str):
    with connections["replica"].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


def wait_until(label: str, condition, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            check(label, False, f"not within {seconds} s")
            raise SystemExit(1)
        time.sleep(0.1)


def caught_up() -> bool:
    return dbrouter.measure_lag() == 0.0


def main() -> int:
    in_recovery, port = replica_sql("SELECT pg_is_in_recovery(), current_setting('port')")
    check("the replica alias is a standby in recovery", in_recovery is True, f"port {port}")

    # A little data, written outside any request: on the primary.
    city = create_unit(
        actor=None, parent=None, name="Thành phố Hà Nội", kind=UnitKind.PROVINCE, code="01"
    )
    create_unit(actor=None, parent=city, name="Phường Ba Đình", kind=UnitKind.COMMUNE, code="4")
    officer = create_user(actor=None, username="smoke", password=PASSWORD, full_name="Smoke")
    assign_role(actor=None, user=officer, role=Role.BOARD_OFFICER, unit=city)
    wait_until(
        "the data streamed to the replica",
        lambda: User.objects.using("replica").filter(username="smoke").exists(),
    )

    # 1. Reads of a safe request on the replica.
    dbrouter.reset_health()
    visitor = Client(raise_request_exception=False)
    response, ran = get(visitor, "/")
    check(
        "public home: 200, its queries on the replica only",
        response.status_code == 200 and ran.get("replica", 0) > 0 and not ran.get("default"),
        f"{response.status_code}, {ran}",
    )

    # 2. Reads after write: the replica stops replaying, the officer signs in (a POST).
    replica_sql("SELECT pg_wal_replay_pause()")
    wait_until("replay paused", lambda: replica_sql("SELECT pg_is_wal_replay_paused()")[0])
    officer_client = Client(raise_request_exception=False)
    statements.clear()
    response = officer_client.post("/accounts/login/", {"username": "smoke", "password": PASSWORD})
    ran = dict(statements)
    pin = response.cookies.get(dbrouter.PIN_COOKIE)
    check(
        "sign-in POST: 302, written on the primary, pin cookie set",
        response.status_code == 302
        and ran.get("default", 0) > 0
        and not ran.get("replica")
        and pin is not None,
        f"{response.status_code}, {ran}",
    )
    session_key = officer_client.cookies["sessionid"].value
    check(
        "the replica has not replayed the new session (it is stale)",
        not Session.objects.using("replica").filter(session_key=session_key).exists()
        and Session.objects.using("default").filter(session_key=session_key).exists(),
    )
    with override_settings(REPLICA_MAX_LAG_SECONDS=3600):  # stale but within the bound
        dbrouter.reset_health()
        response, ran = get(officer_client, "/")
        check(
            "the same client's next GET reads the primary and sees its write (signed in)",
            response.status_code == 200
            and b"smoke" in response.content.lower()
            and not ran.get("replica"),
            f"{response.status_code}, {ran}",
        )
        unpinned = Client(raise_request_exception=False)
        unpinned.cookies["sessionid"] = session_key
        response, ran = get(unpinned, "/")
        check(
            "without the pin cookie the read would be stale (replica: not signed in)",
            ran.get("replica", 0) > 0
            and not ran.get("default")
            and (response.status_code != 200 or b"smoke" not in response.content.lower()),
            f"{response.status_code}, {ran}",
        )

    # 3. Lag past the bound: reads go to the primary; caught up again: the replica.
    with override_settings(REPLICA_MAX_LAG_SECONDS=1):
        wait_until("lag over 1 s", lambda: dbrouter.measure_lag() > 1)
        dbrouter.reset_health()
        response, ran = get(visitor, "/")
        check(
            "replica lagging past the bound: public home 200 from the primary",
            response.status_code == 200 and ran.get("default", 0) > 0 and not ran.get("replica"),
            f"{response.status_code}, {ran}, lag {dbrouter.measure_lag():.1f} s",
        )
        replica_sql("SELECT pg_wal_replay_resume()")
        wait_until("replica caught up", caught_up)
        dbrouter.reset_health()
        response, ran = get(visitor, "/")
        check(
            "replica caught up: public home from the replica again",
            response.status_code == 200 and ran.get("replica", 0) > 0 and not ran.get("default"),
            f"{response.status_code}, {ran}",
        )

    # 4. The replica stops while this process still trusts its last check.
    with override_settings(REPLICA_CHECK_SECONDS=3600):
        dbrouter.reset_health()
        assert dbrouter.replica_healthy()
        subprocess.run(os.environ["REPLICA_STOP"], shell=True, check=True)  # noqa: S602
        response, ran = get(visitor, "/")
        check(
            "replica stopped mid-way: the page is retried on the primary, 200",
            response.status_code == 200 and ran.get("default", 0) > 0,
            f"{response.status_code}, {ran}",
        )
        response, ran = get(visitor, "/")
        check(
            "replica down: next page from the primary directly",
            response.status_code == 200 and ran.get("default", 0) > 0 and not ran.get("replica"),
            f"{response.status_code}, {ran}",
        )
    dbrouter.reset_health()
    started = time.monotonic()
    response, ran = get(visitor, "/")
    took = time.monotonic() - started
    check(
        "replica down, fresh health check: page from the primary, 200",
        response.status_code == 200 and ran.get("default", 0) > 0 and not ran.get("replica"),
        f"{response.status_code}, {ran}, {took:.2f} s",
    )
    response, ran = get(officer_client, "/dashboard/")
    check("replica down: a staff page answers 200", response.status_code == 200, str(ran))

    print(f"\n{len(failures)} failed" if failures else "\nall checks passed", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
