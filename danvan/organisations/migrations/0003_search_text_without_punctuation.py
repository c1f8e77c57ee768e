from django.db import migrations

from danvan.lib.vntext import search_key


def rebuild(apps, schema_editor):
    Unit = apps.get_model("organisations", "Unit")
    batch = []
    for unit in Unit.objects.only("id", "name", "short_name", "code").iterator(chunk_size=2000):
        unit.search_text = search_key(
            " ".join(filter(None, [unit.name, unit.short_name, unit.code]))
        )
        batch.append(unit)
        if len(batch) >= 2000:
            Unit.objects.bulk_update(batch, ["search_text"])
            batch = []
    Unit.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [("organisations", "0002_search_text_word_starts")]
    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
