"""The eligibility engine on hand-worked cases: the medal “Vì sự nghiệp Dân vận” (exactly the
years needed, part-time mixes, hardship, reductions, posthumous, already awarded, a rule
changed mid-career) and titles that need consecutive years."""

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from danvan.awards.eligibility import (
    MEDAL_CODE,
    add_months,
    date_after,
    evaluate_medal,
    evaluate_title,
    months_between,
    run_eligibility,
)
from danvan.awards.models import MedalRule, TitleRule, Verdict
from danvan.awards.tests.conftest import make_cadre, post
from danvan.cadres.models import Sex
from danvan.organisations.services import revise_rule

D = datetime.date
ON = D(2026, 12, 31)


def rule(**changes) -> MedalRule:
    """The seeded defaults: 10 years full-time or 15 part-time, 7 with 3 leading, ×1.5 in
    hardship areas, women 1/3 less, 2 years earlier after a high award."""
    values = {
        "award_code": MEDAL_CODE,
        "years_full_time": Decimal(10),
        "years_part_time": Decimal(15),
        "years_with_management": Decimal(7),
        "management_years": Decimal(3),
        "hardship_multiplier": Decimal("1.5"),
        "women_reduction_numerator": 1,
        "women_reduction_denominator": 3,
        "high_award_codes": "huan_chuong_ld3,cstd_toan_quoc",
        "high_award_reduction_years": Decimal(2),
        "effective_from": D(2000, 1, 1),
    }
    return MedalRule(**{**values, **changes})


def posting(start, end=None, *, full_time=True, hardship=False, manager=False, pk=None):
    return {
        "id": pk or start.toordinal(),
        "unit": "Ban Dân vận Quận ủy Ba Đình",
        "position": "Cán bộ",
        "start": start,
        "end": end,
        "full_time": full_time,
        "hardship": hardship,
        "manager": manager,
    }


def verdict(postings, *, sex=Sex.MALE, died_on=None, awards=(), on=ON, medal_rule=None):
    return evaluate_medal(
        medal_rule or rule(),
        postings=postings,
        sex=sex,
        died_on=died_on,
        awards=list(awards),
        on=on,
    )


def test_months_are_calendar_months_and_the_rest_a_share_of_its_month():
    assert months_between(D(2016, 1, 1), D(2025, 12, 31)) == 120
    assert months_between(D(2016, 1, 2), D(2025, 12, 31)) == Fraction(119) + Fraction(30, 31)
    assert months_between(D(2024, 1, 31), D(2024, 2, 28)) == 1  # to the end of a short month
    assert date_after(D(2016, 1, 1), Fraction(120)) == D(2025, 12, 31)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)


