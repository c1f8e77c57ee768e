"""The fixed cast of the test suite: a small Hà Nội tree and users at each level."""

from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from danvan.accounts.models import Role
from danvan.accounts.services import assign_role, create_user
from danvan.organisations.models import UnitKind
from danvan.organisations.services import create_unit

PASSWORD = "a-long-test-password-42"  # noqa: S105


def _commune(city, name, code):
    commune = create_unit(
        actor=None, parent=city, name=name, kind=UnitKind.COMMUNE, code=code, key=f"t-{code}"
    )
    branches = SimpleNamespace(
        commune=commune,
        party=create_unit(
            actor=None, parent=commune, name=f"Đảng ủy {name}", kind=UnitKind.PARTY_COMMITTEE
        ),
        state=create_unit(
            actor=None, parent=commune, name=f"UBND {name}", kind=UnitKind.PEOPLES_COMMITTEE
        ),
        front=create_unit(
            actor=None, parent=commune, name=f"MTTQ {name}", kind=UnitKind.FRONT_COMMITTEE
        ),
        hamlet=create_unit(
            actor=None, parent=commune, name=f"Tổ dân phố số 1, {name}", kind=UnitKind.HAMLET
        ),
    )
    return branches


def pytest_collection_modifyitems(items):
    """Every test that commits (live server, threads, migrations) gets the database's first
    contents back: the rules the migrations seed, the content types. Mixing such tests with
    and without serialized rollback breaks the next one (the flush recreates the content types,
    then the restore inserts them again), so all of them use it, and they run last: the last
    one leaves the tables empty, so a test that asks for the database only while it runs
    (getfixturevalue) must come before them."""

    def commits(item) -> bool:
        marker = item.get_closest_marker("django_db")
        names = set(getattr(item, "fixturenames", ()))
        return bool(marker and marker.kwargs.get("transaction")) or bool(
            names & {"live_server", "transactional_db"}
        )

    for item in items:
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker else {}
        if commits(item) and not kwargs.get("serialized_rollback"):
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)
    items.sort(key=commits)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploads and job files of a test go to a temporary folder, never into media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _public_pages_rendered(settings):
    """Public pages are rendered for every request in tests; the tests of the visitors'
    copies (portal.middleware) turn the keeping back on."""
    settings.PUBLIC_PAGE_SECONDS = 0


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a request of an earlier test in English (the
    language middleware activates the visitor's choice) must not leak into the next."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: rate limits and kept medians of an earlier test
    (whose rows were rolled back, and whose ids a later test may reuse) do not leak."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tree(db):
    """Hà Nội with its Party branch and two wards, each with three branches and a hamlet."""
    city = create_unit(
        actor=None,
        parent=None,
        name="Thành phố Hà Nội",
        kind=UnitKind.PROVINCE,
        code="01",
        key="t-01",
    )
    city_party = create_unit(
        actor=None, parent=city, name="Thành ủy Hà Nội", kind=UnitKind.PARTY_COMMITTEE
    )
    return SimpleNamespace(
        city=city,
        city_party=city_party,
        a=_commune(city, "Phường Ba Đình", "00004"),
        b=_commune(city, "Phường Hà Đông", "09556"),
    )


def make_user(username, role=None, unit=None, **fields):
    user = create_user(actor=None, username=username, password=PASSWORD, **fields)
    if role:
        assign_role(actor=None, user=user, role=role, unit=unit)
    return user


@pytest.fixture
def city_admin(tree):
    return make_user("quantri", Role.ADMINISTRATOR, tree.city, full_name="Quản Trị")


@pytest.fixture
def city_officer(tree):
    return make_user("thanhpho", Role.BOARD_OFFICER, tree.city, full_name="Cán bộ Thành phố")


@pytest.fixture
def clerk_a(tree):
    return make_user("clerk_a", Role.CLERK, tree.a.commune, full_name="Văn thư Ba Đình")


@pytest.fixture
def clerk_b(tree):
    return make_user("clerk_b", Role.CLERK, tree.b.commune, full_name="Văn thư Hà Đông")


@pytest.fixture
def admin_b(tree):
    """An administrator of ward B: manages B's units in the admin, nothing else."""
    return make_user("admin_b", Role.ADMINISTRATOR, tree.b.commune, full_name="Quản trị Hà Đông")


@pytest.fixture
def front_clerk_a(tree):
    return make_user("front_a", Role.CLERK, tree.a.front, full_name="Văn thư MTTQ Ba Đình")


@pytest.fixture
def no_role_user(db):
    return make_user("norole", full_name="Chưa có vai trò")


def login(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def client_for():
    return login


def english_client(user, *, staff: bool = False) -> Client:
    """A logged-in client that reads the pages in English (the msgids); with staff=True the
    user may also open the admin (which still applies the user's scope)."""
    if staff and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    client = login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def staff():
    """make(user): a logged-in client reading the pages in English."""
    return english_client


@pytest.fixture
def admin_staff():
    """make(user): a logged-in staff client reading the admin in English."""
    return lambda user: english_client(user, staff=True)
