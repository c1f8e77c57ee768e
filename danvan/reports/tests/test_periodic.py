"""Periodic reports: opening a period, filling by type, the review cycle, completeness,
roll-up, reminders, and who reaches which page."""

import datetime
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from conftest import make_user
from danvan.core.models import AuditEntry
from danvan.lib.metrics import compute
from danvan.organisations.models import UnitKind
from danvan.organisations.services import create_unit
from danvan.registry.tests.factories import PracticeModelFactory
from danvan.reports import services
from danvan.reports.admin import ReportTemplateForm
from danvan.reports.forms import display_values
from danvan.reports.models import Report, ReportTemplate

Q1 = datetime.date(2026, 1, 1)
Q1_END = datetime.date(2026, 3, 31)
DUE = datetime.date(2026, 4, 5)  # five days after the quarter ends
AFTER_DUE = datetime.datetime(2026, 4, 6, 9, 0, tzinfo=datetime.UTC)

FIELDS = [
    {
        "code": "models",
        "label": "Mô hình đăng ký",
        "type": "number",
        "metric": "models_registered",
    },
    {"code": "meetings", "label": "Số buổi đối thoại", "type": "number"},
    {"code": "summary", "label": "Đánh giá chung", "type": "text"},
    {
        "code": "events",
        "label": "Hoạt động nổi bật",
        "type": "table",
        "columns": [{"code": "date", "label": "Ngày"}, {"code": "what", "label": "Nội dung"}],
    },
]
GOOD_VALUES = {
    "models": "2",
    "meetings": "12,5",
    "summary": "Nhân dân đồng thuận.",
    "events": [{"date": "15/02/2026", "what": "Đối thoại với Nhân dân"}],
}


pytestmark = pytest.mark.usefixtures("english")


def quarterly_template(owner) -> ReportTemplate:
    """A quarterly report; the board defines templates in the admin (no service)."""
    return ReportTemplate.objects.create(
        name="Báo cáo công tác dân vận quý",
        owner=owner,
        frequency=ReportTemplate.Frequency.QUARTERLY,
        due_days=5,
        fields=FIELDS,
    )


def open_q1(tree, template, actor) -> SimpleNamespace:
    """Open Q1 2026 for the city's two wards; return ward A's and ward B's drafts."""
    services.open_period(actor=actor, template=template, period_start=Q1)
    reports = {r.unit_id: r for r in Report.objects.filter(template=template)}
    return SimpleNamespace(a=reports[tree.a.commune.pk], b=reports[tree.b.commune.pk])


@pytest.fixture
def template(tree):
    return quarterly_template(tree.city)


@pytest.fixture
def opened(tree, template, city_officer):
    return open_q1(tree, template, city_officer)


def fill_and_submit(report, actor, **values):
    return services.submit_report(actor=actor, report=report, values={**GOOD_VALUES, **values})


def refreshed(report) -> Report:
    return Report.objects.get(pk=report.pk)


# --- Opening a period --------------------------------------------------------------------


def test_open_period_asks_each_ward_once_with_its_due_date(tree, template, city_officer, opened):
    for report in (opened.a, opened.b):
        assert report.status == Report.Status.DRAFT
        assert (report.period_start, report.period_end, report.due_date) == (Q1, Q1_END, DUE)
    again = services.open_period(actor=city_officer, template=template, period_start=Q1)
    assert again == []
    assert Report.objects.filter(template=template).count() == 2
    assert AuditEntry.objects.filter(action="reports.open").count() == 2


def test_number_fields_with_a_metric_are_prefilled_with_the_live_figure(
    tree, template, city_officer, clerk_a
):
    PracticeModelFactory(actor=clerk_a, unit=tree.a.hamlet, year=2026)
    PracticeModelFactory(actor=clerk_a, unit=tree.a.commune, year=2026)
    PracticeModelFactory(actor=clerk_a, unit=tree.a.commune, year=2025)  # another period
    services.open_period(actor=city_officer, template=template, period_start=Q1)
    report = Report.objects.get(template=template, unit=tree.a.commune)
    live = compute("models_registered", tree.a.commune, Q1, Q1_END)
    assert Decimal(report.values["models"]) == Decimal(str(live)) == 2
    assert "meetings" not in report.values  # no metric: left for the unit to fill
    assert Report.objects.get(template=template, unit=tree.b.commune).values["models"] == "0"


