"""Benchmark grassroots democracy at Hà Nội's scale, next to a bare Django page.

Loads, when absent, Hà Nội's units (--hamlets hamlets a commune) and 2,500,000 households
spread over the hamlets (written with executemany on SQLite, COPY on PostgreSQL, the
household roll-up's triggers set aside and the hamlets recounted once), three years of the
demo's publications for every commune, the inspection boards and dialogues, and a year of
tallied votes in every hamlet. Each load is timed.

Then, with DEBUG off and this module's URLconf (the project's plus the bare page):
- the tally of a hamlet vote, through `services.tally_vote`: a meeting's count entered from
  its minutes, and an online vote counted from one ballot per household of the hamlet;
- a commune's public democracy page (as a visitor gets it, from the cache, and rendered),
  a search of its publications without marks;
- the city roll-up: the public scorecard of the 126 communes and the staff home of a city
  officer;
- the bare page rendering 50 rows.
Each gets p50/p95 wall time over N runs after a warm-up, and its query count.

Throughput is measured over HTTP by the shared tool against gunicorn (docs/benchmarks.md):
the command prints the URLs to give it.

    DATABASE_URL=sqlite:///bench-results/bench-democracy.sqlite3 manage.py migrate
    DATABASE_URL=sqlite:///bench-results/bench-democracy.sqlite3 manage.py bench_democracy
    manage.py bench_democracy --households 250000 --requests 30   # a dry run
"""

import datetime
import io
import random
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from django.utils import timezone

from danvan.accounts.models import Role
from danvan.bench.harness import BenchPages, db_version, machine, write_results
from danvan.bench.management.commands.bench_tree import baseline_view, percentile
from danvan.democracy import demo, rollup, services
from danvan.democracy.models import (
    Ballot,
    Board,
    HamletStat,
    Household,
    Matter,
    MatterKind,
    MatterStatus,
    Publication,
    VoteMethod,
    VoteRule,
)
from danvan.lib import rollups
from danvan.lib.vntext import search_key
from danvan.organisations.models import Unit, UnitKind

CITY_KEY = "vn-01"
COMMUNE_KEY = "vn-01-00004"  # Phường Ba Đình
OFFICER_USERNAME = "bench.democracy.thanhpho"
HOUSEHOLDS = 2_500_000
YEARS = 3  # of publications: every year since Luật 10/2022/QH15 took effect
VOTES_PER_HAMLET = 4  # tallied matters a hamlet holds in a year
TARGET_P95_MS = 100.0

urlpatterns = [
    path("__bench__/baseline/", baseline_view, name="bench-baseline"),
    path("", include("danvan.urls")),
]


