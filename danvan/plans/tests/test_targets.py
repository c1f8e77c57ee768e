"""Campaigns and targets: a city target cascades to the wards, progress comes from live data
(models, citizen cases) or is reported by hand, and nobody reaches targets outside their
scope."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from danvan.accounts.models import Role
from danvan.core.models import AuditEntry
from danvan.lib.metrics import METRICS, compute
from danvan.organisations.models import UnitKind
from danvan.organisations.services import create_unit
from danvan.plans.models import Campaign, Target
from danvan.plans.queries import Progress, campaign_progress, measure, progress
from danvan.plans.services import (
    cascade_target,
    open_campaign,
    report_progress,
    set_target,
)
from danvan.registry import services as registry
from danvan.registry.tests.factories import (
    PracticeModelFactory,
    council_for,
    make_good,
    recognise,
)
from danvan.voice import services as voice
from danvan.voice.models import Case, Category

TODAY = timezone.localdate()
YEAR = TODAY.year
MODELS_TITLE = f"Each commune registers at least 5 models in {YEAR}"


pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def officer_a(tree):
    """A board officer of ward A: decides for ward A only."""
    return make_user("officer_a", Role.BOARD_OFFICER, tree.a.commune, full_name="Ban Ba Đình")


@pytest.fixture
def campaign(tree, city_officer):
    return open_campaign(
        actor=city_officer,
        owner=tree.city,
        name=f"Dân vận khéo {YEAR}",
        start=datetime.date(YEAR, 1, 1),
        end=datetime.date(YEAR, 12, 31),
    )


def city_target(campaign, officer, *, title=MODELS_TITLE, metric="models_registered", value=5):
    return set_target(
        actor=officer,
        campaign=campaign,
        unit=campaign.owner,
        title=title,
        metric=metric,
        value=value,
    )


def child_of(target, unit) -> Target:
    return Target.objects.get(parent=target, unit=unit)


def register(clerk, unit, n):
    for _ in range(n):
        PracticeModelFactory(actor=clerk, unit=unit, year=YEAR)


def send(commune, clerk, *, late=False):
    """A citizen case of the commune, accepted and answered by its clerk (late if asked)."""
    case = voice.submit_case(
        channel="portal",
        kind="feedback",
        urgency="normal",
        category=Category.objects.get(code="moi-truong"),
        commune=commune,
        title="Rác thải tồn đọng",
        description="Rác để ở đầu ngõ nhiều ngày.",
    )
    case = voice.accept_case(actor=clerk, case=case)
    if late:
        # The clock ran out an hour ago: moving time itself is not a service.
        Case.objects.filter(pk=case.pk).update(
            deadline=timezone.now() - datetime.timedelta(hours=1)
        )
    return voice.answer_case(actor=clerk, case=case, answer="Đã xử lý")


def writes():
    return (Campaign.objects.count(), Target.objects.count(), AuditEntry.objects.count())


# Targets measured from live data


def test_models_target_cascaded_from_the_city_is_met_by_ward_a_only(
    tree, campaign, city_officer, clerk_a, clerk_b
):
    target = city_target(campaign, city_officer)
    created = cascade_target(actor=city_officer, target=target)
    assert {t.unit for t in created} == {tree.a.commune, tree.b.commune}
    assert all(t.parent == target and t.value == 5 for t in created)
    register(clerk_a, tree.a.commune, 3)
    register(clerk_a, tree.a.hamlet, 2)  # a hamlet's models count for its ward
    register(clerk_b, tree.b.commune, 2)

    assert progress(child_of(target, tree.a.commune)) == Progress(Decimal(5), True, 100)
    assert progress(child_of(target, tree.b.commune)) == Progress(Decimal(2), False, 40)
    assert progress(target) == Progress(Decimal(7), True, 100)

    table = campaign_progress(campaign, target)
    assert [(row.rank, row.target.unit, row.progress) for row in table] == [
        (1, tree.a.commune, Progress(Decimal(5), True, 100)),
        (2, tree.b.commune, Progress(Decimal(2), False, 40)),
    ]


def test_on_time_target_is_measured_from_citizen_cases(
    tree, campaign, city_officer, clerk_a, clerk_b
):
    target = set_target(
        actor=city_officer,
        campaign=campaign,
        unit=tree.city,
        title="On-time rate at least 95%",
        metric="cases_on_time",
        value=95,
    )
    cascade_target(actor=city_officer, target=target)
    send(tree.a.commune, clerk_a)
    send(tree.a.commune, clerk_a)
    send(tree.a.commune, clerk_a, late=True)
    send(tree.b.commune, clerk_b)

    ward_a = progress(child_of(target, tree.a.commune))
    assert ward_a == Progress(Decimal("66.7"), False, 70)  # 2 of 3 on time; 66.7 / 95
    assert progress(child_of(target, tree.b.commune)) == Progress(Decimal(100), True, 100)
    table = campaign_progress(campaign, target)
    assert [(row.target.unit, row.progress) for row in table] == [
        (tree.b.commune, Progress(Decimal(100), True, 100)),
        (tree.a.commune, ward_a),
    ]


def test_an_at_most_target_is_half_way_at_twice_the_limit(tree, campaign, city_officer):
    target = set_target(
        actor=city_officer,
        campaign=campaign,
        unit=tree.a.commune,
        title="At most 2 cases overdue",
        metric="cases_overdue",
        comparison="lte",
        value=2,
    )
    assert progress(target) == Progress(Decimal(0), True, 100)
    for _ in range(4):
        voice.submit_case(
            channel="portal",
            kind="feedback",
            urgency="normal",
            category=Category.objects.get(code="moi-truong"),
            commune=tree.a.commune,
            title="Đèn đường hỏng",
            description="Đèn đường hỏng nhiều ngày.",
        )
    voice.mark_overdue(now=timezone.now() + datetime.timedelta(days=90))
    assert progress(target) == Progress(Decimal(4), False, 50)


def test_grouped_figures_agree_with_the_metrics(tree, campaign, city_officer, clerk_a, clerk_b):
    """The campaign tables count many units in one query; each figure must be the one the
    metric gives for that unit alone."""
    judge = make_user("judge", Role.JUDGE, tree.city)
    register(clerk_a, tree.a.hamlet, 2)
    register(clerk_b, tree.b.commune, 1)
    model = make_good(
        PracticeModelFactory(actor=clerk_a, unit=tree.a.commune, year=YEAR),
        council_for(tree.a.commune, members=[judge]),
        actor=clerk_a,
        decider=city_officer,
    )
    recognise(model, actor=city_officer, issuer=tree.a.commune)
    registry.record_replication(
        actor=clerk_b, model=model, unit=tree.b.hamlet, title="Bản Hà Đông", start_date=TODAY
    )
    rated = send(tree.a.commune, clerk_a)
    voice.rate_case(case=rated, satisfied=True)
    send(tree.a.commune, clerk_a, late=True)
    send(tree.b.commune, clerk_b)
    units = [tree.city, tree.a.commune, tree.b.commune, tree.a.hamlet, tree.b.hamlet]
    start, end = campaign.start, campaign.end

    assert all(metric.source is not None for metric in METRICS.values())  # read in bulk
    for code in METRICS:
        expected = {
            u.pk: None if (v := compute(code, u, start, end)) is None else Decimal(str(v))
            for u in units
        }
        assert measure(code, units, start, end) == expected, code


# Targets reported by hand


def test_hand_target_is_reported_by_the_ward_clerk(tree, campaign, city_officer, clerk_a):
    target = set_target(
        actor=city_officer,
        campaign=campaign,
        unit=tree.city,
        title="Hold 12 dialogues with the people",
        value=12,
    )
    cascade_target(actor=city_officer, target=target)
    ward_a = child_of(target, tree.a.commune)
    assert progress(ward_a) == Progress(None, None, None)

    report_progress(actor=clerk_a, target=ward_a, value="12", note="Biên bản các buổi đối thoại")

    ward_a.refresh_from_db()
    assert (ward_a.reported_value, ward_a.reported_note) == (
        Decimal(12),
        "Biên bản các buổi đối thoại",
    )
    assert progress(ward_a) == Progress(Decimal(12), True, 100)
    entry = AuditEntry.objects.filter(action="plans.report_progress").get()
    assert entry.actor == clerk_a and entry.scope_path == tree.a.commune.path
    table = campaign_progress(campaign, target)
    assert [(row.target.unit, row.progress.met) for row in table] == [
        (tree.a.commune, True),
        (tree.b.commune, None),  # not reported yet: last
    ]


def test_clerk_cannot_report_for_another_ward(tree, campaign, city_officer, clerk_b):
    target = set_target(
        actor=city_officer, campaign=campaign, unit=tree.a.commune, title="Dialogues", value=12
    )
    before = writes()
    with pytest.raises(PermissionDenied, match="Only the staff of “Phường Ba Đình”"):
        report_progress(actor=clerk_b, target=target, value=12, note="")
    target.refresh_from_db()
    assert target.reported_value is None and writes() == before


def test_measured_target_cannot_be_reported_by_hand(tree, campaign, city_officer, clerk_a):
    target = set_target(
        actor=city_officer,
        campaign=campaign,
        unit=tree.a.commune,
        title=MODELS_TITLE,
        metric="models_registered",
        value=5,
    )
    before = writes()
    with pytest.raises(ValidationError) as refused:
        report_progress(actor=clerk_a, target=target, value=9, note="")
    assert refused.value.code == "measured" and writes() == before


# Refusals


def test_target_on_a_unit_outside_the_officers_scope_is_refused(
    tree, campaign, city_officer, officer_a, staff
):
    cascade_target(actor=city_officer, target=city_target(campaign, city_officer))
    before = writes()
    with pytest.raises(PermissionDenied) as refused:
        set_target(
            actor=officer_a, campaign=campaign, unit=tree.b.commune, title="Five models", value=5
        )
    assert str(refused.value) == (
        "You cannot set targets for “Phường Hà Đông”: it is outside your scope."
    )
    assert writes() == before

    # The form never offers ward B either.
    response = staff(officer_a).post(
        reverse("campaigns:add_target", args=[campaign.pk]),
        {"unit": tree.b.commune.pk, "title": "Five models", "comparison": "gte", "value": "5"},
    )
    assert response.status_code == 200 and response.context["form"].errors["unit"]
    assert writes() == before


def test_target_on_a_unit_outside_the_campaign_is_refused(tree, city_officer):
    ward_campaign = open_campaign(
        actor=city_officer,
        owner=tree.a.commune,
        name="Ward A programme",
        start=datetime.date(YEAR, 1, 1),
        end=datetime.date(YEAR, 12, 31),
    )
    before = writes()
    with pytest.raises(ValidationError) as refused:
        set_target(
            actor=city_officer,
            campaign=ward_campaign,
            unit=tree.b.commune,
            title="Five models",
            value=5,
        )
    assert refused.value.code == "outside_campaign"
    assert refused.value.messages == [
        "“Phường Hà Đông” is not part of “Phường Ba Đình”, which opened this campaign."
    ]
    assert writes() == before


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"metric": "models_everywhere"}, "metric"),
        ({"comparison": "eq"}, "comparison"),
        ({"title": "  "}, "title"),
        ({"value": "-1"}, "range"),
        ({"value": "abc"}, "number"),
        ({"metric": "cases_on_time", "value": 120}, "percent"),
    ],
)
def test_bad_targets_are_refused_and_change_nothing(tree, campaign, city_officer, changes, code):
    data = {"title": "Five models", "metric": "models_registered", "value": 5} | changes
    before = writes()
    with pytest.raises(ValidationError) as refused:
        set_target(actor=city_officer, campaign=campaign, unit=tree.a.commune, **data)
    assert refused.value.code == code and writes() == before


def test_the_same_target_twice_for_a_unit_is_refused(tree, campaign, city_officer):
    city_target(campaign, city_officer)
    before = writes()
    with pytest.raises(ValidationError, match="already has the target"):
        city_target(campaign, city_officer)
    assert writes() == before


def test_clerk_cannot_open_a_campaign(tree, clerk_a, staff):
    before = writes()
    with pytest.raises(PermissionDenied):
        open_campaign(
            actor=clerk_a,
            owner=tree.a.commune,
            name="Chiến dịch",
            start=datetime.date(YEAR, 1, 1),
            end=datetime.date(YEAR, 12, 31),
        )
    client = staff(clerk_a)
    assert client.get(reverse("campaigns:create")).status_code == 403
    data = {
        "owner": tree.a.commune.pk,
        "name": "X",
        "start": f"{YEAR}-01-01",
        "end": f"{YEAR}-12-31",
    }
    assert client.post(reverse("campaigns:create"), data).status_code == 403
    assert "Open a campaign" not in client.get(reverse("campaigns:list")).content.decode()
    assert writes() == before


def test_campaign_cannot_end_before_it_starts(tree, city_officer):
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        open_campaign(
            actor=city_officer,
            owner=tree.city,
            name="Backwards",
            start=datetime.date(YEAR, 12, 31),
            end=datetime.date(YEAR, 1, 1),
        )
    assert not Campaign.objects.exists()


# Cascading


def test_cascade_is_idempotent_and_reaches_new_communes(tree, campaign, city_officer):
    target = city_target(campaign, city_officer)
    assert len(cascade_target(actor=city_officer, target=target)) == 2
    before = writes()
    assert cascade_target(actor=city_officer, target=target) == []
    assert writes() == before

    new_ward = create_unit(actor=None, parent=tree.city, name="Phường Mới", kind=UnitKind.COMMUNE)
    assert [t.unit for t in cascade_target(actor=city_officer, target=target)] == [new_ward]
    assert target.cascaded.count() == 3


def test_cascade_links_a_target_the_ward_already_had(tree, campaign, city_officer):
    target = city_target(campaign, city_officer)
    own = set_target(
        actor=city_officer, campaign=campaign, unit=tree.a.commune, title=MODELS_TITLE, value=7
    )
    created = cascade_target(actor=city_officer, target=target)
    assert [t.unit for t in created] == [tree.b.commune]
    own.refresh_from_db()
    assert own.parent == target and own.value == 7  # linked, its own value kept


def test_cascade_to_hamlets_of_a_ward(tree, campaign, officer_a):
    ward = set_target(
        actor=officer_a, campaign=campaign, unit=tree.a.commune, title="Clean alleys", value=1
    )
    created = cascade_target(actor=officer_a, target=ward, kinds=["hamlet"])
    assert [t.unit for t in created] == [tree.a.hamlet]


def test_ward_officer_cannot_cascade_a_city_target(tree, campaign, city_officer, officer_a):
    target = city_target(campaign, city_officer)
    before = writes()
    with pytest.raises(PermissionDenied):
        cascade_target(actor=officer_a, target=target)
    assert writes() == before


# Pages


def test_officer_runs_a_campaign_through_the_pages(tree, city_officer, clerk_a, clerk_b, staff):
    officer = staff(city_officer)
    response = officer.post(
        reverse("campaigns:create"),
        {
            "owner": tree.city.pk,
            "name": f"Dân vận khéo {YEAR}",
            "start": f"{YEAR}-01-01",
            "end": f"{YEAR}-12-31",
        },
    )
    campaign = Campaign.objects.get()
    assert response.url == reverse("campaigns:detail", args=[campaign.pk])
    response = officer.post(
        reverse("campaigns:add_target", args=[campaign.pk]),
        {
            "unit": tree.city.pk,
            "title": MODELS_TITLE,
            "metric": "models_registered",
            "comparison": "gte",
            "value": "5",
        },
    )
    target = Target.objects.get()
    assert response.url == reverse("campaigns:target", args=[target.pk])
    officer.post(reverse("campaigns:cascade", args=[target.pk]), {"kinds": ["commune"]})
    assert target.cascaded.count() == 2
    register(clerk_a, tree.a.commune, 5)
    register(clerk_b, tree.b.commune, 2)

    page = officer.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert page.count("Phường Ba Đình") == 1 and page.count("Phường Hà Đông") == 1
    assert page.index("Phường Ba Đình") < page.index("Phường Hà Đông")  # ranked
    assert "Not met" in page and page.count(">Met<") == 2  # the city and ward A
    detail = officer.get(reverse("campaigns:target", args=[target.pk])).content.decode()
    assert "Phường Hà Đông" in detail


def test_clerk_reports_a_hand_target_through_the_page(tree, campaign, city_officer, clerk_a, staff):
    target = set_target(
        actor=city_officer, campaign=campaign, unit=tree.a.commune, title="Dialogues", value=12
    )
    client = staff(clerk_a)
    url = reverse("campaigns:report", args=[target.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"value": "9", "note": "Đã tổ chức 9 buổi"})
    assert response.url == reverse("campaigns:target", args=[target.pk])
    page = client.get(response.url).content.decode()
    assert "Not met" in page and 'value="75"' in page  # 9 of 12


def test_clerk_may_not_cascade_her_wards_target(tree, campaign, city_officer, clerk_a, staff):
    target = city_target(campaign, city_officer)
    (ward_a, *_others) = cascade_target(actor=city_officer, target=target)
    url = reverse("campaigns:cascade", args=[ward_a.pk])
    assert staff(clerk_a).get(url).status_code == 404


@pytest.fixture
def ward_a_targets(tree, campaign, city_officer):
    """Ward A's targets: in a programme of ward A, and cascaded from the city's campaign."""
    programme = open_campaign(
        actor=city_officer,
        owner=tree.a.commune,
        name="Ward A programme",
        start=datetime.date(YEAR, 1, 1),
        end=datetime.date(YEAR, 12, 31),
    )
    hand = set_target(
        actor=city_officer, campaign=programme, unit=tree.a.commune, title="Dialogues", value=12
    )
    measured = set_target(
        actor=city_officer,
        campaign=programme,
        unit=tree.a.commune,
        title="Clean alleys",
        metric="models_registered",
        value=1,
    )
    cascade_target(actor=city_officer, target=measured, kinds=["hamlet"])
    city = city_target(campaign, city_officer)
    cascade_target(actor=city_officer, target=city)
    return {
        "programme": programme,
        "hand": hand,
        "measured": measured,
        "hamlet": child_of(measured, tree.a.hamlet),
        "cascaded": child_of(city, tree.a.commune),
    }


# name → (method, url of ward A's object, POST data)
WARD_A_URLS = {
    "campaign": ("get", lambda t: reverse("campaigns:detail", args=[t["programme"].pk]), None),
    "add-target": (
        "get",
        lambda t: reverse("campaigns:add_target", args=[t["programme"].pk]),
        None,
    ),
    "add-target-post": (
        "post",
        lambda t: reverse("campaigns:add_target", args=[t["programme"].pk]),
        {"unit": "0", "title": "X", "comparison": "gte", "value": "1"},
    ),
    "hand": ("get", lambda t: reverse("campaigns:target", args=[t["hand"].pk]), None),
    "measured": ("get", lambda t: reverse("campaigns:target", args=[t["measured"].pk]), None),
    "hamlet": ("get", lambda t: reverse("campaigns:target", args=[t["hamlet"].pk]), None),
    "cascaded": ("get", lambda t: reverse("campaigns:target", args=[t["cascaded"].pk]), None),
    "cascade": ("get", lambda t: reverse("campaigns:cascade", args=[t["measured"].pk]), None),
    "cascade-post": (
        "post",
        lambda t: reverse("campaigns:cascade", args=[t["measured"].pk]),
        {"kinds": ["hamlet", "party_committee"]},
    ),
    "report": ("get", lambda t: reverse("campaigns:report", args=[t["hand"].pk]), None),
    "report-post": (
        "post",
        lambda t: reverse("campaigns:report", args=[t["hand"].pk]),
        {"value": "12", "note": "Xong"},
    ),
    "report-cascaded-post": (
        "post",
        lambda t: reverse("campaigns:report", args=[t["cascaded"].pk]),
        {"value": "12", "note": "Xong"},
    ),
}


@pytest.mark.parametrize("name", WARD_A_URLS)
def test_clerk_b_finds_none_of_ward_a_targets(name, ward_a_targets, clerk_b, staff):
    method, url, data = WARD_A_URLS[name]
    before = writes()
    response = getattr(staff(clerk_b), method)(url(ward_a_targets), data or {})
    assert response.status_code == 404
    assert writes() == before
    assert Target.objects.filter(reported_value__isnull=False).count() == 0


def test_clerk_b_sees_only_ward_b_in_the_city_campaign(tree, ward_a_targets, clerk_b, staff):
    client = staff(clerk_b)
    campaigns = client.get(reverse("campaigns:list")).content.decode()
    assert "Ward A programme" not in campaigns and f"Dân vận khéo {YEAR}" in campaigns
    city_campaign = ward_a_targets["cascaded"].campaign
    page = client.get(reverse("campaigns:detail", args=[city_campaign.pk])).content.decode()
    assert "Phường Hà Đông" in page and "Phường Ba Đình" not in page


def cascade_everything(campaign, officer):
    for title, metric, value in [
        (MODELS_TITLE, "models_registered", 5),
        ("On-time rate at least 95%", "cases_on_time", 95),
        ("Hold 12 dialogues with the people", "", 12),
    ]:
        target = Target.objects.filter(campaign=campaign, unit=campaign.owner, title=title).first()
        target = target or city_target(campaign, officer, title=title, metric=metric, value=value)
        cascade_target(actor=officer, target=target)


def test_campaign_page_queries_do_not_grow_with_targets(
    tree, campaign, city_officer, clerk_a, staff
):
    register(clerk_a, tree.a.commune, 3)
    send(tree.a.commune, clerk_a)
    create_unit(actor=None, parent=tree.city, name="Phường 3", kind=UnitKind.COMMUNE)
    cascade_everything(campaign, city_officer)
    client = staff(city_officer)
    url = reverse("campaigns:detail", args=[campaign.pk])
    assert Target.objects.count() == 3 + 3 * 3
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200

    for n in range(4, 31):
        create_unit(actor=None, parent=tree.city, name=f"Phường {n}", kind=UnitKind.COMMUNE)
    cascade_everything(campaign, city_officer)
    assert Target.objects.count() == 3 + 3 * 30
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count("Phường 30") == 3
    assert len(many.captured_queries) == len(few.captured_queries) <= 12
