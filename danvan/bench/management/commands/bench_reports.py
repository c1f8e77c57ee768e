"""Benchmark the dashboards and the period export at Hà Nội's scale, next to raw SQL.

Loads Hà Nội's units, the registry's 78,494 demo models and 1,000,000 demo cases of the
citizen's voice when absent (each load timed), then requests through Django's test client
(the whole middleware stack, DEBUG off) the city's dashboard (a city board officer), a
commune's dashboard (the commune's clerk), the city's drill-down tables for "cases answered
on time" and "models registered", and a bare page rendering 50 rows. For each page:

- p50/p95 wall time of N requests after a warm-up, and the query count;
- the raw SQL time of the same work: the page's statements are captured once with their
  parameters (CaptureQueriesContext for the count, an execute wrapper for the statements),
  then executed exactly as captured on the database cursor, all rows fetched, N times.
  Page and raw runs alternate, so both see the same load on the machine. "Framework
  overhead" is the page's p50 divided by the raw SQL's p50.

Then the annual report: a template owned by the city (a number field per metric of
`lib.metrics`, one text field) is opened for 2025 for every current commune with
`services.open_period`, each report is filled, submitted and accepted through the
services, and the "reports.export_period" job handler exports the roll-up as DOCX, PDF and
XLSX. Each export runs in a fresh Python process, as the worker would run it: timed runs
with that process's peak RSS (getrusage), then one run under tracemalloc for the peak of
Python allocations (tracemalloc slows the code, so that run is not timed).

    DATABASE_URL=sqlite:///bench-results/bench-reports.sqlite3 manage.py migrate
    DATABASE_URL=sqlite:///bench-results/bench-reports.sqlite3 manage.py bench_reports
    manage.py bench_reports --cases 100000 --requests 20   # a dry run

`make bench` does this on SQLite and then on PostgreSQL, each in a fresh database, after the
other benchmarks. Results are printed and written as JSON into bench-results/.
"""

import datetime
import gc
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

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
    machine,
    max_rss_mb,
    mb,
    proc_status_mb,
    write_results,
)
from danvan.bench.management.commands.bench_tree import baseline_view, percentile
from danvan.core.jobs import HANDLERS, JobContext
from danvan.core.models import Job
from danvan.lib.metrics import METRICS
from danvan.organisations.models import Unit, UnitKind
from danvan.registry import demo as registry_demo
from danvan.registry.models import PracticeModel
from danvan.reports.models import Report, ReportTemplate
from danvan.voice import demo as voice_demo
from danvan.voice.models import Case

CITY_KEY = "vn-01"
COMMUNE_KEY = "vn-01-00004"  # Phường Ba Đình
OFFICER_USERNAME = "bench.reports.thanhpho"
CLERK_USERNAME = "bench.reports.badinh"
TEMPLATE_NAME = "Báo cáo kết quả công tác dân vận năm (đo hiệu năng)"
REPORT_YEAR = 2025  # the last whole year of the demo data
EXPORT_FORMATS = ("docx", "pdf", "xlsx")
TEXT_FIELD = "danh_gia"
ASSESSMENT = (
    "Cấp ủy, chính quyền, Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội đã phối hợp "
    "chặt chẽ trong công tác dân vận; phong trào thi đua “Dân vận khéo” được triển khai rộng "
    "khắp ở các tổ dân phố, thôn.\n"
    "Việc tiếp nhận, giải quyết phản ánh, kiến nghị của người dân cơ bản đúng thời hạn; một "
    "số vụ việc phức tạp còn kéo dài, cần tiếp tục theo dõi, đôn đốc trong năm tới.\n"
    "Đề nghị Thành phố tiếp tục quan tâm bồi dưỡng nghiệp vụ cho cán bộ làm công tác dân vận "
    "ở cơ sở."
)

# The targets, on both databases.
TARGET_CITY_P95_MS = 200.0
TARGET_COMMUNE_P95_MS = 50.0
TARGET_OVERHEAD = 1.5  # page p50 ÷ raw SQL p50
TARGET_EXPORT_S = 30.0
TARGET_EXPORT_MB = 300.0

