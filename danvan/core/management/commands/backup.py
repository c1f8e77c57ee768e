"""Back up the database and the uploaded files into one archive (see danvan.core.backups)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from danvan.core.backups import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write danvan-backup-<UTC time>.tar.gz into the output folder: the database (SQLite "
        "online backup or pg_dump), every uploaded file and a manifest of row counts and "
        "checksums; beside it, the archive's SHA-256 in <archive>.sha256. Safe while the "
        "site runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, type=Path, help="the folder to write to")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="database alias")

    def handle(self, *args, output: Path, database: str, verbosity: int, **options):
        def progress(text: str) -> None:
            if verbosity > 1:
                self.stdout.write(text)

        try:
            archive, manifest = create_backup(output, using=database, progress=progress)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"{archive}: {manifest['database']['vendor']} database, "
                f"{len(manifest['tables'])} tables, {rows} rows, "
                f"{len(manifest['media'])} uploaded files, "
                f"{archive.stat().st_size / 1024 / 1024:.1f} MB."
            )
        )
