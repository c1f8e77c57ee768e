"""Benchmark public-opinion work at 200,000 opinion items: the city's monthly synthesis,
the synthesis page, the themes job of a month, embedding throughput on opinion items, and
the topic classifier's training time and accuracy, each next to a bare page in the same run.

Loads Hà Nội's units and the opinion demo (two years of reports of every commune) when
absent, then adds generated items (the demo's generator) up to --items, timed:

    DATABASE_URL=sqlite:///bench-results/bench-opinion.sqlite3 manage.py migrate
    DATABASE_URL=sqlite:///bench-results/bench-opinion.sqlite3 manage.py bench_opinion
    manage.py bench_opinion --items 30000 --requests 10   # a dry run

`make bench` runs it on SQLite and PostgreSQL after the others. Results are printed and
written as JSON into bench-results/.
"""

import datetime
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client, override_settings
from django.utils import timezone

from danvan.accounts.models import Role
from danvan.bench.harness import db_version, machine, max_rss_mb, write_results
from danvan.bench.management.commands.bench_voice import Command as VoiceBench
from danvan.lib import textsim
from danvan.lib.workdays import add_months, month_start
from danvan.opinion import demo, language, queries
from danvan.opinion.models import OpinionItem
from danvan.organisations.models import Unit

OFFICER_USERNAME = "bench.opinion.city"
TARGET_SYNTHESIS_S = 5.0
# The module of bench_voice is the URLconf with the bare page.
URLCONF = "danvan.bench.management.commands.bench_voice"


