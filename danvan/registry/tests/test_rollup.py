"""Models registered and recognised per unit and year: the roll-up equals a count of the
models, whatever writes them."""

from django.db.models import Count, Q

from danvan.registry import rollup
from danvan.registry.models import ModelYearStat, PracticeModel, Status

from .factories import PracticeModelFactory, level, move_to, recognise


def counted() -> dict:
    return {
        (row["unit"], row["year"]): (row["registered"], row["recognised"])
        for row in PracticeModel.objects.order_by()
        .values("unit", "year")
        .annotate(
            registered=Count("id"),
            recognised=Count("id", filter=Q(recognised_level__isnull=False)),
        )
    }


def held() -> dict:
    return {
        (row.unit_id, row.year): (row.registered, row.recognised)
        for row in ModelYearStat.objects.all()
        if row.registered
    }


def test_registering_and_recognising_are_counted(tree, clerk_a, city_admin):
    model = PracticeModelFactory(unit=tree.a.commune, actor=clerk_a)
    PracticeModelFactory(unit=tree.a.hamlet, actor=clerk_a, year=2025)
    assert held() == {(tree.a.commune.pk, 2026): (1, 0), (tree.a.hamlet.pk, 2025): (1, 0)}
    recognise(move_to(model, Status.GOOD, actor=clerk_a), actor=city_admin)
    assert held()[(tree.a.commune.pk, 2026)] == (1, 1)
    assert held() == counted()


def test_bulk_updates_and_deletes_are_counted(tree, clerk_a):
    models = [PracticeModelFactory(unit=tree.a.commune, actor=clerk_a) for _ in range(4)]
    PracticeModel.objects.filter(pk__in=[m.pk for m in models[:2]]).update(
        recognised_level=level(), year=2024
    )
    PracticeModel.objects.filter(pk=models[2].pk).update(unit=tree.b.commune)
    PracticeModel.objects.filter(pk=models[3].pk).delete()
    assert (
        held()
        == counted()
        == {
            (tree.a.commune.pk, 2024): (2, 2),
            (tree.b.commune.pk, 2026): (1, 0),
        }
    )


def test_rebuild_recounts(tree, clerk_a):
    PracticeModelFactory(unit=tree.a.commune, actor=clerk_a)
    ModelYearStat.objects.update(registered=40)
    rollup.rebuild()
    assert held() == counted()