def test_recompute_figures_takes_the_live_figure_again(tree, clerk_a, opened):
    PracticeModelFactory(actor=clerk_a, unit=tree.a.commune, year=2026)
    report = services.refresh_figures(actor=clerk_a, report=opened.a)
    assert report.values["models"] == "1"


def test_clerk_cannot_open_a_period(tree, template, clerk_a):
    with pytest.raises(PermissionDenied):
        services.open_period(actor=clerk_a, template=template, period_start=Q1)
    assert not Report.objects.exists()


def test_a_period_must_start_where_the_frequency_says(tree, template, city_officer):
    with pytest.raises(ValidationError, match="cannot start on 01/02/2026"):
        services.open_period(
            actor=city_officer, template=template, period_start=datetime.date(2026, 2, 1)
        )
    assert not Report.objects.exists()


def test_units_must_be_below_the_issuer(tree, city_officer):
    ward_template = ReportTemplate.objects.create(
        name="Báo cáo tháng", owner=tree.a.commune, frequency="monthly", fields=FIELDS
    )
    with pytest.raises(ValidationError, match="is not below"):
        services.open_period(
            actor=city_officer, template=ward_template, period_start=Q1, units=[tree.b.hamlet]
        )
    assert not Report.objects.exists()


def test_template_fields_are_checked():
    with pytest.raises(ValidationError) as caught:
        services.check_template_fields(
            [
                {"code": "a", "type": "number", "metric": "no_such_metric"},
                {"code": "a", "type": "text"},
                {"code": "t", "type": "table"},
                {"code": "x", "type": "date"},
            ]
        )
    text = " ".join(caught.value.messages)
    for expected in ("no_such_metric", "used twice", "declares no columns", "unknown type"):
        assert expected in text


# --- The review cycle --------------------------------------------------------------------


def test_draft_submitted_returned_submitted_accepted(tree, clerk_a, city_officer, opened):
    report = fill_and_submit(opened.a, clerk_a)
    assert report.status == Report.Status.SUBMITTED and report.submitted_at
    assert report.values["meetings"] == "12.5"
    report = services.return_report(actor=city_officer, report=report, note="Thiếu số liệu.")
    assert (report.status, report.review_note) == (Report.Status.RETURNED, "Thiếu số liệu.")
    report = services.save_draft(actor=clerk_a, report=report, values={"meetings": "13"})
    report = services.submit_report(actor=clerk_a, report=report)
    report = services.accept_report(actor=city_officer, report=report)
    assert refreshed(report).status == Report.Status.ACCEPTED
    actions = list(
        AuditEntry.objects.filter(object_id=str(report.pk), content_type__model="report")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "reports.submit",
        "reports.return",
        "reports.save",
        "reports.submit",
        "reports.accept",
    ]


def test_accepted_report_cannot_be_submitted_again(tree, clerk_a, city_officer, opened):
    report = services.accept_report(actor=city_officer, report=fill_and_submit(opened.a, clerk_a))
    before = refreshed(report)
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationError, match="accepted: it is final"):
        services.submit_report(actor=clerk_a, report=report, values={"meetings": "99"})
    with pytest.raises(ValidationError, match="accepted: it is final"):
        services.save_draft(actor=clerk_a, report=report, values={"meetings": "99"})
    with pytest.raises(ValidationError, match="accepted: it is final"):
        services.return_report(actor=city_officer, report=report, note="Sửa lại.")
    after = refreshed(report)
    assert (after.status, after.values, after.submitted_at, after.reviewed_at) == (
        before.status,
        before.values,
        before.submitted_at,
        before.reviewed_at,
    )
    assert AuditEntry.objects.count() == audits


