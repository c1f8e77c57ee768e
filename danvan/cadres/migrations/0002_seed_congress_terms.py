"""The Party congress terms of the generations view, back to the 1980s. Congresses of the
city and of the communes fall in different months, so a term runs here from 1 October of
its first year to 30 September of its last: data, changed in the admin where a unit counts
otherwise."""

import datetime

from django.db import migrations

TERMS = [
    (1986, 1991),
    (1991, 1996),
    (1996, 2000),
    (2000, 2005),
    (2005, 2010),
    (2010, 2015),
    (2015, 2020),
    (2020, 2025),
    (2025, 2030),
]


def seed(apps, schema_editor):
    Term = apps.get_model("cadres", "Term")
    for first, last in TERMS:
        Term.objects.update_or_create(
            name=f"Nhiệm kỳ {first}–{last}",
            defaults={
                "start": datetime.date(first, 10, 1),
                "end": datetime.date(last, 9, 30),
            },
        )


def unseed(apps, schema_editor):
    Term = apps.get_model("cadres", "Term")
    Term.objects.filter(name__in=[f"Nhiệm kỳ {a}–{b}" for a, b in TERMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("cadres", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
