"""Benchmark the awards at Hà Nội's scale: the city-wide eligibility run and the pages.

Loads Hà Nội's units (with the closed districts) when absent, 20,000 cadres with 100,000
postings (bench_cadres' generator) and 50,000 awards of earlier years (titles and the
medal, in bulk), then:

- times the city-wide eligibility run of this year (`awards.eligibility.run_eligibility`:
  every cadre against the medal's rule and each title rule, the verdicts stored); target
  under 10 s;
- requests through Django's test client (the whole middleware stack, DEBUG off), as a city
  board officer, a bare page of 50 rows, the eligible list of the city (medal), its second
  page, the list of awards and a verdict's page: p50/p95 of N requests after a warm-up, and
  the query count. Target for pages: p95 under 100 ms.

    DATABASE_URL=sqlite:///bench-results/bench-awards.sqlite3 manage.py migrate
    DATABASE_URL=sqlite:///bench-results/bench-awards.sqlite3 manage.py bench_awards
    manage.py bench_awards --cadres 2000 --postings 10000 --awards 5000 --requests 20
"""

import datetime
import os
import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client, override_settings
from django.utils import timezone

from danvan.accounts.models import Role
from danvan.awards import eligibility
from danvan.awards.models import Award, AwardType, Decision, Verdict
from danvan.bench.harness import BenchPages, db_version, machine, write_results
from danvan.bench.management.commands.bench_cadres import generate as generate_cadres
from danvan.bench.management.commands.bench_tree import percentile
from danvan.cadres.models import Cadre
from danvan.organisations import demo as organisations_demo
from danvan.organisations.models import Unit

CITY_KEY = "vn-01"
USERNAME = "bench.awards.thanhpho"
RUN_TARGET_S = 10.0
PAGE_TARGET_P95_MS = 100.0
URLCONF = "danvan.bench.management.commands.bench_cadres"  # the project's URLs + the baseline
# Awards of earlier years, by weight: mostly base titles, some higher, a few medals.
MIX = [("ldtt", 60), ("cstd_co_so", 22), ("bang_khen", 8), ("cstd_tinh", 6), ("knc_dan_van", 4)]


def generate_awards(count: int, *, year: int, seed: int = 7) -> int:
    """Bulk-create `count` awards of the bench cadres over the last 15 years: one decision
    per title and year; a medal at most once a person."""
    rng = random.Random(seed)
    types = {t.code: t for t in AwardType.objects.filter(code__in=[c for c, _w in MIX])}
    cadres = list(
        Cadre.objects.filter(external_id__startswith="BENCH-").values_list("id", "full_name")
    )
    if not cadres:
        raise CommandError("No bench cadres: generate them first.")
    city = Unit.objects.get(key=CITY_KEY)
    state = Unit.objects.filter(key=f"{CITY_KEY}-state").first() or city
    codes = [c for c, w in MIX for _ in range(w)]
    medalled: set[int] = set()
    decisions: dict[tuple[str, int], list[Decision]] = {}
    numbers: dict[int, int] = {}
    rows: list[tuple[tuple[str, int], int, str]] = []
    for _n in range(count):
        code = rng.choice(codes)
        pk, name = rng.choice(cadres)
        if code == "knc_dan_van":
            if pk in medalled:
                code = "ldtt"
            medalled.add(pk)
        rows.append(((code, rng.randint(year - 15, year - 1)), pk, name))
    with transaction.atomic():
        pending = []
        for (code, y), _pk, _name in rows:
            bucket = decisions.setdefault((code, y), [])
            if not bucket:
                numbers[y] = numbers.get(y, 0) + 1
                bucket.append(
                    Decision(
                        issuer=state,
                        issuer_name=state.name,
                        number=numbers[y],
                        symbol="QĐ-UBND",
                        year=y,
                        date=datetime.date(y, 12, 20),
                        signer_name="Đo hiệu năng",
                        award_type=types[code],
                        imported=True,
                    )
                )
                pending.append(bucket[0])
        Decision.objects.bulk_create(pending, batch_size=2000)
        awards = [
            Award(
                decision=decisions[key][0],
                award_type=types[key[0]],
                year=key[1],
                cadre_id=pk,
                recipient_name=name,
                scope_unit=city,
                scope_path=city.path,
                external_id=f"bench-{index}",
            )
            for index, (key, pk, name) in enumerate(rows)
        ]
        Award.objects.bulk_create(awards, batch_size=5000)
    return len(awards)


