"""Supervision boards: eligibility refused with its reasons, the dated minimum of members,
recommendations sent as citizen's-voice cases to the responsible unit; the dialogue."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from danvan.democracy import services
from danvan.democracy.metrics import boards_in_place
from danvan.democracy.models import Board, BoardMember, BoardRule
from danvan.voice import services as voice_services
from danvan.voice.models import Kind, Status

START = datetime.date(2026, 1, 15)


@pytest.fixture
def inspection(tree, clerk_a):
    return services.set_up_board(
        actor=clerk_a,
        commune=tree.a.commune,
        kind="inspection",
        name="Ban Thanh tra nhân dân phường Ba Đình",
        term_start=START,
    )


@pytest.fixture
def investment(tree, clerk_a):
    return services.set_up_board(
        actor=clerk_a,
        commune=tree.a.commune,
        kind="investment",
        name="Ban Giám sát đầu tư cộng đồng: cải tạo ngõ 12",
        project="Cải tạo, nâng cấp ngõ 12",
        project_owner="Ban Quản lý dự án phường Ba Đình",
        contractor="Công ty TNHH Xây dựng Hồng Hà",
        term_start=START,
    )


def add(actor, board, name, **extra):
    return services.add_member(actor=actor, board=board, full_name=name, joined_on=START, **extra)


def test_a_commune_official_is_refused_with_the_reason(inspection, clerk_a):
    with pytest.raises(ValidationError) as refused:
        add(clerk_a, inspection, "Lê Văn Cán", is_commune_official=True, workplace="UBND phường")
    text = " ".join(refused.value.messages)
    assert "Lê Văn Cán cannot sit on this board" in text
    assert "commune's authorities" in text and "Luật 10/2022/QH15" in text
    assert not BoardMember.objects.exists()


def test_people_tied_to_the_owner_or_contractor_are_refused(investment, clerk_a):
    with pytest.raises(ValidationError, match="the contractor"):
        add(clerk_a, investment, "Phạm Văn Thợ", workplace="Cong ty TNHH xay dung Hong Ha")
    with pytest.raises(ValidationError, match="project's owner"):
        add(clerk_a, investment, "Vũ Thị Quản", workplace="Ban quản lý dự án phường Ba Đình")
    with pytest.raises(ValidationError, match="related to the project"):
        add(clerk_a, investment, "Đỗ Văn Họ", tied_to_project=True)
    assert not BoardMember.objects.exists()
    member = add(clerk_a, investment, "Nguyễn Thị Dân", workplace="Trường Tiểu học Ba Đình")
    assert member.rule == BoardRule.objects.get(board_kind="investment")


def test_ties_to_a_project_do_not_bar_a_people_s_inspector(inspection, clerk_a):
    """The inspection board's rule excludes officials only."""
    assert add(clerk_a, inspection, "Đỗ Văn Họ", tied_to_project=True).pk


def test_a_board_is_in_place_with_the_minimum_members(inspection, clerk_a):
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"]
    for name in names:
        add(clerk_a, inspection, name)
    day = datetime.date(2026, 3, 1)
    assert not boards_in_place(Board.objects.all(), day)  # four of the five the rule asks
    fifth = add(clerk_a, inspection, "Hoàng Văn Em")
    assert boards_in_place(Board.objects.all(), day) == {inspection.pk}
    services.member_leaves(actor=clerk_a, member=fifth, left_on=datetime.date(2026, 2, 1))
    assert not boards_in_place(Board.objects.all(), day)


def test_recommendation_becomes_a_case_of_the_responsible_unit(tree, inspection, clerk_a):
    finding = services.record_finding(
        actor=clerk_a,
        board=inspection,
        found_on=datetime.date(2026, 3, 10),
        summary="Chậm công khai danh sách hộ nghèo quý I.",
    )
    recommendation = services.send_recommendation(
        actor=clerk_a,
        board=inspection,
        finding=finding,
        title="Công khai danh sách hộ nghèo đúng hạn",
        text="Đề nghị UBND phường niêm yết danh sách trong 5 ngày làm việc.",
        responsible=tree.a.state,
    )
    case = recommendation.case
    assert case.kind == Kind.RECOMMENDATION and case.responsible == tree.a.state
    assert case.deadline is not None and case.deadline_rule is not None
    assert "Ban Thanh tra nhân dân" in case.description
    case = voice_services.accept_case(actor=clerk_a, case=case)
    voice_services.answer_case(actor=clerk_a, case=case, answer="Đã niêm yết ngày 20/3.")
    recommendation.case.refresh_from_db()
    assert recommendation.case.status == Status.ANSWERED


def test_recommendation_to_a_unit_outside_the_scope_is_forwarded(tree, inspection, clerk_a):
    recommendation = services.send_recommendation(
        actor=clerk_a,
        board=inspection,
        title="Sửa chữa đèn chiếu sáng",
        text="Đề nghị Thành ủy chỉ đạo.",
        responsible=tree.city_party,
    )
    assert recommendation.case.responsible == tree.city_party
    assert recommendation.case.status == Status.RECEIVED


def test_recommendation_to_a_hamlet_is_refused(tree, inspection, clerk_a):
    with pytest.raises(ValidationError, match="committee, agency or school"):
        services.send_recommendation(
            actor=clerk_a, board=inspection, title="X", text="Y", responsible=tree.a.hamlet
        )


def test_clerk_of_another_commune_cannot_add_members(inspection, clerk_b):
    with pytest.raises(PermissionDenied):
        add(clerk_b, inspection, "Nguyễn Văn An")


def test_dialogue_needs_a_question_and_is_not_in_the_future(tree, clerk_a):
    with pytest.raises(ValidationError, match="at least one question"):
        services.record_dialogue(
            actor=clerk_a,
            commune=tree.a.commune,
            held_on=datetime.date(2026, 6, 5),
            place="Hội trường UBND phường",
            chaired_by="Chủ tịch UBND phường",
            participants=120,
            items=[("  ", "", "")],
        )
    dialogue = services.record_dialogue(
        actor=clerk_a,
        commune=tree.a.commune,
        held_on=datetime.date(2026, 6, 5),
        place="Hội trường UBND phường",
        chaired_by="Chủ tịch UBND phường",
        participants=120,
        items=[("Khi nào sửa cống ngõ 5?", "Quý III/2026.", "Giao phòng Kinh tế theo dõi")],
    )
    item = dialogue.items.get()
    services.mark_follow_up_done(actor=clerk_a, item=item)
    item.refresh_from_db()
    assert item.follow_up_done
