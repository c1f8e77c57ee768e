"""Migration helpers for tables that keep their history with django-simple-history."""

from django.db import migrations
from django.utils import timezone


def baseline_history(app_label, names):
    """Give every existing rule row its first history version, so its later changes show
    what it was before them."""

    def forwards(apps, schema_editor):
        now = timezone.now()
        for name in names:
            model = apps.get_model(app_label, name)
            historical = apps.get_model(app_label, f"Historical{name}")
            fields = [f.attname for f in model._meta.concrete_fields]
            historical.objects.bulk_create(
                [
                    historical(
                        **{f: getattr(row, f) for f in fields},
                        history_date=now,
                        history_type="+",
                        history_change_reason="baseline",
                    )
                    for row in model.objects.all()
                ],
                batch_size=500,
            )

    def backwards(apps, schema_editor):
        for name in names:
            apps.get_model(app_label, f"Historical{name}").objects.filter(
                history_change_reason="baseline"
            ).delete()

    return migrations.RunPython(forwards, backwards)
