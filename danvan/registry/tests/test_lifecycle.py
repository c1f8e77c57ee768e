"""A model moves only along the transition table; every move leaves history and an audit entry."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from danvan.core.models import AuditEntry
from danvan.registry import services
from danvan.registry.models import (
    DECIDED_STATES,
    MANUAL_MOVES,
    TRANSITIONS,
    PracticeModel,
    Status,
)
from danvan.registry.tests.factories import (
    PracticeModelFactory,
    council_for,
    in_vietnamese,
    make_good,
    move_to,
    recognise,
)

ALLOWED = sorted((source, target) for source, targets in TRANSITIONS.items() for target in targets)
REFUSED = [
    (Status.REGISTERED, Status.RECOGNISED),
    (Status.REGISTERED, Status.GOOD),
    (Status.LAUNCHED, Status.RECOGNISED),
    (Status.UNDER_REVIEW, Status.RECOGNISED),
    (Status.WEAK, Status.RECOGNISED),
    (Status.WEAK, Status.GOOD),
    (Status.GOOD, Status.COMMENDED),
    (Status.REPLICATING, Status.RECOGNISED),
    *[(Status.WITHDRAWN, target) for target in Status],
]


def audit_entries(model):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(PracticeModel), object_id=str(model.pk)
    )


@pytest.mark.parametrize(("source", "target"), ALLOWED, ids=[f"{s}-{t}" for s, t in ALLOWED])
def test_every_allowed_move_succeeds_and_is_recorded(tree, clerk_a, source, target):
    """A clerk makes the moves by hand; the system (None) those of a council or a decision."""
    mover = None if target in services.DECIDED_STATES else clerk_a
    model = move_to(PracticeModelFactory(actor=clerk_a, unit=tree.a.commune), source, actor=clerk_a)
    entries_before = audit_entries(model).count()

    services.transition(actor=mover, model=model, to=target, note="Theo biên bản họp")

    model.refresh_from_db()
    assert model.status == target
    change = model.changes.last()
    assert (change.from_status, change.to_status) == (source, target)
    assert change.actor == mover
    assert change.note == "Theo biên bản họp"
    assert audit_entries(model).count() == entries_before + 1
    entry = audit_entries(model).first()
    assert entry.action == f"registry.{target}"
    assert entry.actor == mover
    assert entry.before == {"status": source}
    assert entry.scope_path == tree.a.commune.path


DECIDED = [(source, target) for source, target in ALLOWED if target in services.DECIDED_STATES]


@pytest.mark.parametrize("person", ["clerk_a", "city_officer"])
@pytest.mark.parametrize(("source", "target"), DECIDED, ids=[f"{s}-{t}" for s, t in DECIDED])
def test_person_cannot_set_a_state_that_a_council_or_a_decision_sets(
    request, tree, clerk_a, source, target, person
):
    """Even where the table allows the move, good/weak/recognised/commended come only from a
    council result or a decision, never from the status form or a direct call."""
    actor = request.getfixturevalue(person)
    model = move_to(PracticeModelFactory(actor=clerk_a, unit=tree.a.commune), source, actor=clerk_a)
    changes_before = model.changes.count()
    entries_before = audit_entries(model).count()

    with pytest.raises(ValidationError) as refused:
        services.transition(actor=actor, model=model, to=target)

    assert refused.value.code == "decided"
    model.refresh_from_db()
    assert model.status == source
    assert model.changes.count() == changes_before
    assert audit_entries(model).count() == entries_before


def test_every_decided_state_is_covered():
    assert {target for _source, target in DECIDED} == set(services.DECIDED_STATES)


@pytest.mark.parametrize(("source", "target"), REFUSED, ids=[f"{s}-{t}" for s, t in REFUSED])
def test_move_outside_the_table_is_refused_and_changes_nothing(tree, clerk_a, source, target):
    """Not even the system may leave the table."""
    assert target not in TRANSITIONS[source]
    model = move_to(PracticeModelFactory(actor=clerk_a, unit=tree.a.commune), source, actor=clerk_a)
    changes_before = model.changes.count()
    entries_before = audit_entries(model).count()

    with pytest.raises(ValidationError) as refused:
        services.transition(actor=None, model=model, to=target)

    assert refused.value.code == "transition"
    message = refused.value.messages[0]
    assert str(Status(source).label) in message
    assert str(Status(target).label) in message
    model.refresh_from_db()
    assert model.status == source
    assert model.changes.count() == changes_before
    assert audit_entries(model).count() == entries_before


@pytest.mark.parametrize(("source", "target"), REFUSED, ids=[f"{s}-{t}" for s, t in REFUSED])
def test_person_moving_outside_the_table_is_refused_and_changes_nothing(
    tree, clerk_a, source, target
):
    """A person is told first that a decided state is not set by hand, else that the move is
    not in the table."""
    model = move_to(PracticeModelFactory(actor=clerk_a, unit=tree.a.commune), source, actor=clerk_a)
    changes_before = model.changes.count()
    entries_before = audit_entries(model).count()

    with pytest.raises(ValidationError) as refused:
        services.transition(actor=clerk_a, model=model, to=target)

    expected = "decided" if target in services.DECIDED_STATES else "transition"
    assert refused.value.code == expected
    model.refresh_from_db()
    assert model.status == source
    assert model.changes.count() == changes_before
    assert audit_entries(model).count() == entries_before


@pytest.mark.parametrize(
    ("target", "code"),
    [(Status.UNDER_REVIEW, "transition"), (Status.RECOGNISED, "decided")],
)
def test_refused_move_is_explained_in_vietnamese(tree, clerk_a, target, code):
    model = PracticeModelFactory(actor=clerk_a, unit=tree.a.commune)
    with pytest.raises(ValidationError) as refused:
        services.transition(actor=clerk_a, model=model, to=target)
    assert refused.value.code == code
    message = refused.value.messages[0]
    assert "cannot become" not in message
    assert "not by hand" not in message
    assert in_vietnamese(message)


def test_clerk_cannot_move_other_commune_models(tree, clerk_a, clerk_b):
    model = PracticeModelFactory(actor=clerk_a, unit=tree.a.commune)
    with pytest.raises(PermissionDenied):
        services.transition(actor=clerk_b, model=model, to=Status.LAUNCHED)
    model.refresh_from_db()
    assert model.status == Status.REGISTERED
    assert model.changes.count() == 1


def test_withdrawing_a_recognised_model_clears_its_level(tree, clerk_a, city_officer, judge):
    council = council_for(tree.a.commune, members=[judge])
    model = make_good(PracticeModelFactory(actor=clerk_a, unit=tree.a.commune), council)
    recognise(model, actor=city_officer)
    assert model.recognised_level is not None

    services.withdraw_model(actor=clerk_a, model=model, note="Không còn duy trì")

    model.refresh_from_db()
    assert model.status == Status.WITHDRAWN
    assert model.recognised_level is None
    assert model.recognised_on is None


# The status form on the model's page


def move(client, model, to, note=""):
    return client.post(reverse("registry:move", args=[model.pk]), {"to": to, "note": note})


def test_clerk_launches_a_model_from_its_page(tree, clerk_a, client_for):
    model = PracticeModelFactory(actor=clerk_a, unit=tree.a.hamlet)

    response = move(client_for(clerk_a), model, Status.LAUNCHED, note="Ra mắt ngày 2/9")

    assert response.status_code == 302
    assert response.url == reverse("registry:detail", args=[model.pk])
    model.refresh_from_db()
    assert model.status == Status.LAUNCHED
    change = model.changes.last()
    assert (change.to_status, change.actor, change.note) == (
        Status.LAUNCHED,
        clerk_a,
        "Ra mắt ngày 2/9",
    )


def test_model_page_offers_only_the_manual_moves_the_table_allows(tree, clerk_a, client_for):
    model = move_to(PracticeModelFactory(actor=clerk_a, unit=tree.a.commune), Status.UNDER_REVIEW)

    page = client_for(clerk_a).get(reverse("registry:detail", args=[model.pk])).content.decode()

    assert 'value="withdrawn"' in page
    assert 'value="good"' not in page
    assert 'value="weak"' not in page


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (Status.UNDER_REVIEW, Status.GOOD),
        (Status.UNDER_REVIEW, Status.WEAK),
        (Status.GOOD, Status.RECOGNISED),
    ],
)
def test_status_form_refuses_moves_that_need_a_council_or_a_decision(
    tree, clerk_a, client_for, source, target
):
    model = move_to(PracticeModelFactory(actor=clerk_a, unit=tree.a.commune), source)
    changes_before = model.changes.count()

    response = move(client_for(clerk_a), model, target)

    assert response.status_code == 302
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    model.refresh_from_db()
    assert model.status == source
    assert model.changes.count() == changes_before


def test_status_form_shows_why_a_move_the_table_forbids_is_refused(tree, clerk_a, client_for):
    model = PracticeModelFactory(actor=clerk_a, unit=tree.a.commune)

    response = move(client_for(clerk_a), model, Status.UNDER_REVIEW)

    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(messages) == 1
    assert str(Status.UNDER_REVIEW.label) in messages[0]
    model.refresh_from_db()
    assert model.status == Status.REGISTERED


# Manual moves: the service, not only the status form, holds the line


def test_every_manual_move_is_a_move_of_the_table():
    reachable = set().union(*TRANSITIONS.values())
    assert MANUAL_MOVES <= reachable
    assert MANUAL_MOVES.isdisjoint(DECIDED_STATES)
    assert MANUAL_MOVES | DECIDED_STATES == reachable


def test_a_person_cannot_mark_a_model_replicated_by_hand(tree, clerk_a, city_officer, judge):
    """Replication follows a recorded adoption: not a manual move, even for the board."""
    council = council_for(tree.a.commune, members=[judge])
    model = make_good(PracticeModelFactory(actor=clerk_a, unit=tree.a.commune), council)
    recognise(model, actor=city_officer)
    model.refresh_from_db()
    changes_before = model.changes.count()

    for actor in (clerk_a, city_officer):
        with pytest.raises(ValidationError) as refused:
            services.transition(actor=actor, model=model, to=Status.REPLICATING)
        assert refused.value.code == "decided"

    model.refresh_from_db()
    assert model.status == Status.RECOGNISED
    assert model.changes.count() == changes_before


@pytest.mark.parametrize("who", ["viewer_a", "judge", "clerk_b"])
def test_a_role_without_the_change_permission_cannot_move_a_model(request, tree, clerk_a, who):
    model = PracticeModelFactory(actor=clerk_a, unit=tree.a.commune)
    entries_before = audit_entries(model).count()

    with pytest.raises(PermissionDenied):
        services.transition(actor=request.getfixturevalue(who), model=model, to=Status.LAUNCHED)

    model.refresh_from_db()
    assert model.status == Status.REGISTERED
    assert audit_entries(model).count() == entries_before


def test_a_manual_move_is_on_the_audit_page_of_the_wards_clerk_only(
    tree, clerk_a, clerk_b, client_for
):
    model = PracticeModelFactory(actor=clerk_a, unit=tree.a.hamlet)
    move(client_for(clerk_a), model, Status.LAUNCHED)

    def launches(user):
        response = client_for(user).get(reverse("accounts:audit"), {"action": "registry.launched"})
        return [e.object_id for e in response.context["page"].object_list]

    assert launches(clerk_a) == [str(model.pk)]
    assert launches(clerk_b) == []
