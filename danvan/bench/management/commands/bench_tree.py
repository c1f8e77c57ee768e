"""Benchmark the tree pages on the national list, next to a bare Django page.

Loads all 3,321 communes with their branches and hamlets into the configured database,
then requests each page through Django's test client (the whole middleware stack, a
logged-in city board officer) and reports p50/p95 wall time and the query count, with the
ratio of each page's median to that of a bare page rendering 50 rows in the same run.

    DATABASE_URL=sqlite:///bench-results/bench.sqlite3 manage.py migrate
    DATABASE_URL=sqlite:///bench-results/bench.sqlite3 manage.py bench_tree

`make bench` does this on SQLite and then on PostgreSQL, each in a fresh database.
Results are printed and written as JSON into bench-results/ (not committed).
"""

import datetime
import math
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.http import HttpResponse
from django.template import engines
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import include, path

from danvan.accounts.models import Role
from danvan.bench.harness import BenchPages, db_version, machine, write_results
from danvan.organisations.models import Unit

CITY_KEY = "vn-01"
WARD_KEY = "vn-01-00004"  # Phường Ba Đình
BENCH_USERNAME = "bench.thanhpho"
WARD_USERNAME = "bench.badinh"
TARGET_P95_MS = 100.0  # the tree page of Hà Nội, on SQLite

BASELINE_TEMPLATE = """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Baseline</title></head><body><table>
{% for row in rows %}<tr><td>{{ row.id }}</td><td>{{ row.name }}</td><td>{{ row.code }}</td></tr>
{% endfor %}</table></body></html>"""


def baseline_view(request):
    """The bare page: one simple query, 50 rows, a tiny template, no login check."""
    rows = Unit.objects.order_by("pk").values("id", "name", "code")[:50]
    template = engines["django"].from_string(BASELINE_TEMPLATE)
    return HttpResponse(template.render({"rows": rows}, request))


# This module is also the URLconf of the benchmark: the project's URLs plus the baseline.
urlpatterns = [
    path("__bench__/baseline/", baseline_view, name="bench-baseline"),
    path("", include("danvan.urls")),
]


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


