"""Campaigns and targets move here from `reports`: the tables are renamed and their content
types relabelled, so every row, permission, admin log and audit entry stays where it was."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

TABLES = [("campaign", "reports_campaign", "plans_campaign"), ("target", "reports_target", "plans_target")]


def _relabel(apps, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for model, _old_table, _new_table in TABLES:
        found = content_type.objects.filter(app_label=old, model=model).first()
        if found is None:
            continue
        # A row created under the new label before this migration ran points at nothing yet.
        content_type.objects.filter(app_label=new, model=model).delete()
        found.app_label = new
        found.save(update_fields=["app_label"])


def move_tables(apps, schema_editor):
    # The database side of this migration sees the models as `reports` left them, both ways.
    for model, old_table, new_table in TABLES:
        schema_editor.alter_db_table(apps.get_model("reports", model), old_table, new_table)
    _relabel(apps, "reports", "plans")


def move_tables_back(apps, schema_editor):
    for model, old_table, new_table in reversed(TABLES):
        schema_editor.alter_db_table(apps.get_model("reports", model), new_table, old_table)
    _relabel(apps, "plans", "reports")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("organisations", "0003_search_text_without_punctuation"),
        ("reports", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Campaign',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=300, verbose_name='name')),
                        ('start', models.DateField(verbose_name='from')),
                        ('end', models.DateField(verbose_name='to')),
                        ('description', models.TextField(blank=True, verbose_name='description')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='campaigns', to='organisations.unit', verbose_name='opened by')),
                    ],
                    options={
                        'verbose_name': 'campaign',
                        'verbose_name_plural': 'campaigns',
                        'ordering': ['-start', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='Target',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=300, verbose_name='target')),
                        ('metric', models.CharField(blank=True, help_text='Empty: reported by hand.', max_length=40, verbose_name='measured by')),
                        ('comparison', models.CharField(choices=[('gte', 'at least'), ('lte', 'at most')], default='gte', max_length=3)),
                        ('value', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='value')),
                        ('reported_value', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='reported value')),
                        ('reported_at', models.DateTimeField(blank=True, null=True)),
                        ('reported_note', models.TextField(blank=True)),
                        ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='targets', to='plans.campaign')),
                        ('parent', models.ForeignKey(blank=True, help_text='The target this one was cascaded from.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='cascaded', to='plans.target')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='organisations.unit', verbose_name='unit')),
                    ],
                    options={
                        'verbose_name': 'target',
                        'verbose_name_plural': 'targets',
                        'ordering': ['campaign', 'unit__path', 'id'],
                        'constraints': [models.UniqueConstraint(fields=('campaign', 'unit', 'title'), name='target_unique_per_unit')],
                    },
                ),
            ],
            database_operations=[migrations.RunPython(move_tables, move_tables_back)],
        ),
    ]
