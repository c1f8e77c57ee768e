"""Nomination files: the authority table, the council's vote at its thresholds, freezes by
discipline and by a pending case, ties, decisions and their register, external decisions,
revocation. Bad input gets a clear message and changes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from conftest import make_user
from danvan.accounts.models import Role
from danvan.awards import services
from danvan.awards.models import (
    Award,
    AwardType,
    Decision,
    Nomination,
    NominationStatus,
    Vote,
)
from danvan.awards.tests.conftest import discipline, make_cadre, nominate, post, submitted, vote
from danvan.cadres.models import Sex
from danvan.core.models import AuditEntry
from danvan.organisations.services import revise_rule
from danvan.voice.models import Case, Category, Kind
from danvan.voice.models import Status as CaseStatus

D = datetime.date


# --- The authority table ----------------------------------------------------------------------


def test_a_ward_files_a_nomination_to_the_city_which_may_award_it(
    tree, clerk_a, city_committee, people
):
    nomination = nominate(clerk_a, tree.a.front, city_committee, cadre=people.an)

    assert nomination.status == NominationStatus.DRAFT
    assert nomination.authority.award_code == "bang_khen"
    assert nomination.authority.level == "city"
    assert "BÁO CÁO THÀNH TÍCH" in nomination.achievements  # the report's outline
    assert AuditEntry.objects.filter(action="awards.nominate").count() == 1


@pytest.mark.parametrize(
    ("code", "decider"),
    [
        ("cstd_tinh", "a.state"),  # a commune's chair cannot give a city title
        ("bang_khen", "a.state"),  # nor a Bằng khen
        ("cstd_tinh", "city_party"),  # the Thành ủy gives its Bằng khen, not state titles
    ],
)
def test_a_nomination_over_the_authoritys_powers_is_refused(tree, clerk_a, people, code, decider):
    body = tree
    for part in decider.split("."):
        body = getattr(body, part)

    with pytest.raises(ValidationError) as refused:
        nominate(clerk_a, tree.a.front, body, code=code, cadre=people.an)

    assert refused.value.code == "authority"
    assert "bảng thẩm quyền" in refused.value.messages[0]
    assert not Nomination.objects.exists()


def test_the_district_chairs_power_ended_with_the_districts(tree, city_officer):
    """A dated authority: a district could award CSTĐ cơ sở until 30 June 2025 only."""
    from danvan.organisations.models import UnitKind
    from danvan.organisations.services import create_unit

    district = create_unit(
        actor=None,
        parent=tree.city,
        name="Quận Ba Đình",
        kind=UnitKind.LEGACY_DISTRICT,
        valid_to=D(2025, 6, 30),
    )
    cstd = AwardType.objects.get(code="cstd_co_so")

    assert services.authority_for("cstd_co_so", district, D(2025, 6, 30)) is not None
    assert services.authority_for("cstd_co_so", district, D(2025, 7, 1)) is None
    with pytest.raises(ValidationError):
        services.require_authority(cstd, district, D(2025, 7, 1))
    assert services.authority_for("cstd_co_so", tree.a.state, D(2025, 7, 1)) is not None
    assert services.authority_for("cstd_co_so", tree.a.state, D(2025, 6, 30)) is None


def test_a_collective_award_to_a_person_is_refused(tree, clerk_a, city_committee, people):
    with pytest.raises(ValidationError) as refused:
        nominate(clerk_a, tree.a.front, city_committee, code="co_thi_dua_tinh", cadre=people.an)
    assert refused.value.code == "recipient_kind"


def test_a_clerk_cannot_nominate_for_another_ward(tree, clerk_b, city_committee, people):
    with pytest.raises(PermissionDenied):
        nominate(clerk_b, tree.a.front, city_committee, cadre=people.an)
    with pytest.raises(PermissionDenied):  # nor a person posted in ward A
        nominate(clerk_b, tree.b.front, city_committee, cadre=people.an)
    assert not Nomination.objects.exists()


def test_a_second_open_file_for_the_same_award_and_year_is_refused(
    tree, clerk_a, city_committee, people
):
    nominate(clerk_a, tree.a.front, city_committee, cadre=people.an)
    with pytest.raises(ValidationError) as refused:
        nominate(clerk_a, tree.a.front, city_committee, cadre=people.an)
    assert refused.value.code == "duplicate"
    assert Nomination.objects.count() == 1


def test_a_file_without_its_submission_is_not_sent_up(tree, clerk_a, city_committee, people):
    nomination = nominate(clerk_a, tree.a.front, city_committee, cadre=people.an, submission="")

    with pytest.raises(ValidationError) as refused:
        services.submit_nomination(actor=clerk_a, nomination=nomination)

    assert refused.value.code == "required"
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.DRAFT


# --- Votes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "yes", "approved"),
    [
        # CSTĐ thành phố needs 90 % of ALL five members: 5 of 5; 4 of 5 (80 %) is not enough.
        ("cstd_tinh", 5, True),
        ("cstd_tinh", 4, False),
        # Bằng khen (seeded at 50 %): 3 of 5 passes, 2 of 5 does not.
        ("bang_khen", 3, True),
        ("bang_khen", 2, False),
    ],
)
def test_the_vote_counts_all_members_at_the_threshold(
    tree, clerk_a, city_officer, city_committee, council, members, people, code, yes, approved
):
    nomination = submitted(clerk_a, tree.a.front, city_committee, code=code, cadre=people.an)
    vote(nomination, members, yes)  # the others do not vote: they count against

    closed = services.close_vote(actor=city_officer, nomination=nomination)

    assert closed.status == (NominationStatus.APPROVED if approved else NominationStatus.REJECTED)
    assert (closed.votes_for, closed.members_count) == (yes, 5)
    assert closed.outcome_rule == AwardType.objects.get(code=code)


def test_eighty_percent_is_enough_for_a_base_emulation_fighter(
    tree, clerk_a, city_officer, city_board, members, people
):
    council = services.set_up_council(
        actor=city_officer, unit=city_board, year=2026, name="Hội đồng Ban", members=members
    )
    nomination = submitted(clerk_a, tree.a.front, city_board, code="cstd_co_so", cadre=people.an)
    vote(nomination, members, 4, 1)

    closed = services.close_vote(actor=city_officer, nomination=nomination)

    assert closed.council == council
    assert closed.status == NominationStatus.APPROVED
    assert closed.threshold == Decimal(80)


def test_the_threshold_is_the_one_in_force_when_the_vote_closes(
    tree, clerk_a, city_admin, city_officer, city_committee, council, members, people
):
    nomination = submitted(clerk_a, tree.a.front, city_committee, cadre=people.an)
    vote(nomination, members, 3)
    bang_khen = AwardType.objects.get(code="bang_khen")
    successor = revise_rule(
        bang_khen,
        {"vote_threshold": Decimal(70)},
        actor=city_admin,
        effective_from=timezone.localdate(),
    )

    closed = services.close_vote(actor=city_officer, nomination=nomination)

    assert closed.status == NominationStatus.REJECTED  # 60 % < 70 %
    assert closed.outcome_rule == successor


def test_a_non_member_cannot_vote_and_a_member_votes_once(
    tree, clerk_a, city_officer, city_committee, council, members, people
):
    nomination = submitted(clerk_a, tree.a.front, city_committee, cadre=people.an)

    with pytest.raises(PermissionDenied):
        services.cast_vote(actor=city_officer, nomination=nomination, approve=True)
    services.cast_vote(actor=members[0], nomination=nomination, approve=True)
    with pytest.raises(ValidationError) as refused:
        services.cast_vote(actor=members[0], nomination=nomination, approve=False)

    assert refused.value.code == "twice"
    assert list(Vote.objects.values_list("member", "approve")) == [(members[0].pk, True)]


def test_only_the_decider_closes_the_vote(tree, clerk_a, city_committee, council, members, people):
    nomination = submitted(clerk_a, tree.a.front, city_committee, cadre=people.an)
    with pytest.raises(PermissionDenied):
        services.close_vote(actor=clerk_a, nomination=nomination)
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.SUBMITTED


# --- Freezes ----------------------------------------------------------------------------------


def test_an_open_discipline_freezes_the_proposal(
    tree, clerk_a, city_officer, city_committee, council, members, people
):
    nomination = submitted(clerk_a, tree.a.front, city_committee, cadre=people.an)
    discipline(people.an, timezone.localdate() - datetime.timedelta(days=3))

    with pytest.raises(ValidationError) as refused:
        services.cast_vote(actor=members[0], nomination=nomination, approve=True)
    assert refused.value.code == "frozen"
    assert "kỷ luật" in refused.value.messages[0]
    with pytest.raises(ValidationError):
        services.close_vote(actor=city_officer, nomination=nomination)
    assert not Vote.objects.exists()


def test_an_ended_discipline_no_longer_freezes(tree, clerk_a, city_committee, people):
    discipline(people.an, D(2020, 1, 1), until=D(2021, 1, 1))
    nomination = nominate(clerk_a, tree.a.front, city_committee, cadre=people.an)

    assert services.submit_nomination(actor=clerk_a, nomination=nomination).status == "in_transit"


def _case(tree, kind, status=CaseStatus.ACCEPTED) -> Case:
    case = Case.objects.create(
        kind=kind,
        channel="letter",
        category=Category.objects.get(pk=Category.objects.values_list("pk", flat=True)[0]),
        title="Đơn tố cáo cán bộ",
        description="Nội dung đơn",
        commune=tree.a.commune,
        responsible=tree.a.state,
        responsible_path=tree.a.state.path,
        status=status,
        code=f"CASE-{kind[:4]}-{status[:4]}".upper(),
    )
    return case


@pytest.mark.parametrize("kind", [Kind.COMPLAINT, Kind.DENUNCIATION])
def test_a_pending_complaint_or_denunciation_freezes_the_proposal(
    tree, clerk_a, city_officer, city_committee, people, kind
):
    case = _case(tree, kind)
    services.link_case(actor=city_officer, case=case, cadre=people.an, note="Về cán bộ An")
    nomination = nominate(clerk_a, tree.a.front, city_committee, cadre=people.an)

    with pytest.raises(ValidationError) as refused:
        services.submit_nomination(actor=clerk_a, nomination=nomination)
    assert case.code in refused.value.messages[0]

    # Once the case is closed, the file goes up.
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    assert services.submit_nomination(actor=clerk_a, nomination=nomination).status == "in_transit"


def test_a_collective_is_frozen_by_a_case_about_it(tree, clerk_a, city_officer, city_committee):
    case = _case(tree, Kind.COMPLAINT)
    services.link_case(actor=clerk_a, case=case, unit=tree.a.state)
    nomination = nominate(
        clerk_a, tree.a.front, city_committee, unit=tree.a.state, women_share=Decimal(40)
    )
    assert services.nomination_freeze(nomination)


def test_feedback_does_not_freeze(tree, city_officer, people):
    with pytest.raises(ValidationError) as refused:
        services.link_case(actor=city_officer, case=_case(tree, Kind.FEEDBACK), cadre=people.an)
    assert refused.value.code == "kind"


# --- Ties -------------------------------------------------------------------------------------


def test_on_a_tie_women_and_collectives_of_women_go_first(tree, clerk_a, city_committee, people):
    man = nominate(clerk_a, tree.a.front, city_committee, cadre=people.an)
    woman = nominate(clerk_a, tree.a.front, city_committee, cadre=people.binh)
    men_collective = nominate(
        clerk_a, tree.a.front, city_committee, unit=tree.a.front, women_share=Decimal(69)
    )
    women_collective = nominate(
        clerk_a, tree.a.front, city_committee, unit=tree.a.party, women_share=Decimal(70)
    )
    votes = {man.pk: 4, woman.pk: 4, men_collective.pk: 4, women_collective.pk: 4}

    order = services.ranked([man, men_collective, woman, women_collective], votes)

    assert order[:2] == [woman, women_collective]
    assert services.ranked([man, woman], {man.pk: 5, woman.pk: 4}) == [man, woman]


# --- Decisions --------------------------------------------------------------------------------


@pytest.fixture
def approved(tree, clerk_a, city_officer, city_committee, council, members, people):
    files = []
    for cadre in (people.an, people.binh):
        nomination = submitted(clerk_a, tree.a.front, city_committee, cadre=cadre)
        vote(nomination, members, 5)
        files.append(services.close_vote(actor=city_officer, nomination=nomination))
    return files


DECIDED_ON = D(2026, 12, 1)


def decide(actor, issuer, files, number=15, date=DECIDED_ON):
    return services.issue_decision(
        actor=actor,
        issuer=issuer,
        nominations=files,
        number=number,
        date=date,
        signer_name="Trần Sỹ Thanh",
        signer_title="Chủ tịch",
    )


def test_the_decision_creates_the_awards_with_their_money(
    tree, city_officer, city_committee, approved
):
    decision = decide(city_officer, city_committee, approved)

    assert decision.number_line == "15/QĐ-UBND"
    awards = list(decision.awards.order_by("id"))
    # Listed as ranked: equal votes, so the woman first.
    assert [a.recipient_name for a in awards] == ["Trần Thị Bình", "Nguyễn Văn An"]
    assert {a.amount for a in awards} == {2_340_000}  # 1.0 × the base salary of 1/7/2024
    assert awards[0].base_salary.amount == 2_340_000
    assert awards[0].scope_unit == tree.a.party  # Bình is posted in the Party committee
    assert set(Nomination.objects.values_list("status", flat=True)) == {"decided"}


def test_a_decision_number_is_used_once_in_the_issuers_register_for_the_year(
    tree, clerk_a, city_officer, city_committee, council, members, people, approved
):
    decide(city_officer, city_committee, approved[:1])
    before = (Decision.objects.count(), Award.objects.count())

    with pytest.raises(ValidationError) as refused:
        decide(city_officer, city_committee, approved[1:])

    assert refused.value.code == "number_used"
    assert (Decision.objects.count(), Award.objects.count()) == before
    # The same number in the next year's register is free.
    assert decide(city_officer, city_committee, approved[1:], date=D(2027, 1, 5)).number == 15


def test_a_clerk_cannot_issue_a_decision(tree, clerk_a, city_committee, approved):
    with pytest.raises(PermissionDenied):
        decide(clerk_a, city_committee, approved)
    assert not Decision.objects.exists()


def test_revocation_keeps_the_reason_and_the_money_to_recover(
    tree, city_officer, clerk_a, city_committee, approved
):
    award = decide(city_officer, city_committee, approved).awards.first()

    with pytest.raises(PermissionDenied):
        services.revoke_award(actor=clerk_a, award=award, reason="Gian lận")
    with pytest.raises(ValidationError):
        services.revoke_award(actor=city_officer, award=award, reason=" ")
    with pytest.raises(ValidationError):
        services.revoke_award(
            actor=city_officer, award=award, reason="Gian lận", money_to_recover=9_000_000
        )
    revoked = services.revoke_award(
        actor=city_officer, award=award, reason="Kê khai thành tích không trung thực"
    )

    assert revoked.revoked_on == timezone.localdate()
    assert revoked.money_to_recover == 2_340_000
    assert not Award.objects.active().filter(pk=award.pk).exists()
    with pytest.raises(ValidationError):
        services.revoke_award(actor=city_officer, award=award, reason="Lần nữa")


# --- The medal: decided outside, once only, never posthumously --------------------------------


@pytest.fixture
def medal_council(city_board, city_officer, members):
    return services.set_up_council(
        actor=city_officer, unit=city_board, year=2026, name="Hội đồng Ban", members=members
    )


def test_the_medal_is_sent_up_and_its_decision_recorded_when_it_comes_back(
    tree, clerk_a, city_officer, city_board, medal_council, members, people
):
    nomination = submitted(clerk_a, tree.a.front, city_board, code="knc_dan_van", cadre=people.an)
    vote(nomination, members, 3)
    services.close_vote(actor=city_officer, nomination=nomination)
    with pytest.raises(ValidationError) as refused:
        decide(city_officer, city_board, [nomination])
    assert refused.value.code == "external"

    services.send_up(actor=city_officer, nominations=[nomination], number=7, date=D(2026, 9, 1))
    decision = services.record_external_decision(
        actor=city_officer,
        nominations=[nomination],
        number=312,
        date=D(2026, 11, 20),
        symbol="QĐ/BDVTW",
        signer_name="Mai Văn Chính",
        signer_title="Trưởng Ban Dân vận Trung ương",
    )

    assert decision.issuer is None and decision.issuer_name == "Ban Dân vận Trung ương"
    award = decision.awards.get()
    assert award.cadre == people.an and award.amount is None
    # Once only: a second file for the same person is refused.
    with pytest.raises(ValidationError) as again:
        nominate(clerk_a, tree.a.front, city_board, code="knc_dan_van", cadre=people.an)
    assert again.value.code == "once_only"


def test_the_medal_is_never_posthumous(tree, clerk_a, city_board):
    late = make_cadre(tree.a.commune, "Đỗ Văn Giang", died_on=D(2025, 3, 1))
    post(late, tree.a.front, D(1995, 1, 1), D(2025, 3, 1))

    with pytest.raises(ValidationError) as refused:
        nominate(clerk_a, tree.a.front, city_board, code="knc_dan_van", cadre=late)

    assert refused.value.code == "posthumous"
    assert "không truy tặng" in refused.value.messages[0]


def test_a_bang_khen_may_still_be_posthumous(tree, clerk_a, city_committee):
    late = make_cadre(tree.a.commune, "Đỗ Văn Giang", sex=Sex.MALE, died_on=D(2025, 3, 1))
    post(late, tree.a.front, D(1995, 1, 1), D(2025, 3, 1))
    assert nominate(clerk_a, tree.a.front, city_committee, cadre=late).pk


def test_a_board_officer_of_another_ward_cannot_revoke(
    tree, city_committee, approved, city_officer
):
    award = decide(city_officer, city_committee, approved).awards.first()
    outsider = make_user("officer_b", Role.BOARD_OFFICER, tree.b.commune)
    with pytest.raises(PermissionDenied):
        services.revoke_award(actor=outsider, award=award, reason="Gian lận")
