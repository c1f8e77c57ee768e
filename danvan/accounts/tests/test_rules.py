"""Who may do what is written once: roles are named in `accounts` and nowhere else."""

import ast
from pathlib import Path

from danvan.accounts.models import SCOPED_PERMISSIONS, Role

ROOT = Path(__file__).resolve().parents[2]  # the danvan package

# Files that may still spell a role, each with its reason: none.
ALLOWED: dict[str, str] = {}


def _python_files():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith("accounts/") or "/tests/" in relative or "/migrations/" in relative:
            continue
        if relative in ALLOWED:
            continue
        yield relative, path


def role_literals(source: str) -> list[tuple[int, str]]:
    """The string literals of a module that are exactly a role's value."""
    roles = set(Role.values)
    return [
        (node.lineno, node.value)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in roles
    ]


def test_no_module_outside_accounts_spells_a_role():
    found = [
        f"{relative}:{line}: {value!r}"
        for relative, path in _python_files()
        for line, value in role_literals(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "Use a permission of the app's rules.py, or a group of accounts.rules"


def test_the_check_finds_a_role_tuple():
    assert role_literals('EDITORS = ("administrator", "clerk")\nname = "clerk list"') == [
        (1, "administrator"),
        (1, "clerk"),
    ]


def test_every_app_names_its_permissions():
    """The permissions the services check are declared, each with the roles that hold it."""
    for name in [
        "registry.register",
        "registry.change",
        "registry.recognise",
        "registry.manage_councils",
        "voice.handle",
        "voice.receive",
        "voice.manage_api_keys",
        "plans.decide",
        "plans.report_progress",
        "reports.edit",
        "reports.review",
        "organisations.manage",
        "core.view_audit",
    ]:
        assert name in SCOPED_PERMISSIONS
        assert SCOPED_PERMISSIONS[name], name


ROLE_GROUPS = {"MANAGERS", "SUPERVISORS", "EDITORS"}


def test_only_the_apps_rules_modules_use_the_role_groups():
    """Outside accounts, a role group is named only where an app declares its permissions;
    everything else checks a permission by name."""
    found = []
    for relative, path in _python_files():
        if relative.endswith("/rules.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "danvan.accounts.rules":
                names = {alias.name for alias in node.names} & ROLE_GROUPS
                found += [f"{relative}:{node.lineno}: {name}" for name in sorted(names)]
            elif isinstance(node, ast.Attribute) and node.attr in ROLE_GROUPS:
                found.append(f"{relative}:{node.lineno}: {node.attr}")
    assert found == [], "Check a permission of the app's rules.py instead"
