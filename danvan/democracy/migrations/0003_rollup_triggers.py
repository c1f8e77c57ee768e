"""The triggers that keep the publications' monthly counts and the hamlets' household
counts, then a count of the rows already there."""

from django.db import migrations

from danvan.democracy.rollup import HOUSEHOLDS, PUBLICATIONS
from danvan.lib.rollups import installer

install_publications, uninstall_publications = installer(PUBLICATIONS)
install_households, uninstall_households = installer(HOUSEHOLDS)


class Migration(migrations.Migration):
    dependencies = [("democracy", "0002_seed_rules")]

    operations = [
        migrations.RunPython(install_publications, uninstall_publications),
        migrations.RunPython(install_households, uninstall_households),
    ]
