"""The registry's cast: the shared tree and users, plus a viewer, a judge and ward A's models."""

from types import SimpleNamespace

import pytest
from django.utils import translation

from conftest import make_user
from danvan.accounts.models import Role
from danvan.organisations.services import update_unit
from danvan.registry import services
from danvan.registry.tests.factories import (
    PracticeModelFactory,
    council_for,
    make_good,
    pdf_bytes,
    put_under_review,
    recognise,
    upload,
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads go to a temporary folder, never into the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Argon2 costs 0.2 s a user; these tests log in with force_login and never check one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def vietnamese():
    """Services run outside a request: speak the users' language, as the middleware does."""
    with translation.override("vi"):
        yield


@pytest.fixture
def tree(tree):
    """The shared tree, with the city's short name that decisions print as the place."""
    update_unit(actor=None, unit=tree.city, short_name="Hà Nội")
    return tree


@pytest.fixture
def viewer_a(tree):
    return make_user("viewer_a", Role.VIEWER, tree.a.commune, full_name="Người xem Ba Đình")


@pytest.fixture
def judge(tree):
    return make_user("judge", Role.JUDGE, tree.city, full_name="Giám khảo")


@pytest.fixture
def ward_a(tree, clerk_a, city_officer, judge):
    """Ward A's objects: a registered model with a file, one under review, one recognised with
    a decision, and the ward's review council (the judge sits on it)."""
    council = council_for(tree.a.commune, members=[judge])
    plain = PracticeModelFactory(
        actor=clerk_a, unit=tree.a.hamlet, name="Mô hình Dân vận khéo “Ngõ xanh”"
    )
    attachment = services.add_attachment(
        actor=clerk_a,
        model=plain,
        upload=upload("bien-ban.pdf", pdf_bytes()),
        checked_type="application/pdf",
    )
    reviewed = put_under_review(
        PracticeModelFactory(actor=clerk_a, unit=tree.a.commune, name="Mô hình Chợ văn minh"),
        actor=clerk_a,
    )
    recognised = make_good(
        PracticeModelFactory(actor=clerk_a, unit=tree.a.commune, name="Mô hình Camera an ninh"),
        council,
        actor=clerk_a,
        decider=city_officer,
    )
    recognition = recognise(recognised, actor=city_officer, issuer=tree.a.commune)
    return SimpleNamespace(
        council=council,
        plain=plain,
        attachment=attachment,
        reviewed=reviewed,
        recognised=recognised,
        recognition=recognition,
    )
