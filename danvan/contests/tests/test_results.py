"""Judging a round and its results: the sheet's refusals, closing (ranking, tie-break by a
recorded draw, advancement, prizes), closing twice, confirming, publishing, and the winners
going up the tree of contests."""

import random
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from danvan.contests import services
from danvan.contests.models import (
    ContestStatus,
    Level,
    PartKind,
    PartResult,
    Prize,
    RoundKind,
    RoundStatus,
    Score,
    Team,
)
from danvan.contests.tests.conftest import fill, score_everything
from danvan.core.models import AuditEntry

# Ward index → (greeting points [content, time], sketch points [script]) from every judge.
# Cluster 1 (Ba Đình 0, Hà Đông 1, Tây Hồ 2), cluster 2 (Long Biên 3, Cầu Giấy 4, Đống Đa 5).
TABLE = {
    0: ([9, 2], [18]),  # 11 + 2 × 18 = 47
    1: ([8, 2], [17]),  # 10 + 34 = 44
    2: ([7, 1], [15]),  # 8 + 30 = 38
    3: ([6, 2], [19]),  # 8 + 38 = 46
    4: ([10, 2], [16]),  # 12 + 32 = 44
    5: ([5, 1], [10]),  # 6 + 20 = 26
}


def test_a_judge_saves_and_corrects_their_own_sheet_with_an_audit_entry(world, preliminary):
    judge = world.judges[0]
    entry = preliminary.entries[world.wards[0].pk]
    content = preliminary.greeting.rubric.criteria.first()
    services.save_score(
        actor=judge, entry=entry, part=preliminary.greeting, criterion=content, value="8,5"
    )
    services.save_score(
        actor=judge, entry=entry, part=preliminary.greeting, criterion=content, value="9"
    )
    score = Score.objects.get(juror=judge, entry=entry, criterion=content)
    assert score.value == Decimal("9.0")
    changes = AuditEntry.objects.filter(action="contests.score").order_by("pk")
    assert [e.after["points"][str(content.pk)] for e in changes] == ["8.5", "9.0"]
    assert changes.last().before["points"][str(content.pk)] == "8.5"


@pytest.mark.parametrize(
    ("criterion", "value", "message"),
    [
        (0, "10,5", "between 0 and 10"),
        (0, "-1", "between 0 and 10"),
        (0, "mười", "is not a number"),
        (0, "8.25", "whole or half points"),
        (1, "1.5", "whole points only"),
    ],
)
def test_bad_points_are_refused_with_a_clear_message_and_nothing_saved(
    world, preliminary, criterion, value, message
):
    entry = preliminary.entries[world.wards[0].pk]
    target = list(preliminary.greeting.rubric.criteria.all())[criterion]
    with pytest.raises(ValidationError, match=message):
        services.save_score(
            actor=world.judges[0], entry=entry, part=preliminary.greeting, criterion=target,
            value=value,
        )  # fmt: skip
    assert not Score.objects.exists()


def test_a_sheet_with_one_bad_value_saves_none_of_its_values(world, preliminary):
    entry = preliminary.entries[world.wards[0].pk]
    content, time = preliminary.greeting.rubric.criteria.all()
    with pytest.raises(ValidationError):
        services.record_sheet(
            actor=world.judges[0], entry=entry, part=preliminary.greeting,
            values={content.pk: "8", time.pk: "3"},
        )  # fmt: skip
    assert not Score.objects.exists()


def test_someone_who_is_not_a_judge_of_the_round_cannot_score(world, preliminary, city_officer):
    entry = preliminary.entries[world.wards[0].pk]
    with pytest.raises(PermissionDenied):
        fill(judge=city_officer, entry=entry, part=preliminary.greeting, points=[5, 1])


def test_a_judge_of_one_cluster_cannot_score_a_team_of_the_other(world, teams, city_officer):
    round_ = services.add_round(
        actor=city_officer, contest=world.contest, name="Sơ khảo", kind=RoundKind.PRELIMINARY,
        scoring_rule=world.mean, by_cluster=True, advance_per_cluster=1,
    )  # fmt: skip
    part = services.add_part(
        actor=city_officer, round_=round_, name="Chào hỏi", kind=PartKind.GREETING,
        rubric=world.greeting,
    )  # fmt: skip
    first, second = world.contest.clusters.order_by("number")
    services.assign_judge(
        actor=city_officer, round_=round_, juror=world.judges[0], home_unit=world.board,
        cluster=first,
    )  # fmt: skip
    services.assign_judge(
        actor=city_officer, round_=round_, juror=world.judges[1], home_unit=world.front,
        cluster=second,
    )  # fmt: skip
    services.open_round(actor=city_officer, round_=round_)
    other = round_.entries.filter(team__cluster=second).first()
    with pytest.raises(ValidationError, match="outside your assignment"):
        fill(judge=world.judges[0], entry=other, part=part, points=[5, 1])
    assert not Score.objects.exists()


def _close(world, preliminary, **kwargs):
    score_everything(world, preliminary, TABLE)
    return services.close_round(actor=world.officer, round_=preliminary.round, **kwargs)


