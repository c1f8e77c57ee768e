"""Postings: the unit of their time, closed units included; overlapping terms in one post
and postings outside a unit's life are refused with a clear message, nothing written."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from danvan.cadres import services
from danvan.cadres.models import Posting
from danvan.cadres.tests.conftest import make_cadre, post
from danvan.core.models import AuditEntry


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


def test_a_posting_at_a_closed_district_is_kept_at_that_district(tree, old):
    cadre = make_cadre(tree.a.party)
    posting = post(cadre, old.district, "Trưởng ban Dân vận Quận ủy", (2005, 1, 1), (2015, 6, 30))
    posting.refresh_from_db()
    assert posting.unit == old.district
    entry = AuditEntry.objects.get(action="cadres.posting_add")
    assert entry.scope_path == old.district.path


def test_overlapping_terms_in_one_post_are_refused(tree, old):
    cadre = make_cadre(tree.a.party)
    post(cadre, old.commune, "Trưởng khối Dân vận", (2010, 1, 1), (2015, 12, 31))
    with pytest.raises(ValidationError) as caught:
        # Same post written otherwise (case, spaces): still the same post.
        post(cadre, old.commune, "trưởng  khối dân vận", (2015, 6, 1), (2018, 1, 1))
    message = " ".join(caught.value.messages)
    assert "Nguyễn Thị Hoa" in message and "01/01/2010" in message and "31/12/2015" in message
    assert "không được trùng" in message
    assert Posting.objects.filter(cadre=cadre).count() == 1


def test_an_open_posting_overlaps_every_later_one(tree):
    cadre = make_cadre(tree.a.party)
    post(cadre, tree.a.party, "Trưởng ban Dân vận", (2025, 7, 1))
    with pytest.raises(ValidationError):
        post(cadre, tree.a.party, "Trưởng ban Dân vận", (2030, 1, 1))


def test_terms_that_touch_without_overlap_and_other_posts_are_allowed(tree, old):
    cadre = make_cadre(tree.a.party)
    post(cadre, old.commune, "Trưởng khối Dân vận", (2010, 1, 1), (2014, 12, 31))
    post(cadre, old.commune, "Trưởng khối Dân vận", (2015, 1, 1), (2020, 12, 31))
    # Two posts at once (kiêm nhiệm) are a normal thing.
    post(cadre, old.commune, "Chủ tịch Ủy ban MTTQ", (2012, 1, 1), (2016, 12, 31))
    assert Posting.objects.filter(cadre=cadre).count() == 3


def test_a_posting_after_its_unit_closed_is_refused(tree, old):
    cadre = make_cadre(tree.a.party)
    with pytest.raises(ValidationError) as caught:
        post(cadre, old.commune, "Trưởng khối Dân vận", (2020, 1, 1), (2025, 12, 31))
    assert "30/06/2025" in " ".join(caught.value.messages)
    with pytest.raises(ValidationError):
        post(cadre, old.commune, "Trưởng khối Dân vận", (2020, 1, 1))  # still open: too
    assert not Posting.objects.exists()


def test_a_posting_before_its_unit_existed_is_refused(tree, old):
    cadre = make_cadre(tree.a.party)
    with pytest.raises(ValidationError) as caught:
        post(cadre, tree.a.commune, "Chủ tịch", (2020, 1, 1), (2026, 1, 1))
    message = " ".join(caught.value.messages)
    assert "01/07/2025" in message and "đơn vị của thời kỳ đó" in message
    assert not Posting.objects.exists()


def test_a_posting_that_ends_before_it_starts_is_refused(tree):
    cadre = make_cadre(tree.a.party)
    with pytest.raises(ValidationError) as caught:
        post(cadre, tree.a.party, "Cán bộ", (2026, 1, 1), (2025, 12, 1))
    assert "01/12/2025" in " ".join(caught.value.messages)


def test_a_posting_of_a_child_or_after_death_is_refused(tree):
    cadre = make_cadre(tree.a.party, born=2000)
    with pytest.raises(ValidationError):
        post(cadre, tree.a.party, "Cán bộ", (2010, 1, 1))
    cadre = make_cadre(tree.a.party, "Lê Văn Cường", born=1940, died_on=datetime.date(2020, 1, 1))
    with pytest.raises(ValidationError):
        post(cadre, tree.a.party, "Cán bộ", (2021, 1, 1))


def test_changing_a_posting_into_an_overlap_is_refused(tree, old):
    cadre = make_cadre(tree.a.party)
    post(cadre, old.commune, "Trưởng khối Dân vận", (2010, 1, 1), (2014, 12, 31))
    second = post(cadre, old.commune, "Trưởng khối Dân vận", (2015, 1, 1), (2020, 12, 31))
    with pytest.raises(ValidationError):
        services.update_posting(second, actor=None, start=datetime.date(2014, 6, 1))
    second.refresh_from_db()
    assert second.start == datetime.date(2015, 1, 1)
    services.update_posting(second, actor=None, end=datetime.date(2021, 6, 30))
    assert AuditEntry.objects.filter(action="cadres.posting_change").count() == 1


def test_clerk_records_past_postings_at_closed_units_but_not_at_another_ward(
    tree, old, clerk_a, cadre_a
):
    post_args = {"position": "Cán bộ", "start": datetime.date(2000, 1, 1)}
    services.add_posting(
        cadre_a, actor=clerk_a, unit=old.commune, end=datetime.date(2005, 1, 1), **post_args
    )
    with pytest.raises(PermissionDenied):
        services.add_posting(cadre_a, actor=clerk_a, unit=tree.b.party, **post_args)


def test_clerk_cannot_add_postings_to_a_cadre_of_another_ward(tree, clerk_a, cadre_b):
    with pytest.raises(PermissionDenied):
        services.add_posting(
            cadre_b,
            actor=clerk_a,
            unit=tree.a.party,
            position="Cán bộ",
            start=datetime.date(2026, 1, 1),
        )
    assert cadre_b.postings.count() == 1
