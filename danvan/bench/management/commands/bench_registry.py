"""Benchmark the registry at the seed's scale, next to a bare Django page.

Loads Hà Nội's units and the demo registry (78,494 models of 2009–2025, 17,114 of them
recognised) when absent, checks that the city's counts page shows exactly those totals,
then requests the list, a search, the counts of the city and of one commune, the list as a
commune clerk and as a hamlet clerk, and the public library through Django's test client
(the whole middleware stack), and reports p50/p95 wall time and the query count, with the
ratio of each page's median to that of a bare page rendering 50 rows in the same run.

Then the Excel jobs, run through their registered handlers: the preview and the import of
an 80,000-row sheet, and the export of the whole list (~158,000 models after the import).
Each job runs in a fresh Python process, as the worker would run it:
timed in a plain run, with that process's peak RSS; then run again under tracemalloc for
the peak of Python allocations (tracemalloc slows the code, so its run is not the one
timed). The traced import reads a second sheet of new rows and is rolled back.

    DATABASE_URL=sqlite:///bench-results/bench-registry.sqlite3 manage.py migrate
    DATABASE_URL=sqlite:///bench-results/bench-registry.sqlite3 manage.py bench_registry

With ``--skip-load --import-only`` on a copy of a loaded database, only the timed preview
and import run (about a minute): the quick way to measure a change to the import.

`make bench` does this on SQLite and then on PostgreSQL, each in a fresh database, after
the tree benchmark. Results are printed and written as JSON into bench-results/.
"""

import contextlib
import datetime
import gc
import json
import os
import random
import re
import secrets
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from django.utils import timezone

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
from danvan.lib.vntext import fold
from danvan.lib.xlsx import write_xlsx
from danvan.organisations.demo import in_sentence
from danvan.organisations.models import REFORM_DATE, Unit, UnitKind
from danvan.registry import demo
from danvan.registry.models import Field, PracticeModel, RecognitionLevel
from danvan.registry.queries import totals
from danvan.registry.transfer import COLUMNS

CITY_KEY = "vn-01"
COMMUNE_KEY = "vn-01-00004"  # Phường Ba Đình
HAMLET_KEY = "vn-01-00004-h01"  # Tổ dân phố số 1, phường Ba Đình (~50 models)
OFFICER_USERNAME = "bench.registry.thanhpho"
CLERK_USERNAME = "bench.registry.badinh"
HAMLET_USERNAME = "bench.registry.todanpho"
IMPORT_PREFIX = "BENCH-"  # external ids of the rows this benchmark imports
FIRST_YEAR, LAST_YEAR = 2009, 2025

# The targets.
TARGET_PAGE_P95_MS = 150.0  # list and search, on SQLite
TARGET_IMPORT_S = 60.0  # preview + import of 80,000 rows
TARGET_EXPORT_S = 30.0
TARGET_MEMORY_MB = 300.0

# This module is also the URLconf of the benchmark: the project's URLs plus the baseline.
urlpatterns = [
    path("__bench__/baseline/", baseline_view, name="bench-baseline"),
    path("", include("danvan.urls")),
]


