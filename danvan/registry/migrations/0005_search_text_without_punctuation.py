from django.db import migrations

from danvan.lib.vntext import search_key


def rebuild(apps, schema_editor):
    PracticeModel = apps.get_model("registry", "PracticeModel")
    batch = []
    for model in PracticeModel.objects.only("id", "name", "situation", "content").iterator(
        chunk_size=2000
    ):
        model.search_text = search_key(
            " ".join([model.name, model.situation[:500], model.content[:500]])
        )
        batch.append(model)
        if len(batch) >= 2000:
            PracticeModel.objects.bulk_update(batch, ["search_text"])
            batch = []
    PracticeModel.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_legacy_imports_may_lack_texts")]
    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
