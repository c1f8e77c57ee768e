"""A model's commendation is now an award decision of the `awards` app: its migration
`0003_commendations_from_registry` (which runs before this one) copies every commendation
recorded here into an award decision and removes it; what stays are recognitions."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0009_field_synonyms"),
    ]

    operations = [
        migrations.RemoveField(model_name="recognition", name="kind"),
    ]
