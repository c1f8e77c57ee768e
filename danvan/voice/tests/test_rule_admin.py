"""The city's rule tables in the admin: a deadline rule a case points to is never changed in
place; the change becomes its successor, audited and kept in history."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from danvan.core.models import AuditEntry
from danvan.organisations import services as rule_services
from danvan.organisations.ruletables import RuleInUse
from danvan.voice.models import Case, Category, DeadlineRule, RoutingRule

FIELDS = [
    "kind",
    "urgency",
    "step",
    "amount",
    "unit",
    "starts_from",
    "next_working_day",
    "max_extensions",
    "legal_basis",
]


def form_data(rule: DeadlineRule, **changes) -> dict:
    data = {name: getattr(rule, name) for name in FIELDS}
    data["effective_from"] = rule.effective_from.isoformat()
    data["effective_to"] = rule.effective_to.isoformat() if rule.effective_to else ""
    data.update(changes)
    return data


def change_url(rule) -> str:
    return reverse("admin:voice_deadlinerule_change", args=[rule.pk])


def test_changing_a_rule_a_case_uses_adds_its_successor(tree, sent, city_admin, admin_staff):
    case = sent()
    rule = case.deadline_rule
    deadline = case.deadline
    today = timezone.localdate()

    response = admin_staff(city_admin).post(
        change_url(rule), form_data(rule, amount=16), follow=True
    )

    assert response.status_code == 200
    assert "This rule is in use" in response.content.decode()
    old = DeadlineRule.objects.get(pk=rule.pk)
    assert old.amount == 8
    assert old.effective_to == today - datetime.timedelta(days=1)
    successor = DeadlineRule.objects.exclude(pk=rule.pk).get(
        kind=rule.kind, step=rule.step, urgency=rule.urgency, amount=16
    )
    assert successor.effective_from == today
    assert successor.effective_to is None
    assert successor.legal_basis == rule.legal_basis
    case.refresh_from_db()
    assert case.deadline_rule_id == rule.pk
    assert case.deadline == deadline
    assert sent().deadline_rule == successor


def test_the_revision_is_audited_for_the_city_and_kept_in_history(
    tree, sent, city_admin, city_officer, admin_staff
):
    rule = sent().deadline_rule

    admin_staff(city_admin).post(change_url(rule), form_data(rule, amount=16))

    successor = DeadlineRule.objects.get(amount=16, kind=rule.kind, step=rule.step)
    revised = AuditEntry.objects.get(action="rules.revised")
    assert revised.object_id == str(successor.pk)
    assert revised.actor == city_admin
    assert revised.before["amount"] == 8 and revised.after["amount"] == 16
    assert revised.before["id"] == rule.pk
    closed = AuditEntry.objects.get(action="rules.closed")
    assert closed.object_id == str(rule.pk)
    day_before = successor.effective_from - datetime.timedelta(days=1)
    assert closed.after == {"effective_to": day_before.isoformat()}
    assert rule.history.first().effective_to is not None  # the closing is a version
    assert rule.history.first().history_user == city_admin
    assert successor.history.count() == 1
    # City-wide rules: the city's board officers read them on the audit page.
    page = admin_staff(city_officer).get(reverse("accounts:audit"))
    assert "rules.revised" in [entry.action for entry in page.context["page"]]


def test_a_rule_no_case_uses_changes_in_place(tree, city_admin, admin_staff):
    rule = DeadlineRule.objects.in_force().filter(kind="denunciation").first()
    assert not Case.objects.filter(deadline_rule=rule).exists()

    admin_staff(city_admin).post(change_url(rule), form_data(rule, legal_basis="Luật Tố cáo 2018"))

    rule.refresh_from_db()
    assert rule.legal_basis == "Luật Tố cáo 2018"
    assert rule.effective_to is None
    assert DeadlineRule.objects.filter(legal_basis="Luật Tố cáo 2018").count() == 1
    entry = AuditEntry.objects.get(action="rules.changed")
    assert entry.object_id == str(rule.pk)
    assert entry.after == {"legal_basis": "Luật Tố cáo 2018"}
    assert rule.history.first().legal_basis == "Luật Tố cáo 2018"


def test_a_successor_cannot_start_before_the_rule_it_replaces(tree, sent, city_admin, admin_staff):
    rule = sent().deadline_rule
    count = DeadlineRule.objects.count()

    response = admin_staff(city_admin).post(
        change_url(rule), form_data(rule, amount=16, effective_from="2000-01-01")
    )

    assert response.status_code == 200  # the form again, with the error
    assert "must start after" in response.content.decode()
    assert DeadlineRule.objects.count() == count
    assert DeadlineRule.objects.get(pk=rule.pk).amount == 8


@pytest.mark.parametrize("who", ["clerk_a", "city_officer", "admin_b"])
def test_only_city_administrators_change_rules(request, tree, sent, admin_staff, who):
    rule = sent().deadline_rule
    user = request.getfixturevalue(who)
    count = DeadlineRule.objects.count()

    response = admin_staff(user).post(change_url(rule), form_data(rule, amount=16))

    assert response.status_code in (302, 403, 404)
    assert DeadlineRule.objects.count() == count
    assert DeadlineRule.objects.get(pk=rule.pk).amount == 8
    assert not AuditEntry.objects.filter(action__startswith="rules.").exists()


def test_a_commune_clerk_without_staff_access_is_sent_to_the_login(tree, sent, clerk_a, client_for):
    rule = sent().deadline_rule

    response = client_for(clerk_a).post(change_url(rule), form_data(rule, amount=16))

    assert response.status_code == 302
    assert DeadlineRule.objects.get(pk=rule.pk).amount == 8


def test_code_cannot_change_a_rule_in_use_in_place(tree, sent):
    rule = sent().deadline_rule
    rule.amount = 99

    with pytest.raises(RuleInUse):
        rule.save()

    assert DeadlineRule.objects.get(pk=rule.pk).amount == 8


def test_closing_a_rule_in_use_keeps_its_values(tree, sent, city_admin, admin_staff):
    case = sent()
    rule = case.deadline_rule
    end = timezone.localdate() + datetime.timedelta(days=30)

    admin_staff(city_admin).post(change_url(rule), form_data(rule, effective_to=end.isoformat()))

    rule.refresh_from_db()
    assert rule.effective_to == end
    assert rule.amount == 8
    assert DeadlineRule.objects.filter(amount=8, kind=rule.kind, step=rule.step).count() == 1
    assert AuditEntry.objects.get(action="rules.closed").object_id == str(rule.pk)


def test_a_routing_rule_in_use_is_revised_and_new_cases_follow_its_successor(
    tree, sent, city_admin
):
    category = Category.objects.get(code="moi-truong")
    rule = rule_services.add_rule(
        RoutingRule(
            category=category,
            responsible=tree.a.front,
            effective_from=timezone.localdate() - datetime.timedelta(days=10),
        ),
        actor=city_admin,
    )
    case = sent()
    assert (case.responsible, case.routing_rule) == (tree.a.front, rule)

    successor = rule_services.change_rule(rule, {"responsible": tree.a.party}, actor=city_admin)

    assert successor.pk != rule.pk
    rule.refresh_from_db()
    assert rule.responsible == tree.a.front
    case.refresh_from_db()
    assert case.routing_rule == rule
    assert sent().responsible == tree.a.party
    assert AuditEntry.objects.filter(action="rules.added", object_id=str(rule.pk)).exists()


def test_a_category_changes_in_place_and_is_set_out_of_use(tree, sent, city_admin, admin_staff):
    category = sent().category
    url = reverse("admin:voice_category_change", args=[category.pk])
    data = {
        "code": category.code,
        "name": category.name,
        "description": "",
        "order": category.order,
    }  # "is_active" left out: unticked

    admin_staff(city_admin).post(url, data)

    category.refresh_from_db()
    assert category.is_active is False
    assert Case.objects.filter(category=category).exists()
    assert AuditEntry.objects.get(action="rules.changed").after == {"is_active": False}
    assert category.history.first().is_active is False
    assert (
        admin_staff(city_admin)
        .get(reverse("admin:voice_category_delete", args=[category.pk]))
        .status_code
        == 403
    )