def test_closing_refuses_while_sheets_are_missing_and_says_which(world, preliminary):
    score_everything(world, preliminary, {i: TABLE[i] for i in range(5)})
    with pytest.raises(ValidationError) as refused:
        services.close_round(actor=world.officer, round_=preliminary.round)
    text = " ".join(refused.value.messages)
    assert "Đội thi phường Đống Đa – Chào hỏi: 0 of 3 judges have scored." in text
    preliminary.round.refresh_from_db()
    assert preliminary.round.status == RoundStatus.SCORING


def test_closing_ranks_per_cluster_advances_the_best_and_proposes_the_prizes(world, preliminary):
    round_ = _close(world, preliminary)
    assert round_.status == RoundStatus.CLOSED
    assert round_.result_rule == world.mean
    rows = {
        e.team.unit.name: (e.total, e.rank, e.cluster_rank, e.advanced)
        for e in round_.entries.select_related("team__unit")
    }
    assert rows["Phường Ba Đình"] == (Decimal("47.000"), 1, 1, True)
    assert rows["Phường Long Biên"] == (Decimal("46.000"), 2, 1, True)
    assert rows["Phường Hà Đông"][2:] == (2, False)
    prizes = {
        (p.unit.name, p.kind.code, p.rank) for p in Prize.objects.select_related("unit", "kind")
    }
    assert ("Phường Ba Đình", "nhat", 1) in prizes
    assert ("Phường Long Biên", "nhat", 1) in prizes
    assert ("Phường Đống Đa", "ba", 3) in prizes
    assert len(prizes) == 6
    title = Prize.objects.get(unit=world.wards[3]).title
    assert title == (
        "Giải Nhất cụm thi đua số 2 – Hội thi “Dân vận khéo” thành phố Hà Nội năm 2025"
    )


def test_a_tie_on_total_and_sketch_goes_to_the_head_judge(world, preliminary):
    # Hà Đông and Cầu Giấy both make 44, but in different clusters; in cluster 2 make Cầu
    # Giấy and Long Biên tie: both 46 with the same sketch, and the head judge preferred
    # Long Biên's greeting.
    table = dict(TABLE)
    table[3] = ([[7, 2], [6, 2], [5, 2]], [19])  # greeting mean 8, sketch 19 → 46
    table[4] = ([[5, 2], [6, 2], [7, 2]], [19])  # greeting mean 8, sketch 19 → 46
    score_everything(world, preliminary, table)
    round_ = services.close_round(actor=world.officer, round_=preliminary.round)
    long_bien = round_.entries.get(team__unit=world.wards[3])
    cau_giay = round_.entries.get(team__unit=world.wards[4])
    assert long_bien.total == cau_giay.total == Decimal("46.000")
    assert (long_bien.cluster_rank, cau_giay.cluster_rank) == (1, 2)
    assert long_bien.tie_note == "head"


def test_a_tie_only_a_draw_breaks_is_drawn_once_and_recorded(world, preliminary):
    table = dict(TABLE)
    table[3] = ([6, 2], [19])  # 46
    table[4] = ([6, 2], [19])  # 46: same sheets from every judge
    score_everything(world, preliminary, table)
    round_ = services.close_round(
        actor=world.officer, round_=preliminary.round, rng=random.Random(7)
    )
    tied = list(round_.entries.filter(team__unit__in=world.wards[3:5]).order_by("cluster_rank"))
    assert [e.cluster_rank for e in tied] == [1, 2]
    assert all(e.tie_note == "draw" and e.lot for e in tied)
    draw = AuditEntry.objects.get(action="contests.draw")
    assert set(draw.after["lots"]) == {str(e.team_id) for e in tied}
    # Reopened and closed again, the lots drawn are kept: the same order.
    services.reopen_round(actor=world.officer, round_=round_)
    round_ = services.close_round(actor=world.officer, round_=round_, rng=random.Random(99))
    again = list(round_.entries.filter(team__unit__in=world.wards[3:5]).order_by("cluster_rank"))
    assert [e.pk for e in again] == [e.pk for e in tied]
    assert AuditEntry.objects.filter(action="contests.draw").count() == 1


def test_closing_twice_changes_nothing(world, preliminary):
    round_ = _close(world, preliminary)
    snapshot = (
        list(round_.entries.values_list("pk", "total", "rank", "cluster_rank", "advanced")),
        list(Prize.objects.values_list("pk", "team_id", "kind_id", "rank")),
        list(PartResult.objects.values_list("pk", "score")),
        AuditEntry.objects.count(),
    )
    with pytest.raises(ValidationError, match="already closed"):
        services.close_round(actor=world.officer, round_=round_)
    assert snapshot == (
        list(round_.entries.values_list("pk", "total", "rank", "cluster_rank", "advanced")),
        list(Prize.objects.values_list("pk", "team_id", "kind_id", "rank")),
        list(PartResult.objects.values_list("pk", "score")),
        AuditEntry.objects.count(),
    )


