"""Benchmark a city contest: the live scoreboard and a judge's score save, next to a bare page.

Loads Hà Nội's units when absent, then sets up through the services a city contest of the
year with 6 clusters (the foundation's clusters), 60 teams, one round ranked per cluster with
5 parts and 10 judges, every sheet filled (the sheets written in bulk: the set-up is not what
is measured). Through Django's test client (the whole middleware stack, DEBUG off) it times:

- a bare page rendering 50 rows (the baseline of the same run);
- a judge's score save, box by box as the sheet sends it (htmx POST; each save changes a
  value, so each writes its row and its audit entry);
- the organiser's round page (60 teams × 5 parts, progress of every sheet);
- then, every score revealed, the public scoreboard's table as a visitor gets it when the
  few seconds it is kept have passed (server cache emptied before each request), the same
  table from the cache, and the whole scoreboard page.

p50/p95 of N requests after a warm-up, with the query count. The target: the scoreboard's p95
under 50 ms. Throughput over HTTP is measured apart, with the production server and the
shared tool (docs/benchmarks.md).

    DATABASE_URL=sqlite:///bench-results/bench-contests.sqlite3 manage.py migrate
    DATABASE_URL=sqlite:///bench-results/bench-contests.sqlite3 manage.py bench_contests
"""

import datetime
import random
import time
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from django.utils import timezone

from danvan.accounts.models import Role, User
from danvan.accounts.services import assign_role, create_user
from danvan.bench.harness import BenchPages, db_version, machine, write_results
from danvan.bench.management.commands.bench_tree import baseline_view, percentile
from danvan.contests import services
from danvan.contests.models import (
    Aggregation,
    Level,
    PartKind,
    PrizeKind,
    RoundKind,
    RoundPart,
    Rubric,
    Score,
    ScoringRule,
)
from danvan.organisations import demo as organisations_demo
from danvan.organisations.models import Unit

CITY_KEY = "vn-01"
BOARD_KEY = "vn-01-party-dv"
OFFICER_USERNAME = "bench.contests.thanhpho"
CLUSTERS = 6
TEAMS = 60
JUDGES = 10
PARTS = [
    ("Chào hỏi, giới thiệu", PartKind.GREETING, "Phần chào hỏi, giới thiệu"),
    ("Kiến thức", PartKind.KNOWLEDGE, "Phần thi kiến thức (10 câu hỏi)"),
    ("Tiểu phẩm", PartKind.SKETCH, "Phần thi tiểu phẩm"),
    ("Xử lý tình huống", PartKind.SITUATION, "Phần thi xử lý tình huống"),
    ("Hùng biện", PartKind.OTHER, "Phần chào hỏi, giới thiệu"),
]
TARGET_BOARD_P95_MS = 50.0

urlpatterns = [
    path("__bench__/baseline/", baseline_view, name="bench-baseline"),
    path("", include("danvan.urls")),
]


