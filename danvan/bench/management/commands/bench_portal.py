"""Benchmark the citizen's front door and the notices that tell citizens their case moved.

1. Throughput over HTTP on the loopback, the way the site is served: gunicorn with two
   workers, DEBUG off, the project's WSGI application with its whole middleware stack and the
   cache as configured, next to a bare Django page (`danvan.bench.bare`: no middleware, no
   database, 50 rows through a template) served by gunicorn the same way. wrk requests each
   page in turn for a few seconds, over several rounds; the medians are compared with the
   bare page's. Pages: the public home, a commune's page, the scorecards and the library as a
   visitor gets them (the copy kept for PUBLIC_PAGE_SECONDS, `portal.middleware`), and the
   same pages with a query string, which are rendered for every request (a cache miss; the
   front door's figures still kept for the window). Targets: ≥ 50 % of the bare page for the
   home and a commune page (issue 16), ≥ 70 % kept and ≥ 15 % on a miss (issue 17).
2. Notices: N steps of cases whose citizens left an e-mail are recorded, each queued in its
   own transaction as a clerk's answer is (notices per second), then `db_worker --batch`
   sends them all through a mail backend that builds every message and drops it (notices per
   second, and the worker's peak memory).

Loads the demo (`load_demo --scale`) when the database has no case. Results are printed and
written as JSON into bench-results/.

    DATABASE_URL=sqlite:///bench-results/bench-portal.sqlite3 manage.py migrate
    DATABASE_URL=sqlite:///bench-results/bench-portal.sqlite3 manage.py bench_portal
    manage.py bench_portal --events 2000 --seconds 3 --rounds 1   # a dry run
"""

import datetime
import io
import os
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from danvan.bench.harness import (
    db_version,
    free_port,
    machine,
    max_rss_mb,
    run_wrk,
    wait_for,
    write_results,
)
from danvan.notices.models import Notice, NoticeStatus
from danvan.notices.services import queue_for_event
from danvan.portal.places import commune_slug
from danvan.portal.queries import city_communes
from danvan.voice.models import Case, CaseEvent

# Of the bare page's requests a second: a kept copy (≥ 50 % asked for the front door, 70 % for
# every public page) and a page rendered for its request (a cache miss).
TARGET_KEPT = 0.7
TARGET_MISS = 0.15
BENCH_DOMAIN = "bench.danvan.invalid"


class DroppingBackend(BaseEmailBackend):
    """Builds each message as the SMTP backend would, then drops it (the benchmark's mail)."""

    def send_messages(self, email_messages) -> int:
        for message in email_messages:
            message.message().as_bytes()
        return len(email_messages)


