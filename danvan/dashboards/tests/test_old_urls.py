"""Every dashboard, campaign and report address of before the apps were split still answers,
under the same URL name, for a city officer."""

import datetime

import pytest
from django.urls import resolve, reverse

from danvan.lib.metrics import METRICS
from danvan.plans.services import cascade_target, open_campaign, set_target
from danvan.reports import services as report_services
from danvan.reports.models import Report, ReportTemplate

Q1 = datetime.date(2026, 1, 1)
POST_ONLY = {"reports:open_period", "reports:period_export", "reports:review"}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def objects(tree, city_officer):
    campaign = open_campaign(
        actor=city_officer,
        owner=tree.city,
        name="Chương trình công tác dân vận năm 2026",
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 12, 31),
    )
    target = set_target(
        actor=city_officer, campaign=campaign, unit=tree.city, title="Hội nghị đối thoại", value=2
    )
    cascade_target(actor=city_officer, target=target)
    template = ReportTemplate.objects.create(
        name="Báo cáo quý",
        owner=tree.city,
        frequency=ReportTemplate.Frequency.QUARTERLY,
        fields=[{"code": "models", "label": "Mô hình", "type": "number"}],
    )
    report_services.open_period(actor=city_officer, template=template, period_start=Q1)
    report = Report.objects.filter(template=template).first()
    return campaign, target, template, report


def old_addresses(tree, campaign, target, template, report):
    """(URL name, arguments, the path it had before the split)."""
    city, t, c = tree.city.pk, template.pk, campaign.pk
    return [
        ("dashboard:home", [], "/dashboard/"),
        ("dashboard:unit", [city], f"/dashboard/{city}/"),
        *(
            ("dashboard:drill", [city, code], f"/dashboard/{city}/drill/{code}/")
            for code in METRICS
        ),
        ("campaigns:list", [], "/campaigns/"),
        ("campaigns:create", [], "/campaigns/new/"),
        ("campaigns:detail", [c], f"/campaigns/{c}/"),
        ("campaigns:add_target", [c], f"/campaigns/{c}/targets/new/"),
        ("campaigns:target", [target.pk], f"/campaigns/targets/{target.pk}/"),
        ("campaigns:cascade", [target.pk], f"/campaigns/targets/{target.pk}/cascade/"),
        ("campaigns:report", [target.pk], f"/campaigns/targets/{target.pk}/report/"),
        ("reports:templates", [], "/reports/"),
        ("reports:template", [t], f"/reports/templates/{t}/"),
        ("reports:open_period", [t], f"/reports/templates/{t}/open/"),
        ("reports:period", [t, "2026-01-01"], f"/reports/templates/{t}/periods/2026-01-01/"),
        (
            "reports:period_export",
            [t, "2026-01-01"],
            f"/reports/templates/{t}/periods/2026-01-01/export/",
        ),
        ("reports:report", [report.pk], f"/reports/{report.pk}/"),
        ("reports:review", [report.pk], f"/reports/{report.pk}/review/"),
        ("reports:report_export", [report.pk, "docx"], f"/reports/{report.pk}/export.docx"),
    ]


def test_every_old_address_still_answers_a_city_officer(tree, city_officer, client_for, objects):
    client = client_for(city_officer)
    for name, args, path in old_addresses(tree, *objects):
        assert reverse(name, args=args) == path, name
        assert resolve(path).view_name == name
        status = client.get(path).status_code
        if name in POST_ONLY:
            assert status == 405, (name, status)  # the form posts to it; a GET is refused
        else:
            assert status in (200, 302), (name, status)
