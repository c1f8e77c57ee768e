"""The audit entries of campaigns and targets, written as reports.* before the move, are
named plans.* like the entries written since."""

from django.db import migrations

ACTIONS = ("open_campaign", "set_target", "cascade_target", "report_progress")


def rename(apps, old: str, new: str) -> None:
    AuditEntry = apps.get_model("core", "AuditEntry")
    for action in ACTIONS:
        AuditEntry.objects.filter(action=f"{old}.{action}").update(action=f"{new}.{action}")


def forwards(apps, schema_editor):
    rename(apps, "reports", "plans")


def backwards(apps, schema_editor):
    rename(apps, "plans", "reports")


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0001_initial"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