def test_no_score_changes_after_closing(world, preliminary):
    round_ = _close(world, preliminary)
    entry = round_.entries.get(team__unit=world.wards[0])
    with pytest.raises(ValidationError, match="closed"):
        fill(judge=world.judges[0], entry=entry, part=preliminary.greeting, points=[1, 1])
    assert Score.objects.filter(entry=entry, juror=world.judges[0], value=1).count() == 0


def _final(world):
    final = services.add_round(
        actor=world.officer, contest=world.contest, name="Chung khảo", kind=RoundKind.FINAL,
        scoring_rule=world.trimmed, advance_per_cluster=1,
    )  # fmt: skip
    services.add_part(
        actor=world.officer, round_=final, name="Tiểu phẩm", kind=PartKind.SKETCH,
        rubric=world.sketch,
    )  # fmt: skip
    for judge, home in zip(world.judges, world.homes, strict=True):
        services.assign_judge(actor=world.officer, round_=final, juror=judge, home_unit=home)
    return final


def test_confirming_sends_the_cluster_winners_to_the_final(world, preliminary):
    final = _final(world)
    round_ = _close(world, preliminary)
    with pytest.raises(ValidationError, match="Confirm the results of the earlier rounds"):
        services.open_round(actor=world.officer, round_=final)
    services.confirm_round(
        actor=world.officer, round_=round_, decision_number=12, decision_symbol="QĐ-BTGDV",
        decision_date=round_.closed_at.date(), signer_name="Nguyễn Văn A",
        signer_title="Trưởng ban",
    )  # fmt: skip
    assert sorted(final.entries.values_list("team__unit__name", flat=True)) == [
        "Phường Ba Đình",
        "Phường Long Biên",
    ]
    assert Prize.objects.confirmed().count() == 6
    assert set(Prize.objects.values_list("decision_number", flat=True)) == {12}
    services.open_round(actor=world.officer, round_=final)
    final.refresh_from_db()
    assert final.status == RoundStatus.SCORING


def test_the_winners_of_a_ward_contest_go_up_to_the_city_contest(world, tree, city_officer):
    ward_contest = services.create_contest(
        actor=city_officer, organiser=tree.a.party, name="Hội thi phường Ba Đình 2025",
        year=2025, level=Level.COMMUNE, parent=world.contest, sends_up=1,
    )  # fmt: skip
    services.open_registration(actor=city_officer, contest=ward_contest)
    hamlets = [tree.a.hamlet, tree.a.front]
    for unit in hamlets:
        services.register_team(actor=city_officer, contest=ward_contest, unit=unit)
    final = services.add_round(
        actor=city_officer, contest=ward_contest, name="Chung khảo", kind=RoundKind.FINAL,
        scoring_rule=world.mean,
    )  # fmt: skip
    part = services.add_part(
        actor=city_officer, round_=final, name="Tiểu phẩm", kind=PartKind.SKETCH,
        rubric=world.sketch,
    )  # fmt: skip
    services.assign_judge(
        actor=city_officer, round_=final, juror=world.judges[0], home_unit=world.board
    )
    services.open_round(actor=city_officer, round_=final)
    for entry, points in zip(final.entries.order_by("order"), ([15], [18]), strict=True):
        fill(judge=world.judges[0], entry=entry, part=part, points=points)
    services.close_round(actor=city_officer, round_=final)
    services.confirm_round(actor=city_officer, round_=final)
    ward_contest.refresh_from_db()
    assert ward_contest.status == ContestStatus.FINISHED
    sent = services.send_winners_up(actor=city_officer, contest=ward_contest)
    assert [t.unit for t in sent] == [tree.a.front]  # 18 beats 15
    up = Team.objects.get(contest=world.contest, unit=tree.a.front)
    assert up.source.contest == ward_contest
    # Sending again changes nothing.
    assert services.send_winners_up(actor=city_officer, contest=ward_contest) == []
    assert Team.objects.filter(contest=world.contest).count() == 1


def test_publishing_needs_confirmed_results(world, preliminary):
    round_ = _close(world, preliminary)
    with pytest.raises(ValidationError):
        services.publish_round(actor=world.officer, round_=round_)
    services.confirm_round(actor=world.officer, round_=round_)
    round_ = services.publish_round(actor=world.officer, round_=round_)
    assert round_.published_at is not None
    assert Prize.objects.published().count() == 6


def test_a_revealed_part_is_locked_for_the_judges(world, preliminary):
    score_everything(world, preliminary, {0: TABLE[0]})
    entry = preliminary.entries[world.wards[0].pk]
    shown = services.reveal_scores(actor=world.officer, round_=preliminary.round)
    assert shown == 2  # the greeting and the sketch of Ba Đình
    result = PartResult.objects.get(entry=entry, part=preliminary.sketch)
    assert result.score == Decimal("18.00") and result.revealed_at is not None
    with pytest.raises(ValidationError, match="already on the scoreboard"):
        fill(judge=world.judges[1], entry=entry, part=preliminary.sketch, points=[2])