class Command(BenchPages, BaseCommand):
    help = (
        "Time the city-wide eligibility run over 20,000 cadres, 100,000 postings and 50,000 "
        "awards, and the awards pages (p50/p95 ms, queries) against a bare 50-row page."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cadres", type=int, default=20_000)
        parser.add_argument("--postings", type=int, default=100_000)
        parser.add_argument("--awards", type=int, default=50_000)
        parser.add_argument("--requests", type=int, default=100, help="timed requests per page")
        parser.add_argument("--warmup", type=int, default=10, help="untimed requests per page")
        parser.add_argument("--output", default="bench-results", help="folder for the JSON results")

    def handle(self, *args, **options):
        vendor = connection.vendor
        self.stdout.write(f"Database: {vendor} ({settings.DATABASES['default']['NAME']})")
        year = timezone.localdate().year
        loads: dict[str, float] = {}
        if not Unit.objects.filter(key=CITY_KEY).exists():
            started = time.perf_counter()
            organisations_demo.load(progress=lambda _m: None, year=year)
            loads["units_s"] = round(time.perf_counter() - started, 1)
        if not Cadre.objects.filter(external_id__startswith="BENCH-").exists():
            started = time.perf_counter()
            made = generate_cadres(options["cadres"], options["postings"])
            loads["cadres_s"] = round(time.perf_counter() - started, 1)
            self.stdout.write(f"{made['cadres']:,} cadres, {made['postings']:,} postings")
        if not Award.objects.filter(external_id__startswith="bench-").exists():
            started = time.perf_counter()
            made_awards = generate_awards(options["awards"], year=year)
            loads["awards_s"] = round(time.perf_counter() - started, 1)
            self.stdout.write(f"{made_awards:,} awards")
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

        started, cpu = time.perf_counter(), time.process_time()
        result = eligibility.run_eligibility(year)
        run_s, run_cpu_s = time.perf_counter() - started, time.process_time() - cpu
        self.stdout.write(
            f"Eligibility run: {result.cadres:,} cadres, {result.verdicts:,} verdicts, "
            f"{result.eligible.get(eligibility.MEDAL_CODE, 0):,} eligible for the medal "
            f"in {run_s:.2f} s wall, {run_cpu_s:.2f} s CPU (target < {RUN_TARGET_S:.0f} s); "
            f"load average {os.getloadavg()[0]:.1f}"
        )

        city = Unit.objects.get(key=CITY_KEY)
        user = self._user(USERNAME, "Cán bộ đo hiệu năng", Role.BOARD_OFFICER, city)
        verdict = Verdict.objects.filter(award_code=eligibility.MEDAL_CODE, year=year).first()
        pages = [
            ("baseline (bare 50 rows)", "/__bench__/baseline/"),
            ("eligible list, city (medal)", "/awards/eligible/"),
            ("eligible list, page 2", "/awards/eligible/?page=2"),
            ("eligible list, not yet", "/awards/eligible/?status=soon"),
            ("awards list, city", "/awards/list/"),
        ]
        if verdict is not None:
            pages.append(("a verdict, explained", f"/awards/eligible/{verdict.pk}/"))
        with override_settings(DEBUG=False, ROOT_URLCONF=URLCONF):
            client = Client()
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            results = [self._measure(client, name, url, options) for name, url in pages]
        base = results[0]["p50_ms"]
        for row in results:
            row["ratio_p50"] = round(row["p50_ms"] / base, 2) if base else None
        self.stdout.write(f"{'page':34} {'p50 ms':>8} {'p95 ms':>8} {'ratio':>6} {'queries':>7}")
        for row in results:
            self.stdout.write(
                f"{row['page']:34} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} "
                f"{row['ratio_p50']:6.1f} {row['queries']:7d}"
            )
        worst = max(r["p95_ms"] for r in results[1:])
        report = {
            "benchmark": "bench_awards",
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database": {"vendor": vendor, "version": db_version()},
            "machine": machine(),
            "cadres": Cadre.objects.count(),
            "awards": Award.objects.count(),
            "loads": loads,
            "eligibility_run_s": round(run_s, 2),
            "eligibility_run_cpu_s": round(run_cpu_s, 2),
            "verdicts": result.verdicts,
            "pages": results,
            "targets": {
                "run_s": RUN_TARGET_S,
                "run_met": run_s < RUN_TARGET_S,
                "page_p95_ms": PAGE_TARGET_P95_MS,
                "pages_met": worst < PAGE_TARGET_P95_MS,
            },
        }
        out_file = write_results(options["output"], "bench_awards", vendor, report)
        self.stdout.write(f"Results written to {out_file}")

    def _measure(self, client: Client, name: str, url: str, options) -> dict:
        for _ in range(options["warmup"]):
            self._get(client, url)
        # Counted with an execute wrapper: each request resets Django's query log.
        counted = []

        def count(execute, sql, params, many, context):
            counted.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            self._get(client, url)
        timings = []
        for _ in range(options["requests"]):
            started = time.perf_counter()
            self._get(client, url)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        return {
            "page": name,
            "url": url,
            "p50_ms": round(percentile(timings, 0.5), 2),
            "p95_ms": round(percentile(timings, 0.95), 2),
            "queries": len(counted),
        }
