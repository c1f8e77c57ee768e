"""The decision pages and the “send up” page make as many queries for many files as for a
few: the decision to issue (files approved), a decision with its awards, and the files to
send to the external authority and those sent."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from danvan.awards import services
from danvan.awards.tests.conftest import make_cadre, post, submitted, vote

D = datetime.date


@pytest.fixture
def medal_council(city_board, city_officer, members):
    return services.set_up_council(
        actor=city_officer, unit=city_board, year=2026, name="Hội đồng Ban", members=members
    )


def approve(tree, clerk_a, city_officer, members, decider, code, count, start):
    """`count` files approved by the decider's council, each for a new cadre of ward A."""
    files = []
    for index in range(start, start + count):
        cadre = make_cadre(tree.a.commune, f"Cán bộ {index}")
        post(cadre, tree.a.front, D(2000, 1, 1))
        nomination = submitted(clerk_a, tree.a.front, decider, code=code, cadre=cadre)
        vote(nomination, members, 5)
        files.append(services.close_vote(actor=city_officer, nomination=nomination))
    return files


def queries_of(client, url, **params) -> int:
    client.get(url, params)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


def test_the_decision_page_keeps_its_number_of_queries(
    tree, clerk_a, city_officer, city_committee, council, members, people, client_for
):
    client = client_for(city_officer)
    url, params = reverse("awards:decide"), {"decider": city_committee.pk, "award": "bang_khen"}
    approve(tree, clerk_a, city_officer, members, city_committee, "bang_khen", 2, 0)
    few = queries_of(client, url, **params)

    approve(tree, clerk_a, city_officer, members, city_committee, "bang_khen", 6, 2)

    response = client.get(url, params)
    assert len(response.context["ranked"]) == 8
    assert queries_of(client, url, **params) <= few


def test_a_decision_with_many_awards_keeps_its_number_of_queries(
    tree, clerk_a, city_officer, city_committee, council, members, people, client_for
):
    client = client_for(city_officer)

    def issue(count, start, number):
        files = approve(
            tree, clerk_a, city_officer, members, city_committee, "bang_khen", count, start
        )
        return services.issue_decision(
            actor=city_officer,
            issuer=city_committee,
            nominations=files,
            number=number,
            date=D(2026, 12, 1),
            signer_name="Trần Sỹ Thanh",
            signer_title="Chủ tịch",
        )

    small, large = issue(2, 0, 20), issue(8, 2, 21)
    few = queries_of(client, reverse("awards:decision", args=[small.pk]))

    assert large.awards.count() == 8
    assert queries_of(client, reverse("awards:decision", args=[large.pk])) <= few


def test_the_send_up_page_keeps_its_number_of_queries(
    tree, clerk_a, city_officer, city_board, medal_council, members, people, client_for
):
    """Files approved for the medal (to send) and files sent up (their decision awaited)."""
    client = client_for(city_officer)
    url, params = reverse("awards:send_up"), {"decider": city_board.pk, "award": "knc_dan_van"}
    sent = approve(tree, clerk_a, city_officer, members, city_board, "knc_dan_van", 1, 0)
    services.send_up(actor=city_officer, nominations=sent, number=7, date=D(2026, 9, 1))
    approve(tree, clerk_a, city_officer, members, city_board, "knc_dan_van", 1, 1)
    few = queries_of(client, url, **params)

    sent = approve(tree, clerk_a, city_officer, members, city_board, "knc_dan_van", 4, 2)
    services.send_up(actor=city_officer, nominations=sent, number=8, date=D(2026, 9, 2))
    approve(tree, clerk_a, city_officer, members, city_board, "knc_dan_van", 4, 6)

    response = client.get(url, params)
    assert len(response.context["send_form"].fields["nominations"].queryset) == 5
    assert len(response.context["record_form"].fields["nominations"].queryset) == 5
    assert queries_of(client, url, **params) <= few
