"""Benchmark the cadres' pages at 20,000 cadres and 100,000 postings, next to a bare page.

Loads Hà Nội's units when absent, then generates the cadres when there are fewer than asked:
each cadre's career is a run of postings, one after the other, at the districts and
communes closed on 30 June 2025 (from 1990) and then, for those still serving, at a unit of
the new tree; about seven in ten postings are dân vận posts. Then requests through
Django's test client (the whole middleware stack, DEBUG off), after a warm-up:

- a bare page rendering 50 rows (the baseline of the same run);
- a cadre's profile (five postings, training), as a city board officer and as the clerk of
  the ward the cadre serves in;
- the generations view of the city (counts of distinct cadres for every congress term, and
  the current term's first page of holders), and of a ward (its own units and the communes
  it replaced);
- the list of cadres of the city (first page of 50, with their posts now).

For each page: p50/p95 wall time of N requests and the query count. Target (issue 12):
p95 < 100 ms for the profile and the city's generations view.

    DATABASE_URL=sqlite:///bench-results/bench-cadres.sqlite3 manage.py migrate
    DATABASE_URL=sqlite:///bench-results/bench-cadres.sqlite3 manage.py bench_cadres
    manage.py bench_cadres --cadres 2000 --requests 10   # a dry run
"""

import datetime
import random
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import include, path
from django.utils import timezone

from danvan.accounts.models import Role
from danvan.bench.harness import BenchPages, db_version, machine, write_results
from danvan.bench.management.commands.bench_tree import baseline_view, percentile
from danvan.cadres import versions
from danvan.cadres.models import Cadre, Posting, Sex, Training, TrainingCourse, TrainingLevel
from danvan.lib.names import FEMALE_GIVEN, FEMALE_MIDDLE, MALE_GIVEN, MALE_MIDDLE, SURNAMES
from danvan.lib.sampling import pick, weighted
from danvan.lib.vntext import fold, search_key
from danvan.organisations.models import REFORM_DATE, Unit, UnitKind

CITY_KEY = "vn-01"
COMMUNE_KEY = "vn-01-00004"  # Phường Ba Đình
OFFICER_USERNAME = "bench.cadres.thanhpho"
CLERK_USERNAME = "bench.cadres.badinh"
TARGET_P95_MS = 100.0
TARGET_PAGES = ("profile (city officer)", "generations (city)")
POSITIONS = [
    ("Trưởng Ban Dân vận", True),
    ("Phó Trưởng Ban Dân vận", True),
    ("Chuyên viên Ban Dân vận", False),
    ("Chủ tịch Ủy ban MTTQ", True),
    ("Phó Chủ tịch Ủy ban MTTQ", True),
    ("Chủ tịch Hội Liên hiệp Phụ nữ", True),
    ("Cán bộ Văn phòng", False),
]

urlpatterns = [
    path("__bench__/baseline/", baseline_view, name="bench-baseline"),
    path("", include("danvan.urls")),
]