# This module is also the URLconf of the benchmark: the project's URLs plus the baseline.
urlpatterns = [
    path("__bench__/baseline/", baseline_view, name="bench-baseline"),
    path("", include("danvan.urls")),
]


# The child process of _export: set Django up, then run_export_child() reads its argv.
EXPORT_RUNNER = (
    "import django; django.setup(); "
    "from danvan.bench.management.commands.bench_reports import run_export_child; "
    "run_export_child()"
)
# Linux hands a process spawned by this one our own peak RSS as its getrusage ru_maxrss (the
# high-water mark of the address space it was forked from survives exec). A shell that forks
# the child (it does when the command is not its last) starts it with a clean count.
CLEAN_SPAWN = ["/bin/sh", "-c", '"$@"; exit $?', "sh"]


def run_export_child() -> None:
    """Run one export Job's handler (argv: job id, trace 0/1); print JSON on stdout."""
    job_pk, trace = int(sys.argv[1]), sys.argv[2] == "1"
    with override_settings(DEBUG=False):  # no query log
        job = Job.objects.select_related("owner").get(pk=job_pk)
        gc.collect()
        rss_before = proc_status_mb("VmRSS")
        maxrss_before = max_rss_mb()
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        result = HANDLERS[job.kind](JobContext(job))
        seconds = time.perf_counter() - started
        peak = None
        if trace:
            peak = mb(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
        measured = {
            "seconds": round(seconds, 3),
            "rss_before_mb": rss_before,  # Django set up, the job row read
            "maxrss_before_mb": maxrss_before,
            # The whole process's high-water mark (Python, Django and the job): getrusage,
            # and the kernel's VmHWM of this process image as a cross-check.
            "peak_rss_mb": max_rss_mb(),
            "vm_hwm_mb": proc_status_mb("VmHWM"),
            "tracemalloc_peak_mb": peak,
        }
    print(json.dumps({"result": result, "measured": measured}, ensure_ascii=False, default=str))


class Command(BenchPages, BaseCommand):
    help = (
        "Load Hà Nội's units, 78,494 models and 1,000,000 cases when absent, then time the "
        "city and commune dashboards and two drill-downs against their raw SQL and a bare "
        "50-row page, and the annual report's export to DOCX, PDF and XLSX with peak memory."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--cases", type=int, default=voice_demo.CASES, help="cases to generate when absent"
        )
        parser.add_argument(
            "--events", action="store_true", help="one 'submit' event per generated case"
        )
        parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
        parser.add_argument("--warmup", type=int, default=5, help="untimed requests per page")
        parser.add_argument("--hamlets", type=int, default=3, help="hamlets per commune")
        parser.add_argument("--skip-load", action="store_true", help="use the data already there")
        parser.add_argument("--skip-export", action="store_true", help="pages only")
        parser.add_argument(
            "--export-runs", type=int, default=3, help="timed runs of each export (median)"
        )
        parser.add_argument("--output", default="bench-results", help="folder for the JSON results")
        parser.add_argument(
            "--check", action="store_true", help="exit non-zero when a target is missed"
        )

    def handle(self, *args, **options):
        if options["requests"] < 1 or options["warmup"] < 0 or options["cases"] < 0:
            raise CommandError("--requests must be at least 1, --warmup and --cases not negative.")
        if options["export_runs"] < 1:
            raise CommandError("--export-runs must be at least 1.")
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
        pages = [
            ("baseline (bare 50 rows)", "/__bench__/baseline/", officer),
            ("city dashboard (Hà Nội)", "/dashboard/", officer),
            (f"commune dashboard ({commune.name})", f"/dashboard/{commune.pk}/", clerk),
            ("drill: cases on time (city)", f"/dashboard/{city.pk}/drill/cases_on_time/", officer),
            (
                "drill: models registered (city)",
                f"/dashboard/{city.pk}/drill/models_registered/",
                officer,
            ),
        ]
        with override_settings(DEBUG=False, ROOT_URLCONF=__name__):
            results = [
                self._measure(self._client(user), name, url, options) for name, url, user in pages
            ]
        baseline_p50 = results[0]["p50_ms"]
        for row in results:
            row["ratio_baseline_p50"] = (
                round(row["p50_ms"] / baseline_p50, 2) if baseline_p50 else None
            )
        self._print_pages(results)
        aggregates = self._aggregates(city, commune, options)

        export = None
        if not options["skip_export"]:
            export = self._export(officer, city, options)
            self._print_export(export)

        verdicts = self._verdicts(results, aggregates, export)
        report = {
            "benchmark": "bench_reports",
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database": {"vendor": vendor, "version": db_version()},
            "machine": machine(),
            "load": load,
            "commune": {"id": commune.pk, "key": commune.key, "name": commune.name},
            "requests": options["requests"],
            "warmup": options["warmup"],
            "pages": results,
            "aggregates": aggregates,
            "export": export,
            "targets": verdicts,
        }
        out_file = write_results(options["output"], "bench_reports", vendor, report)
        self.stdout.write(f"Results written to {out_file}")
        missed = [v["target"] for v in verdicts if v["met"] is False]
        if options["check"] and missed:
            raise CommandError("Missed: " + "; ".join(missed))

    # Data

    def _load(self, options) -> dict:
        """Hà Nội's units, the demo models and the demo cases, each loaded (and timed) only
        when absent."""
        load: dict[str, Any] = {
            "units_seconds": None,
            "models_seconds": None,
            "cases_seconds": None,
        }
        has_city = Unit.objects.filter(key=CITY_KEY).exists()
        has_models = PracticeModel.objects.exists()
        has_cases = Case.objects.exists()
        if options["skip_load"]:
            if not (has_city and has_models and has_cases):
                raise CommandError("--skip-load needs the units, models and cases already loaded.")
        else:
            if not has_city:
                self.stdout.write(f"Loading Hà Nội's units with {options['hamlets']} hamlets each…")
                started = time.perf_counter()
                call_command("load_units", hamlets=options["hamlets"], stdout=self.stdout)
                load["units_seconds"] = round(time.perf_counter() - started, 2)
                self.stdout.write(f"Units: {load['units_seconds']:.1f} s")
            if not has_models:
                self.stdout.write(f"Generating {registry_demo.HANOI_MODELS:,} models…")
                started = time.perf_counter()
                load["models_created"] = registry_demo.generate_models()
                load["models_seconds"] = round(time.perf_counter() - started, 2)
                self.stdout.write(f"Models: {load['models_seconds']:.1f} s")
            if not has_cases:
                self._generate_cases(options, load)
            elif Case.objects.count() < options["cases"]:
                self.stdout.write(
                    self.style.WARNING(
                        f"Cases exist already: none generated, the figures are for the "
                        f"{Case.objects.count():,} there. Use an empty database for a fresh run."
                    )
                )
        load["units"] = Unit.objects.count()
        load["models"] = PracticeModel.objects.count()
        load["cases"] = Case.objects.count()
        load["cases_by_year"] = {
            str(row["received_at__year"]): row["n"]
            for row in Case.objects.order_by()
            .values("received_at__year")
            .annotate(n=Count("id"))
            .order_by("received_at__year")
        }
        self.stdout.write(
            f"{load['units']:,} units, {load['models']:,} models, {load['cases']:,} cases "
            f"(by year: {load['cases_by_year']})"
        )
        return load

    def _generate_cases(self, options, load: dict) -> None:
        events = options["events"]
        count = options["cases"]
        self.stdout.write(
            f"Generating {count:,} cases over {voice_demo.YEARS} years "
            f"({'one event each' if events else 'no events'})…"
        )
        step = max(count // 10, 1)

        def progress(done, total):
            if done % step < voice_demo.CHUNK or done == total:
                self.stdout.write(f"  {done:,} / {total:,}")

        started = time.perf_counter()
        made = voice_demo.generate_cases(count, events=events, progress=progress)
        load["cases_seconds"] = round(time.perf_counter() - started, 2)
        load["cases_created"] = made.cases
        load["events_created"] = made.events
        self.stdout.write(
            f"Cases: {load['cases_seconds']:.1f} s "
            f"({made.cases / max(load['cases_seconds'], 0.001):,.0f} a second)"
        )

    # Pages

    def _capture(self, client: Client, url: str) -> tuple[int, list]:
        """One request with its queries counted and its statements kept with their params."""
        statements = []

        def keep(execute, sql, params, many, context):
            statements.append((sql, params, many))
            return execute(sql, params, many, context)

        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(keep):
            self._get(client, url)
        return len(captured.captured_queries), statements

    def _raw(self, statements: list, per_statement: list[list[float]] | None = None) -> float:
        """Execute the captured statements as they were, fetching every row; in ms."""
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for i, (sql, params, many) in enumerate(statements):
                begin = time.perf_counter()
                if many:
                    cursor.executemany(sql, params)
                else:
                    cursor.execute(sql, params)
                if cursor.description is not None:
                    cursor.fetchall()
                if per_statement is not None:
                    per_statement[i].append((time.perf_counter() - begin) * 1000)
        return (time.perf_counter() - started) * 1000

    def _measure(self, client: Client, name: str, url: str, options) -> dict:
        for _ in range(options["warmup"]):
            self._get(client, url)
        counts = []
        statements: list = []
        for _ in range(3):
            count, statements = self._capture(client, url)
            counts.append(count)
        reset_queries()
        # Only reads are replayed: a write would change what the next request sees.
        reads = [s for s in statements if s[0].lstrip().upper().startswith(("SELECT", "WITH"))]
        skipped = [s[0][:80] for s in statements if s not in reads]
        per_statement: list[list[float]] = [[] for _ in reads]
        for _ in range(min(options["warmup"], 3)):
            self._raw(reads)
        page_ms, raw_ms = [], []
        size = 0
        for _ in range(options["requests"]):
            started = time.perf_counter()
            response = self._get(client, url)
            page_ms.append((time.perf_counter() - started) * 1000)
            size = len(response.content)
            raw_ms.append(self._raw(reads, per_statement))
        page_ms.sort()
        raw_ms.sort()
        p50, raw_p50 = percentile(page_ms, 0.50), percentile(raw_ms, 0.50)
        slowest = sorted(
            (
                {"sql": sql[:300], "p50_ms": round(statistics.median(times), 2)}
                for (sql, _params, _many), times in zip(reads, per_statement, strict=True)
            ),
            key=lambda s: -s["p50_ms"],
        )[:3]
        return {
            "page": name,
            "url": url,
            "p50_ms": round(p50, 2),
            "p95_ms": round(percentile(page_ms, 0.95), 2),
            "max_ms": round(page_ms[-1], 2),
            "raw_sql_p50_ms": round(raw_p50, 2),
            "raw_sql_p95_ms": round(percentile(raw_ms, 0.95), 2),
            "overhead": round(p50 / raw_p50, 2) if raw_p50 else None,
            "queries": max(counts),
            "queries_constant": len(set(counts)) == 1,
            "not_replayed": skipped,
            "slowest_statements": slowest,
            "bytes": size,
        }

    def _aggregates(self, city: Unit, commune: Unit, options) -> list[dict]:
        """The same figures as the pages, read by the reports' own functions without the
        page around them (session, scope, charts, template), next to the raw SQL of their
        own statements: the ORM's and the roll-ups' cost over the database's."""
        from danvan.dashboards.forms import PeriodForm
        from danvan.dashboards.queries import build_dashboard, rank_children

        _name, period = PeriodForm(None).chosen()  # the pages' default period
        calls = [
            ("city dashboard (Hà Nội)", lambda: build_dashboard(city, period)),
            (f"commune dashboard ({commune.name})", lambda: build_dashboard(commune, period)),
            (
                "drill: cases on time (city)",
                lambda: rank_children(city, METRICS["cases_on_time"], period),
            ),
            (
                "drill: models registered (city)",
                lambda: rank_children(city, METRICS["models_registered"], period),
            ),
        ]
        results = [self._measure_call(name, call, options) for name, call in calls]
        self.stdout.write(
            f"{'figures without the page':<40} {'p50 ms':>8} {'p95 ms':>8} {'raw p50':>8} "
            f"{'× raw':>6} {'queries':>7}"
        )
        for row in results:
            self.stdout.write(
                f"{row['call'][:40]:<40} {row['p50_ms']:>8.2f} {row['p95_ms']:>8.2f} "
                f"{row['raw_sql_p50_ms']:>8.2f} {row['overhead']:>6.2f} {row['queries']:>7}"
            )
        return results

    def _measure_call(self, name: str, call, options) -> dict:
        for _ in range(options["warmup"]):
            call()
        statements: list = []

        def keep(execute, sql, params, many, context):
            statements.append((sql, params, many))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(keep):
            call()
        for _ in range(min(options["warmup"], 3)):
            self._raw(statements)
        call_ms, raw_ms = [], []
        for _ in range(options["requests"]):
            started = time.perf_counter()
            call()
            call_ms.append((time.perf_counter() - started) * 1000)
            raw_ms.append(self._raw(statements))
        call_ms.sort()
        raw_ms.sort()
        p50, raw_p50 = percentile(call_ms, 0.50), percentile(raw_ms, 0.50)
        return {
            "call": name,
            "p50_ms": round(p50, 2),
            "p95_ms": round(percentile(call_ms, 0.95), 2),
            "raw_sql_p50_ms": round(raw_p50, 2),
            "raw_sql_p95_ms": round(percentile(raw_ms, 0.95), 2),
            "overhead": round(p50 / raw_p50, 2) if raw_p50 else None,
            "queries": len(statements),
        }

    # The annual report and its export

    def _template(self, city: Unit) -> ReportTemplate:
        fields = [
            {"code": code, "label": str(metric.label), "type": "number", "metric": code}
            for code, metric in METRICS.items()
        ]
        fields.append({"code": TEXT_FIELD, "label": "Đánh giá chung", "type": "text"})
        template, _created = ReportTemplate.objects.update_or_create(
            name=TEMPLATE_NAME,
            defaults={
                "owner": city,
                "frequency": ReportTemplate.Frequency.ANNUAL,
                "fields": fields,
                "is_active": True,
            },
        )
        return template

    def _prepare_period(self, officer, city) -> tuple[ReportTemplate, datetime.date, dict]:
        """Open the year for every current commune, then fill, submit and accept each report
        (what is already done in an earlier run is left as it is)."""
        from danvan.reports import services

        template = self._template(city)
        start = datetime.date(REPORT_YEAR, 1, 1)
        timings: dict = {}
        started = time.perf_counter()
        opened = services.open_period(actor=officer, template=template, period_start=start)
        timings["open_period_seconds"] = round(time.perf_counter() - started, 2)
        timings["opened"] = len(opened)
        numbers = [code for code in METRICS]
        started = time.perf_counter()
        submitted = accepted = 0
        for report in services.period_reports(template, start).select_related("template__owner"):
            if report.status in services.EDITABLE:
                values = {TEXT_FIELD: f"{report.unit.name}:\n{ASSESSMENT}"}
                # A figure the live data cannot give (a rate of nothing) is reported as 0.
                values.update({c: "0" for c in numbers if report.values.get(c) in (None, "")})
                report = services.submit_report(actor=officer, report=report, values=values)
                submitted += 1
            if report.status == services.Status.SUBMITTED:
                services.accept_report(actor=officer, report=report)
                accepted += 1
        timings["submit_accept_seconds"] = round(time.perf_counter() - started, 2)
        timings["submitted"], timings["accepted"] = submitted, accepted
        timings["reports_accepted"] = Report.objects.filter(
            template=template, period_start=start, status=Report.Status.ACCEPTED
        ).count()
        return template, start, timings

    def _export(self, officer, city, options) -> dict:
        self.stdout.write(f"Opening the year {REPORT_YEAR} for every commune…")
        template, start, prepared = self._prepare_period(officer, city)
        self.stdout.write(
            f"open_period: {prepared['open_period_seconds']:.1f} s ({prepared['opened']} reports); "
            f"submit and accept: {prepared['submit_accept_seconds']:.1f} s; "
            f"{prepared['reports_accepted']} accepted"
        )
        media = Path(options["output"]) / f"media-bench-reports-{connection.vendor}"
        formats = {}
        try:
            for fmt in EXPORT_FORMATS:
                runs = [
                    self._run_export(officer, template, start, fmt, media)
                    for _ in range(options["export_runs"])
                ]
                traced = self._run_export(officer, template, start, fmt, media, trace=True)
                formats[fmt] = {
                    "seconds": round(statistics.median(r["seconds"] for r in runs), 2),
                    "seconds_runs": [r["seconds"] for r in runs],
                    "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
                    "vm_hwm_mb": max(r["vm_hwm_mb"] or 0 for r in runs),
                    "rss_before_mb": runs[0]["rss_before_mb"],
                    "tracemalloc_peak_mb": traced["tracemalloc_peak_mb"],
                    "traced_seconds": traced["seconds"],
                    "output_kb": runs[0]["output_kb"],
                    "reports": runs[0]["result"].get("reports"),
                }
                self.stdout.write(
                    f"  {fmt}: {formats[fmt]['seconds']:.2f} s, "
                    f"peak RSS {formats[fmt]['peak_rss_mb']:.0f} MB"
                )
        finally:
            shutil.rmtree(media, ignore_errors=True)
        return {"template": template.pk, "period_start": start.isoformat(), **prepared, **formats}

    def _run_export(self, officer, template, start, fmt: str, media: Path, *, trace=False) -> dict:
        """Run the export job's handler in a fresh process, as a worker would run it."""
        from danvan.reports.documents import Signing

        signing = Signing(
            number=12,
            date=datetime.date(REPORT_YEAR + 1, 1, 15),
            signer_title="Trưởng ban",
            signer_name="Nguyễn Văn Đo",
        )
        job = Job.objects.create(
            kind="reports.export_period",
            owner=officer,
            token=secrets.token_hex(16),
            status=Job.Status.RUNNING,
            params={
                "template": template.pk,
                "period_start": start.isoformat(),
                "format": fmt,
                "signing": signing.as_params(),
            },
        )
        env = {
            **os.environ,
            "MEDIA_ROOT": str(media.resolve()),
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(settings.BASE_DIR), os.environ.get("PYTHONPATH")])
            ),
        }
        done = subprocess.run(  # noqa: S603 (this interpreter, fixed code and numbers)
            [*CLEAN_SPAWN, sys.executable, "-c", EXPORT_RUNNER, str(job.pk), "1" if trace else "0"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0 or not done.stdout.strip():
            raise CommandError(f"The {fmt} export failed:\n{done.stderr[-3000:]}")
        answer = json.loads(done.stdout.strip().splitlines()[-1])
        measured = answer["measured"]
        measured["result"] = answer["result"]
        job.refresh_from_db()
        output = media / job.output_file.name if job.output_file.name else None
        measured["output_kb"] = round(output.stat().st_size / 1024) if output else None
        if output:
            output.unlink(missing_ok=True)
        return measured

    # Verdicts and output

    def _verdicts(
        self, pages: list[dict], aggregates: list[dict], export: dict | None
    ) -> list[dict]:
        by_url = {row["url"]: row for row in pages}
        city = by_url["/dashboard/"]
        commune = pages[2]
        verdicts = [
            {
                "target": f"city dashboard p95 < {TARGET_CITY_P95_MS:.0f} ms",
                "value": city["p95_ms"],
                "met": city["p95_ms"] < TARGET_CITY_P95_MS,
            },
            {
                "target": f"commune dashboard p95 < {TARGET_COMMUNE_P95_MS:.0f} ms",
                "value": commune["p95_ms"],
                "met": commune["p95_ms"] < TARGET_COMMUNE_P95_MS,
            },
        ]
        for row in pages[1:]:
            verdicts.append(
                {
                    "target": f"{row['page']}: overhead ≤ {TARGET_OVERHEAD}× raw SQL",
                    "value": row["overhead"],
                    "met": row["overhead"] is not None and row["overhead"] <= TARGET_OVERHEAD,
                }
            )
        for row in aggregates:
            verdicts.append(
                {
                    "target": f"{row['call']}, figures only: overhead ≤ {TARGET_OVERHEAD}× raw SQL",
                    "value": row["overhead"],
                    "met": row["overhead"] is not None and row["overhead"] <= TARGET_OVERHEAD,
                }
            )
        if export is not None:
            for fmt in EXPORT_FORMATS:
                figures = export[fmt]
                verdicts.append(
                    {
                        "target": f"export {fmt} < {TARGET_EXPORT_S:.0f} s",
                        "value": figures["seconds"],
                        "met": figures["seconds"] < TARGET_EXPORT_S,
                    }
                )
                verdicts.append(
                    {
                        "target": f"export {fmt} < {TARGET_EXPORT_MB:.0f} MB (peak RSS)",
                        "value": figures["peak_rss_mb"],
                        "met": figures["peak_rss_mb"] < TARGET_EXPORT_MB,
                    }
                )
        self.stdout.write("Targets:")
        for v in verdicts:
            self.stdout.write(f"  {v['target']}: {v['value']} → {'met' if v['met'] else 'MISSED'}")
        return verdicts

    def _print_pages(self, results: list[dict]) -> None:
        header = (
            f"{'page':<40} {'p50 ms':>8} {'p95 ms':>8} {'raw p50':>8} {'raw p95':>8} "
            f"{'× raw':>6} {'× base':>7} {'queries':>7}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for row in results:
            queries = f"{row['queries']}" + ("" if row["queries_constant"] else "*")
            self.stdout.write(
                f"{row['page'][:40]:<40} {row['p50_ms']:>8.2f} {row['p95_ms']:>8.2f} "
                f"{row['raw_sql_p50_ms']:>8.2f} {row['raw_sql_p95_ms']:>8.2f} "
                f"{row['overhead']:>6.2f} {row['ratio_baseline_p50']:>7.1f} {queries:>7}"
            )
        self.stdout.write(
            "raw: the page's own SQL statements executed on the cursor; × raw: page p50 ÷ raw "
            "p50 (framework overhead); × base: page p50 ÷ the bare page's p50."
        )
        if not all(row["queries_constant"] for row in results):
            self.stdout.write("* the query count varied between requests")

    def _print_export(self, export: dict) -> None:
        self.stdout.write(
            f"Export of the {export['reports_accepted']} accepted reports of {REPORT_YEAR}:"
        )
        self.stdout.write(
            f"{'format':<6} {'seconds':>8} {'peak RSS MB':>12} {'VmHWM MB':>9} {'RSS before':>11} "
            f"{'tracemalloc MB':>15} {'KiB':>6}"
        )
        for fmt in EXPORT_FORMATS:
            f = export[fmt]
            self.stdout.write(
                f"{fmt:<6} {f['seconds']:>8.2f} {f['peak_rss_mb']:>12.1f} {f['vm_hwm_mb']:>9.1f} "
                f"{f['rss_before_mb'] or 0:>11.1f} {f['tracemalloc_peak_mb']:>15.1f} "
                f"{f['output_kb'] or 0:>6}"
            )
