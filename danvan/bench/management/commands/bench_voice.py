"""Benchmark the citizen's voice with a million cases, next to a bare Django page.

Loads Hà Nội's units and 1,000,000 demo cases over five years when absent (both timed),
then requests through Django's test client (the whole middleware stack, DEBUG off): the
city's and a commune's scorecards (staff page and public page), the staff case list of a
city board officer and of a commune clerk, the Open311 list (default window), the public
tracking page of one case, and the two ways a case comes in (Open311 POST with an API key,
the public form). Each gets p50/p95 wall time, its query count and the ratio of its median
to that of a bare page rendering 50 rows in the same run.

Then throughput over HTTP on the loopback: this command serves the project (the benchmark's
URLconf, DEBUG off) with Django's threaded development server in a child process, and `wrk`
requests the bare page, the tracking page and the POSTs for a while each.

    DATABASE_URL=sqlite:///bench-results/bench-voice.sqlite3 manage.py migrate
    DATABASE_URL=sqlite:///bench-results/bench-voice.sqlite3 manage.py bench_voice
    manage.py bench_voice --count 50000 --seconds 5   # a dry run

`make bench` does this on SQLite and then on PostgreSQL, each in a fresh database, after the
other benchmarks. Results are printed and written as JSON into bench-results/.
"""

import argparse
import datetime
import hashlib
import itertools
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.db.models import Count
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import include, path

from danvan.accounts.models import Role
from danvan.bench.harness import (
    BenchPages,
    db_version,
    free_port,
    machine,
    run_wrk,
    wait_for,
    write_results,
)
from danvan.bench.management.commands.bench_tree import baseline_view, percentile
from danvan.organisations.models import Unit, UnitKind
from danvan.voice import demo
from danvan.voice.models import ApiKey, Case, CaseEvent, Category, Status

CITY_KEY = "vn-01"
COMMUNE_KEY = "vn-01-00004"  # Phường Ba Đình
OFFICER_USERNAME = "bench.voice.thanhpho"
CLERK_USERNAME = "bench.voice.badinh"
API_KEY_RAW = "bench-voice-open311-key-not-secret"  # a test key for this benchmark only
SPREAD_HEADER = "X-Bench-Client"

# The targets, on both databases.
TARGET_CITY_P95_MS = 200.0
TARGET_COMMUNE_P95_MS = 50.0
TARGET_LIST_P95_MS = 150.0
TARGET_TRACKING_SHARE = 0.70  # of the bare page's requests a second

# This module is also the URLconf of the benchmark: the project's URLs plus the baseline.
urlpatterns = [
    path("__bench__/baseline/", baseline_view, name="bench-baseline"),
    path("", include("danvan.urls")),
]


class SpreadClients:
    """WSGI wrapper: a request carrying the bench header gets a REMOTE_ADDR of its own.

    The POST rate limits count per address (danvan.lib.ratelimit). Raising them through
    settings.RATE_LIMITS would serve the limited run unlimited too; an address per request
    keeps the real limits and the limiter's cache work in the measured path, without the
    limiter refusing the accepted runs after a few posts.
    """

    def __init__(self, app):
        self.app = app
        self.counter = itertools.count(1)

    def __call__(self, environ, start_response):
        if environ.get("HTTP_X_BENCH_CLIENT") == "spread":
            n = next(self.counter)
            environ["REMOTE_ADDR"] = f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
        return self.app(environ, start_response)


def _addresses():
    """Distinct client addresses for in-process POSTs (same reason as SpreadClients)."""
    for n in itertools.count(1):
        yield f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


