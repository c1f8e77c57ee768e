"""Load the Hà Nội demo: each installed app's part, bottom-up (idempotent).

An app takes part by giving its `demo` module (or package) a function

    def load(*, progress, ...) -> str

that loads what is missing and nothing else (so that a second run changes nothing), may call
`progress("…")` for a step worth seeing, and returns one line saying what it did. Besides
`progress` it receives those of the command's options it names as keyword arguments: `year`
(the current year), `hamlets`, `seed` and `scale` (each only when given on the command line,
so that the app's own default holds otherwise).

The parts run in the order of INSTALLED_APPS, which lists the apps bottom-up (organisations,
accounts, then the domain apps, each after those it builds on), so that each part finds the
rows it needs.
"""

import importlib
import inspect
import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.module_loading import module_has_submodule


def demo_parts():
    """Return (app config, its demo `load`) for each installed app having one, in order."""
    parts = []
    for config in apps.get_app_configs():
        if not module_has_submodule(config.module, "demo"):
            continue
        load = getattr(importlib.import_module(f"{config.name}.demo"), "load", None)
        if callable(load):
            parts.append((config, load))
    return parts


def run_part(load, *, progress, options: dict) -> str:
    """Call one app's load with progress and the given options it names."""
    accepted = inspect.signature(load).parameters
    given = {name: value for name, value in options.items() if name in accepted}
    return load(progress=progress, **given)


class Command(BaseCommand):
    help = (
        "Load the Hà Nội demo: each app's part in turn (units and clusters, demo accounts, "
        "“Dân vận khéo” models and this year's review council, citizen cases, reports and "
        "targets), with what each did and how long it took. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--hamlets", type=int, help="hamlets per commune (default 3)")
        parser.add_argument(
            "--seed", type=int, help="seed of every generator (default: each app's)"
        )
        parser.add_argument(
            "--scale",
            type=float,
            help="share of the generated models and cases to make (default 1: the full demo)",
        )

    def handle(self, *args, **options):
        if options["scale"] is not None and options["scale"] < 0:
            raise CommandError("--scale must not be negative.")
        given = {"year": timezone.localdate().year}
        given.update(
            {
                name: options[name]
                for name in ("hamlets", "seed", "scale")
                if options[name] is not None
            }
        )
        started = time.monotonic()
        for config, load in demo_parts():
            label = config.label

            def progress(message: str, label: str = label) -> None:
                self.stdout.write(f"  {label}: {message}")

            part_started = time.monotonic()
            summary = run_part(load, progress=progress, options=given)
            self.stdout.write(f"{label}: {summary} ({time.monotonic() - part_started:.1f} s)")
        self.stdout.write(f"Demo loaded in {time.monotonic() - started:.1f} s.")