def generate(cadres: int, postings: int, *, seed: int = 12, stdout=None) -> dict:
    """Bulk-create `cadres` cadres holding `postings` postings in all, careers that pass the
    services' checks (no overlap, within their units' dates)."""
    rng = random.Random(seed)
    today = timezone.localdate()
    closed = list(
        Unit.objects.filter(valid_to=REFORM_DATE - datetime.timedelta(days=1))
        .filter(kind__in=[UnitKind.COMMUNE, UnitKind.LEGACY_DISTRICT])
        .only("id", "valid_to")
    )
    current = list(
        Unit.objects.current()
        .filter(
            kind__in=[
                UnitKind.PARTY_COMMITTEE,
                UnitKind.FRONT_COMMITTEE,
                UnitKind.PEOPLES_COMMITTEE,
                UnitKind.MASS_ORGANISATION,
                UnitKind.AGENCY,
            ]
        )
        .only("id", "valid_from")
    )
    if not closed or not current:
        raise CommandError("Load Hà Nội's units with their closed districts first.")
    surnames, male, female = weighted(SURNAMES), weighted(MALE_MIDDLE), weighted(FEMALE_MIDDLE)
    per_cadre = postings / cadres
    people = []
    rows: list[list[dict]] = []
    for n in range(cadres):
        sex = Sex.FEMALE if rng.random() < 0.38 else Sex.MALE
        middle = pick(rng, female if sex == Sex.FEMALE else male)
        given = rng.choice(FEMALE_GIVEN if sex == Sex.FEMALE else MALE_GIVEN)
        name = f"{pick(rng, surnames)} {middle} {given}"
        count = max(1, round(rng.gauss(per_cadre, 1)))
        serving = rng.random() < 0.45
        start = datetime.date(rng.randint(1990, 2012), rng.randint(1, 12), 1)
        born = start.year - rng.randint(25, 40)
        career: list[tuple[Unit, str, bool, datetime.date, datetime.date | None]] = []
        for k in range(count):
            last = k == count - 1
            position, leading = rng.choice(POSITIONS)
            if last and serving:
                unit = rng.choice(current)
                begin = max(start, unit.valid_from or start, REFORM_DATE)
                career.append((unit, position, leading, begin, None))
                break
            unit = rng.choice(closed)
            span = max(60, (REFORM_DATE - start).days // max(1, count - k))
            end = start + datetime.timedelta(days=rng.randint(60, span))
            end = min(end, REFORM_DATE - datetime.timedelta(days=1))
            career.append((unit, position, leading, start, end))
            start = end + datetime.timedelta(days=1)
            if start >= REFORM_DATE:
                break
        retired = not serving
        people.append(
            Cadre(
                full_name=name,
                sex=sex,
                birth_year=born,
                record_unit_id=rng.choice(current).pk,
                retired_on=min(career[-1][4] or today, today) if retired else None,
                died_on=None,
                external_id=f"BENCH-{n:06d}",
                search_text=search_key(f"{name} BENCH-{n:06d}"),
            )
        )
        rows.append(
            [
                {
                    "unit_id": unit.pk,
                    "position": position,
                    "position_key": fold(position),
                    "is_manager": leading,
                    "start": begin,
                    "end": end,
                    "is_danvan_post": rng.random() < 0.7,
                    "full_time": rng.random() < 0.8,
                    "hardship_area": rng.random() < 0.05,
                }
                for unit, position, leading, begin, end in career
            ]
        )
    with transaction.atomic():
        made = Cadre.objects.bulk_create(people, batch_size=2000)
        batch: list[Posting] = []
        total = 0
        for cadre, career_rows in zip(made, rows, strict=True):
            batch.extend(Posting(cadre_id=cadre.pk, **row) for row in career_rows)
            if len(batch) >= 5000:
                Posting.objects.bulk_create(batch)
                total += len(batch)
                batch = []
        Posting.objects.bulk_create(batch)
        total += len(batch)
        course = TrainingCourse.objects.create(
            name="Bồi dưỡng nghiệp vụ công tác dân vận (đo hiệu năng)",
            organiser="Ban Dân vận Thành ủy Hà Nội",
            level=TrainingLevel.REFRESHER,
            hours=40,
            start=datetime.date(2019, 4, 1),
            search_text=search_key("Bồi dưỡng nghiệp vụ công tác dân vận"),
        )
        Training.objects.bulk_create(
            [Training(cadre_id=c.pk, course=course, result="good") for c in made[::3]],
            batch_size=5000,
        )
        versions.bump()  # bulk writes send no signals
    return {"cadres": len(made), "postings": total}


class Command(BenchPages, BaseCommand):
    help = (
        "Generate 20,000 cadres with 100,000 postings when absent, then time a profile, the "
        "generations view of the city and of a ward and the list of cadres against a bare "
        "50-row page (p50/p95 ms, queries)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cadres", type=int, default=20_000)
        parser.add_argument("--postings", type=int, default=100_000)
        parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
        parser.add_argument("--warmup", type=int, default=5, help="untimed requests per page")
        parser.add_argument("--hamlets", type=int, default=3, help="hamlets per commune")
        parser.add_argument("--output", default="bench-results", help="folder for the JSON results")
        parser.add_argument(
            "--check", action="store_true", help="exit non-zero when a target is missed"
        )

    def handle(self, *args, **options):
        if options["requests"] < 1 or options["cadres"] < 1:
            raise CommandError("--requests and --cadres must be at least 1.")
        vendor = connection.vendor
        self.stdout.write(f"Database: {vendor} ({settings.DATABASES['default']['NAME']})")
        load = self._load(options)
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        city = Unit.objects.get(key=CITY_KEY)
        commune = Unit.objects.get(key=COMMUNE_KEY)
        officer = self._user(OFFICER_USERNAME, "Cán bộ đo hiệu năng", Role.BOARD_OFFICER, city)
        clerk = self._user(CLERK_USERNAME, "Văn thư đo hiệu năng", Role.CLERK, commune)
        # A serving cadre of the ward with a full career, for both readers.
        cadre = (
            Cadre.objects.filter(
                postings__end__isnull=True, postings__unit__path__startswith=commune.path
            )
            .order_by("pk")
            .first()
        )
        if cadre is None:
            cadre = Cadre.objects.order_by("pk").first()
        assert cadre is not None
        pages = [
            ("baseline (bare 50 rows)", "/__bench__/baseline/", officer),
            ("profile (city officer)", f"/cadres/{cadre.pk}/", officer),
            ("profile (ward clerk)", f"/cadres/{cadre.pk}/", clerk),
            ("generations (city)", "/cadres/generations/", officer),
            ("generations (ward)", f"/cadres/generations/?unit={commune.pk}", clerk),
            ("cadres list (city)", "/cadres/", officer),
        ]
        if not Cadre.objects.visible_to(clerk).filter(pk=cadre.pk).exists():
            pages.pop(2)
        with override_settings(DEBUG=False, ROOT_URLCONF=__name__):
            results = [
                self._measure(self._client(user), name, url, options) for name, url, user in pages
            ]
        baseline = results[0]["p50_ms"]
        for row in results:
            row["ratio_baseline_p50"] = round(row["p50_ms"] / baseline, 2) if baseline else None
        self._print(results)
        verdicts = [
            {
                "target": f"{row['page']}: p95 < {TARGET_P95_MS:.0f} ms",
                "value": row["p95_ms"],
                "met": row["p95_ms"] < TARGET_P95_MS,
            }
            for row in results
            if row["page"] in TARGET_PAGES
        ]
        for verdict in verdicts:
            mark = "met" if verdict["met"] else "MISSED"
            self.stdout.write(f"{verdict['target']}: {verdict['value']} ms, {mark}")
        report = {
            "benchmark": "bench_cadres",
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database": {"vendor": vendor, "version": db_version()},
            "machine": machine(),
            "load": load,
            "requests": options["requests"],
            "warmup": options["warmup"],
            "pages": results,
            "targets": verdicts,
        }
        out_file = write_results(options["output"], "bench_cadres", vendor, report)
        self.stdout.write(f"Results written to {out_file}")
        missed = [v["target"] for v in verdicts if not v["met"]]
        if options["check"] and missed:
            raise CommandError("Missed: " + "; ".join(missed))

    def _load(self, options) -> dict:
        load: dict[str, Any] = {"units_seconds": None, "cadres_seconds": None}
        if not Unit.objects.filter(key=CITY_KEY).exists():
            self.stdout.write(f"Loading Hà Nội's units with {options['hamlets']} hamlets each…")
            started = time.perf_counter()
            call_command("load_units", hamlets=options["hamlets"], stdout=self.stdout)
            load["units_seconds"] = round(time.perf_counter() - started, 2)
        have = Cadre.objects.count()
        if have < options["cadres"]:
            self.stdout.write(f"Generating {options['cadres'] - have:,} cadres…")
            started = time.perf_counter()
            made = generate(
                options["cadres"] - have,
                round(options["postings"] * (options["cadres"] - have) / options["cadres"]),
            )
            load["cadres_seconds"] = round(time.perf_counter() - started, 2)
            load.update(made)
        load["total_cadres"] = Cadre.objects.count()
        load["total_postings"] = Posting.objects.count()
        load["danvan_postings"] = Posting.objects.filter(is_danvan_post=True).count()
        self.stdout.write(
            f"{load['total_cadres']:,} cadres, {load['total_postings']:,} postings "
            f"({load['danvan_postings']:,} dân vận posts)"
        )
        return load

    def _measure(self, client: Client, name: str, url: str, options) -> dict:
        for _ in range(options["warmup"]):
            self._get(client, url)
        statements: list[str] = []

        def count(execute, sql, params, many, context):
            statements.append(sql)
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
            "queries": len(statements),
            "p50_ms": round(percentile(timings, 0.50), 2),
            "p95_ms": round(percentile(timings, 0.95), 2),
        }

    def _print(self, results: list[dict]) -> None:
        self.stdout.write(f"{'page':<28} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'× bare':>7}")
        for row in results:
            self.stdout.write(
                f"{row['page']:<28} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} "
                f"{row['queries']:>8} {row['ratio_baseline_p50'] or 0:>7.1f}"
            )
