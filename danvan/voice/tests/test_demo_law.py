"""The demo shows intake by the letter of the law: late complaints accepted and refused,
information kept from anonymous denunciations, denunciations waiting for their details,
forward deadlines; loading it twice adds nothing."""

from danvan.organisations.models import Unit
from danvan.voice import demo
from danvan.voice.models import Case, Status


def test_the_examples_show_each_rule_once(tree):
    Unit.objects.filter(pk=tree.a.commune.pk).update(key=demo.LAW_COMMUNE)
    Unit.objects.filter(pk=tree.b.state.pk).update(key="vn-01-09556-state")

    assert demo.load_law_examples() == 11
    assert demo.load_law_examples() == 0

    cases = Case.objects.filter(commune=tree.a.commune)
    assert cases.filter(time_barred=True, status=Status.RECEIVED).exists()
    assert cases.filter(limitation_outcome="accepted").exists()
    assert cases.filter(limitation_outcome="rejected", status=Status.REJECTED).exists()
    assert cases.filter(kind="complaint", time_barred=False, obstacles__isnull=False).exists()
    assert cases.filter(kind="information", status=Status.RECEIVED).exists()
    assert cases.filter(kind="information", information_use="check").exists()
    assert cases.filter(status=Status.AWAITING_DETAILS).exists()
    assert cases.filter(deadline_start_event="details").exists()
    assert cases.filter(status=Status.RECEIVED, forward_deadline__isnull=False).exists()
    assert cases.filter(responsible=tree.b.state, deadline_start_event="forward").exists()
