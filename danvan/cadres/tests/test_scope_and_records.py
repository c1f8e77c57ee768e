"""Who sees which cadre (posted in their subtree now, or filed there without a posting),
discipline that freezes proposals, and sensitive data read only with a log."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from danvan.cadres import services
from danvan.cadres.models import Cadre, DisciplineForm, PersonalDataPolicy, Sex
from danvan.cadres.queries import open_discipline, open_disciplines
from danvan.cadres.tests.conftest import make_cadre, post
from danvan.core.models import AuditEntry

TODAY = timezone.localdate


def visible(user):
    return set(Cadre.objects.visible_to(user).values_list("full_name", flat=True))


def test_clerk_sees_cadres_posted_in_the_ward_now(tree, old, clerk_a, clerk_b, cadre_a, cadre_b):
    assert visible(clerk_a) == {"Nguyễn Thị Hoa"}
    assert visible(clerk_b) == {"Trần Văn Bình"}


def test_a_cadre_who_moved_away_leaves_the_old_wards_scope(tree, clerk_a, clerk_b):
    cadre = make_cadre(tree.a.party, "Phạm Văn Đức", sex=Sex.MALE)
    today = TODAY()
    post(
        cadre,
        tree.a.party,
        "Cán bộ",
        (2025, 7, 1),
        (today - datetime.timedelta(days=1)).timetuple()[:3],
    )
    post(cadre, tree.b.front, "Phó Chủ tịch", today.timetuple()[:3])
    assert "Phạm Văn Đức" not in visible(clerk_a)
    assert "Phạm Văn Đức" in visible(clerk_b)


def test_a_retired_cadre_belongs_to_the_unit_keeping_the_file(tree, clerk_a, clerk_b, old):
    cadre = make_cadre(tree.a.party, "Lê Thị Lan", born=1950, retired_on=datetime.date(2010, 6, 1))
    post(cadre, old.commune, "Trưởng khối Dân vận", (1995, 1, 1), (2010, 6, 1))
    assert "Lê Thị Lan" in visible(clerk_a)
    assert "Lê Thị Lan" not in visible(clerk_b)


def test_branch_clerk_sees_only_the_branch(tree, front_clerk_a, cadre_a):
    cadre = make_cadre(tree.a.front, "Đỗ Thị Mai")
    post(cadre, tree.a.front, "Phó Chủ tịch", (2025, 7, 1))
    assert visible(front_clerk_a) == {"Đỗ Thị Mai"}


def test_city_officer_sees_every_cadre(tree, city_officer, cadre_a, cadre_b):
    assert visible(city_officer) == {"Nguyễn Thị Hoa", "Trần Văn Bình"}


def test_user_without_role_and_visitor_see_none(tree, no_role_user, cadre_a):
    from django.contrib.auth.models import AnonymousUser

    assert visible(no_role_user) == set()
    assert not Cadre.objects.visible_to(AnonymousUser()).exists()


def test_clerk_cannot_create_a_cadre_filed_in_another_ward(tree, clerk_a):
    with pytest.raises(PermissionDenied):
        services.create_cadre(
            actor=clerk_a,
            record_unit=tree.b.party,
            full_name="Vũ Văn Nam",
            sex=Sex.MALE,
            birth_year=1980,
        )
    assert not Cadre.objects.exists()


def test_profile_change_is_audited_with_before_and_after(tree, clerk_a, cadre_a):
    services.update_cadre(cadre_a, actor=clerk_a, phone="0912345678")
    entry = AuditEntry.objects.get(action="cadres.update")
    assert entry.before == {"phone": ""} and entry.after == {"phone": "0912345678"}
    assert entry.scope_path == tree.a.party.path


def test_bad_profile_changes_are_refused_and_nothing_is_written(tree, clerk_a, cadre_a):
    with pytest.raises(ValidationError):
        services.update_cadre(cadre_a, actor=clerk_a, died_on=TODAY() + datetime.timedelta(1))
    with pytest.raises(ValidationError):
        services.update_cadre(cadre_a, actor=clerk_a, birth_year=1850)
    cadre_a.refresh_from_db()
    assert cadre_a.died_on is None and cadre_a.birth_year == 1970


# --- Discipline -----------------------------------------------------------------------------


def test_an_open_discipline_is_found_until_it_ends(tree, city_officer, cadre_a):
    assert open_discipline(cadre_a) is None
    discipline = services.record_discipline(
        cadre_a,
        actor=city_officer,
        form=DisciplineForm.REPRIMAND,
        date=datetime.date(2025, 9, 1),
        until=datetime.date(2026, 8, 31),
    )
    assert open_discipline(cadre_a, on=datetime.date(2025, 8, 31)) is None
    assert open_discipline(cadre_a, on=datetime.date(2025, 9, 1)) == discipline
    assert open_discipline(cadre_a, on=datetime.date(2026, 8, 31)) == discipline
    assert open_discipline(cadre_a, on=datetime.date(2026, 9, 1)) is None
    assert open_disciplines([cadre_a.pk], on=datetime.date(2026, 1, 1)) == {cadre_a.pk: discipline}


def test_a_review_under_way_stays_open_until_closed(tree, city_officer, cadre_a):
    review = services.record_discipline(
        cadre_a, actor=city_officer, form=DisciplineForm.UNDER_REVIEW, date=TODAY()
    )
    assert open_discipline(cadre_a, on=TODAY() + datetime.timedelta(days=400)) == review
    services.change_discipline(review, actor=city_officer, until=TODAY())
    assert open_discipline(cadre_a, on=TODAY() + datetime.timedelta(days=1)) is None
    assert AuditEntry.objects.filter(action="cadres.discipline_change").count() == 1


def test_clerk_cannot_record_discipline(tree, clerk_a, cadre_a):
    with pytest.raises(PermissionDenied):
        services.record_discipline(
            cadre_a, actor=clerk_a, form=DisciplineForm.WARNING, date=TODAY()
        )


def test_discipline_ending_before_it_starts_is_refused(tree, city_officer, cadre_a):
    with pytest.raises(ValidationError):
        services.record_discipline(
            cadre_a,
            actor=city_officer,
            form=DisciplineForm.WARNING,
            date=datetime.date(2025, 9, 1),
            until=datetime.date(2025, 1, 1),
        )
    assert not cadre_a.disciplines.exists()


# --- Sensitive data -------------------------------------------------------------------------


@pytest.fixture
def policy(tree):
    return PersonalDataPolicy.objects.create(
        unit=tree.a.commune,
        records_ethnicity=True,
        records_religion=False,
        purpose="Thực hiện chính sách cán bộ người dân tộc thiểu số",
        effective_from=datetime.date(2025, 7, 1),
    )


def test_sensitive_data_needs_a_policy_of_the_unit(tree, city_officer, cadre_a, cadre_b, policy):
    services.set_sensitive_data(cadre_a, actor=city_officer, ethnicity="Tày")
    with pytest.raises(ValidationError) as caught:
        services.set_sensitive_data(
            cadre_a, actor=city_officer, ethnicity="Tày", religion="Phật giáo"
        )
    assert "không thu thập thông tin tôn giáo" in " ".join(caught.value.messages)
    with pytest.raises(ValidationError):
        services.set_sensitive_data(cadre_b, actor=city_officer, ethnicity="Kinh")
    assert cadre_a.sensitive.ethnicity == "Tày" and cadre_a.sensitive.policy == policy
    # The audit trail says what was recorded, never the value.
    entry = AuditEntry.objects.get(action="cadres.sensitive_set")
    assert "Tày" not in str(entry.after) and entry.after["ethnicity"] is True


def test_every_read_of_sensitive_data_is_logged(tree, city_officer, cadre_a, policy):
    services.set_sensitive_data(cadre_a, actor=city_officer, ethnicity="Mường")
    for _ in range(2):
        data = services.read_sensitive(cadre_a, actor=city_officer)
        assert data is not None and data.ethnicity == "Mường"
    reads = AuditEntry.objects.filter(action="cadres.sensitive_read")
    assert reads.count() == 2
    assert {e.actor_id for e in reads} == {city_officer.pk}
    assert all(e.scope_path == tree.a.party.path for e in reads)


def test_clerk_may_not_read_sensitive_data(tree, clerk_a, cadre_a, policy):
    with pytest.raises(PermissionDenied):
        services.read_sensitive(cadre_a, actor=clerk_a)
    assert not AuditEntry.objects.filter(action="cadres.sensitive_read").exists()
