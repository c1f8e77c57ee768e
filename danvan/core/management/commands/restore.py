"""Restore a backup archive written by `backup` (see danvan.core.backups)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from danvan.core.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Check a backup archive (its manifest and every checksum) and refuse a damaged, "
        "altered or other-database one; then replace the configured database with it, put "
        "the uploaded files back under MEDIA_ROOT and check rows and files against the "
        "manifest. Stop the site and its workers first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--yes",
            action="store_true",
            help="replace a database that holds data (without it such a restore is refused)",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="database alias")

    def handle(self, *args, archive: Path, yes: bool, database: str, verbosity: int, **options):
        def progress(text: str) -> None:
            if verbosity > 1:
                self.stdout.write(text)

        try:
            report = restore_backup(archive, using=database, replace=yes, progress=progress)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = report.manifest
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']} "
            f"({', '.join(f'{k} {v}' for k, v in sorted(manifest['versions'].items()))})."
        )
        for table, (expected, found) in sorted(report.row_mismatches.items()):
            self.stderr.write(f"{table}: {expected} rows in the backup, {found} now.")
        for relative in report.file_mismatches:
            self.stderr.write(f"{relative}: missing or different from the backup.")
        if report.extra_files:
            self.stdout.write(
                f"{len(report.extra_files)} files under MEDIA_ROOT are not in the backup; "
                "they were left in place."
            )
        if report.pending_migrations:
            self.stdout.write(
                self.style.WARNING(
                    f"The backup predates {report.pending_migrations} migrations of this code: "
                    "run `manage.py migrate`."
                )
            )
        if not report.ok:
            raise CommandError("The restored data does not match the backup's manifest.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Checked: {report.tables} tables, {report.rows} rows and {report.files} "
                "uploaded files match the backup."
            )
        )
