"""The generations of a unit and of the city: who held the dân vận posts term by term, with
counts of distinct cadres (living, retired, deceased, women), across the 2025 reform."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from danvan.cadres import services
from danvan.cadres.generations import (
    danvan_postings,
    history_paths,
    holders,
    holders_page,
    term_counts,
)
from danvan.cadres.models import Invitee, Sex, Term
from danvan.cadres.tests.conftest import make_cadre, post
from danvan.organisations.models import UnitKind
from danvan.organisations.services import create_unit


@pytest.fixture
def history(tree, old):
    """Four cadres of ward A's history and one of ward B.

    - Hoa (woman): Trúc Bạch 2012–2018 then ward A's Party committee from 2025-07-01.
    - Bình (man, retired 2019): Trúc Bạch 2008–2019.
    - Cường (man, died 2021): Quận Ba Đình (the district, not ward A's history) 2000–2016.
    - Dung (woman): Trúc Bạch 2016–2020, not a dân vận post.
    - Em (woman): ward B 2025–.
    """
    hoa = make_cadre(tree.a.party, "Nguyễn Thị Hoa", sex=Sex.FEMALE, born=1975)
    post(hoa, old.commune, "Cán bộ khối Dân vận", (2012, 1, 1), (2018, 12, 31))
    post(hoa, tree.a.party, "Trưởng ban Dân vận", (2025, 7, 1), is_manager=True)
    binh = make_cadre(
        tree.a.party, "Trần Văn Bình", sex=Sex.MALE, born=1959, retired_on=datetime.date(2019, 6, 1)
    )
    post(binh, old.commune, "Trưởng khối Dân vận", (2008, 1, 1), (2019, 5, 31), is_manager=True)
    cuong = make_cadre(
        tree.a.party, "Lê Văn Cường", sex=Sex.MALE, born=1950, died_on=datetime.date(2021, 3, 1)
    )
    post(cuong, old.district, "Trưởng ban Dân vận Quận ủy", (2000, 1, 1), (2016, 1, 1))
    dung = make_cadre(tree.a.party, "Phạm Thị Dung", born=1980)
    post(dung, old.commune, "Kế toán", (2016, 1, 1), (2020, 1, 1), is_danvan_post=False)
    em = make_cadre(tree.b.party, "Vũ Thị Em", born=1985)
    post(em, tree.b.party, "Cán bộ Dân vận", (2025, 7, 1))
    return {"hoa": hoa, "binh": binh, "cuong": cuong, "dung": dung, "em": em}


def counts_by_term(unit):
    terms = list(Term.objects.order_by("start"))
    rows, total = term_counts(unit, terms)
    return {row.term.name: row for row in rows}, total


def test_a_ward_counts_the_cadres_of_the_communes_it_replaced(tree, old, history):
    rows, total = counts_by_term(tree.a.commune)
    row = rows["Nhiệm kỳ 2015–2020"]  # 2015-10-01 to 2020-09-30: Hoa and Bình
    assert (row.cadres, row.women, row.serving, row.retired, row.deceased) == (2, 1, 1, 1, 0)
    row = rows["Nhiệm kỳ 2005–2010"]  # Bình alone
    assert (row.cadres, row.women, row.retired) == (1, 0, 1)
    assert rows["Nhiệm kỳ 2025–2030"].cadres == 1  # Hoa in ward A's committee
    # The term 2020–2025 ran to 30/09/2025: Hoa's post from 01/07/2025 falls in it too.
    assert rows["Nhiệm kỳ 2020–2025"].cadres == 1
    assert rows["Nhiệm kỳ 1996–2000"].cadres == 0
    # Over every term: Hoa and Bình, not Cường (the district), Dung (no dân vận post), Em.
    assert (total.cadres, total.women, total.living) == (2, 1, 2)


def test_the_city_counts_every_unit_of_every_time(tree, old, history):
    rows, total = counts_by_term(tree.city)
    row = rows["Nhiệm kỳ 2015–2020"]  # Hoa, Bình, Cường (until 2016-01-01)
    assert (row.cadres, row.deceased, row.retired, row.serving) == (3, 1, 1, 1)
    assert rows["Nhiệm kỳ 2025–2030"].cadres == 2  # Hoa and Em
    assert (total.cadres, total.women, total.deceased) == (4, 2, 1)
    # A second root (another province) keeps the city's counts to the city's tree.
    other = create_unit(actor=None, parent=None, name="Tỉnh Bắc Ninh", kind=UnitKind.PROVINCE)
    outsider = make_cadre(other, "Ngô Văn Xa", sex=Sex.MALE)
    post(outsider, other, "Trưởng ban Dân vận", (2016, 1, 1))
    assert counts_by_term(tree.city)[1] == total


def test_a_cadre_with_two_posts_in_a_term_counts_once(tree, old):
    cadre = make_cadre(tree.a.party)
    post(cadre, old.commune, "Trưởng khối Dân vận", (2016, 1, 1), (2017, 1, 1))
    post(cadre, old.commune, "Chủ tịch MTTQ", (2016, 1, 1), (2017, 1, 1))
    rows, total = counts_by_term(tree.a.commune)
    assert rows["Nhiệm kỳ 2015–2020"].cadres == 1 and total.cadres == 1


def test_holders_list_leading_posts_first(tree, old, history):
    term = Term.objects.get(name="Nhiệm kỳ 2015–2020")
    names = [
        p.cadre.full_name for p in holders(danvan_postings(history_paths(tree.a.commune)), term)
    ]
    assert names == ["Trần Văn Bình", "Nguyễn Thị Hoa"]


def test_counts_follow_a_change_of_the_records_at_once(tree, old, history):
    rows, _total = counts_by_term(tree.a.commune)  # now in the cache
    assert rows["Nhiệm kỳ 2015–2020"].retired == 1
    services.update_cadre(history["binh"], actor=None, died_on=datetime.date(2024, 1, 1))
    rows, _total = counts_by_term(tree.a.commune)
    assert (rows["Nhiệm kỳ 2015–2020"].retired, rows["Nhiệm kỳ 2015–2020"].deceased) == (0, 1)


def test_a_changed_term_changes_the_periods(tree, old, history):
    counts_by_term(tree.a.commune)
    Term.objects.filter(name="Nhiệm kỳ 2015–2020").update(start=datetime.date(2019, 1, 1))
    rows, _total = counts_by_term(tree.a.commune)
    assert rows["Nhiệm kỳ 2015–2020"].cadres == 1  # Bình only: Hoa left in 2018


def test_invitees_come_from_the_generations_and_are_living(tree, old, history, clerk_a):
    event = services.create_event(
        actor=clerk_a,
        unit=tree.a.commune,
        name="Gặp mặt các thế hệ cán bộ làm công tác dân vận",
        date=datetime.date(2026, 10, 15),
        place="Hội trường Đảng ủy phường",
    )
    assert services.invite(event, [history["hoa"], history["binh"]], actor=clerk_a) == 2
    titles = dict(Invitee.objects.values_list("cadre__full_name", "title"))
    assert titles["Trần Văn Bình"] == "Trưởng khối Dân vận, Phường Trúc Bạch (2008–2019)"
    assert titles["Nguyễn Thị Hoa"].startswith("Trưởng ban Dân vận, Đảng ủy Phường Ba Đình")
    # Inviting again adds nobody; a cadre of another ward's history and a deceased one fail.
    assert services.invite(event, [history["hoa"]], actor=clerk_a) == 0
    with pytest.raises(ValidationError) as caught:
        services.invite(event, [history["em"]], actor=clerk_a)
    assert "Vũ Thị Em" in " ".join(caught.value.messages)
    assert Invitee.objects.count() == 2


def test_the_counted_postings_page_the_holders(tree, old, history):
    terms = list(Term.objects.order_by("start"))
    rows, _total = term_counts(tree.a.commune, terms)
    row = next(r for r in rows if r.term.name == "Nhiệm kỳ 2015–2020")
    postings = danvan_postings(history_paths(tree.a.commune))
    assert row.postings == holders(postings, row.term).count() == 2
    page = holders_page(postings, row.term, 1, 1, count=row.postings)
    assert page.paginator.num_pages == 2 and page.object_list[0].cadre.full_name == "Trần Văn Bình"
