"""The Vietnamese catalogue is complete, keeps its placeholders, and the pages use it."""

import ast
import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

PO_FILE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")

# printf-style conversions as Python's % operator reads them; "%%" is a literal percent sign.
PYTHON_FORMAT = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa%]"
)
BRACE_FORMAT = re.compile(r"(?<!\{)\{[^{}]*\}(?!\})")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    def label(self) -> str:
        return f"{PO_FILE.name}:{self.line} {self.msgid!r}"


def read_po(path: Path) -> tuple[dict[str, str], list[Entry]]:
    """Return the header fields and the live entries of a .po file (obsolete ones skipped)."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int | None] | None = None  # the keyword a string line adds to

    def finish():
        nonlocal entry, target
        if entry.msgstr or entry.msgid:
            entries.append(entry)
        entry, target = Entry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#~"):
            continue
        elif line.startswith("#,"):
            if target is not None:
                finish()
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            if target is not None:
                finish()
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            assert target is not None, f"line {number}: a string after no keyword"
            kind, index = target
            if kind == "msgstr" and index is not None:
                entry.msgstr[index] += value
            else:
                setattr(entry, kind, getattr(entry, kind) + value)
        else:
            keyword, _space, rest = line.partition(" ")
            value = ast.literal_eval(rest)
            plural = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if keyword in ("msgctxt", "msgid") and target is not None and target[0] == "msgstr":
                finish()  # a new entry without a blank line before it
            if keyword == "msgid":
                entry.line = number
            if plural:
                target = ("msgstr", int(plural.group(1)))
                entry.msgstr[target[1]] = value
            elif keyword == "msgstr":
                target = ("msgstr", 0)
                entry.msgstr[0] = value
            elif keyword in ("msgid", "msgid_plural", "msgctxt"):
                target = (keyword, None)
                setattr(entry, keyword, value)
            else:
                raise ValueError(f"{path.name}:{number}: cannot read {raw!r}")
    finish()
    header_entries = [e for e in entries if e.msgid == "" and e.msgctxt is None]
    header = {}
    for header_line in (header_entries[0].msgstr.get(0, "") if header_entries else "").split("\n"):
        name, _colon, value = header_line.partition(":")
        if name:
            header[name.strip()] = value.strip()
    return header, [e for e in entries if e not in header_entries]


@pytest.fixture(scope="module")
def catalogue():
    return read_po(PO_FILE)


def placeholders(text: str, pattern: re.Pattern) -> list[str]:
    return sorted(m.group(0) for m in pattern.finditer(text) if m.group(0) != "%%")


def test_the_header_declares_vietnamese_in_utf8_with_one_plural_form(catalogue):
    header, _entries = catalogue
    assert header["Language"] == "vi"
    assert "charset=UTF-8" in header["Content-Type"]
    assert header["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"
    assert header["Project-Id-Version"].startswith("DanVan")


def test_every_message_is_translated_and_none_is_fuzzy(catalogue):
    _header, entries = catalogue
    assert entries, "the catalogue is empty: run makemessages"
    fuzzy = [e.label() for e in entries if "fuzzy" in e.flags]
    untranslated = [e.label() for e in entries if not all(e.msgstr.values())]
    wrong_forms = [
        e.label() for e in entries if e.msgid_plural is not None and sorted(e.msgstr) != [0]
    ]
    assert fuzzy == [], "fuzzy entries: check them and remove the flag"
    assert untranslated == [], "untranslated entries"
    assert wrong_forms == [], "Vietnamese has one plural form: fill msgstr[0] only"


def test_translations_keep_every_placeholder(catalogue):
    _header, entries = catalogue
    broken = []
    for entry in entries:
        source = entry.msgid + "\n" + (entry.msgid_plural or "")
        patterns = []
        if "no-python-format" not in entry.flags:
            patterns.append(PYTHON_FORMAT)
        if "python-brace-format" in entry.flags:
            patterns.append(BRACE_FORMAT)
        for pattern in patterns:
            wanted = sorted(set(placeholders(source, pattern)))
            for index, text in entry.msgstr.items():
                if sorted(set(placeholders(text, pattern))) != wanted:
                    broken.append(f"{entry.label()} msgstr[{index}]: {text!r}")
    assert broken == []


def test_gettext_accepts_the_catalogue():
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (GNU gettext) is not installed")
    result = subprocess.run(  # noqa: S603 (a fixed tool on our own file)
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(PO_FILE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr, result.stderr


def test_the_compiled_catalogue_matches_the_source(catalogue):
    _header, entries = catalogue
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in entries:
        if entry.msgctxt is not None:
            got = compiled.pgettext(entry.msgctxt, entry.msgid)
        elif entry.msgid_plural is not None:
            got = compiled.ngettext(entry.msgid, entry.msgid_plural, 1)
        else:
            got = compiled.gettext(entry.msgid)
        if got != entry.msgstr[0]:
            stale.append(entry.label())
    assert stale == [], "django.mo is out of date: run compilemessages"


@pytest.fixture
def browser():
    """A fresh client; the language the middleware activates is put back afterwards."""
    language = translation.get_language()
    yield Client()
    translation.activate(language)


@pytest.mark.django_db
def test_login_page_is_in_vietnamese_by_default(browser):
    response = browser.get(reverse("accounts:login"))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in page
    assert "Đăng nhập" in page
    assert "Log in" not in page


@pytest.mark.django_db
def test_login_page_is_in_english_with_the_language_cookie(browser):
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = browser.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en">' in page
    assert "Log in" in page
    assert "Đăng nhập" not in page


@pytest.mark.django_db
def test_an_english_browser_still_gets_vietnamese_until_the_user_switches(browser):
    page = browser.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8").content
    assert "Đăng nhập" in page.decode()
