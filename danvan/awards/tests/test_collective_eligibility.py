"""Collective titles that need consecutive years (the city's emulation flag after two
consecutive years of “Tập thể lao động xuất sắc”): verdicts on hand-worked cases, a rule
changed mid-way, the list of collectives and its scope."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from danvan.awards import eligibility, services
from danvan.awards.models import Award, TitleRule, Verdict
from danvan.organisations.services import revise_rule

D = datetime.date
FLAG = "co_thi_dua_tinh"
EXCELLENT = "tt_ldxs"


def give(unit, code, years, issuer):
    """Awards of a collective title in the given years (one decision a year)."""
    for year in years:
        award_type = services.award_type_on(code, D(year, 12, 1))
        decision = services.Decision.objects.create(
            issuer=issuer,
            issuer_name=issuer.name,
            number=Award.objects.count() + 1,
            symbol="QĐ-UBND",
            year=year,
            date=D(year, 12, 1),
            award_type=award_type,
        )
        Award.objects.create(
            decision=decision,
            award_type=award_type,
            year=year,
            unit=unit,
            recipient_name=unit.name,
            scope_unit=unit,
            scope_path=unit.path,
        )


def flag_verdict(unit, year):
    return Verdict.objects.get(unit=unit, award_code=FLAG, year=year)


@pytest.mark.parametrize(
    ("years", "eligible", "when", "run"),
    [
        ([2025, 2026], True, D(2026, 12, 31), [2025, 2026]),  # exactly two running
        ([2026], False, D(2027, 12, 31), [2026]),  # one more year needed
        ([2024, 2026], False, D(2027, 12, 31), [2026]),  # a gap breaks the run
        # Two years running until last year: this year's title is needed too, and then the
        # flag can go with it this year.
        ([2024, 2025], False, D(2026, 12, 31), [2024, 2025]),
    ],
)
def test_the_flag_after_two_consecutive_excellent_years(
    tree, city_committee, years, eligible, when, run
):
    give(tree.a.front, EXCELLENT, years, city_committee)

    result = eligibility.run_eligibility(2026)

    verdict = flag_verdict(tree.a.front, 2026)
    assert (verdict.eligible, verdict.eligible_from, verdict.explanation["run"]) == (
        eligible,
        when,
        run,
    )
    assert verdict.cadre is None and verdict.scope_unit == tree.a.front
    assert verdict.title_rule.award_code == FLAG
    assert verdict.explanation["collective"] is True
    assert result.collectives == 1
    if not eligible:
        [reason] = verdict.explanation["reasons"]
        assert reason["code"] == "consecutive"
        assert reason["year"] == when.year


def test_the_run_counts_after_the_flag_was_last_awarded(tree, city_committee):
    give(tree.a.front, EXCELLENT, [2024, 2025, 2026], city_committee)
    give(tree.a.front, FLAG, [2025], city_committee)

    eligibility.run_eligibility(2026)

    verdict = flag_verdict(tree.a.front, 2026)
    assert not verdict.eligible
    assert verdict.explanation["run"] == [2026]
    assert verdict.explanation["after_title"] == 2025
    assert verdict.eligible_from == D(2027, 12, 31)


def test_collectives_and_people_get_their_own_titles(tree, city_committee):
    """A collective is not judged for a person's title, nor a person for a collective's."""
    give(tree.a.front, EXCELLENT, [2025, 2026], city_committee)

    eligibility.run_eligibility(2026)

    codes = set(Verdict.objects.filter(unit=tree.a.front).values_list("award_code", flat=True))
    assert codes == {FLAG}
    assert not Verdict.objects.filter(cadre__isnull=False, award_code=FLAG).exists()


def test_a_rule_changed_mid_way_changes_the_verdicts_from_its_date_only(
    tree, city_committee, city_admin
):
    give(tree.a.front, EXCELLENT, [2025, 2026], city_committee)
    seeded = TitleRule.objects.get(award_code=FLAG)
    eligibility.run_eligibility(2025)
    eligibility.run_eligibility(2026)
    assert flag_verdict(tree.a.front, 2026).eligible

    # From 2026 the flag needs three consecutive years: 2026's verdict follows the new row,
    # 2025's keeps the row it was made with, and 2025 evaluated again still applies it.
    successor = revise_rule(
        seeded, {"consecutive_years": 3}, actor=city_admin, effective_from=D(2026, 1, 1)
    )
    before = flag_verdict(tree.a.front, 2025)
    eligibility.run_eligibility(2026)

    after = flag_verdict(tree.a.front, 2026)
    assert not after.eligible
    assert after.title_rule == successor
    assert after.eligible_from == D(2027, 12, 31)
    assert after.explanation["needed"] == 3
    assert flag_verdict(tree.a.front, 2025).title_rule == seeded == before.title_rule
    eligibility.run_eligibility(2025)
    assert flag_verdict(tree.a.front, 2025).title_rule == seeded


def test_a_run_for_a_unit_replaces_only_its_collectives(tree, city_committee):
    give(tree.a.front, EXCELLENT, [2025, 2026], city_committee)
    give(tree.b.front, EXCELLENT, [2025, 2026], city_committee)
    eligibility.run_eligibility(2026)
    kept = flag_verdict(tree.b.front, 2026).pk

    eligibility.run_eligibility(2026, unit=tree.a.commune)

    assert flag_verdict(tree.b.front, 2026).pk == kept
    assert flag_verdict(tree.a.front, 2026).eligible


def _collectives(client, **params):
    query = {"award": FLAG, "status": "all", **params}
    response = client.get(reverse("awards:eligible"), query)
    assert response.status_code == 200
    return response


def test_the_eligible_list_shows_collectives_in_the_scope_only(
    tree, city_committee, city_officer, clerk_a, clerk_b, client_for
):
    give(tree.a.front, EXCELLENT, [2025, 2026], city_committee)
    give(tree.b.front, EXCELLENT, [2026], city_committee)
    eligibility.run_eligibility(2026)

    city = _collectives(client_for(city_officer))
    assert {v.unit.name for v in city.context["page"].object_list} == {
        tree.a.front.name,
        tree.b.front.name,
    }
    assert city.context["who"] == "collective"
    eligible_only = _collectives(client_for(city_officer), status="eligible")
    assert [v.unit for v in eligible_only.context["page"].object_list] == [tree.a.front]
    assert f"unit={tree.a.front.pk}" in eligible_only.content.decode()

    # Ward B's clerk sees ward B's collective, not ward A's, in the list or on its own page.
    listed = _collectives(client_for(clerk_b)).context["page"].object_list
    assert [v.unit for v in listed] == [tree.b.front]
    other = flag_verdict(tree.a.front, 2026)
    assert client_for(clerk_b).get(reverse("awards:verdict", args=[other.pk])).status_code == 404
    page = client_for(clerk_a).get(reverse("awards:verdict", args=[other.pk]))
    assert page.status_code == 200
    assert tree.a.front.name in page.content.decode()


def test_people_are_listed_unless_collectives_are_asked_for(
    tree, city_committee, city_officer, client_for
):
    give(tree.a.front, EXCELLENT, [2025, 2026], city_committee)
    eligibility.run_eligibility(2026)

    people = _collectives(client_for(city_officer), who="person")
    assert list(people.context["page"].object_list) == []
    assert people.context["who"] == "person"
    medal = client_for(city_officer).get(reverse("awards:eligible"))
    assert medal.context["who"] == "person"


def test_the_list_of_collectives_keeps_its_number_of_queries(
    tree, city_committee, city_officer, client_for
):
    client = client_for(city_officer)
    give(tree.a.front, EXCELLENT, [2025, 2026], city_committee)
    eligibility.run_eligibility(2026)
    _collectives(client)
    with CaptureQueriesContext(connection) as few:
        _collectives(client)
    for unit in (tree.a.party, tree.a.state, tree.b.front, tree.b.party, tree.b.state):
        give(unit, EXCELLENT, [2025, 2026], city_committee)
    eligibility.run_eligibility(2026)
    with CaptureQueriesContext(connection) as many:
        response = _collectives(client)
    assert len(response.context["page"].object_list) == 6
    assert len(many) <= len(few)
