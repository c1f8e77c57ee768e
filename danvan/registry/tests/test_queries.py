"""The registry's pages run a fixed number of queries, however many rows they show."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from danvan.organisations.models import UnitKind
from danvan.organisations.services import create_unit
from danvan.registry import services
from danvan.registry.models import Status, Tag
from danvan.registry.tests.factories import (
    PracticeModelFactory,
    council_for,
    field,
    make_good,
    png_bytes,
    recognise,
    upload,
)

FIELDS = ["kinh-te", "van-hoa-xa-hoi", "quoc-phong-an-ninh", "xay-dung-dang"]


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.fixture
def council(tree, judge):
    return council_for(tree.city, members=[judge])


@pytest.fixture
def add_models(tree, clerk_a, clerk_b, city_officer, council):
    """Register n models across both wards and all fields; every third one is recognised."""
    units = [(tree.a.hamlet, clerk_a), (tree.b.commune, clerk_b), (tree.a.party, clerk_a)]
    made = []

    def add(n):
        for _ in range(n):
            i = len(made)
            unit, clerk = units[i % len(units)]
            model = PracticeModelFactory(actor=clerk, unit=unit, field=field(FIELDS[i % 4]))
            if i % 3 == 0:
                make_good(model, council, actor=clerk, decider=city_officer)
                recognise(model, actor=city_officer, issuer=tree.city)
            made.append(model)

    return add


@pytest.mark.parametrize("page", ["registry:list", "registry:counts"])
def test_list_and_counts_pages_do_not_grow_with_rows(add_models, city_officer, client_for, page):
    client = client_for(city_officer)
    url = reverse(page)
    add_models(3)
    queries_for(client, url)  # warm the per-process caches (content types, sessions)

    few = queries_for(client, url)
    add_models(27)
    many = queries_for(client, url)

    assert many == few


def test_filtered_list_does_not_grow_with_rows(tree, add_models, city_officer, client_for):
    client = client_for(city_officer)
    url = reverse("registry:list") + f"?unit={tree.city.pk}&q=mo+hinh&year=2026"
    add_models(3)
    queries_for(client, url)

    few = queries_for(client, url)
    add_models(27)
    many = queries_for(client, url)

    assert many == few


@pytest.fixture
def busy_model(tree, clerk_a, city_officer, council):
    """A recognised model of ward A with n review rounds, n adopting units and n files."""
    made = 0

    def build(n):
        nonlocal made
        model = PracticeModelFactory(actor=clerk_a, unit=tree.a.commune)
        model.tags.set(Tag.objects.all())
        model = services.launch_model(actor=clerk_a, model=model)
        model = services.start_review(actor=clerk_a, model=model)
        for _ in range(n):  # earlier years' council results: under review → good → review
            model = services.transition(actor=None, model=model, to=Status.GOOD)
            model = services.start_review(actor=clerk_a, model=model)
        model = make_good(model, council, actor=clerk_a, decider=city_officer)
        recognise(model, actor=city_officer, issuer=tree.city)
        first = None
        for i in range(n):
            made_unit = create_unit(
                actor=None,
                parent=tree.b.commune,
                name=f"Tổ dân phố số {made + i + 2}, Phường Hà Đông",
                kind=UnitKind.HAMLET,
            )
            replication = services.record_replication(
                actor=city_officer,
                model=model,
                unit=made_unit,
                title=f"Phiên bản {i}",
                start_date=datetime.date(2026, 4, 1),
                adopted_from=first if i % 2 else None,
            )
            first = first or replication
            model.refresh_from_db()
            services.add_attachment(
                actor=clerk_a,
                model=model,
                upload=upload(f"anh-{i}.png", png_bytes()),
                checked_type="image/png",
            )
        made += n
        return model

    return build


def test_model_page_does_not_grow_with_history_replications_and_files(
    busy_model, clerk_a, client_for
):
    client = client_for(clerk_a)
    small, large = busy_model(3), busy_model(30)
    assert (large.changes.count(), large.replications.count(), large.attachments.count()) == (
        66,
        30,
        30,
    )
    queries_for(client, reverse("registry:detail", args=[small.pk]))

    few = queries_for(client, reverse("registry:detail", args=[small.pk]))
    many = queries_for(client, reverse("registry:detail", args=[large.pk]))

    assert many == few