@pytest.mark.parametrize(
    ("start", "move", "allowed"),
    [
        ("draft", "accept", False),
        ("draft", "return", False),
        ("submitted", "submit", False),
        ("submitted", "save", False),
        ("returned", "accept", False),
        ("returned", "save", True),
    ],
)
def test_transition_table(tree, clerk_a, city_officer, opened, start, move, allowed):
    report = opened.a
    if start != "draft":
        report = fill_and_submit(report, clerk_a)
    if start == "returned":
        report = services.return_report(actor=city_officer, report=report, note="Sửa lại.")
    calls = {
        "accept": lambda: services.accept_report(actor=city_officer, report=report),
        "return": lambda: services.return_report(actor=city_officer, report=report, note="x"),
        "submit": lambda: services.submit_report(actor=clerk_a, report=report),
        "save": lambda: services.save_draft(actor=clerk_a, report=report, values={}),
    }
    if allowed:
        calls[move]()
        return
    with pytest.raises(ValidationError):
        calls[move]()
    assert refreshed(report).status == start


def test_return_needs_a_note(tree, clerk_a, city_officer, opened):
    report = fill_and_submit(opened.a, clerk_a)
    with pytest.raises(ValidationError, match="Say what needs correcting"):
        services.return_report(actor=city_officer, report=report, note="  ")
    assert refreshed(report).status == Report.Status.SUBMITTED


def test_a_ward_cannot_review_its_own_report(tree, clerk_a, opened):
    report = fill_and_submit(opened.a, clerk_a)
    with pytest.raises(PermissionDenied):
        services.accept_report(actor=clerk_a, report=report)
    assert refreshed(report).status == Report.Status.SUBMITTED


def test_clerk_cannot_fill_another_wards_report(tree, clerk_b, opened):
    with pytest.raises(PermissionDenied):
        services.save_draft(actor=clerk_b, report=opened.a, values={"meetings": "1"})
    assert "meetings" not in refreshed(opened.a).values


def test_every_figure_is_needed_to_submit(tree, clerk_a, opened):
    with pytest.raises(ValidationError, match="Fill in every figure.*Số buổi đối thoại"):
        services.submit_report(actor=clerk_a, report=opened.a)
    assert refreshed(opened.a).status == Report.Status.DRAFT


# --- Values checked against the template's types -----------------------------------------


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"meetings": "mười hai"}, "must be a number of zero or more"),
        ({"meetings": "-3"}, "cannot be negative"),
        ({"meetings": "1.234"}, "at most 2 decimal places"),
        ({"meetings": True}, "must be a number"),
        ({"summary": 42}, "must be text"),
        ({"summary": "x" * 5001}, "longer than 5000 characters"),
        ({"events": [{"date": "1/1", "where": "Hà Nội"}]}, "has no column “where”"),
        ({"events": [["1/1", "họp", "thừa"]]}, "has 3 cells; the table has 2 columns"),
        ({"events": "họp dân"}, "must be a table"),
        ({"budget": "5"}, "no field “budget”"),
    ],
)
def test_values_contradicting_the_types_are_refused(tree, clerk_a, opened, values, message):
    before = refreshed(opened.a).values
    with pytest.raises(ValidationError, match=message):
        services.save_draft(actor=clerk_a, report=opened.a, values={"meetings": "4", **values})
    assert refreshed(opened.a).values == before


def test_values_are_stored_in_their_types(tree, clerk_a, opened):
    report = services.save_draft(
        actor=clerk_a,
        report=opened.a,
        values={
            "meetings": "1.234,5",
            "summary": "  Tốt.  ",
            "events": [["15/02", "Đối thoại"], ["", ""], {"what": "Thăm hỏi"}],
        },
    )
    assert report.values["meetings"] == "1234.5"
    assert report.values["summary"] == "Tốt."
    assert report.values["events"] == [
        {"date": "15/02", "what": "Đối thoại"},
        {"date": "", "what": "Thăm hỏi"},
    ]
    report = services.save_draft(actor=clerk_a, report=report, values={"meetings": ""})
    assert "meetings" not in report.values


# --- Completeness, roll-up ---------------------------------------------------------------