class Command(BenchPages, BaseCommand):
    help = (
        "Load all communes with hamlets, then time the tree page, the unit search and the "
        "unit page of Hà Nội against a bare 50-row page (p50/p95 ms, queries)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
        parser.add_argument("--warmup", type=int, default=20, help="untimed requests per page")
        parser.add_argument("--hamlets", type=int, default=10, help="hamlets per commune")
        parser.add_argument("--skip-load", action="store_true", help="use the units already there")
        parser.add_argument("--output", default="bench-results", help="folder for the JSON results")
        parser.add_argument(
            "--check", action="store_true", help="exit non-zero when the target is missed"
        )

    def handle(self, *args, **options):
        if options["requests"] < 1 or options["warmup"] < 0:
            raise CommandError("--requests must be at least 1 and --warmup not negative.")
        vendor = connection.vendor
        database = settings.DATABASES["default"]["NAME"]
        self.stdout.write(f"Database: {vendor} ({database})")

        had_units = Unit.objects.exists()
        load_seconds = None
        if not options["skip_load"]:
            if had_units:
                self.stdout.write(
                    self.style.WARNING(
                        "Units are already loaded: the load time below is that of a reload, "
                        "not of a fresh load. Use an empty database for a fresh figure."
                    )
                )
            self.stdout.write(f"Loading all communes with {options['hamlets']} hamlets each…")
            started = time.perf_counter()
            call_command("load_units", all=True, hamlets=options["hamlets"], stdout=self.stdout)
            load_seconds = time.perf_counter() - started
            self.stdout.write(f"Load: {load_seconds:.1f} s")
        unit_count = Unit.objects.count()
        city = Unit.objects.filter(key=CITY_KEY).first()
        if city is None:
            raise CommandError(f"No unit with key {CITY_KEY} (Hà Nội): load the units first.")
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh statistics after a bulk load

        user = self._user(BENCH_USERNAME, "Cán bộ đo hiệu năng", Role.BOARD_OFFICER, city)
        pages = [
            ("baseline (bare 50 rows)", "/__bench__/baseline/"),
            ("home", "/"),
            ("tree (Hà Nội)", "/units/"),
            ("search “ha dong”", "/units/?q=ha+dong"),
            ("unit page (Hà Nội)", f"/units/{city.pk}/"),
        ]
        # DEBUG off for the timed requests: no query log, templates without debug info
        # (changing DEBUG rebuilds the template engines).
        with override_settings(DEBUG=False, ROOT_URLCONF=__name__):
            client = Client()
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            results = [self._measure(client, name, url, options) for name, url in pages]

            # The same pages for a ward clerk (a scope ~100 times smaller): a constant query
            # count does not grow with the size of the scope.
            ward = Unit.objects.filter(key=WARD_KEY).first()
            if ward is not None:
                clerk = Client()
                clerk.force_login(
                    self._user(WARD_USERNAME, "Văn thư đo hiệu năng", Role.CLERK, ward),
                    backend="django.contrib.auth.backends.ModelBackend",
                )
                for row in results:
                    url = row["url"].replace(f"/units/{city.pk}/", f"/units/{ward.pk}/")
                    with CaptureQueriesContext(connection) as captured:
                        self._get(clerk, url)
                    row["queries_ward_clerk"] = len(captured.captured_queries)

        baseline_p50 = results[0]["p50_ms"]
        for row in results:
            row["ratio_p50"] = round(row["p50_ms"] / baseline_p50, 2) if baseline_p50 else None
        self._print_table(results)

        tree_row = next(r for r in results if r["url"] == "/units/")
        verdict = {
            "target_p95_ms": TARGET_P95_MS,
            "tree_p95_ms": tree_row["p95_ms"],
            "met": tree_row["p95_ms"] < TARGET_P95_MS and tree_row["queries_constant"],
            "applies_to": "sqlite",
        }
        met = "met" if verdict["met"] else "MISSED"
        self.stdout.write(
            f"Target (tree page p95 < {TARGET_P95_MS:.0f} ms on SQLite, constant queries): "
            f"{tree_row['p95_ms']:.1f} ms, {tree_row['queries']} queries → {met}"
            + ("" if vendor == "sqlite" else " (the target is set for SQLite)")
        )

        report = {
            "benchmark": "bench_tree",
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database": {"vendor": vendor, "version": db_version()},
            "machine": machine(),
            "units": unit_count,
            "units_before_load": had_units,
            "hamlets_per_commune": options["hamlets"],
            "load_seconds": round(load_seconds, 2) if load_seconds is not None else None,
            "requests": options["requests"],
            "warmup": options["warmup"],
            "pages": results,
            "target": verdict,
        }
        out_file = write_results(options["output"], "bench_tree", vendor, report)
        self.stdout.write(f"Results written to {out_file}")
        if options["check"] and vendor == "sqlite" and not verdict["met"]:
            raise CommandError("The tree page missed its target.")

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

    def _print_table(self, results: list[dict]) -> None:
        header = (
            f"{'page':<26} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'q ward':>7} "
            f"{'× base':>7} {'KiB':>6}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for row in results:
            queries = f"{row['queries']}" + ("" if row["queries_constant"] else "*")
            self.stdout.write(
                f"{row['page']:<26} {row['p50_ms']:>8.2f} {row['p95_ms']:>8.2f} {queries:>8} "
                f"{row.get('queries_ward_clerk', '–'):>7} {row['ratio_p50']:>7.2f} "
                f"{row['bytes'] / 1024:>6.0f}"
            )
        if not all(row["queries_constant"] for row in results):
            self.stdout.write("* the query count varied between requests")
        self.stdout.write(
            "q ward: queries of the same page for a ward clerk (Ba Đình's own unit page); "
            "equal counts mean the count does not grow with the scope."
        )
