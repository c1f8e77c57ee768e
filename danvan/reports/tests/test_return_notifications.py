"""A report sent back for correction tells the unit's editors in their notification centre,
once, and by e-mail at once unless they chose otherwise."""

from django.urls import reverse

from danvan.notices import services as notices
from danvan.notices.models import Delivery, NotificationKind, StaffNotification
from danvan.reports import services
from danvan.reports.tests.test_periodic import fill_and_submit, open_q1, quarterly_template


def test_a_returned_report_notifies_its_units_editors(
    tree, clerk_a, clerk_b, city_officer, mailoutbox, django_capture_on_commit_callbacks
):
    type(clerk_a).objects.filter(pk=clerk_a.pk).update(email="vanthu.badinh@example.vn")
    opened = open_q1(tree, quarterly_template(tree.city), city_officer)
    report = fill_and_submit(opened.a, clerk_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.return_report(actor=city_officer, report=report, note="Thiếu số liệu tháng 3.")

    [note] = StaffNotification.objects.filter(user=clerk_a)
    assert note.kind == NotificationKind.REPORT_RETURNED
    assert note.url == reverse("reports:report", args=[report.pk])
    assert note.text == "Thiếu số liệu tháng 3."
    assert not StaffNotification.objects.filter(user__in=[clerk_b, city_officer]).exists()
    [message] = mailoutbox  # the default for a returned report: an e-mail at once
    assert message.to == ["vanthu.badinh@example.vn"]
    assert "Phường Ba Đình" in message.subject


def test_an_editor_who_chose_the_app_only_gets_no_mail(
    tree, clerk_a, city_officer, mailoutbox, django_capture_on_commit_callbacks
):
    type(clerk_a).objects.filter(pk=clerk_a.pk).update(email="vanthu.badinh@example.vn")
    notices.set_preferences(user=clerk_a, choices={NotificationKind.REPORT_RETURNED: Delivery.APP})
    opened = open_q1(tree, quarterly_template(tree.city), city_officer)
    report = fill_and_submit(opened.a, clerk_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.return_report(actor=city_officer, report=report, note="Thiếu số liệu.")
    assert StaffNotification.objects.filter(user=clerk_a).count() == 1
    assert mailoutbox == []
