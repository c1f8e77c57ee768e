"""Campaigns and targets now belong to `plans` (whose first migration renames their tables):
forget them here without touching the database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0001_initial"),
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Target"),
                migrations.DeleteModel(name="Campaign"),
            ],
        ),
    ]
