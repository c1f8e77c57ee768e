"""`manage.py load_demo`: every app's part of the demo, bottom-up, once.

The kernel knows no app above it: the apps' models are looked up by name, as the command
looks up their demo modules.
"""

import re
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from danvan.core.management.commands import load_demo

# The apps that give the demo a part today, bottom-up; later apps slot in between.
PARTS = ["organisations", "accounts", "registry", "voice", "democracy", "plans", "reports"]
SCALE = 0.002  # 157 generated models, 40 cases
MAKEFILE = Path(settings.BASE_DIR) / "Makefile"


@pytest.fixture
def demo_mode(db, settings):
    settings.DEMO_MODE = True


def _load() -> str:
    out = StringIO()
    call_command("load_demo", hamlets=1, scale=SCALE, stdout=out)
    return out.getvalue()


def _summaries(output: str) -> list[str]:
    """The app labels of the summary lines (sub-steps are indented)."""
    return [
        line.split(":")[0] for line in output.splitlines() if re.search(r"\(\d+\.\d s\)$", line)
    ]


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_parts_are_found_in_the_order_of_installed_apps():
    labels = [config.label for config, _load in load_demo.demo_parts()]
    installed = [config.label for config in apps.get_app_configs()]
    assert labels == sorted(labels, key=installed.index)
    assert [label for label in labels if label in PARTS] == PARTS


def test_load_demo_loads_every_apps_part_in_order_and_says_so(demo_mode):
    output = _load()

    labels = _summaries(output)
    assert labels == [config.label for config, _load in load_demo.demo_parts()]
    assert [label for label in labels if label in PARTS] == PARTS
    assert "registry: 157 models generated; 163 models, 34 recognised" in output
    assert "voice: 40 cases generated; 11 examples of intake by the law" in output
    assert "  voice: 40 / 40 cases" in output  # a step of the part, indented
    assert re.search(r"democracy: [\d,]+ publications, [\d,]+ households", output)
    assert "plans: 381 targets set" in output
    assert "reports: 126 reports opened" in output
    assert output.splitlines()[-1].startswith("Demo loaded in ")

    unit, cluster = (
        apps.get_model("organisations", "Unit"),
        apps.get_model("organisations", "Cluster"),
    )
    assert unit.objects.filter(parent__key="vn-01", kind="commune").current().count() == 126
    year = timezone.localdate().year
    assert cluster.objects.filter(year=year).count() == 6
    users = get_user_model().objects.filter(username__in=["quantri", "badinh", "giamkhao"])
    assert users.count() == 3
    models = apps.get_model("registry", "PracticeModel").objects.filter(year=year)
    assert models.filter(status="under_review").count() == 6
    # The generated cases, the examples of intake by the law (voice.demo.load_law_examples)
    # and the recommendation of Ba Đình's inspection board.
    assert apps.get_model("voice", "Case").objects.count() == 40 + 11 + 1
    reports = apps.get_model("reports", "Report").objects
    assert reports.filter(period_start__year=year - 1).count() == 126
    # The communes' Front committees hold collective titles, so the city's emulation flag
    # has collectives to judge on the eligible list.
    awards = apps.get_model("awards", "Award").objects
    assert awards.filter(unit__kind="front_committee", award_type__code="tt_ldxs").exists()
    verdicts = apps.get_model("awards", "Verdict").objects.filter(unit__isnull=False)
    assert verdicts.filter(award_code="co_thi_dua_tinh", year=year).exists()


def test_running_it_twice_changes_nothing(demo_mode):
    _load()
    counts = _row_counts()

    output = _load()

    assert _row_counts() == counts
    assert "registry: 0 models generated" in output
    assert "voice: 52 cases there already: none generated; 0 examples" in output
    assert "democracy: there already: nothing loaded" in output
    assert "plans: 0 targets set" in output
    assert "reports: 0 reports opened" in output


def test_each_part_gets_progress_and_only_the_options_it_names(monkeypatch):
    calls = []

    def bare(*, progress):
        progress("a step")
        calls.append(("bare", {}))
        return "nothing to do"

    def seeded(*, progress, year, seed=1, scale=1.0):
        calls.append(("seeded", {"year": year, "seed": seed, "scale": scale}))
        return "seeded"

    parts = [(SimpleNamespace(label="first"), bare), (SimpleNamespace(label="second"), seeded)]
    monkeypatch.setattr(load_demo, "demo_parts", lambda: parts)
    out = StringIO()

    call_command("load_demo", seed=5, stdout=out)

    year = timezone.localdate().year
    assert calls == [("bare", {}), ("seeded", {"year": year, "seed": 5, "scale": 1.0})]
    lines = out.getvalue().splitlines()
    assert lines[0] == "  first: a step"
    assert lines[1].startswith("first: nothing to do (")
    assert lines[2].startswith("second: seeded (")


def test_a_negative_scale_is_refused(monkeypatch):
    monkeypatch.setattr(load_demo, "demo_parts", list)
    with pytest.raises(CommandError):
        call_command("load_demo", scale=-1, stdout=StringIO())


def test_make_run_loads_the_demo_with_load_demo_only():
    recipe = MAKEFILE.read_text().split("\nrun:", 1)[1].split("\n\n", 1)[0]
    commands = [line.strip() for line in recipe.splitlines() if "manage.py" in line]
    demo_commands = [c for c in commands if "demo" in c and "demo_logins" not in c]
    assert demo_commands == ["$(PY) manage.py load_demo"]
    assert commands.index("$(PY) manage.py migrate --noinput") < commands.index(demo_commands[0])
