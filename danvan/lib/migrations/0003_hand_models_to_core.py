"""lib keeps no models: its three models now belong to `core`, whose first migration takes
over their tables (renamed lib_* → core_*) and content types. Nothing changes in the
database here: the state forgets the models, core.0001_initial adopts them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("lib", "0002_job"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="AuditEntry"),
                migrations.DeleteModel(name="WorkdayOverride"),
                migrations.DeleteModel(name="Job"),
            ],
            database_operations=[],
        ),
    ]