class Command(BenchPages, BaseCommand):
    help = (
        "Set up a city contest (6 clusters, 60 teams, 10 judges, 5 parts, every sheet filled) "
        "and time the public scoreboard and a judge's score save against a bare 50-row page."
    )

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
        parser.add_argument("--warmup", type=int, default=20, help="untimed requests per page")
        parser.add_argument("--output", default="bench-results", help="folder for the JSON results")
        parser.add_argument(
            "--check", action="store_true", help="exit non-zero when the target is missed"
        )

    def handle(self, *args, **options):
        if options["requests"] < 1 or options["warmup"] < 0:
            raise CommandError("--requests must be at least 1 and --warmup not negative.")
        vendor = connection.vendor
        self.stdout.write(f"Database: {vendor} ({settings.DATABASES['default']['NAME']})")
        started = time.perf_counter()
        if not Unit.objects.filter(key=CITY_KEY).exists():
            self.stdout.write("Loading Hà Nội's units…")
            organisations_demo.load(
                progress=self.stdout.write, year=timezone.localdate().year, hamlets=0
            )
        setup = self._set_up()
        setup_seconds = time.perf_counter() - started
        self.stdout.write(
            f"Set-up: {setup['teams']} teams, {setup['judges']} judges, {setup['parts']} parts, "
            f"{setup['scores']:,} points in {setup_seconds:.1f} s"
        )
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        round_ = setup["round"]
        contest = round_.contest
        with override_settings(DEBUG=False, ROOT_URLCONF=__name__):
            officer = self._client(setup["officer"])
            judge = self._client(setup["juror"])
            visitor = Client()
            entry, part, criterion = setup["sheet"]
            save_url = f"/contests/judging/{round_.pk}/{entry.pk}/{part.pk}/save/"
            values = [str(v) for v in range(0, int(criterion.max_points) + 1)]
            counter = iter(range(10**9))

            def save():
                value = values[next(counter) % len(values)]
                response = judge.post(
                    save_url, {"criterion": criterion.pk, f"c{criterion.pk}": value}
                )
                if response.status_code != 200 or b"error" in response.content:
                    raise CommandError(f"The save answered {response.status_code}.")
                return response

            results = [
                self._measure("baseline (bare 50 rows)", "/__bench__/baseline/", options,
                              lambda: self._get(visitor, "/__bench__/baseline/")),
                self._measure("score save (a judge's box)", save_url, options, save),
                self._measure("round page (organiser)", f"/contests/rounds/{round_.pk}/", options,
                              lambda: self._get(officer, f"/contests/rounds/{round_.pk}/")),
            ]  # fmt: skip
            services.reveal_scores(actor=setup["officer"], round_=round_)
            board = f"/hoi-thi/{contest.pk}/bang-diem/bang/"
            page = f"/hoi-thi/{contest.pk}/bang-diem/"

            def uncached(url):
                def get():
                    cache.clear()
                    return self._get(visitor, url)

                return get

            results += [
                self._measure("scoreboard table, uncached", board, options, uncached(board)),
                self._measure("scoreboard table, kept", board, options,
                              lambda: self._get(visitor, board)),
                self._measure("scoreboard page, uncached", page, options, uncached(page)),
            ]  # fmt: skip
        base = results[0]["p50_ms"]
        for row in results:
            row["ratio_p50"] = round(row["p50_ms"] / base, 2) if base else None
        self._print(results)
        board_row = next(r for r in results if r["page"] == "scoreboard table, uncached")
        verdict = {
            "target_board_p95_ms": TARGET_BOARD_P95_MS,
            "board_p95_ms": board_row["p95_ms"],
            "met": board_row["p95_ms"] < TARGET_BOARD_P95_MS,
        }
        self.stdout.write(
            f"Target (scoreboard p95 < {TARGET_BOARD_P95_MS:.0f} ms, uncached): "
            f"{board_row['p95_ms']:.1f} ms → {'met' if verdict['met'] else 'MISSED'}"
        )
        report = {
            "benchmark": "bench_contests",
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database": {"vendor": vendor, "version": db_version()},
            "machine": machine(),
            "contest": {k: setup[k] for k in ("teams", "judges", "parts", "scores")},
            "setup_seconds": round(setup_seconds, 1),
            "requests": options["requests"],
            "warmup": options["warmup"],
            "pages": results,
            "target": verdict,
        }
        out_file = write_results(options["output"], "bench_contests", vendor, report)
        self.stdout.write(f"Results written to {out_file}")
        if options["check"] and not verdict["met"]:
            raise CommandError("The scoreboard missed its target.")

    # Set-up ------------------------------------------------------------------------------

    def _judge(self, n: int, unit: Unit) -> User:
        username = f"bench.contests.gk{n}"
        user = User.objects.filter(username=username).first() or create_user(
            actor=None, username=username, password=None, full_name=f"Giám khảo đo hiệu năng {n}"
        )
        assign_role(actor=None, user=user, role=Role.JUDGE, unit=unit)
        return user

    @transaction.atomic
    def _set_up(self) -> dict:
        year = timezone.localdate().year
        city = Unit.objects.get(key=CITY_KEY)
        board = Unit.objects.filter(key=BOARD_KEY).first() or city
        officer = self._user(OFFICER_USERNAME, "Cán bộ đo hiệu năng", Role.BOARD_OFFICER, city)
        clusters = organisations_demo.load_hanoi_clusters(year=year)[:CLUSTERS]
        name = f"Hội thi “Dân vận khéo” (đo hiệu năng) {timezone.now():%Y%m%d%H%M%S}"
        contest = services.create_contest(
            actor=officer, organiser=board, name=name, year=year, level=Level.CITY
        )
        services.open_registration(actor=officer, contest=contest)
        per_cluster = TEAMS // len(clusters)
        for cluster in clusters:
            for unit in cluster.units.order_by("code")[:per_cluster]:
                services.register_team(actor=officer, contest=contest, unit=unit)
        services.clusters_from_foundation(actor=officer, contest=contest, clusters=clusters)
        round_ = services.add_round(
            actor=officer, contest=contest, name="Vòng sơ khảo", kind=RoundKind.PRELIMINARY,
            scoring_rule=ScoringRule.objects.in_force().get(
                issuer=None, aggregation=Aggregation.TRIMMED
            ),
            by_cluster=True, advance_per_cluster=1,
        )  # fmt: skip
        for part_name, kind, rubric in PARTS:
            services.add_part(
                actor=officer, round_=round_, name=part_name, kind=kind,
                rubric=Rubric.objects.in_force().get(issuer=None, name=rubric),
            )  # fmt: skip
        homes = [board, *Unit.objects.filter(parent=city).exclude(kind="commune").order_by("key")]
        homes += list(Unit.objects.filter(key__startswith=f"{CITY_KEY}-front-").order_by("key"))
        judges = [self._judge(n, homes[n % len(homes)]) for n in range(JUDGES)]
        for n, (user, home) in enumerate(
            zip(judges, [homes[i % len(homes)] for i in range(JUDGES)], strict=True)
        ):
            services.assign_judge(
                actor=officer, round_=round_, juror=user, home_unit=home, is_head=n == 0
            )
        services.set_prize_quota(
            actor=officer, round_=round_, kind=PrizeKind.objects.get(code="nhat"), count=1
        )
        services.open_round(actor=officer, round_=round_)
        # Every sheet, in bulk: what a real round's judges would have typed.
        rng = random.Random(2026)
        parts = list(RoundPart.objects.filter(round=round_).select_related("rubric"))
        criteria = {p.pk: list(p.rubric.criteria.all()) for p in parts}
        entries = list(round_.entries.all())
        now = timezone.now()
        scores = [
            Score(
                part=part, entry=entry, juror=judge, criterion=c, updated_at=now,
                value=(c.max_points * Decimal(rng.randint(12, 20)) / 20).quantize(Decimal(1)),
            )
            for entry in entries
            for part in parts
            for judge in judges
            for c in criteria[part.pk]
        ]  # fmt: skip
        Score.objects.bulk_create(scores, batch_size=2000)
        first = parts[0]
        return {
            "round": round_,
            "officer": officer,
            "juror": judges[1],
            "teams": len(entries),
            "judges": len(judges),
            "parts": len(parts),
            "scores": len(scores),
            "sheet": (entries[0], first, criteria[first.pk][0]),
        }

    # Timing ------------------------------------------------------------------------------

    def _measure(self, name: str, url: str, options, request) -> dict:
        for _ in range(options["warmup"]):
            request()
        counts = []
        for _ in range(3):
            with CaptureQueriesContext(connection) as captured:
                request()
            counts.append(len(captured.captured_queries))
        reset_queries()
        timings = []
        size = 0
        for _ in range(options["requests"]):
            started = time.perf_counter()
            response = request()
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
            "bytes": size,
        }

    def _print(self, results: list[dict]) -> None:
        header = f"{'page':<30} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'× base':>7} {'KiB':>6}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for row in results:
            self.stdout.write(
                f"{row['page']:<30} {row['p50_ms']:>8.2f} {row['p95_ms']:>8.2f} "
                f"{row['queries']:>8} {row['ratio_p50']:>7.2f} {row['bytes'] / 1024:>6.0f}"
            )