@pytest.fixture
def four_wards(tree, template, city_officer, clerk_a):
    """Four wards for Q1: A accepted, B returned, C a draft, D submitted."""
    c = create_unit(actor=None, parent=tree.city, name="Phường C", kind=UnitKind.COMMUNE)
    d = create_unit(actor=None, parent=tree.city, name="Phường D", kind=UnitKind.COMMUNE)
    services.open_period(actor=None, template=template, period_start=Q1)
    reports = {r.unit_id: r for r in Report.objects.filter(template=template)}
    a, b = reports[tree.a.commune.pk], reports[tree.b.commune.pk]
    c, d = reports[c.pk], reports[d.pk]
    a = services.accept_report(actor=None, report=fill_and_submit(a, None, meetings="3"))
    b = services.return_report(
        actor=None, report=fill_and_submit(b, None, meetings="100"), note="Sai số liệu."
    )
    d = fill_and_submit(d, None, meetings="40")
    return SimpleNamespace(a=a, b=b, c=c, d=d)


def names(reports):
    return [r.unit.name for r in reports]


def test_completeness_on_the_due_date(tree, template, four_wards):
    state = services.completeness(template, Q1, today=DUE)
    assert names(state.submitted) == ["Phường Ba Đình", "Phường D"]
    assert state.late == []
    assert names(state.missing) == ["Phường Hà Đông", "Phường C"]


def test_completeness_after_the_due_date(tree, template, four_wards):
    Report.objects.filter(pk=four_wards.c.pk).update(due_date=DUE + datetime.timedelta(days=10))
    state = services.completeness(template, Q1, today=DUE + datetime.timedelta(days=1))
    assert names(state.submitted) == ["Phường Ba Đình", "Phường D"]
    assert names(state.late) == ["Phường Hà Đông"]  # returned and not sent again
    assert names(state.missing) == ["Phường C"]  # its due date was extended


def test_aggregate_sums_accepted_reports_only(tree, template, city_officer, four_wards):
    rollup = services.aggregate(template, Q1)
    assert rollup.count == 1
    assert rollup.totals["meetings"] == Decimal("3")
    services.accept_report(actor=city_officer, report=four_wards.d)
    rollup = services.aggregate(template, Q1)
    assert names(rollup.reports) == ["Phường Ba Đình", "Phường D"]
    assert rollup.totals == {"models": Decimal("4"), "meetings": Decimal("43")}
    everything = services.aggregate(template, Q1, accepted_only=False)
    assert everything.totals["meetings"] == Decimal("43")  # B was returned: not submitted


# --- Reminders ---------------------------------------------------------------------------


def test_late_units_are_reminded_once(
    tree, template, clerk_a, clerk_b, opened, mailoutbox, django_capture_on_commit_callbacks
):
    type(clerk_a).objects.filter(pk=clerk_a.pk).update(email="vanthu.badinh@example.vn")
    type(clerk_b).objects.filter(pk=clerk_b.pk).update(email="vanthu.hadong@example.vn")
    fill_and_submit(opened.b, clerk_b)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_late(datetime.datetime(2026, 4, 5, 9, 0, tzinfo=datetime.UTC)) == 0
        assert services.remind_late(AFTER_DUE) == 1
        assert services.remind_late(AFTER_DUE) == 0
    assert [m.to for m in mailoutbox] == [["vanthu.badinh@example.vn"]]
    assert "Phường Ba Đình" in mailoutbox[0].body
    assert refreshed(opened.a).reminded_at == AFTER_DUE
    assert refreshed(opened.b).reminded_at is None
    assert AuditEntry.objects.filter(action="reports.remind").count() == 1


def test_remind_reports_command(tree, opened, capsys, monkeypatch):
    monkeypatch.setattr(services.timezone, "now", lambda: AFTER_DUE)
    call_command("remind_reports")
    call_command("remind_reports")
    assert capsys.readouterr().out.split("\n")[:2] == ["reminded 2", "reminded 0"]


# --- Pages -------------------------------------------------------------------------------