class Command(VoiceBench):
    help = (
        "Time the monthly opinion synthesis, its page, the themes job, embeddings and the topic "
        "classifier with 200,000 opinion items, against a bare 50-row page."
    )

    def add_arguments(self, parser):
        parser.add_argument("--items", type=int, default=200_000, help="opinion items wanted")
        parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
        parser.add_argument("--warmup", type=int, default=3, help="untimed requests per page")
        parser.add_argument("--hamlets", type=int, default=3, help="hamlets per commune")
        parser.add_argument(
            "--passages", type=int, default=256, help="items embedded for the throughput"
        )
        parser.add_argument(
            "--lexical", action="store_true", help="themes without embeddings (TF-IDF only)"
        )
        parser.add_argument("--output", default="bench-results", help="folder for the JSON results")
        parser.add_argument(
            "--check", action="store_true", help="exit non-zero when a target is missed"
        )

    def handle(self, *args, **options):
        if options["requests"] < 1 or options["warmup"] < 0 or options["items"] < 0:
            raise CommandError("--requests must be at least 1, --warmup and --items not negative.")
        vendor = connection.vendor
        self.stdout.write(f"Database: {vendor} ({settings.DATABASES['default']['NAME']})")
        load = self._load_opinion(options)
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        city = Unit.objects.get(key=demo.CITY_KEY)
        officer = self._user(OFFICER_USERNAME, "Cán bộ đo hiệu năng", Role.BOARD_OFFICER, city)
        month = add_months(month_start(timezone.localdate()), -1)
        month_items = OpinionItem.objects.filter(month=month).count()

        started = time.perf_counter()
        synth = queries.synthesis(officer, city, month)
        synthesis_s = round(time.perf_counter() - started, 3)
        self.stdout.write(
            f"Synthesis of {month:%m/%Y} for the city: {synthesis_s} s ({synth.total:,} items)"
        )

        embedding = self._embedding(options)
        classifier = self._classifier()
        themes = self._themes(options)
        results = []
        with override_settings(DEBUG=False, ROOT_URLCONF=URLCONF):
            results.append(
                self._measure(Client(), "baseline (bare 50 rows)", "/__bench__/baseline/", options)
            )
            results.append(
                self._measure(
                    self._client(officer),
                    "monthly synthesis page, city",
                    f"/opinion/?unit={city.pk}&month={month:%Y-%m}",
                    options,
                )
            )
            results.append(
                self._measure(
                    self._client(officer), "themes page, city", f"/opinion/themes/?unit={city.pk}",
                    options,
                )
            )  # fmt: skip
        baseline_p50 = results[0]["p50_ms"]
        for row in results:
            row["ratio_p50"] = round(row["p50_ms"] / baseline_p50, 2) if baseline_p50 else None

        self._print(results, embedding, classifier, themes)
        verdicts = [
            {
                "target": f"monthly synthesis of the city < {TARGET_SYNTHESIS_S:.0f} s",
                "value": synthesis_s,
                "met": synthesis_s < TARGET_SYNTHESIS_S,
            }
        ]
        for verdict in verdicts:
            mark = "met" if verdict["met"] else "MISSED"
            self.stdout.write(f"Target: {verdict['target']}: {verdict['value']} s, {mark}")
        report = {
            "benchmark": "bench_opinion",
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database": {"vendor": vendor, "version": db_version()},
            "machine": machine(),
            "load": load,
            "month": month.isoformat(),
            "month_items": month_items,
            "synthesis_seconds": synthesis_s,
            "requests": options["requests"],
            "warmup": options["warmup"],
            "pages": results,
            "embedding": embedding,
            "classifier": classifier,
            "themes": themes,
            "max_rss_mb": max_rss_mb(),
            "targets": verdicts,
        }
        out_file = write_results(options["output"], "bench_opinion", vendor, report)
        self.stdout.write(f"Results written to {out_file}")
        if options["check"] and not all(v["met"] for v in verdicts):
            raise CommandError("Missed: " + "; ".join(v["target"] for v in verdicts))

    def _load_opinion(self, options) -> dict:
        load: dict = {"units_seconds": None, "demo_seconds": None, "items_seconds": None}
        if not Unit.objects.filter(key=demo.CITY_KEY).exists():
            started = time.perf_counter()
            call_command("load_units", hamlets=options["hamlets"], stdout=self.stdout)
            load["units_seconds"] = round(time.perf_counter() - started, 2)
        if not OpinionItem.objects.exists():
            started = time.perf_counter()
            with transaction.atomic():
                made = demo.generate(
                    Unit.objects.get(key=demo.CITY_KEY),
                    demo._pick_communes(1.0),
                    seed=demo.SEED,
                    progress=lambda message: self.stdout.write(f"  {message}"),
                )
            load["demo_seconds"] = round(time.perf_counter() - started, 2)
            load["demo_items"] = made["items"]
        missing = options["items"] - OpinionItem.objects.count()
        if missing > 0:
            started = time.perf_counter()
            step = max(missing // 5, 1)

            def progress(done, total):
                if done % step < 20000 or done == total:
                    self.stdout.write(f"  {done:,} / {total:,} items added")

            demo.more_items(missing, progress=progress)
            load["items_seconds"] = round(time.perf_counter() - started, 2)
        load["items"] = OpinionItem.objects.count()
        self.stdout.write(f"{load['items']:,} opinion items: {load}")
        return load

    def _embedding(self, options) -> dict:
        if not textsim.embeddings_enabled():
            return {"passages": 0, "passages_per_second": None, "note": "engine unavailable"}
        texts = list(
            OpinionItem.objects.order_by("-pk").values_list("content", flat=True)[
                : options["passages"]
            ]
        )
        textsim.embed_passages(texts[:8])  # load the engine
        started = time.perf_counter()
        for start in range(0, len(texts), 64):
            textsim.embed_passages(texts[start : start + 64])
        seconds = time.perf_counter() - started
        return {
            "passages": len(texts),
            "seconds": round(seconds, 2),
            "passages_per_second": round(len(texts) / seconds, 1) if seconds else None,
        }

    def _classifier(self) -> dict:
        started = time.perf_counter()
        row = language.train_topics()
        trained = time.perf_counter() - started
        OpinionItem.objects.update(suggested_topic=None)
        started = time.perf_counter()
        classified = language.classify_pending()
        seconds = time.perf_counter() - started
        return {
            "samples": row.n_samples,
            "accuracy": row.accuracy,
            "train_seconds": round(trained, 2),
            "classified": classified,
            "classify_seconds": round(seconds, 2),
            "classified_per_second": round(classified / seconds) if seconds else None,
        }

    def _themes(self, options) -> dict:
        embeddings = not options["lexical"] and textsim.embeddings_enabled()
        started = time.perf_counter()
        found = language.compute_themes(months=1, embeddings=embeddings)
        seconds = time.perf_counter() - started
        return {
            "months": 1,
            "items_cap": language.THEME_ITEMS_MAX,
            "embeddings": embeddings,
            "themes": len(found),
            "grouped": sum(t.size for t in found),
            "seconds": round(seconds, 2),
        }

    def _print(self, results, embedding, classifier, themes) -> None:
        self.stdout.write(f"{'page':50} {'p50 ms':>9} {'p95 ms':>9} {'queries':>8} {'× bare':>7}")
        for row in results:
            self.stdout.write(
                f"{row['page'][:50]:50} {row['p50_ms']:>9.2f} {row['p95_ms']:>9.2f} "
                f"{row['queries']:>8} {row['ratio_p50']:>7}"
            )
        self.stdout.write(f"Embeddings: {embedding}")
        self.stdout.write(f"Classifier: {classifier}")
        self.stdout.write(f"Themes of a month: {themes}")