def peak_rss_mb() -> float:
    """The peak resident set of this process's memory (Linux VmHWM), else getrusage's.

    getrusage's ru_maxrss of a child process started by fork and exec is never below the
    parent's RSS at the fork (Linux carries the pre-exec high-water mark over), so a child
    reads its own peak from VmHWM, which starts afresh at exec.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return max_rss_mb()


def reset_peak_rss() -> bool:
    """Reset the peak RSS (VmHWM) to the current RSS (Linux: "5" into clear_refs).

    The peak read after a job is then the job's own (the process's baseline included), not
    an earlier high-water mark. False when the kernel refuses.
    """
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


# The child process of _run_job: set Django up, then run_job_child() reads its argv.
JOB_RUNNER = (
    "import django; django.setup(); "
    "from danvan.bench.management.commands.bench_registry import run_job_child; "
    "run_job_child()"
)


def run_job_child() -> None:
    """Run one Job's handler (argv: job id, trace 0/1, rollback 0/1); print JSON on stdout."""
    job_pk, trace, rollback = int(sys.argv[1]), sys.argv[2] == "1", sys.argv[3] == "1"
    with override_settings(DEBUG=False):  # no query log
        job = Job.objects.select_related("owner").get(pk=job_pk)
        gc.collect()
        rss_reset = reset_peak_rss()
        rss_before = proc_status_mb("VmRSS")
        maxrss_before = max_rss_mb()
        if trace:
            tracemalloc.start()
        started, cpu_started = time.perf_counter(), time.process_time()
        with transaction.atomic() if rollback else contextlib.nullcontext():
            result = HANDLERS[job.kind](JobContext(job))
            if rollback:
                transaction.set_rollback(True)
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
        peak = None
        if trace:
            peak = mb(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
        maxrss_after = max_rss_mb()
        peak_rss = peak_rss_mb()
        if not rollback:
            Job.objects.filter(pk=job.pk).update(
                status=Job.Status.DONE, result=result, finished_at=timezone.now()
            )
    measured = {
        "seconds": round(seconds, 2),
        # The job's processor time: on a shared machine, the wall time also counts the
        # time other processes held the cores.
        "cpu_seconds": round(cpu_seconds, 2),
        "rss_before_mb": rss_before,  # Django set up, the job row read
        # The process's high-water mark over the job (VmHWM, reset before the job when
        # Linux allows; else over the process's life, which the job dominates).
        "peak_rss_mb": peak_rss,
        "peak_rss_reset": rss_reset,
        # getrusage's ru_maxrss before and after: a high-water mark that, in a child of
        # fork and exec, starts at the parent's RSS at the fork (see peak_rss_mb).
        "maxrss_before_mb": maxrss_before,
        "maxrss_after_mb": maxrss_after,
        "tracemalloc_peak_mb": peak,
    }
    print(json.dumps({"result": result, "measured": measured}, ensure_ascii=False, default=str))


class Command(BenchPages, BaseCommand):
    help = (
        "Load Hà Nội's demo registry (78,494 models) when absent, then time the list, search "
        "and counts pages against a bare 50-row page, and the Excel import (80,000 rows) and "
        "export jobs with their peak memory."
    )

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=100, help="timed requests per page")
        parser.add_argument("--warmup", type=int, default=10, help="untimed requests per page")
        parser.add_argument(
            "--hamlets", type=int, default=3, help="hamlets per commune when loading the units"
        )
        parser.add_argument(
            "--skip-load", action="store_true", help="use the units and models already there"
        )
        parser.add_argument("--skip-import", action="store_true", help="skip the Excel jobs")
        parser.add_argument(
            "--import-only",
            action="store_true",
            help="only the timed preview and import (no pages, no export, no traced runs)",
        )
        parser.add_argument("--rows", type=int, default=80_000, help="rows of the import sheet")
        parser.add_argument("--output", default="bench-results", help="folder for the JSON results")
        parser.add_argument(
            "--check", action="store_true", help="exit non-zero when a SQLite target is missed"
        )

    def handle(self, *args, **options):
        if options["requests"] < 1 or options["warmup"] < 0 or options["rows"] < 1:
            raise CommandError("--requests and --rows must be at least 1, --warmup not negative.")
        if options["import_only"] and options["skip_import"]:
            raise CommandError("--import-only and --skip-import exclude each other.")
        vendor = connection.vendor
        self.stdout.write(f"Database: {vendor} ({settings.DATABASES['default']['NAME']})")
        load = self._load(options)
        city = Unit.objects.get(key=CITY_KEY)
        commune = Unit.objects.filter(key=COMMUNE_KEY).first()
        if commune is None:
            commune = Unit.objects.filter(parent=city, kind=UnitKind.COMMUNE).current().first()
        self._analyze()

        officer = self._user(OFFICER_USERNAME, "Cán bộ đo hiệu năng", Role.BOARD_OFFICER, city)
        clerk = self._user(CLERK_USERNAME, "Văn thư đo hiệu năng", Role.CLERK, commune)
        hamlet = Unit.objects.filter(key=HAMLET_KEY).first() or commune
        hamlet_clerk = self._user(HAMLET_USERNAME, "Tổ trưởng đo hiệu năng", Role.CLERK, hamlet)
        counts_check = None if options["import_only"] else self._check_totals(officer, city)

        pages = [
            ("baseline (bare 50 rows)", "/__bench__/baseline/", None),
            ("list", "/registry/", officer),
            ("search “an ninh”", "/registry/?q=an+ninh", officer),
            ("counts (city)", "/registry/counts/", officer),
            (f"counts ({commune.name})", f"/registry/counts/?unit={commune.pk}", officer),
            (f"list, clerk of {commune.name}", "/registry/", clerk),
            (f"list, clerk of {hamlet.name}", "/registry/", hamlet_clerk),
            ("library (public)", "/library/", None),
        ]
        results = []
        if not options["import_only"]:
            with override_settings(DEBUG=False, ROOT_URLCONF=__name__):
                results = [
                    self._measure(self._client(user), name, url, options)
                    for name, url, user in pages
                ]
            baseline_p50 = results[0]["p50_ms"]
            for row in results:
                row["ratio_p50"] = round(row["p50_ms"] / baseline_p50, 2) if baseline_p50 else None
            self._print_pages(results)

        jobs = None
        if not options["skip_import"]:
            with override_settings(DEBUG=False), tempfile.TemporaryDirectory() as media:
                with override_settings(MEDIA_ROOT=media):
                    jobs = self._jobs(officer, city, options)
            self._print_jobs(jobs)

        verdicts = self._verdicts(results, jobs, vendor)
        report = {
            "benchmark": "bench_registry",
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database": {"vendor": vendor, "version": db_version()},
            "machine": machine(),
            "load": load,
            "counts_check": counts_check,
            "commune": {"id": commune.pk, "key": commune.key, "name": commune.name},
            "requests": options["requests"],
            "warmup": options["warmup"],
            "pages": results,
            "jobs": jobs,
            "targets": verdicts,
        }
        out_file = write_results(options["output"], "bench_registry", vendor, report)
        self.stdout.write(f"Results written to {out_file}")
        missed = [v["target"] for v in verdicts if v["met"] is False and v["applies"]]
        if options["check"] and missed:
            raise CommandError("Missed: " + "; ".join(missed))

    # Data

    def _load(self, options) -> dict:
        """Hà Nội's units and the demo models, each loaded (and timed) only when absent."""
        load: dict[str, Any] = {"units_seconds": None, "models_seconds": None, "models_created": 0}
        has_city = Unit.objects.filter(key=CITY_KEY).exists()
        has_models = PracticeModel.objects.exists()
        if options["skip_load"]:
            if not (has_city and has_models):
                raise CommandError("--skip-load needs Hà Nội's units and models already loaded.")
            return load
        if not has_city:
            self.stdout.write(f"Loading Hà Nội's units with {options['hamlets']} hamlets each…")
            started = time.perf_counter()
            call_command("load_units", hamlets=options["hamlets"], stdout=self.stdout)
            load["units_seconds"] = round(time.perf_counter() - started, 2)
            self.stdout.write(f"Units: {load['units_seconds']:.1f} s")
        if not has_models:
            self.stdout.write(
                f"Generating {demo.HANOI_MODELS:,} models ({demo.HANOI_RECOGNISED:,} recognised)…"
            )
            gc.collect()
            reset_peak_rss()
            started = time.perf_counter()
            load["models_created"] = demo.generate_models()
            load["models_seconds"] = round(time.perf_counter() - started, 2)
            load["models_peak_rss_mb"] = peak_rss_mb()
            self.stdout.write(f"Models: {load['models_seconds']:.1f} s")
        load["units"] = Unit.objects.count()
        load["models"] = PracticeModel.objects.count()
        return load

    def _analyze(self) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Fresh statistics and visibility map after a bulk load: what autovacuum
                # does soon after (it runs on inserts too), done now so that the timings do
                # not depend on when it gets there (or on a server that runs without it).
                cursor.execute("VACUUM ANALYZE")

    def _check_totals(self, officer, city) -> dict:
        """The city's counts page must show the seed's totals (plus earlier benchmark imports)."""
        imported = PracticeModel.objects.in_subtree(city).filter(
            external_id__startswith=IMPORT_PREFIX
        )
        earlier = totals(imported)
        expected = {
            "registered": demo.HANOI_MODELS + earlier["registered"],
            "recognised": demo.HANOI_RECOGNISED + earlier["recognised"],
        }
        if earlier["registered"]:
            self.stdout.write(
                self.style.WARNING(
                    f"{earlier['registered']:,} models of earlier benchmark imports are in the "
                    "database: the totals expected include them. Use a fresh database."
                )
            )
        queried = totals(PracticeModel.objects.in_subtree(city))
        with override_settings(DEBUG=False, ROOT_URLCONF=__name__):
            html = self._get(self._client(officer), "/registry/counts/").content.decode()
        shown = [int(re.sub(r"\D", "", v)) for v in re.findall(r'<p class="big">([^<]*)<', html)]
        page = dict(zip(["registered", "recognised"], shown, strict=False))
        if queried != expected or page != expected:
            raise CommandError(
                f"The city's totals are wrong: expected {expected}, "
                f"queries.totals gives {queried}, the counts page shows {page}."
            )
        self.stdout.write(
            f"City totals on the counts page: {page['registered']:,} registered, "
            f"{page['recognised']:,} recognised (as expected)."
        )
        return {"expected": expected, "queried": queried, "page": page, "ok": True}

    # Pages

    def _measure(self, client: Client, name: str, url: str, options) -> dict:
        for _ in range(options["warmup"]):
            self._get(client, url)
        # Query counts on separate requests: capturing forces the debug cursor.
        counts = []
        for _ in range(3):
            with CaptureQueriesContext(connection) as captured:
                self._get(client, url)
            counts.append(len(captured.captured_queries))
        reset_queries()
        timings = []
        size = 0
        for _ in range(options["requests"]):
            started = time.perf_counter()
            response = self._get(client, url)
            timings.append((time.perf_counter() - started) * 1000)
            size = len(response.content)
        timings.sort()
        return {
            "page": name,
            "url": url,
            "p50_ms": round(percentile(timings, 0.50), 2),
            "p95_ms": round(percentile(timings, 0.95), 2),
            "max_ms": round(timings[-1], 2),
            "queries": max(counts),
            "queries_constant": len(set(counts)) == 1,
            "bytes": size,
        }

    # Jobs

    def _jobs(self, officer, city, options) -> dict:
        rows = options["rows"]
        folder = Path(tempfile.mkdtemp(prefix="bench-registry-"))
        try:
            run = secrets.token_hex(3).upper()
            sheets = {}
            for part in ("A",) if options["import_only"] else ("A", "B"):
                sheet = folder / f"mo-hinh-{rows}-{part}.xlsx"
                started = time.perf_counter()
                written = self._write_sheet(sheet, officer, city, rows, f"{run}{part}")
                seconds = time.perf_counter() - started
                sheets[part] = sheet
                self.stdout.write(
                    f"Sheet {part}: {written:,} rows, {sheet.stat().st_size / 2**20:.1f} MiB, "
                    f"written in {seconds:.1f} s"
                )
            size_mb = mb(sheets["A"].stat().st_size)

            # Timed runs: the preview, the import (committed), the export of everything.
            self.stdout.write("Preview of sheet A…")
            preview, preview_m = self._run_job("registry.import_preview", officer, sheets["A"])
            if preview["error_count"] or preview["valid"] != rows:
                raise CommandError(f"The preview did not accept every row: {preview}")
            self.stdout.write(f"  {preview_m['seconds']:.1f} s. Import of sheet A…")
            imported, import_m = self._run_job("registry.import", officer, after=self._last)
            if imported["created"] != rows:
                raise CommandError(f"The import did not create every row: {imported}")
            if options["import_only"]:
                self.stdout.write(f"  {import_m['seconds']:.1f} s.")
                return {
                    "rows": rows,
                    "sheet_mb": size_mb,
                    "preview": {**preview_m, "result": _short(preview)},
                    "import": {**import_m, "result": _short(imported)},
                    "import_total_seconds": round(preview_m["seconds"] + import_m["seconds"], 2),
                }
            self._analyze()
            expected_rows = PracticeModel.objects.in_subtree(city).count()
            self.stdout.write(f"  {import_m['seconds']:.1f} s. Export of {expected_rows:,} rows…")
            exported, export_m = self._run_job("registry.export", officer)
            if exported["rows"] != expected_rows:
                raise CommandError(
                    f"The export wrote {exported['rows']} rows, not {expected_rows}."
                )
            self.stdout.write(f"  {export_m['seconds']:.1f} s.")

            # Traced runs, for the peak of Python allocations.
            self.stdout.write("Again under tracemalloc (sheet B, the import rolled back)…")
            _r, preview_t = self._run_job(
                "registry.import_preview", officer, sheets["B"], trace=True
            )
            traced, import_t = self._run_job(
                "registry.import", officer, after=self._last, trace=True, rollback=True
            )
            if traced["created"] != rows:
                raise CommandError(f"The traced import did not create every row: {traced}")
            _r, export_t = self._run_job("registry.export", officer, trace=True)
        finally:
            for item in folder.iterdir():
                item.unlink()
            folder.rmdir()

        def merge(plain: dict, traced: dict) -> dict:
            plain = dict(plain)
            plain["tracemalloc_peak_mb"] = traced["tracemalloc_peak_mb"]
            plain["seconds_traced"] = traced["seconds"]
            plain["peak_rss_traced_mb"] = traced["peak_rss_mb"]
            return plain

        return {
            "rows": rows,
            "sheet_mb": size_mb,
            "preview": {**merge(preview_m, preview_t), "result": _short(preview)},
            "import": {**merge(import_m, import_t), "result": _short(imported)},
            "export": {**merge(export_m, export_t), "result": _short(exported)},
            "import_total_seconds": round(preview_m["seconds"] + import_m["seconds"], 2),
        }

    def _run_job(
        self,
        kind: str,
        owner,
        sheet: Path | None = None,
        *,
        after: Job | None = None,
        trace: bool = False,
        rollback: bool = False,
    ) -> tuple[dict, dict]:
        """Run a job's registered handler in a fresh process, as a worker would run it.

        The Job row (with the sheet as its input file) is made here; the child process sets
        Django up, runs the handler and prints its result and measurements as JSON. A fresh
        process makes its peak RSS that of one worker doing one job, not this benchmark's.
        An import runs `after` its preview as the import page starts it: on the preview's
        file, naming the preview (whose parsed rows it then reads).
        """
        job = Job(kind=kind, owner=owner, token=secrets.token_hex(16), status=Job.Status.RUNNING)
        if after is not None:
            job.input_file.name = after.input_file.name
            job.params = {"preview": after.token}
        elif sheet is not None:
            with sheet.open("rb") as handle:
                job.input_file.save(sheet.name, File(handle), save=False)
        job.save()
        env = {
            **os.environ,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(settings.BASE_DIR), os.environ.get("PYTHONPATH")])
            ),
        }
        flags = [str(job.pk), "1" if trace else "0", "1" if rollback else "0"]
        done = subprocess.run(  # noqa: S603 (this interpreter, fixed code and numbers)
            [sys.executable, "-c", JOB_RUNNER, *flags],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0 or not done.stdout.strip():
            raise CommandError(f"The {kind} job failed:\n{done.stderr[-3000:]}")
        answer = json.loads(done.stdout.strip().splitlines()[-1])
        measured = answer["measured"]
        # Done, as the worker leaves it (an import reads its preview's result).
        Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, result=answer["result"])
        job.refresh_from_db()
        self._last = job
        if job.output_file:
            measured["output_mb"] = mb(job.output_file.size)
        return answer["result"], measured

    def _write_sheet(self, sheet: Path, officer, city, rows: int, tag: str) -> int:
        """An import sheet of new models spread over the city's communes, fields and years."""
        rng = random.Random(tag)
        # The import's unit look-up (transfer.Lookups), without its existing-model keys.
        units_by_key: dict[str, list[Unit]] = {}
        for unit in Unit.objects.visible_to(officer, perm="registry.register").only(
            "id", "name", "short_name", "code", "valid_to"
        ):
            for key in {fold(unit.name), fold(unit.short_name), unit.code}:
                if key:
                    units_by_key.setdefault(key, []).append(unit)
        communes = []
        for unit in (
            Unit.objects.filter(parent=city, kind=UnitKind.COMMUNE)
            .current()
            .select_related("legacy_district")
            .order_by("code", "id")
        ):
            current = [u for u in units_by_key.get(fold(unit.name), []) if u.valid_to is None]
            label = unit.name if len(current) == 1 else unit.code  # a name two units share
            district = unit.legacy_district.name if unit.legacy_district_id else ""
            communes.append((label, in_sentence(unit.name), district))
        if not communes:
            raise CommandError("Hà Nội has no current communes.")
        fields = list(Field.objects.filter(is_active=True).order_by("order"))
        levels = {lv.code: lv.name for lv in RecognitionLevel.objects.all()}
        headers = [str(label) for label, _others in COLUMNS.values()]

        def generated():
            for n in range(1, rows + 1):
                unit, phrase, district = communes[n % len(communes)]
                field = fields[rng.randrange(len(fields))]
                practice, topic = rng.choice(
                    demo.PRACTICES.get(field.code, demo.PRACTICES["kinh-te"])
                )
                year = FIRST_YEAR + n % (LAST_YEAR - FIRST_YEAR + 1)
                start = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
                level, recognised_on = "", None
                if rng.random() < 0.22:
                    level = levels["thanh-pho" if rng.random() < 0.15 else "co-so"]
                    recognised_on = datetime.date(min(year + 1, LAST_YEAR), rng.randint(1, 12), 15)
                numbers = {
                    "pct": rng.randrange(60, 101, 5),
                    "n": rng.randint(2, 12),
                    "money": rng.randint(20, 900),
                    "days": rng.randint(50, 2000),
                }
                yield [
                    f"{IMPORT_PREFIX}{tag}-{n:05d}",
                    f"{practice} tại {phrase} (hồ sơ {tag}-{n:05d})",
                    unit,
                    year,
                    field.name,
                    "Cá nhân" if rng.random() < 0.2 else "Tập thể",
                    f"Về {topic}, {rng.choice(demo.PROBLEMS)}.",
                    rng.choice(demo.GOALS).format(**numbers).capitalize() + ".",
                    rng.choice(demo.METHODS) + ".",
                    rng.choice(demo.RESULTS).format(**numbers),
                    start,
                    level,
                    recognised_on,
                    district if start < REFORM_DATE else "",
                ]

        return write_xlsx(sheet, headers, generated(), sheet_title="Mô hình")

    # Output

    def _verdicts(self, pages: list[dict], jobs: dict | None, vendor: str) -> list[dict]:
        sqlite = vendor == "sqlite"
        verdicts = []
        for row in pages:
            city_wide = not row["page"].startswith("list, clerk of ")
            if row["url"] in ("/registry/", "/registry/?q=an+ninh") and city_wide:
                verdicts.append(
                    {
                        "target": f"{row['page']} p95 < {TARGET_PAGE_P95_MS:.0f} ms on SQLite",
                        "value": row["p95_ms"],
                        "met": row["p95_ms"] < TARGET_PAGE_P95_MS,
                        "applies": sqlite,
                    }
                )
        if jobs:
            verdicts.append(
                {
                    "target": f"import (preview + import) < {TARGET_IMPORT_S:.0f} s",
                    "value": jobs["import_total_seconds"],
                    "met": jobs["import_total_seconds"] < TARGET_IMPORT_S,
                    "applies": True,
                }
            )
            if "export" in jobs:
                verdicts.append(
                    {
                        "target": f"export < {TARGET_EXPORT_S:.0f} s",
                        "value": jobs["export"]["seconds"],
                        "met": jobs["export"]["seconds"] < TARGET_EXPORT_S,
                        "applies": True,
                    }
                )
            for name in ("preview", "import", "export"):
                if name not in jobs:
                    continue  # --import-only
                job = jobs[name]
                peak = job["peak_rss_mb"]
                traced = job["tracemalloc_peak_mb"]  # None without the traced runs
                verdicts.append(
                    {
                        "target": f"{name}: peak memory < {TARGET_MEMORY_MB:.0f} MB",
                        "value": {"peak_rss_mb": peak, "tracemalloc_mb": traced},
                        "met": peak < TARGET_MEMORY_MB
                        and (traced is None or traced < TARGET_MEMORY_MB),
                        "applies": True,
                    }
                )
        for v in verdicts:
            state = "met" if v["met"] else "MISSED"
            note = "" if v["applies"] else " (the target is set for SQLite)"
            self.stdout.write(f"Target {v['target']}: {v['value']} → {state}{note}")
        return verdicts

    def _print_pages(self, results: list[dict]) -> None:
        header = f"{'page':<46} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'× base':>7} {'KiB':>6}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for row in results:
            queries = f"{row['queries']}" + ("" if row["queries_constant"] else "*")
            self.stdout.write(
                f"{row['page'][:46]:<46} {row['p50_ms']:>8.2f} {row['p95_ms']:>8.2f} "
                f"{queries:>8} {row['ratio_p50']:>7.2f} {row['bytes'] / 1024:>6.0f}"
            )
        if not all(row["queries_constant"] for row in results):
            self.stdout.write("* the query count varied between requests")

    def _print_jobs(self, jobs: dict) -> None:
        header = (
            f"{'job':<10} {'rows':>8} {'seconds':>8} {'CPU s':>7} {'traced s':>9} "
            f"{'tracemalloc MB':>15} {'RSS before':>11} {'RSS peak':>9}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for name in ("preview", "import", "export"):
            if name not in jobs:
                continue  # --import-only
            job = jobs[name]
            rows = job["result"].get("rows") or job["result"].get("created") or jobs["rows"]
            traced_s, traced_mb = job.get("seconds_traced"), job["tracemalloc_peak_mb"]
            self.stdout.write(
                f"{name:<10} {rows:>8,} {job['seconds']:>8.1f} {job['cpu_seconds']:>7.1f} "
                f"{'—' if traced_s is None else f'{traced_s:.1f}':>9} "
                f"{'—' if traced_mb is None else f'{traced_mb:.1f}':>15} "
                f"{job['rss_before_mb'] or 0:>11.0f} {job['peak_rss_mb']:>9.0f}"
            )
        self.stdout.write(
            f"Preview + import: {jobs['import_total_seconds']:.1f} s "
            f"({jobs['preview']['cpu_seconds'] + jobs['import']['cpu_seconds']:.1f} s of CPU) "
            f"for {jobs['rows']:,} rows "
            f"({jobs['sheet_mb']} MiB sheet). Each job runs in a fresh process; RSS in MiB: its "
            "resident memory with Django set up, and its high-water mark over the job."
        )


def _short(result: dict) -> dict:
    """A job's result without its long lists (the preview's errors)."""
    return {k: v for k, v in result.items() if k != "errors"}
