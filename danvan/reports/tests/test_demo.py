"""The demo's reporting: last year's annual report and this year's programme."""

import pytest
from django.urls import reverse
from django.utils import timezone

from danvan.accounts.demo import create_demo_accounts
from danvan.accounts.models import User
from danvan.organisations.loader import load_units
from danvan.organisations.models import Unit, UnitKind
from danvan.organisations.national import national_rows
from danvan.plans import demo as plans_demo
from danvan.plans.models import Campaign, Target
from danvan.reports import demo
from danvan.reports.models import Report
from danvan.voice import demo as voice_demo
from danvan.voice.models import Case


@pytest.fixture
def demo_city(db, settings):
    settings.DEMO_MODE = True
    load_units(national_rows(province_codes=["01"], hamlets=1, legacy_for=("01",)))
    create_demo_accounts()
    voice_demo.generate_cases(300)


def test_the_demo_opens_last_years_report_and_this_years_targets(demo_city, client):
    year = timezone.localdate().year
    programme = plans_demo.load(progress=print, year=year)
    summary = demo.load(progress=print, year=year)
    communes = Unit.objects.filter(kind=UnitKind.COMMUNE, parent__key="vn-01").current().count()
    assert communes == 126
    assert Case.objects.count() == 300
    reports = Report.objects.filter(template__name=demo.TEMPLATE_NAME)
    assert reports.count() == communes
    sent = reports.get(unit__key=demo.COMMUNE_KEY)
    assert sent.status == Report.Status.SUBMITTED
    assert sent.values[demo.ASSESSMENT].startswith("Cấp ủy, chính quyền")
    assert reports.exclude(pk=sent.pk).filter(status=Report.Status.SUBMITTED).count() == 0
    by_status = {s: reports.filter(status=s).count() for s in Report.Status.values}
    # Most accepted, a few returned or not sent (late), Ba Đình's to review.
    assert by_status[Report.Status.ACCEPTED] > 100
    assert by_status[Report.Status.RETURNED] >= 1 and by_status[Report.Status.DRAFT] >= 1
    assert sum(by_status.values()) == communes
    campaign = Campaign.objects.get(owner__key="vn-01")
    assert Target.objects.filter(campaign=campaign, parent__isnull=True).count() == 3
    assert Target.objects.filter(campaign=campaign).count() == 3 * (1 + communes)
    assert (summary, programme) == ("126 reports opened", "381 targets set")

    # Idempotent.
    assert demo.load(progress=print, year=year) == "0 reports opened"
    assert plans_demo.load(progress=print, year=year) == "0 targets set"
    assert Report.objects.count() == communes and Target.objects.count() == 3 * (1 + communes)
    assert Case.objects.count() == 300

    client.force_login(User.objects.get(username="thanhpho"))
    period = client.get(
        reverse("reports:period", args=[sent.template.pk, sent.period_start.isoformat()])
    )
    assert period.status_code == 200
    assert "Phường Ba Đình" in period.text
    assert client.get(reverse("campaigns:detail", args=[campaign.pk])).status_code == 200