# Each case: postings, sex, awards held, died on → eligible, eligible from, months counted.
CASES = {
    "exactly ten years full-time": (
        [posting(D(2016, 1, 1), D(2025, 12, 31))],
        Sex.MALE,
        (),
        None,
        True,
        D(2025, 12, 31),
        Fraction(120),
    ),
    "one day short of ten years": (
        [posting(D(2016, 1, 2), D(2025, 12, 31))],
        Sex.MALE,
        (),
        None,
        False,
        None,
        Fraction(119) + Fraction(30, 31),
    ),
    "fifteen years part-time count as ten": (
        [posting(D(2011, 1, 1), D(2025, 12, 31), full_time=False)],
        Sex.MALE,
        (),
        None,
        True,
        D(2025, 12, 31),
        Fraction(120),
    ),
    "five years full-time then nine part-time": (
        [
            posting(D(2010, 1, 1), D(2014, 12, 31)),
            posting(D(2015, 1, 1), D(2023, 12, 31), full_time=False),
        ],
        Sex.MALE,
        (),
        None,
        True,
        # 60 full-time months, then 60 more counted = 90 part-time months from 1/1/2015.
        D(2022, 6, 30),
        Fraction(60 + 72),
    ),
    "five years full-time then seven part-time is short": (
        [
            posting(D(2010, 1, 1), D(2014, 12, 31)),
            posting(D(2015, 1, 1), D(2021, 12, 31), full_time=False),
        ],
        Sex.MALE,
        (),
        None,
        False,
        None,
        Fraction(60 + 56),
    ),
    "seven years in a hardship area count ×1.5": (
        [posting(D(2015, 1, 1), D(2021, 12, 31), hardship=True)],
        Sex.MALE,
        (),
        None,
        True,
        D(2021, 8, 31),  # 80 months × 1.5 = 120
        Fraction(126),
    ),
    "a woman needs a third less": (
        [posting(D(2019, 1, 1))],
        Sex.FEMALE,
        (),
        None,
        True,
        D(2025, 8, 31),  # 80 months from 1/1/2019
        Fraction(96),
    ),
    "a woman not yet, with the date when": (
        [posting(D(2021, 1, 1))],
        Sex.FEMALE,
        (),
        None,
        False,
        D(2027, 8, 31),
        Fraction(72),
    ),
    "a high award brings it two years earlier": (
        [posting(D(2018, 1, 1))],
        Sex.MALE,
        (("cstd_toan_quoc", 2022),),
        None,
        True,
        D(2025, 12, 31),  # 96 months
        Fraction(108),
    ),
    "seven years of which three leading": (
        [
            posting(D(2019, 1, 1), D(2022, 12, 31)),
            posting(D(2023, 1, 1), D(2025, 12, 31), manager=True),
        ],
        Sex.MALE,
        (),
        None,
        True,
        D(2025, 12, 31),
        Fraction(84),
    ),
    "never posthumously": (
        [posting(D(2000, 1, 1), D(2026, 4, 30))],
        Sex.MALE,
        (),
        D(2026, 5, 1),
        False,
        None,
        None,
    ),
    "once only": (
        [posting(D(2000, 1, 1))],
        Sex.MALE,
        ((MEDAL_CODE, 2020),),
        None,
        False,
        None,
        None,
    ),
    "overlapping postings count each day once": (
        [
            posting(D(2016, 1, 1), D(2025, 12, 31), pk=1),
            posting(D(2018, 1, 1), D(2020, 12, 31), full_time=False, pk=2),
        ],
        Sex.MALE,
        (),
        None,
        True,
        D(2025, 12, 31),
        Fraction(120),
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_medal_verdicts_on_hand_worked_cases(name):
    postings, sex, awards, died_on, eligible, eligible_from, counted = CASES[name]

    result = verdict(postings, sex=sex, awards=awards, died_on=died_on)

    assert result.eligible is eligible
    assert result.eligible_from == eligible_from
    if counted is not None:
        assert result.counted == counted


def test_a_verdict_explains_each_posting_and_the_rule():
    result = verdict(
        [
            posting(D(2010, 1, 1), D(2014, 12, 31)),
            posting(D(2015, 1, 1), D(2021, 12, 31), full_time=False, hardship=True),
        ]
    )
    periods = result.explanation["periods"]
    assert [(p["from"], p["to"], p["months"], p["weight"]) for p in periods] == [
        ("2010-01-01", "2014-12-31", 60.0, 1.0),
        ("2015-01-01", "2021-12-31", 84.0, 1.0),  # part-time 2/3 × hardship 1.5
    ]
    assert result.explanation["counted"] == 144.0
    assert result.explanation["required_steps"] == [{"step": "base", "months": 120.0}]
    assert result.eligible_from == D(2019, 12, 31)


def test_the_short_case_names_what_is_missing():
    result = verdict(
        [
            posting(D(2010, 1, 1), D(2014, 12, 31)),
            posting(D(2015, 1, 1), D(2021, 12, 31), full_time=False),
        ]
    )
    assert result.explanation["reasons"] == [
        {"code": "short", "missing": {"years": 0, "months": 4, "days": 0}}
    ]


# Titles


def title_rule(code="cstd_tinh", needs="cstd_co_so", years=3) -> TitleRule:
    return TitleRule(
        award_code=code,
        prerequisite_code=needs,
        consecutive_years=years,
        effective_from=D(2024, 1, 1),
    )


@pytest.mark.parametrize(
    ("held", "eligible", "when"),
    [
        ([2024, 2025, 2026], True, D(2026, 12, 31)),
        ([2025, 2026], False, D(2027, 12, 31)),
        ([2023, 2024, 2025], False, D(2026, 12, 31)),  # needs this year's too
        ([2022, 2024, 2026], False, D(2028, 12, 31)),  # not consecutive
        ([], False, D(2028, 12, 31)),
    ],
)
def test_provincial_emulation_fighter_after_three_consecutive_years(held, eligible, when):
    result = evaluate_title(title_rule(), awards=[("cstd_co_so", y) for y in held], year=2026)

    assert (result.eligible, result.eligible_from) == (eligible, when)


def test_the_run_counts_after_the_title_was_last_awarded():
    held = [("cstd_co_so", y) for y in range(2021, 2027)] + [("cstd_tinh", 2024)]

    result = evaluate_title(title_rule(), awards=held, year=2026)

    assert not result.eligible
    assert result.explanation["run"] == [2025, 2026]
    assert result.eligible_from == D(2027, 12, 31)


def test_a_title_already_awarded_this_year_is_not_proposed_again():
    held = [("cstd_co_so", y) for y in (2024, 2025, 2026)] + [("cstd_tinh", 2026)]

    result = evaluate_title(title_rule(), awards=held, year=2026)

    assert not result.eligible
    assert result.explanation["reasons"] == [{"code": "already_awarded", "year": 2026}]


# Runs, stored verdicts and a rule changed mid-career


def test_a_rule_changed_mid_career_changes_verdicts_from_its_date_only(tree, city_admin):
    cadre = make_cadre(tree.a.commune, "Phạm Văn Dũng")
    post(cadre, tree.a.front, D(2016, 1, 1))
    seeded = MedalRule.objects.get(award_code=MEDAL_CODE)

    run_eligibility(2025)
    before = Verdict.objects.get(cadre=cadre, award_code=MEDAL_CODE, year=2025)
    assert before.eligible and before.medal_rule == seeded
    assert before.eligible_from == D(2025, 12, 31)

    # From 2026 the rule asks 12 years: the 2025 verdict stays, the 2026 one follows it.
    successor = revise_rule(
        seeded, {"years_full_time": Decimal(12)}, actor=city_admin, effective_from=D(2026, 1, 1)
    )
    run_eligibility(2026)

    assert Verdict.objects.get(pk=before.pk).eligible
    assert Verdict.objects.get(pk=before.pk).medal_rule == seeded
    after = Verdict.objects.get(cadre=cadre, award_code=MEDAL_CODE, year=2026)
    assert not after.eligible
    assert after.medal_rule == successor
    assert after.eligible_from == D(2027, 12, 31)
    assert after.explanation["reasons"] == [{"code": "not_yet", "date": "2027-12-31"}]
    seeded.refresh_from_db()
    assert seeded.effective_to == D(2025, 12, 31)


def test_the_run_stores_a_verdict_per_cadre_in_the_scope_of_their_unit_now(tree):
    moved = make_cadre(tree.a.commune, "Hoàng Thị Én", sex=Sex.FEMALE)
    post(moved, tree.a.front, D(2010, 1, 1), D(2019, 12, 31))
    post(moved, tree.b.front, D(2020, 1, 1))

    result = run_eligibility(2026)

    verdict = Verdict.objects.get(cadre=moved, award_code=MEDAL_CODE)
    assert verdict.eligible
    assert verdict.scope_unit == tree.b.front
    assert result.eligible[MEDAL_CODE] == 1