class Command(BenchPages, BaseCommand):
    help = (
        "Load Hà Nội with 2,500,000 households, three years of publications and a year of votes "
        "when absent, then time a hamlet vote's tally, a commune's public democracy page and "
        "the city roll-up against a bare 50-row page."
    )

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=HOUSEHOLDS)
        parser.add_argument("--hamlets", type=int, default=20, help="hamlets per commune")
        parser.add_argument("--requests", type=int, default=100, help="timed runs per item")
        parser.add_argument("--warmup", type=int, default=10, help="untimed runs per item")
        parser.add_argument("--skip-load", action="store_true", help="use the data already there")
        parser.add_argument("--output", default="bench-results", help="folder for the JSON results")
        parser.add_argument(
            "--check", action="store_true", help="exit non-zero when a target is missed"
        )

    def handle(self, *args, **options):
        if options["requests"] < 1 or options["warmup"] < 0:
            raise CommandError("--requests must be at least 1 and --warmup not negative.")
        vendor = connection.vendor
        self.stdout.write(f"Database: {vendor} ({settings.DATABASES['default']['NAME']})")
        load = self._load(options)
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        city = Unit.objects.get(key=CITY_KEY)
        commune = Unit.objects.get(key=COMMUNE_KEY)
        hamlet = self._largest_hamlet(commune)
        officer = self._user(OFFICER_USERNAME, "Cán bộ đo hiệu năng", Role.BOARD_OFFICER, city)
        n = options["requests"] + options["warmup"]
        results = []
        with override_settings(DEBUG=False, ROOT_URLCONF=__name__):
            visitor = Client()
            pages = [
                ("baseline (bare 50 rows)", "/__bench__/baseline/", visitor, False),
                ("commune public page (cached)", f"/dan-chu-co-so/{commune.pk}/", visitor, False),
                ("commune public page (rendered)", f"/dan-chu-co-so/{commune.pk}/", visitor, True),
                (
                    "commune page, search without marks",
                    f"/dan-chu-co-so/{commune.pk}/?q=ngan+sach",
                    visitor,
                    False,
                ),
                ("city roll-up, public scorecard (cached)", "/dan-chu-co-so/", visitor, False),
                ("city roll-up, public scorecard (rendered)", "/dan-chu-co-so/", visitor, True),
                ("city roll-up, staff home (kept)", "/democracy/", self._client(officer), False),
                (
                    "city roll-up, staff home (computed)",
                    "/democracy/",
                    self._client(officer),
                    True,
                ),
            ]
            for name, url, client, uncached in pages:
                results.append(self._measure_page(client, name, url, options, uncached=uncached))
            results.append(self._measure_tally(hamlet, VoteMethod.MEETING, n, options))
            results.append(self._measure_tally(hamlet, VoteMethod.ONLINE, n, options))
        baseline = results[0]["p50_ms"]
        for row in results:
            row["ratio_p50"] = round(row["p50_ms"] / baseline, 2) if baseline else None
            row["met"] = row["p95_ms"] < TARGET_P95_MS
        self._print(results)
        report = {
            "benchmark": "bench_democracy",
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database": {"vendor": vendor, "version": db_version()},
            "machine": machine(),
            "load": load,
            "commune": {"id": commune.pk, "name": commune.name},
            "hamlet": {
                "id": hamlet.pk,
                "name": hamlet.name,
                "households": rollup.households_of(hamlet),
            },
            "requests": options["requests"],
            "warmup": options["warmup"],
            "target_p95_ms": TARGET_P95_MS,
            "results": results,
        }
        out_file = write_results(options["output"], "bench_democracy", vendor, report)
        self.stdout.write(f"Results written to {out_file}")
        self.stdout.write(
            "Throughput: serve with gunicorn (DEBUG=0) and run the shared throughput tool on "
            f"/dan-chu-co-so/{commune.pk}/ (docs/benchmarks.md)."
        )
        missed = [row["name"] for row in results if not row["met"]]
        if options["check"] and missed:
            raise CommandError("p95 ≥ 100 ms: " + "; ".join(missed))

    # Loading

    def _load(self, options) -> dict[str, Any]:
        load: dict[str, Any] = {}
        if not Unit.objects.filter(key=CITY_KEY).exists():
            if options["skip_load"]:
                raise CommandError("--skip-load needs Hà Nội's units loaded.")
            self.stdout.write(f"Loading Hà Nội's units with {options['hamlets']} hamlets each…")
            load["units_seconds"] = self._timed(
                lambda: call_command("load_units", hamlets=options["hamlets"], stdout=io.StringIO())
            )
        communes = demo.hanoi_communes()
        hamlets = list(
            Unit.objects.filter(parent__in=communes, kind=UnitKind.HAMLET).current().order_by("pk")
        )
        if not options["skip_load"]:
            if not Household.objects.exists():
                self.stdout.write(
                    f"Writing {options['households']:,} households over {len(hamlets):,} hamlets…"
                )
                load["households_seconds"] = self._timed(
                    lambda: self._households(hamlets, options["households"])
                )
            if not Publication.objects.exists():
                this_year = timezone.localdate().year
                load["publications_seconds"] = self._timed(
                    lambda: [
                        demo.generate_publications(communes, year=year, seed=year)
                        for year in range(this_year - YEARS + 1, this_year + 1)
                    ]
                )
            if not Board.objects.exists():
                load["boards_seconds"] = self._timed(lambda: demo.generate_boards(communes))
            if not Matter.objects.exists():
                load["votes_seconds"] = self._timed(lambda: self._votes(hamlets))
        load.update(
            {
                "units": Unit.objects.count(),
                "hamlets": len(hamlets),
                "households": Household.objects.count(),
                "publications": Publication.objects.count(),
                "matters": Matter.objects.count(),
                "boards": Board.objects.count(),
            }
        )
        self.stdout.write(
            ", ".join(f"{k}: {v:,}" for k, v in load.items() if isinstance(v, int))
            + " | "
            + ", ".join(f"{k} {v} s" for k, v in load.items() if isinstance(v, float))
        )
        return load

    def _timed(self, call) -> float:
        started = time.perf_counter()
        call()
        return round(time.perf_counter() - started, 1)

    def _households(self, hamlets: list[Unit], total: int) -> None:
        """Households spread over the hamlets (the same share each, give or take a tenth),
        written without Django's objects: executemany on SQLite, COPY on PostgreSQL."""
        rng = random.Random(25)
        names = demo.Names(rng)
        base, spare = divmod(total, len(hamlets))
        vendor = connection.vendor
        rollups.run(rollup.HOUSEHOLDS.uninstall_sql(vendor), connection)
        columns = ("hamlet_id", "head_name", "members", "address", "is_active", "search_text")
        table = Household._meta.db_table
        written = 0
        try:
            chunk: list[tuple] = []
            for index, hamlet in enumerate(hamlets):
                count = base + (1 if index < spare else 0)
                for i in range(1, count + 1):
                    head = names()
                    address = f"Số {i}, ngõ {rng.randint(1, 150)}"
                    chunk.append(
                        (
                            hamlet.pk,
                            head,
                            rng.randint(1, 7),
                            address,
                            True,
                            search_key(f"{head} {address}"),
                        )
                    )
                if len(chunk) >= 100_000 or index == len(hamlets) - 1:
                    with transaction.atomic(), connection.cursor() as cursor:
                        if vendor == "postgresql":
                            sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"  # noqa: S608
                            with cursor.cursor.copy(sql) as copy:
                                for row in chunk:
                                    copy.write_row(row)
                        else:
                            marks = ", ".join(["%s"] * len(columns))
                            cursor.executemany(
                                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
                                chunk,
                            )
                    written += len(chunk)
                    chunk = []
                    self.stdout.write(f"  {written:,} / {total:,}")
        finally:
            rollups.run(rollup.HOUSEHOLDS.install_sql(vendor), connection)
            rollup.rebuild()

    def _votes(self, hamlets: list[Unit]) -> None:
        """A year of tallied votes in every hamlet, written in bulk as tally_vote leaves them."""
        rng = random.Random(7)
        today = timezone.localdate()
        rules = {r.matter_kind: r for r in VoteRule.objects.in_force(today)}
        totals = dict(HamletStat.objects.values_list("hamlet_id", "households"))
        rows = []
        kinds = [k for k in MatterKind.values if k != MatterKind.OTHER]
        for hamlet in hamlets:
            total = totals.get(hamlet.pk, 0)
            if not total or hamlet.parent_id is None:
                continue
            commune_id: int = hamlet.parent_id
            for _ in range(VOTES_PER_HAMLET):
                kind = rng.choice(kinds)
                rule = rules[kind]
                participated = round(total * rng.uniform(0.45, 0.95))
                yes = round(participated * rng.uniform(0.5, 0.95))
                outcome, decided_by = services.decide(rule, total, participated, yes)
                day = today - datetime.timedelta(days=rng.randint(1, 360))
                rows.append(
                    Matter(
                        commune_id=commune_id,
                        hamlet=hamlet,
                        kind=kind,
                        title="Biểu quyết của các hộ (đo hiệu năng)",
                        method=VoteMethod.MEETING,
                        vote_date=day,
                        rule=rule,
                        status=MatterStatus.RECOGNISED,
                        households_total=total,
                        participated=participated,
                        yes=yes,
                        no=participated - yes,
                        invalid=0,
                        outcome=outcome,
                        decided_by=decided_by,
                        tallied_at=timezone.now(),
                        minutes="Biên bản hội nghị",
                        minutes_due=day + datetime.timedelta(days=7),
                        minutes_sent_on=day + datetime.timedelta(days=3),
                        recognised_on=day + datetime.timedelta(days=10),
                    )
                )
        Matter.objects.bulk_create(rows, batch_size=2000)

    def _largest_hamlet(self, commune: Unit) -> Unit:
        hamlets = Unit.objects.filter(parent=commune, kind=UnitKind.HAMLET).current()
        best = (
            HamletStat.objects.filter(hamlet__in=hamlets.values("id"))
            .order_by("-households")
            .values_list("hamlet_id", flat=True)
            .first()
        )
        if best is None:
            raise CommandError(f"No hamlet of {commune.name} has households.")
        return Unit.objects.get(pk=best)

    # Measuring

    def _measure_page(self, client, name, url, options, *, uncached: bool) -> dict:
        def call():
            if uncached:
                cache.clear()
            return self._get(client, url)

        for _ in range(options["warmup"]):
            call()
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
        return self._row(name, url, timings, max(counts), len(set(counts)) == 1, size)

    def _measure_tally(self, hamlet: Unit, method: str, n: int, options) -> dict:
        """Open n matters of the hamlet (not timed), then time each one's tally. An online
        matter first gets one ballot per household of the hamlet."""
        total = rollup.households_of(hamlet)
        today = timezone.localdate()
        matters = [
            services.open_matter(
                actor=None,
                hamlet=hamlet,
                kind=MatterKind.OTHER,
                title="Biểu quyết đo hiệu năng",
                method=method,
                vote_date=today,
            )
            for _ in range(n)
        ]
        if method == VoteMethod.ONLINE:
            households = list(
                Household.objects.filter(hamlet=hamlet, is_active=True).values_list("pk", flat=True)
            )
            for matter in matters:
                Ballot.objects.bulk_create(
                    [
                        Ballot(matter=matter, household_id=pk, choice="yes" if i % 3 else "no")
                        for i, pk in enumerate(households)
                    ],
                    batch_size=5000,
                )

        def tally(matter):
            if method == VoteMethod.ONLINE:
                return services.tally_vote(actor=None, matter=matter, minutes="")
            return services.tally_vote(
                actor=None,
                matter=matter,
                participated=round(total * 0.6) + round(total * 0.2),
                yes=round(total * 0.6),
                no=round(total * 0.2),
                minutes="Biên bản hội nghị (đo hiệu năng)",
            )

        for matter in matters[: options["warmup"]]:
            tally(matter)
        measured = matters[options["warmup"] :]
        with CaptureQueriesContext(connection) as captured:
            tally(measured[0])
        queries = len(captured.captured_queries)
        timings = []
        for matter in measured[1:] or measured[:1]:
            started = time.perf_counter()
            tally(matter)
            timings.append((time.perf_counter() - started) * 1000)
        label = "online, ballots counted" if method == VoteMethod.ONLINE else "meeting, entered"
        return self._row(
            f"tally of a hamlet vote ({label}, {total:,} households)",
            "services.tally_vote",
            timings,
            queries,
            True,
            0,
        )

    def _row(self, name, url, timings, queries, constant, size) -> dict:
        timings.sort()
        return {
            "name": name,
            "url": url,
            "p50_ms": round(percentile(timings, 0.50), 2),
            "p95_ms": round(percentile(timings, 0.95), 2),
            "max_ms": round(timings[-1], 2),
            "queries": queries,
            "queries_constant": constant,
            "bytes": size,
        }

    def _print(self, results: list[dict]) -> None:
        header = f"{'item':<58} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'× base':>7} {'KiB':>5}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for row in results:
            queries = f"{row['queries']}" + ("" if row["queries_constant"] else "*")
            self.stdout.write(
                f"{row['name'][:58]:<58} {row['p50_ms']:>8.2f} {row['p95_ms']:>8.2f} "
                f"{queries:>8} {row['ratio_p50']:>7.2f} {row['bytes'] / 1024:>5.0f}"
                + ("" if row["met"] else "  (p95 ≥ 100 ms)")
            )
