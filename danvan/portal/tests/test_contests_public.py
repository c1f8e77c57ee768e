"""The contests on the portal: published results per round and cluster, the live scoreboard
that shows only the scores revealed in the hall, and nothing unpublished anywhere."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from danvan.contests import services
from danvan.contests.tests.conftest import score_everything
from danvan.contests.tests.test_results import TABLE

pytestmark = pytest.mark.django_db


def _closed(world, preliminary):
    score_everything(world, preliminary, TABLE)
    return services.close_round(actor=world.officer, round_=preliminary.round)


def test_a_contest_with_nothing_published_is_not_on_the_portal(world, preliminary, client):
    round_ = _closed(world, preliminary)
    services.confirm_round(actor=world.officer, round_=round_)
    assert world.contest.name not in client.get(reverse("public:contests")).content.decode()
    for name in ("contest", "scoreboard", "board"):
        assert client.get(reverse(f"public:{name}", args=[world.contest.pk])).status_code == 404


def test_published_results_show_each_clusters_ranking_and_prizes(world, preliminary, client):
    round_ = _closed(world, preliminary)
    services.confirm_round(actor=world.officer, round_=round_)
    services.publish_round(actor=world.officer, round_=round_)
    page = client.get(reverse("public:contest", args=[world.contest.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Cụm thi đua số 1" in text and "Cụm thi đua số 2" in text
    assert "Đội thi phường Ba Đình" in text
    assert "Giải Nhất" in text
    assert "public" in page["Cache-Control"]
    assert world.contest.name in client.get(reverse("public:contests")).content.decode()


def test_the_scoreboard_shows_only_revealed_scores(world, preliminary, client):
    # Every sheet of Ba Đình and Hà Đông is complete; only Ba Đình's are revealed. Hà Đông's
    # sketch (17 from each judge) is scored but not shown.
    score_everything(world, preliminary, {0: TABLE[0], 1: TABLE[1]})
    entry = preliminary.entries[world.wards[0].pk]
    services.reveal_scores(
        actor=world.officer, round_=preliminary.round, entry=entry, part=preliminary.sketch
    )
    cache.clear()
    board = client.get(reverse("public:board", args=[world.contest.pk]))
    assert board.status_code == 200
    text = board.content.decode()
    assert "18" in text  # Ba Đình's sketch, shown
    assert "17" not in text  # Hà Đông's sketch, not shown
    assert "max-age=3" in board["Cache-Control"]
    page = client.get(reverse("public:scoreboard", args=[world.contest.pk])).content.decode()
    assert 'hx-trigger="every 5s"' in page


def test_the_scoreboard_refreshes_from_the_server_after_a_reveal(world, preliminary, client):
    score_everything(world, preliminary, {0: TABLE[0], 1: TABLE[1]})
    services.reveal_scores(
        actor=world.officer, round_=preliminary.round,
        entry=preliminary.entries[world.wards[0].pk], part=preliminary.sketch,
    )  # fmt: skip
    url = reverse("public:board", args=[world.contest.pk])
    assert "17" not in client.get(url).content.decode()
    services.reveal_scores(actor=world.officer, round_=preliminary.round)
    cache.clear()  # the few seconds the board is kept have passed
    assert "17" in client.get(url).content.decode()


def test_closed_but_unpublished_results_stay_off_the_portal(world, preliminary, client):
    score_everything(world, preliminary, {0: TABLE[0]})
    services.reveal_scores(actor=world.officer, round_=preliminary.round)  # Ba Đình only
    score_everything(world, preliminary, {i: TABLE[i] for i in range(1, 6)})
    round_ = services.close_round(actor=world.officer, round_=preliminary.round)
    services.confirm_round(actor=world.officer, round_=round_)
    page = client.get(reverse("public:contest", args=[world.contest.pk])).content.decode()
    assert "chưa được công bố" in page  # "not published yet"
    assert "Giải Nhất" not in page
    board = client.get(reverse("public:board", args=[world.contest.pk])).content.decode()
    assert "Giải Nhất" not in board
    assert "Đội thi phường Long Biên" in board
    assert "46" not in board  # Long Biên's total, computed but not published


def test_public_pages_keep_their_query_count(world, preliminary, client, tree):
    round_ = _closed(world, preliminary)
    services.confirm_round(actor=world.officer, round_=round_)
    services.publish_round(actor=world.officer, round_=round_)
    urls = [
        reverse("public:contests"),
        reverse("public:contest", args=[world.contest.pk]),
        reverse("public:board", args=[world.contest.pk]),
    ]
    counts = []
    for url in urls:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert Client().get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] <= 3 and counts[1] <= 10 and counts[2] <= 8, counts
    # Kept a few seconds: the next visitors cost no query at all.
    with CaptureQueriesContext(connection) as captured:
        assert Client().get(urls[2]).status_code == 200
    assert len(captured) == 0
