"""Imports flow one way: an app imports only the apps of lower layers (docs in DESIGN.md).

Every module under danvan/ is parsed (not imported) and each of its imports, at the top or
inside a function, is checked against the table below. Migrations are code like any other.
Tests are held to the same rule as the code they test (a test of `organisations` builds its
state with `organisations` and what lies below it; the shared cast of users comes from the
root conftest.py, outside the package), with one allowance: a test may import the project's
own modules (`danvan.urls`, `danvan.settings`), under which every test runs anyway.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = "danvan"
ROOT = Path(__file__).resolve().parents[2]  # the danvan/ folder

# Low to high. An app may import itself and any app of a lower layer, nothing else: apps of
# one layer do not import each other. Apps that are still to be written have their place.
LAYERS: dict[str, int] = {
    "lib": 0,  # pure helpers: no app at all
    "core": 1,  # the audit trail, calendar overrides, jobs
    "organisations": 2,
    "accounts": 3,
    # Domain apps. registry and voice stand side by side; plans reads both; reports reads
    # plans (a report's figures and targets) and the two below it. democracy sends the
    # supervision boards' recommendations as citizen's-voice cases, so it sits above voice;
    # contests reads the registry (the practice models a team presents), so it stands beside
    # plans too.
    "registry": 4,
    "voice": 4,
    "cadres": 4,
    "opinion": 4,
    "plans": 5,
    "democracy": 5,
    "contests": 5,
    # notices tells citizens that their case moved: it reads voice's cases and steps.
    "notices": 5,
    "reports": 6,
    # awards reads the cadres (postings, discipline), the citizen's voice (pending
    # complaints and denunciations freeze a nomination), the registry (its models'
    # commendations are award decisions) and the contests (a prize won is evidence of a
    # nomination): contests stand on layer 5, so awards sits above them, beside reports.
    # Nothing but the project's modules and the benchmarks imports awards.
    "awards": 6,
    "dashboards": 7,
    "portal": 8,
    "api": 8,
    "bench": 9,  # the benchmarks may import anything
}
# The project's own modules and packages outside the apps: they may import every app.
TOP = {"settings", "urls", "wsgi", "asgi", "formats", "__init__"}
TOP_LAYER = max(LAYERS.values()) + 1


def layer_of(area: str) -> int | None:
    if area in LAYERS:
        return LAYERS[area]
    if area in TOP:
        return TOP_LAYER
    return None


def module_name(path: Path) -> str:
    parts = [PACKAGE, *path.relative_to(ROOT).with_suffix("").parts]
    if parts[-1] == "__init__" and len(parts) > 2:
        parts.pop()
    return ".".join(parts)


def imported_modules(
    source: str, module: str, *, is_package: bool = False
) -> list[tuple[int, str]]:
    """Return (line, dotted name) of every import in source, relative ones resolved."""
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target == PACKAGE:
                # `from danvan import voice` names the app in the imported names.
                found += [(node.lineno, f"{PACKAGE}.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, target))
    return found


def upward_imports(source: str, module: str, *, is_package: bool = False) -> list[str]:
    """Return a message for every import of module that reaches a higher or sibling app."""
    area = module.split(".")[1]
    own = layer_of(area)
    if own is None:
        return [f"{module}: the app {area!r} has no place in LAYERS"]
    is_test = "tests" in module.split(".")
    problems = []
    for line, name in imported_modules(source, module, is_package=is_package):
        parts = name.split(".")
        if parts[0] != PACKAGE or len(parts) < 2 or parts[1] == area:
            continue
        if is_test and parts[1] in TOP:
            continue
        other = layer_of(parts[1])
        if other is None:
            problems.append(f"{module}:{line} imports {name}: {parts[1]!r} has no place in LAYERS")
        elif other >= own:
            problems.append(
                f"{module}:{line} imports {name} ({area} is layer {own}, {parts[1]} layer {other})"
            )
    return problems


def project_modules():
    for path in sorted(ROOT.rglob("*.py")):
        yield path, module_name(path)


def test_no_module_imports_a_higher_app():
    problems = []
    for path, module in project_modules():
        source = path.read_text(encoding="utf-8")
        problems += upward_imports(source, module, is_package=path.name == "__init__.py")
    assert not problems, "Upward imports:\n" + "\n".join(problems)


def test_every_app_has_a_place_in_the_table():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps <= set(LAYERS), sorted(apps - set(LAYERS))


# The checker itself, on made-up modules.


def test_the_checker_catches_lib_importing_an_app_inside_a_function():
    source = "import datetime\n\ndef users():\n    from danvan.accounts.models import User\n"
    assert upward_imports(source, "danvan.lib.bench") == [
        "danvan.lib.bench:4 imports danvan.accounts.models (lib is layer 0, accounts layer 3)"
    ]


@pytest.mark.parametrize(
    ("source", "module"),
    [
        ("import danvan.accounts.rules", "danvan.organisations.views"),
        ("from danvan import portal", "danvan.voice.views"),
        ("from danvan.voice import models", "danvan.registry.services"),  # a sibling
        ("from ..dashboards import charts", "danvan.reports.views"),
        ("from danvan.reports.models import Report", "danvan.plans.tests.test_targets"),
        ("import danvan.urls", "danvan.registry.views"),
    ],
)
def test_the_checker_catches_upward_and_sideways_imports(source, module):
    assert len(upward_imports(source, module)) == 1


@pytest.mark.parametrize(
    ("source", "module"),
    [
        ("from danvan.lib.vntext import fold", "danvan.core.models"),
        ("from . import models", "danvan.voice.views"),
        ("from danvan.voice.models import Case", "danvan.reports.dashboard"),
        ("from danvan.reports.metrics import METRICS", "danvan.bench.management.commands.x"),
        ("from danvan.portal import urls", "danvan.urls"),
        ("import danvan.urls", "danvan.registry.tests.test_attachments"),
        ("import django.db", "danvan.lib.scope"),
    ],
)
def test_the_checker_lets_downward_imports_pass(source, module):
    assert upward_imports(source, module) == []


def test_the_checker_names_an_app_missing_from_the_table():
    assert upward_imports("", "danvan.newapp.models") == [
        "danvan.newapp.models: the app 'newapp' has no place in LAYERS"
    ]