def report_pages(report):
    """Every URL of one report: (method, url, data)."""
    return [
        ("get", reverse("reports:report", args=[report.pk]), None),
        ("post", reverse("reports:report", args=[report.pk]), {"action": "save", "f1": "5"}),
        ("post", reverse("reports:review", args=[report.pk]), {"action": "accept"}),
        ("get", reverse("reports:report_export", args=[report.pk, "docx"]), None),
        ("get", reverse("reports:report_export", args=[report.pk, "pdf"]), None),
        ("get", reverse("reports:report_export", args=[report.pk, "xlsx"]), None),
    ]


def period_pages(template):
    start = Q1.isoformat()
    return [
        ("get", reverse("reports:period", args=[template.pk, start]), None),
        ("post", reverse("reports:period_export", args=[template.pk, start]), {"format": "xlsx"}),
        ("post", reverse("reports:open_period", args=[template.pk]), {"period_start": start}),
    ]


def test_clerk_of_another_ward_gets_404_on_every_page_of_ward_a(
    tree, template, clerk_b, opened, client_for
):
    client = client_for(clerk_b)
    for method, url, data in report_pages(opened.a) + period_pages(template):
        assert getattr(client, method)(url, data).status_code == 404, url
    assert refreshed(opened.a).values == opened.a.values
    assert refreshed(opened.a).status == Report.Status.DRAFT


def test_ward_clerk_reaches_its_report_but_not_the_parents_pages(
    tree, template, clerk_a, opened, client_for
):
    client = client_for(clerk_a)
    assert client.get(reverse("reports:templates")).status_code == 200
    assert client.get(reverse("reports:template", args=[template.pk])).status_code == 200
    assert client.get(reverse("reports:report", args=[opened.a.pk])).status_code == 200
    for method, url, data in period_pages(template):
        assert getattr(client, method)(url, data).status_code == 404, url
    response = client.post(reverse("reports:review", args=[opened.a.pk]), {"action": "accept"})
    assert response.status_code == 404


def test_city_officer_reaches_every_page(tree, template, city_officer, opened, client_for):
    client = client_for(city_officer)
    for report in (opened.a, opened.b):
        for method, url, _data in report_pages(report):
            if method == "get":
                assert client.get(url).status_code == 200, url
    assert client.get(reverse("reports:template", args=[template.pk])).status_code == 200
    assert client.get(period_pages(template)[0][1]).status_code == 200


def test_anonymous_visitor_is_sent_to_log_in(tree, template, opened, client):
    for method, url, data in report_pages(opened.a) + period_pages(template):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and "login" in response["Location"], url


def test_unit_without_templates_sees_an_empty_list(tree, template, no_role_user, client_for):
    response = client_for(no_role_user).get(reverse("reports:templates"))
    assert response.status_code == 200
    assert template.name not in response.content.decode()
    url = reverse("reports:template", args=[template.pk])
    assert client_for(no_role_user).get(url).status_code == 404


def form_data(**fields):
    """The report form's inputs: f0 models, f1 meetings, f2 summary, t3_<row>_<col> events."""
    data = {"f0": "2", "f1": "7", "f2": "Ổn định.", "t3_0_0": "15/02", "t3_0_1": "Đối thoại"}
    data.update(fields)
    return data


def test_ward_fills_and_submits_and_the_city_accepts_through_the_pages(
    tree, clerk_a, city_officer, opened, client_for
):
    url = reverse("reports:report", args=[opened.a.pk])
    response = client_for(clerk_a).post(url, form_data(action="submit"))
    assert response.status_code == 302
    report = refreshed(opened.a)
    assert report.status == Report.Status.SUBMITTED
    assert report.values["events"] == [{"date": "15/02", "what": "Đối thoại"}]
    page = client_for(city_officer).get(url).content.decode()
    assert "Đối thoại" in page and 'value="accept"' in page
    review = reverse("reports:review", args=[report.pk])
    client_for(city_officer).post(review, {"action": "accept"})
    assert refreshed(report).status == Report.Status.ACCEPTED
    response = client_for(clerk_a).post(url, form_data(action="submit", f1="70"), follow=True)
    assert refreshed(report).values["meetings"] == "7"
    assert refreshed(report).status == Report.Status.ACCEPTED
    assert response.status_code == 200