class Command(BaseCommand):
    help = (
        "Throughput of the public home and a commune's page under gunicorn (2 workers, DEBUG "
        "off) next to a bare Django page, and the notices job on N events."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=0.1, help="demo scale loaded when there is no case"
        )
        parser.add_argument(
            "--seconds", type=int, default=6, help="length of each wrk run (0: no throughput)"
        )
        parser.add_argument("--rounds", type=int, default=3, help="wrk rounds over the pages")
        parser.add_argument("--connections", type=int, default=8, help="wrk connections")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
        parser.add_argument(
            "--conn-max-age",
            type=int,
            default=60,
            help="CONN_MAX_AGE of the served project (a deployment keeps its connections)",
        )
        parser.add_argument(
            "--events", type=int, default=100_000, help="case steps for the notices job (0: none)"
        )
        parser.add_argument(
            "--job-workers", type=int, default=1, help="db_worker processes sending the notices"
        )
        parser.add_argument("--output", default="bench-results", help="folder of the JSON results")
        parser.add_argument(
            "--check", action="store_true", help="exit 1 when a page is under the target share"
        )

    def handle(self, *args, **options):
        load = self._load(options)
        commune = (
            city_communes().filter(name="Phường Ba Đình").first()
            or city_communes().order_by("pk").first()
        )
        if commune is None:
            raise CommandError("No commune of Hà Nội in this database.")
        pages = {
            "public home": "/",
            f"commune page ({commune.name})": f"/xa-phuong/{commune_slug(commune.name)}/",
            "public scorecards": "/bang-xep-hang/",
            "public library": "/library/",
        }
        # The notices first: the peak memory of the processes this one waited for is then
        # the job workers' alone.
        notices = self._notices(options) if options["events"] else None
        throughput = self._throughput(pages, options) if options["seconds"] else {}
        report = {
            "benchmark": "bench_portal",
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database": {"vendor": connection.vendor, "version": db_version()},
            "machine": machine(),
            "load": load,
            "cases": Case.objects.count(),
            "target_share": {"kept": TARGET_KEPT, "rendered": TARGET_MISS},
            "throughput": throughput,
            "notices": notices,
        }
        out_file = write_results(options["output"], "bench_portal", connection.vendor, report)
        self.stdout.write(f"Results written to {out_file}")
        missed = [
            name for name, row in (throughput.get("pages") or {}).items() if row.get("met") is False
        ]
        if options["check"] and missed:
            raise CommandError("Under the target share: " + "; ".join(missed))

    # Loading

    def _load(self, options) -> dict:
        if Case.objects.exists():
            return {}
        self.stdout.write(f"Loading the Hà Nội demo at scale {options['scale']}…")
        started = time.perf_counter()
        call_command("load_demo", scale=options["scale"], stdout=io.StringIO())
        return {"demo_scale": options["scale"], "seconds": round(time.perf_counter() - started, 1)}

    # Throughput

    def _serve(self, target: str, port: int, workers: int, env: dict, log: Path):
        gunicorn = Path(sys.executable).with_name("gunicorn")
        if not gunicorn.exists():
            raise CommandError(f"gunicorn is not installed beside {sys.executable}.")
        return subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
            [
                str(gunicorn),
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                target,
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )

    def _throughput(self, pages: dict[str, str], options) -> dict:
        wrk = shutil.which("wrk")
        if wrk is None:
            self.stdout.write(self.style.WARNING("wrk is not installed (apt-get install wrk)."))
            return {"skipped": "wrk not installed"}
        folder = Path(tempfile.mkdtemp(prefix="bench-portal-"))
        bare_port, site_port = free_port(), free_port()
        bare_env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        site_env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "danvan.settings",
            "DEBUG": "0",
            "DEMO_MODE": "0",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": settings.DATABASE_URL,
            "CONN_MAX_AGE": str(options["conn_max_age"]),
            "LOG_LEVEL": "ERROR",
        }
        workers = options["workers"]
        servers = [
            self._serve(
                "danvan.bench.bare:application()",
                bare_port,
                workers,
                bare_env,
                folder / "bare.log",
            ),
            self._serve(
                "danvan.wsgi:application", site_port, workers, site_env, folder / "site.log"
            ),
        ]
        bare_url = f"http://127.0.0.1:{bare_port}/"
        urls = {"bare Django page": bare_url}
        for name, path in pages.items():
            urls[name] = f"http://127.0.0.1:{site_port}{path}"
            urls[f"{name}, rendered"] = f"http://127.0.0.1:{site_port}{path}?bench=1"
        seconds, conns = options["seconds"], options["connections"]
        runs: dict[str, list[dict]] = {name: [] for name in urls}
        try:
            wait_for(bare_url, servers[0])
            for name, url in urls.items():
                if name != "bare Django page":
                    wait_for(url, servers[1])
                run_wrk(wrk, url, 1, conns)  # warm-up: the workers' caches and connections
            for _round in range(options["rounds"]):
                for name, url in urls.items():
                    runs[name].append(run_wrk(wrk, url, seconds, conns))
        finally:
            for server in servers:
                server.terminate()
                try:
                    server.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    server.kill()
        bare = statistics.median(run["rps"] for run in runs["bare Django page"])
        result: dict[str, dict] = {}
        for name, rounds in runs.items():
            rps = statistics.median(run["rps"] for run in rounds)
            bad = sum(run["non_2xx_3xx"] for run in rounds)
            if bad:
                raise CommandError(f"{name}: {bad} answers were not 2xx/3xx.")
            result[name] = {
                "rps_median": round(rps, 1),
                "rps_rounds": [run["rps"] for run in rounds],
                "latency_p50_ms": statistics.median(run["latency_p50_ms"] or 0.0 for run in rounds),
                "share": round(rps / bare, 3) if bare else 0.0,
                "kept": name != "bare Django page" and not name.endswith("rendered"),
            }
            if name != "bare Django page":
                target = TARGET_KEPT if result[name]["kept"] else TARGET_MISS
                result[name]["met"] = result[name]["share"] >= target
        self._print_throughput(result, options)
        return {
            "server": f"gunicorn -w {workers}, DEBUG off, CONN_MAX_AGE={options['conn_max_age']}",
            "cache": settings.CACHES["default"]["BACKEND"],
            "seconds": seconds,
            "rounds": options["rounds"],
            "connections": conns,
            "pages": result,
            "logs": str(folder),
        }

    def _print_throughput(self, result: dict, options) -> None:
        self.stdout.write(
            f"\nThroughput (wrk -c{options['connections']}, {options['seconds']} s × "
            f"{options['rounds']} rounds, medians; targets: kept ≥ {TARGET_KEPT:.0%}, rendered "
            f"≥ {TARGET_MISS:.0%} of the bare page):"
        )
        self.stdout.write(f"{'page':<56} {'req/s':>9} {'p50 ms':>8} {'share':>7}")
        for name, row in result.items():
            verdict = {True: "  met", False: "  MISSED", None: ""}[row.get("met")]
            self.stdout.write(
                f"{name:<56} {row['rps_median']:>9.1f} {row['latency_p50_ms']:>8.2f} "
                f"{row['share']:>7.2f}{verdict}"
            )

    # Notices

    def _notices(self, options) -> dict:
        """Record N answered steps on cases whose citizen left an e-mail, queue their notices
        (timed, a transaction each), then send them all with db_worker (timed)."""
        total = options["events"]
        cases = list(
            Case.objects.filter(merged_into__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)[: min(total, 5000)]
        )
        if not cases:
            raise CommandError("No case to record steps on.")
        Case.objects.filter(pk__in=cases).update(reporter_email=f"cong.dan@{BENCH_DOMAIN}")
        before = Notice.objects.count()
        self.stdout.write(f"\nRecording {total:,} answered steps on {len(cases):,} cases…")
        now = timezone.now()
        events = CaseEvent.objects.bulk_create(
            (
                CaseEvent(
                    case_id=cases[n % len(cases)],
                    at=now,
                    action="answer",
                    public_note="Đã kiểm tra hiện trường và xử lý dứt điểm.",
                    is_public=True,
                )
                for n in range(total)
            ),
            batch_size=2000,
        )
        started = time.perf_counter()
        for event in events:
            with transaction.atomic():
                queue_for_event(event)
        queue_seconds = time.perf_counter() - started
        queued = Notice.objects.count() - before
        self.stdout.write(f"Queued {queued:,} notices in {queue_seconds:.1f} s.")

        env = os.environ | {
            "EMAIL_BACKEND": f"{__name__}.DroppingBackend",
            "DATABASE_URL": settings.DATABASE_URL,
            "LOG_LEVEL": "ERROR",
        }
        command = [
            sys.executable,
            "manage.py",
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--no-reload",
            "-v",
            "0",
        ]
        started = time.perf_counter()
        workers = [
            subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
                [*command, "--worker-id", f"bench-portal-{n}"],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            for n in range(options["job_workers"])
        ]
        for worker in workers:
            _out, err = worker.communicate()
            if worker.returncode:
                raise CommandError(f"db_worker failed: {err.decode()[-2000:]}")
        send_seconds = time.perf_counter() - started
        sent = Notice.objects.filter(status=NoticeStatus.SENT, created_at__gte=now).count()
        peak_kb = _children_peak_kb()
        figures = {
            "events": total,
            "cases": len(cases),
            "queued": queued,
            "queue_seconds": round(queue_seconds, 1),
            "queued_per_s": round(queued / queue_seconds, 1) if queue_seconds else None,
            "job_workers": options["job_workers"],
            "sent": sent,
            "send_seconds": round(send_seconds, 1),
            "sent_per_s": round(sent / send_seconds, 1) if send_seconds else None,
            "worker_peak_rss_mb": round(peak_kb / 1024, 1),
            "bench_peak_rss_mb": max_rss_mb(),
        }
        self.stdout.write(
            f"Sent {sent:,} notices in {send_seconds:.1f} s with {options['job_workers']} "
            f"worker(s): {figures['sent_per_s']} a second (queueing: {figures['queued_per_s']} "
            f"a second); worker peak memory {figures['worker_peak_rss_mb']} MB."
        )
        if sent != queued:
            raise CommandError(f"{queued - sent} notices were not sent.")
        return figures


def _children_peak_kb() -> int:
    """The largest peak memory of the child processes waited for so far (kB on Linux)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
