"""The audit trail, the calendar overrides and the jobs, formerly of `lib`.

The tables were created by lib.0001_initial and lib.0002_job (on a fresh database too), so
this migration creates nothing: it adopts them under their old names, renames them to the
names Django gives core's models (lib_auditentry → core_auditentry, …) and renames the one
named index. The content types follow (`lib` → `core`), so audit entries, admin log entries
and permissions that point at these models keep pointing at them.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import danvan.core.models

MODELS = ["auditentry", "workdayoverride", "job"]


def move_content_types(apps, schema_editor, *, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        old = ContentType.objects.using(db).filter(app_label=source, model=model).first()
        if old is None:
            continue  # a database that never created it: post_migrate will
        # A row already made for the new label refers to nothing yet (its permissions go with
        # it); the old row is the one the audit trail, the admin log and the grants point at.
        ContentType.objects.using(db).filter(app_label=target, model=model).delete()
        old.app_label = target
        old.save(update_fields=["app_label"])


def content_types_to_core(apps, schema_editor):
    move_content_types(apps, schema_editor, source="lib", target="core")


def content_types_to_lib(apps, schema_editor):
    move_content_types(apps, schema_editor, source="core", target="lib")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("lib", "0003_hand_models_to_core"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="WorkdayOverride",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("date", models.DateField(unique=True, verbose_name="date")),
                        ("kind", models.CharField(choices=[("day_off", "Day off"), ("working_day", "Working day")], max_length=16, verbose_name="kind")),
                        ("note", models.CharField(blank=True, max_length=255, verbose_name="note")),
                    ],
                    options={
                        "verbose_name": "calendar override",
                        "verbose_name_plural": "calendar overrides",
                        "ordering": ["date"],
                        "db_table": "lib_workdayoverride",
                    },
                ),
                migrations.CreateModel(
                    name="Job",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("token", models.CharField(editable=False, max_length=32, unique=True)),
                        ("kind", models.CharField(max_length=64, verbose_name="kind")),
                        ("status", models.CharField(choices=[("queued", "Waiting"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")], default="queued", max_length=16, verbose_name="status")),
                        ("done", models.PositiveIntegerField(default=0)),
                        ("total", models.PositiveIntegerField(default=0)),
                        ("message", models.TextField(blank=True, verbose_name="message")),
                        ("params", models.JSONField(blank=True, default=dict)),
                        ("result", models.JSONField(blank=True, default=dict)),
                        ("input_file", models.FileField(blank=True, max_length=255, upload_to=danvan.core.models.job_output_path)),
                        ("output_file", models.FileField(blank=True, max_length=255, upload_to=danvan.core.models.job_output_path)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        ("owner", models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name="jobs", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "background job",
                        "verbose_name_plural": "background jobs",
                        "ordering": ["-created_at"],
                        "db_table": "lib_job",
                    },
                ),
                migrations.CreateModel(
                    name="AuditEntry",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="time")),
                        ("actor_label", models.CharField(blank=True, max_length=150, verbose_name="actor name")),
                        ("action", models.CharField(db_index=True, max_length=64, verbose_name="action")),
                        ("object_id", models.CharField(blank=True, max_length=64)),
                        ("object_repr", models.CharField(blank=True, max_length=255, verbose_name="object")),
                        ("scope_path", models.CharField(blank=True, db_index=True, max_length=255)),
                        ("before", models.JSONField(blank=True, null=True, verbose_name="before")),
                        ("after", models.JSONField(blank=True, null=True, verbose_name="after")),
                        ("ip_address", models.GenericIPAddressField(blank=True, null=True, verbose_name="IP address")),
                        ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="actor")),
                        ("content_type", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="contenttypes.contenttype")),
                    ],
                    options={
                        "verbose_name": "audit entry",
                        "verbose_name_plural": "audit trail",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [models.Index(fields=["content_type", "object_id"], name="lib_auditen_content_98951a_idx")],
                        "db_table": "lib_auditentry",
                    },
                ),
            ],
            database_operations=[],
        ),
        # The tables take core's names, as a fresh model of core would have them.
        migrations.AlterModelTable(name="workdayoverride", table=None),
        migrations.AlterModelTable(name="job", table=None),
        migrations.AlterModelTable(name="auditentry", table=None),
        migrations.RenameIndex(
            model_name="auditentry",
            new_name="core_audite_content_45f5e6_idx",
            old_name="lib_auditen_content_98951a_idx",
        ),
        migrations.RunPython(content_types_to_core, content_types_to_lib),
    ]