class Command(BenchPages, BaseCommand):
    help = (
        "Load Hà Nội's units and 1,000,000 demo cases when absent, then time the scorecards, "
        "case lists, Open311 and the tracking page against a bare 50-row page, and measure "
        "throughput over HTTP with wrk."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=demo.CASES, help="cases to generate")
        parser.add_argument("--requests", type=int, default=100, help="timed requests per page")
        parser.add_argument("--warmup", type=int, default=10, help="untimed requests per page")
        parser.add_argument("--hamlets", type=int, default=3, help="hamlets per commune")
        parser.add_argument(
            "--no-events", action="store_true", help="generate cases without events"
        )
        parser.add_argument("--skip-load", action="store_true", help="use the data already there")
        parser.add_argument(
            "--seconds", type=int, default=20, help="length of each wrk run (0: no throughput)"
        )
        parser.add_argument("--connections", type=int, default=8, help="wrk connections")
        parser.add_argument("--port", type=int, default=0, help="port of the served run (0: any)")
        parser.add_argument(
            "--conn-max-age",
            default="60",
            help="CONN_MAX_AGE of the served process (the project's default is 0)",
        )
        parser.add_argument("--output", default="bench-results", help="folder for the JSON results")
        parser.add_argument(
            "--check", action="store_true", help="exit non-zero when a target is missed"
        )
        parser.add_argument("--serve", help=argparse.SUPPRESS, default=None)

    def handle(self, *args, **options):
        if options["serve"]:
            return self._serve(options["serve"])
        if options["requests"] < 1 or options["warmup"] < 0 or options["count"] < 0:
            raise CommandError("--requests must be at least 1, --warmup and --count not negative.")
        vendor = connection.vendor
        self.stdout.write(f"Database: {vendor} ({settings.DATABASES['default']['NAME']})")
        load = self._load(options)
        city = Unit.objects.get(key=CITY_KEY)
        commune = Unit.objects.filter(key=COMMUNE_KEY).first() or (
            Unit.objects.filter(parent=city, kind=UnitKind.COMMUNE).current().first()
        )
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh statistics after a bulk load

        officer = self._user(OFFICER_USERNAME, "Cán bộ đo hiệu năng", Role.BOARD_OFFICER, city)
        clerk = self._user(CLERK_USERNAME, "Văn thư đo hiệu năng", Role.CLERK, commune)
        tracked = self._tracked_case()
        self._api_key()
        category = Category.objects.filter(is_active=True).order_by("order").first()
        # New cases go to another commune, so that repeated runs do not swell the figures
        # of the commune whose scorecard is measured.
        place = self._commune_with_coordinates(other_than=commune)

        pages = [
            ("baseline (bare 50 rows)", "/__bench__/baseline/", None),
            ("city scorecard, staff (month)", "/cases/scorecard/", officer),
            ("city scorecard, staff (year)", "/cases/scorecard/?period=year", officer),
            ("city scorecard, public (year)", "/bang-xep-hang/", None),
            (
                f"commune scorecard, staff ({commune.name})",
                f"/cases/scorecard/?unit={commune.pk}",
                officer,
            ),
            (
                f"commune scorecard, public ({commune.name})",
                f"/bang-xep-hang/?unit={commune.pk}",
                None,
            ),
            ("case list, city officer", "/cases/", officer),
            (f"case list, clerk of {commune.name}", "/cases/", clerk),
            ("Open311 GET requests.json", "/open311/v2/requests.json", None),
            ("tracking page", f"/tra-cuu/{tracked.code}/", None),
        ]
        open311_form = {
            "api_key": API_KEY_RAW,
            "service_code": category.code,
            "description": "Đèn chiếu sáng ngõ 12 không sáng đã ba hôm (đo hiệu năng).",
            "lat": f"{place.latitude:.6f}",
            "long": f"{place.longitude:.6f}",
        }
        public_form = {
            "kind": "feedback",
            "category": str(category.pk),
            "title": "Rác thải tồn đọng đầu ngõ (đo hiệu năng)",
            "description": "Rác tồn đọng ở đầu ngõ nhiều ngày chưa được thu gom (đo hiệu năng).",
            "commune": str(place.pk),
            "website": "",  # the honeypot stays empty
        }
        posts = [
            ("Open311 POST requests.json", "/open311/v2/requests.json", open311_form, 201),
            ("public form POST /gui-phan-anh/", "/gui-phan-anh/", public_form, 302),
        ]
        with override_settings(DEBUG=False, ROOT_URLCONF=__name__):
            results = [
                self._measure(self._client(user), name, url, options) for name, url, user in pages
            ]
            addresses = _addresses()
            for name, url, form, status in posts:
                results.append(
                    self._measure(
                        Client(), name, url, options, post=form, status=status, addrs=addresses
                    )
                )
        baseline_p50 = results[0]["p50_ms"]
        for row in results:
            row["ratio_p50"] = round(row["p50_ms"] / baseline_p50, 2) if baseline_p50 else None
        self._print_pages(results)

        throughput = None
        if options["seconds"] > 0:
            throughput = self._throughput(tracked, open311_form, public_form, options)

        verdicts = self._verdicts(results, throughput)
        report = {
            "benchmark": "bench_voice",
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database": {"vendor": vendor, "version": db_version()},
            "machine": machine(),
            "load": load,
            "commune": {"id": commune.pk, "key": commune.key, "name": commune.name},
            "posts_to": {"id": place.pk, "key": place.key, "name": place.name},
            "tracked_case": {"code": tracked.code, "status": tracked.status},
            "requests": options["requests"],
            "warmup": options["warmup"],
            "pages": results,
            "throughput": throughput,
            "targets": verdicts,
        }
        out_file = write_results(options["output"], "bench_voice", vendor, report)
        self.stdout.write(f"Results written to {out_file}")
        missed = [v["target"] for v in verdicts if v["met"] is False]
        if options["check"] and missed:
            raise CommandError("Missed: " + "; ".join(missed))

    # Data

    def _load(self, options) -> dict:
        """Hà Nội's units and the demo cases, each loaded (and timed) only when absent."""
        load: dict[str, Any] = {"units_seconds": None, "cases_seconds": None, "cases_created": 0}
        has_city = Unit.objects.filter(key=CITY_KEY).exists()
        has_cases = Case.objects.exists()
        if options["skip_load"]:
            if not (has_city and has_cases):
                raise CommandError("--skip-load needs Hà Nội's units and cases already loaded.")
        else:
            if not has_city:
                self.stdout.write(f"Loading Hà Nội's units with {options['hamlets']} hamlets each…")
                started = time.perf_counter()
                call_command("load_units", hamlets=options["hamlets"], stdout=self.stdout)
                load["units_seconds"] = round(time.perf_counter() - started, 2)
                self.stdout.write(f"Units: {load['units_seconds']:.1f} s")
            if not has_cases:
                events = not options["no_events"]
                self.stdout.write(
                    f"Generating {options['count']:,} cases over {demo.YEARS} years "
                    f"({'one event each' if events else 'no events'})…"
                )
                step = max(options["count"] // 10, 1)

                def progress(done, total):
                    if done % step < demo.CHUNK or done == total:
                        self.stdout.write(f"  {done:,} / {total:,}")

                started = time.perf_counter()
                made = demo.generate_cases(options["count"], events=events, progress=progress)
                load["cases_seconds"] = round(time.perf_counter() - started, 2)
                load["cases_created"] = made.cases
                load["events_created"] = made.events
                self.stdout.write(
                    f"Cases: {load['cases_seconds']:.1f} s "
                    f"({made.cases / max(load['cases_seconds'], 0.001):,.0f} a second)"
                )
            elif Case.objects.count() < options["count"]:
                self.stdout.write(
                    self.style.WARNING(
                        "Cases exist already: none generated, the figures are for the "
                        f"{Case.objects.count():,} there. Use an empty database for a fresh run."
                    )
                )
        load["units"] = Unit.objects.count()
        load["cases"] = Case.objects.count()
        load["events"] = CaseEvent.objects.count()
        load["by_status"] = dict(
            Case.objects.order_by()
            .values("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
        self.stdout.write(
            f"{load['cases']:,} cases, {load['events']:,} events: {load['by_status']}"
        )
        return load

    def _tracked_case(self) -> Case:
        """The case whose tracking page is measured: the latest answered one (its page shows
        the answer, the rating and reopening forms: the heaviest of the common cases)."""
        case = (
            Case.objects.filter(status=Status.ANSWERED).order_by("-received_at").first()
            or Case.objects.order_by("-received_at").first()
        )
        if case is None:
            raise CommandError("No case to track: generate cases first.")
        return case

    def _api_key(self) -> None:
        digest = hashlib.sha256(API_KEY_RAW.encode()).hexdigest()
        ApiKey.objects.update_or_create(
            key_hash=digest,
            defaults={"name": "Benchmark", "prefix": API_KEY_RAW[:8], "is_active": True},
        )

    def _commune_with_coordinates(self, other_than: Unit) -> Unit:
        commune = (
            Unit.objects.filter(
                kind=UnitKind.COMMUNE, latitude__isnull=False, key__startswith="vn-01-"
            )
            .exclude(pk=other_than.pk)
            .current()
            .order_by("-code")
            .first()
        )
        if commune is None:
            raise CommandError("No current commune of Hà Nội has coordinates.")
        return commune

    # In-process timings

    def _measure(self, client, name, url, options, *, post=None, status=200, addrs=None) -> dict:
        def call():
            if post is None:
                response = client.get(url)
            else:
                response = client.post(url, post, REMOTE_ADDR=next(addrs))
            if response.status_code != status:
                raise CommandError(
                    f"{'POST' if post else 'GET'} {url} answered {response.status_code}, "
                    f"not {status}."
                )
            return response

        for _ in range(options["warmup"]):
            call()
        # Query counts on separate requests: capturing forces the debug cursor.
        counts = []
        for _ in range(3):
            with CaptureQueriesContext(connection) as captured:
                call()
            counts.append(len(captured.captured_queries))
        reset_queries()
        timings = []
        size = 0
        for _ in range(options["requests"]):
            started = time.perf_counter()
            response = call()
            timings.append((time.perf_counter() - started) * 1000)
            size = len(response.content)
        timings.sort()
        return {
            "page": name,
            "method": "POST" if post else "GET",
            "url": url,
            "p50_ms": round(percentile(timings, 0.50), 2),
            "p95_ms": round(percentile(timings, 0.95), 2),
            "max_ms": round(timings[-1], 2),
            "queries": max(counts),
            "queries_constant": len(set(counts)) == 1,
            "bytes": size,
        }

    # Throughput over HTTP

    def _serve(self, addr: str) -> None:
        """The child process: serve the benchmark's URLconf with DEBUG off until killed."""
        from django.core.handlers.wsgi import WSGIHandler
        from django.core.servers.basehttp import run

        host, port = addr.rsplit(":", 1)
        logging.getLogger("django.server").setLevel(logging.ERROR)
        with override_settings(DEBUG=False, ROOT_URLCONF=__name__):
            app = SpreadClients(WSGIHandler())
            # The stubs want a WSGIHandler; run() serves any WSGI callable.
            run(host, int(port), app, threading=True)  # type: ignore[arg-type]

    def _throughput(self, tracked: Case, open311_form: dict, public_form: dict, options) -> dict:
        wrk = shutil.which("wrk")
        if wrk is None:
            self.stdout.write(
                self.style.WARNING("wrk is not installed (apt-get install wrk): no throughput.")
            )
            return {"skipped": "wrk not installed"}
        port = options["port"] or free_port()
        base = f"http://127.0.0.1:{port}"
        folder = Path(tempfile.mkdtemp(prefix="bench-voice-"))
        env = os.environ | {"CONN_MAX_AGE": str(options["conn_max_age"])}
        log = (folder / "server.log").open("wb")
        server = subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
            [sys.executable, "manage.py", "bench_voice", "--serve", f"127.0.0.1:{port}"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(f"{base}/__bench__/baseline/", server)
            seconds = options["seconds"]
            conns = options["connections"]
            runs = {}
            gets = [
                ("bare page", "/__bench__/baseline/"),
                ("tracking page", f"/tra-cuu/{tracked.code}/"),
            ]
            for name, url in gets:
                self._wrk(wrk, base + url, 2, conns)  # warm-up
                runs[name] = self._wrk(wrk, base + url, seconds, conns)
            post_runs = [
                (
                    "public form POST, one address (rate-limited)",
                    "/gui-phan-anh/",
                    public_form,
                    False,
                ),
                ("public form POST, accepted", "/gui-phan-anh/", public_form, True),
                ("Open311 POST, accepted", "/open311/v2/requests.json", open311_form, True),
            ]
            for name, url, form, spread in post_runs:
                script = folder / f"post-{len(runs)}.lua"
                script.write_text(_lua_post(form, spread), encoding="utf-8")
                before = Case.objects.count()
                result = self._wrk(wrk, base + url, seconds, conns, script=script)
                created = Case.objects.count() - before
                result["cases_created"] = created
                result["accepted_per_s"] = round(created / result["seconds"], 1)
                runs[name] = result
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()
        bare, tracking = runs["bare page"]["rps"], runs["tracking page"]["rps"]
        share = round(tracking / bare, 3) if bare else None
        self._print_throughput(runs, share)
        return {
            "server": "django.core.servers.basehttp (threaded, one process)",
            "conn_max_age": options["conn_max_age"],
            "seconds": seconds,
            "connections": conns,
            "runs": runs,
            "tracking_share_of_bare": share,
            "server_log": str(folder / "server.log"),
        }

    def _wrk(self, wrk: str, url: str, seconds: int, conns: int, script: Path | None = None):
        return run_wrk(wrk, url, seconds, conns, script=script)

    # Output

    def _verdicts(self, pages: list[dict], throughput: dict | None) -> list[dict]:
        verdicts = []

        def add(target, value, met):
            verdicts.append({"target": target, "value": value, "met": met})

        for row in pages:
            name = row["page"]
            if name.startswith("city scorecard"):
                limit = TARGET_CITY_P95_MS
            elif name.startswith("commune scorecard"):
                limit = TARGET_COMMUNE_P95_MS
            elif name.startswith("case list"):
                limit = TARGET_LIST_P95_MS
            else:
                continue
            add(f"{name}: p95 < {limit:.0f} ms", row["p95_ms"], row["p95_ms"] < limit)
        if throughput and throughput.get("tracking_share_of_bare") is not None:
            share = throughput["tracking_share_of_bare"]
            add(
                f"tracking page ≥ {TARGET_TRACKING_SHARE:.0%} of the bare page's requests/s",
                share,
                share >= TARGET_TRACKING_SHARE,
            )
        for v in verdicts:
            self.stdout.write(
                f"Target {v['target']}: {v['value']} → {'met' if v['met'] else 'MISSED'}"
            )
        return verdicts

    def _print_pages(self, results: list[dict]) -> None:
        header = f"{'page':<44} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'× base':>7} {'KiB':>6}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for row in results:
            queries = f"{row['queries']}" + ("" if row["queries_constant"] else "*")
            self.stdout.write(
                f"{row['page'][:44]:<44} {row['p50_ms']:>8.2f} {row['p95_ms']:>8.2f} "
                f"{queries:>8} {row['ratio_p50']:>7.2f} {row['bytes'] / 1024:>6.0f}"
            )
        if not all(row["queries_constant"] for row in results):
            self.stdout.write("* the query count varied between requests")

    def _print_throughput(self, runs: dict, share: float | None) -> None:
        header = (
            f"{'over HTTP (wrk)':<46} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
            f"{'non-2xx/3xx':>11} {'accepted/s':>10}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for name, run in runs.items():
            accepted = run.get("accepted_per_s")
            self.stdout.write(
                f"{name[:46]:<46} {run['rps']:>8.1f} {run['latency_p50_ms'] or 0:>8.1f} "
                f"{run['latency_p99_ms'] or 0:>8.1f} {run['non_2xx_3xx']:>11} "
                f"{'' if accepted is None else f'{accepted:.1f}':>10}"
            )
        if share is not None:
            self.stdout.write(f"Tracking page ÷ bare page: {share:.0%}")


def _lua_post(form: dict, spread: bool) -> str:
    body = urlencode(form).replace("\\", "\\\\").replace('"', '\\"')
    lines = [
        'wrk.method = "POST"',
        f'wrk.body = "{body}"',
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"',
    ]
    if spread:
        lines.append(f'wrk.headers["{SPREAD_HEADER}"] = "spread"')
    return "\n".join(lines) + "\n"