def test_text_in_a_number_field_shows_the_error_and_changes_nothing(
    tree, clerk_a, opened, client_for
):
    url = reverse("reports:report", args=[opened.a.pk])
    response = client_for(clerk_a).post(url, form_data(action="submit", f1="bảy"))
    assert response.status_code == 200
    assert "phải là số từ 0 trở lên" in response.content.decode()
    report = refreshed(opened.a)
    assert report.status == Report.Status.DRAFT and "meetings" not in report.values


def test_add_rows_works_without_javascript(tree, clerk_a, opened, client_for):
    client = client_for(clerk_a)
    url = reverse("reports:report", args=[opened.a.pk])
    page = client.get(url).content.decode()
    assert page.count('name="t3_') == 3 * 2  # three empty rows of two cells
    response = client.post(url, form_data(action="add_rows"))
    assert response["Location"].endswith("?more=3")
    page = client.get(response["Location"]).content.decode()
    assert page.count('name="t3_') == (1 + 6) * 2  # the saved row and six empty ones
    assert refreshed(opened.a).values["events"] == [{"date": "15/02", "what": "Đối thoại"}]


def test_city_opens_a_period_from_the_template_page(tree, template, city_officer, client_for):
    url = reverse("reports:open_period", args=[template.pk])
    response = client_for(city_officer).post(url, {"period_start": "2026-04-01"})
    assert response["Location"] == reverse("reports:period", args=[template.pk, "2026-04-01"])
    assert Report.objects.filter(period_start=datetime.date(2026, 4, 1)).count() == 2
    client_for(city_officer).post(url, {"period_start": "2026-05-01"})
    assert not Report.objects.filter(period_start=datetime.date(2026, 5, 1)).exists()


def test_completeness_page_queries_do_not_grow_with_units(tree, template, city_officer, client_for):
    services.open_period(actor=None, template=template, period_start=Q1)
    client = client_for(city_officer)
    url = reverse("reports:period", args=[template.pk, Q1.isoformat()])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(3):
        create_unit(actor=None, parent=tree.city, name=f"Phường {n}", kind=UnitKind.COMMUNE)
    services.open_period(actor=None, template=template, period_start=Q1)
    for report in Report.objects.filter(template=template)[:3]:
        services.accept_report(actor=None, report=fill_and_submit(report, None))
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_admin_refuses_a_malformed_template(tree):
    form = ReportTemplateForm(
        data={
            "name": "Báo cáo tháng",
            "owner": tree.city.pk,
            "frequency": "monthly",
            "due_days": 5,
            "fields": '[{"code": "x", "type": "number", "metric": "no_such_metric"}]',
            "is_active": True,
        }
    )
    assert not form.is_valid()
    assert "no_such_metric" in " ".join(form.errors["fields"])


def test_board_defines_templates_in_the_admin(tree, client_for):
    superuser = make_user("board", is_staff=True, is_superuser=True)
    client = client_for(superuser)
    assert client.get(reverse("admin:reports_reporttemplate_add")).status_code == 200
    response = client.post(
        reverse("admin:reports_reporttemplate_add"),
        {
            "name": "Báo cáo năm",
            "owner": tree.city.pk,
            "frequency": "annual",
            "due_days": 10,
            "fields": json.dumps(FIELDS),
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ReportTemplate.objects.get(name="Báo cáo năm").fields == FIELDS


def test_a_read_only_report_writes_its_numbers_as_vietnamese_readers_do(template):
    specs = services.template_fields(template)
    values = {"models": "1234", "meetings": "8.5", "summary": "1.5 không phải số"}
    with translation.override("vi"):
        shown = {item["spec"].code: item["value"] for item in display_values(specs, values)}
    assert shown["models"] == "1.234"
    assert shown["meetings"] == "8,5"
    assert shown["summary"] == "1.5 không phải số"  # text stays as written


def test_a_read_only_report_shows_a_blank_number_as_blank(template):
    specs = services.template_fields(template)
    values = {"models": " "}
    with translation.override("vi"):
        shown = {item["spec"].code: item["value"] for item in display_values(specs, values)}
    assert shown["models"] == " "
