"""Backups that restore: the database and the uploaded files in one archive, with a manifest.

An archive (`danvan-backup-<UTC stamp>.tar.gz`) holds

    database.sqlite3 | database.dump   the database: a SQLite copy made with the online backup
                                       API, or `pg_dump --format=custom`
    media/...                          every file under MEDIA_ROOT
    manifest.json                      what was written: versions, the database vendor, the
                                       rows of every table, the SHA-256 of every file

The row counts are taken from the very state that was dumped (the SQLite copy itself; on
PostgreSQL the dump's exported snapshot), so that a restore can be checked row for row.

A restore first reads and checks the whole archive in a temporary folder (member names, the
manifest, each file's checksum, the vendor) and refuses a damaged, altered or foreign one
before touching anything; then it replaces the database (the SQLite backup API into the
configured database; `pg_restore --clean --if-exists --no-owner --single-transaction` on
PostgreSQL), puts the files back under MEDIA_ROOT and checks the rows and the files against
the manifest. A sidecar `<archive>.sha256` (written next to each archive) is checked too when
it is there: kept apart from the archive, it also catches a manifest rewritten to match.
"""

import datetime
import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - runs pg_dump/pg_restore with arguments, never a shell
import tarfile
import tempfile
import tomllib
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import django
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; nothing was changed when a restore says so."""


@dataclass
class RestoreReport:
    """What a restore did and what its checks found."""

    manifest: dict
    tables: int = 0
    rows: int = 0
    files: int = 0
    row_mismatches: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    file_mismatches: list[str] = field(default_factory=list)
    extra_files: list[str] = field(default_factory=list)
    pending_migrations: int = 0

    @property
    def ok(self) -> bool:
        return not (self.row_mismatches or self.file_mismatches)


# Helpers


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader:
    """A file read once into the archive, hashed on the way (so the hash is of what went in)."""

    def __init__(self, stream: IO[bytes]):
        self.stream = stream
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.digest.update(data)
        return data


def _media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(name relative to MEDIA_ROOT with "/", path) of every regular file, in a fixed order."""
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


def _versions() -> dict[str, str]:
    """The Django and DanVan versions and, when the code is a git checkout, its commit."""
    found = {"django": django.get_version()}
    base = Path(settings.BASE_DIR)
    try:
        found["danvan"] = tomllib.loads((base / "pyproject.toml").read_text())["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        pass
    git = shutil.which("git")
    if git:
        try:
            commit = subprocess.run(  # noqa: S603 - fixed arguments
                [git, "rev-parse", "HEAD"],
                cwd=base,
                capture_output=True,
                text=True,
                timeout=5,
                check=True,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            commit = ""
        if commit:
            found["commit"] = commit
    return found


def table_rows(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """The rows of every table of the database, by table name."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(name)}")  # noqa: S608 - quoted name
            counts[name] = cursor.fetchone()[0]
    return counts


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_rows(path: Path) -> dict[str, int]:
    """The rows of every table of a SQLite file (not through Django: it is a copy)."""
    with sqlite3.connect(path) as db:
        names = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        counts = {
            name: db.execute(f"SELECT COUNT(*) FROM {_sqlite_quote(name)}").fetchone()[0]  # noqa: S608
            for name in names
        }
    db.close()
    return counts


def pg_binary(name: str) -> str:
    """The path of a PostgreSQL client program: PG_BINDIR, then PATH, then Debian's folders."""
    bindir = os.environ.get("PG_BINDIR", "")
    candidates = [str(Path(bindir) / name)] if bindir else []
    found = shutil.which(name)
    if found:
        candidates.append(found)
    candidates += sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
        reverse=True,
    )
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            return candidate
    raise BackupError(
        f"{name} was not found: install the PostgreSQL client programs (Debian: "
        f"postgresql-client-15) or set PG_BINDIR to the folder that holds {name}."
    )


def _pg_connection_args(settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    """pg_dump/pg_restore options and environment for the configured database."""
    options = settings_dict.get("OPTIONS", {})
    args = []
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    args += ["--dbname", str(settings_dict.get("NAME") or "postgres")]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    for option, variable in (
        ("service", "PGSERVICE"),
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
        ("passfile", "PGPASSFILE"),
    ):
        if options.get(option):
            env[variable] = str(options[option])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except OSError as error:
        raise BackupError(f"{command[0]} could not be run: {error}") from error
    if result.returncode != 0:
        name = Path(command[0]).name
        raise BackupError(f"{name} failed ({result.returncode}): {result.stderr.strip()}")


# Backing up


def _dump_sqlite(connection: BaseDatabaseWrapper, target: Path) -> dict[str, int]:
    """Copy the live database with the online backup API; count the copy's rows."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()
    return _sqlite_rows(target)


def _dump_postgresql(connection: BaseDatabaseWrapper, target: Path) -> dict[str, int]:
    """pg_dump the database in an exported snapshot, and count the rows in that snapshot."""
    program = pg_binary("pg_dump")
    if connection.in_atomic_block:
        raise BackupError("A PostgreSQL backup cannot run inside a transaction.")
    connection.ensure_connection()
    args, env = _pg_connection_args(connection.settings_dict)
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        counts = table_rows(connection)
        _run(
            [program, "--format=custom", f"--snapshot={snapshot}", f"--file={target}", *args],
            env,
        )
    return counts


def create_backup(
    output: Path, *, using: str = DEFAULT_DB_ALIAS, progress: Callable[[str], None] = print
) -> tuple[Path, dict]:
    """Write one archive of the database and the uploaded files into the output folder.

    Return its path and its manifest. The archive appears under its name only once complete.
    """
    connection = connections[using]
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups of {vendor} databases are not supported.")
    media_root = Path(settings.MEDIA_ROOT).resolve()
    if output.resolve().is_relative_to(media_root):
        # Uploaded files may be served to the public: a database dump must never lie there.
        raise BackupError(f"Write backups outside MEDIA_ROOT ({media_root}).")
    output.mkdir(parents=True, exist_ok=True)
    created = timezone.now().astimezone(datetime.UTC)
    name = f"danvan-backup-{created:%Y%m%dT%H%M%SZ}.tar.gz"
    archive = output / name
    if archive.exists():
        raise BackupError(f"{archive} exists already.")
    with tempfile.TemporaryDirectory(prefix=".danvan-backup-", dir=output) as work:
        dump = Path(work) / DATABASE_FILES[vendor]
        progress(f"Dumping the {vendor} database…")
        if vendor == "sqlite":
            rows = _dump_sqlite(connection, dump)
        else:
            rows = _dump_postgresql(connection, dump)
        partial = Path(work) / name
        media: dict[str, str] = {}
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(dump, arcname=dump.name, recursive=False)
            progress("Adding the uploaded files…")
            for relative, path in _media_files(media_root):
                info = tar.gettarinfo(path, arcname=f"{MEDIA}/{relative}")
                with path.open("rb") as stream:
                    reader = _HashingReader(stream)
                    tar.addfile(info, reader)  # type: ignore[arg-type]
                media[relative] = reader.digest.hexdigest()
            manifest = {
                "format": FORMAT,
                "created_at": created.isoformat(timespec="seconds"),
                "versions": _versions(),
                "database": {
                    "vendor": vendor,
                    "file": dump.name,
                    "size": dump.stat().st_size,
                    "sha256": sha256_file(dump),
                },
                "tables": rows,
                "media": media,
            }
            body = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            info.mtime = int(created.timestamp())
            info.mode = 0o644
            tar.addfile(info, _BytesReader(body))
        os.replace(partial, archive)
    checksum = sha256_file(archive)
    (output / f"{name}.sha256").write_text(f"{checksum}  {name}\n")
    return archive, manifest


class _BytesReader:
    def __init__(self, data: bytes):
        self.data = data
        self.offset = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.offset + size
        chunk = self.data[self.offset : end]
        self.offset += len(chunk)
        return chunk


# Checking an archive


def _check_sidecar(archive: Path) -> None:
    sidecar = archive.with_name(archive.name + ".sha256")
    if not sidecar.is_file():
        return
    expected = sidecar.read_text().split()[:1]
    if expected and expected[0].lower() != sha256_file(archive):
        raise BackupError(
            f"The archive does not match its checksum file {sidecar.name}: it was altered "
            "or damaged. Nothing was changed."
        )


def _check_members(members: list[tarfile.TarInfo]) -> None:
    names = [member.name for member in members]
    if len(names) != len(set(names)):
        raise BackupError("The archive holds a file twice: refused. Nothing was changed.")
    for member in members:
        inside_media = member.name.startswith(f"{MEDIA}/")
        allowed = member.name in (MANIFEST, *DATABASE_FILES.values()) or inside_media
        if not allowed or not member.isfile():
            raise BackupError(
                f"The archive holds an unexpected entry ({member.name!r}): it is not a DanVan "
                "backup or was altered. Nothing was changed."
            )


def _check_manifest(manifest: Any, folder: Path, vendor: str) -> dict:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("The archive's manifest is not one this version can read.")
    database = manifest.get("database")
    tables = manifest.get("tables")
    media = manifest.get("media")
    if not (isinstance(database, dict) and isinstance(tables, dict) and isinstance(media, dict)):
        raise BackupError("The archive's manifest is incomplete.")
    if database.get("vendor") != vendor:
        raise BackupError(
            f"This is a backup of a {database.get('vendor')} database; the configured database "
            f"is {vendor}. Nothing was changed."
        )
    dump = folder / str(database.get("file"))
    if database.get("file") != DATABASE_FILES[vendor] or not dump.is_file():
        raise BackupError("The archive has no database dump. Nothing was changed.")
    if sha256_file(dump) != database.get("sha256"):
        raise BackupError(
            "The database dump does not match the manifest's checksum: the archive was "
            "altered or damaged. Nothing was changed."
        )
    found = {relative for relative, _path in _media_files(folder / MEDIA)}
    if found != set(media):
        raise BackupError(
            "The uploaded files in the archive are not those of the manifest: the archive "
            "was altered or damaged. Nothing was changed."
        )
    for relative, digest in media.items():
        if sha256_file(folder / MEDIA / relative) != digest:
            raise BackupError(
                f"The file {relative} does not match the manifest's checksum: the archive "
                "was altered or damaged. Nothing was changed."
            )
    return manifest


@contextmanager
def opened_archive(archive: Path, *, vendor: str) -> Iterator[tuple[dict, Path]]:
    """Unpack and check an archive in a temporary folder; yield its manifest and the folder.

    Raise BackupError, having changed nothing, when anything is wrong with it.
    """
    if not archive.is_file():
        raise BackupError(f"{archive} is not a file.")
    _check_sidecar(archive)
    with tempfile.TemporaryDirectory(prefix=".danvan-restore-") as work:
        folder = Path(work)
        try:
            with tarfile.open(archive, "r:gz") as tar:
                members = tar.getmembers()  # reads to the end: checks the gzip checksum
                _check_members(members)
                tar.extractall(folder, members=members, filter="data")
        except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
            raise BackupError(
                f"The archive cannot be read ({error}): it is damaged or not a DanVan backup. "
                "Nothing was changed."
            ) from error
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise BackupError(
                "The archive has no readable manifest. Nothing was changed."
            ) from error
        yield _check_manifest(manifest, folder, vendor), folder


# Restoring


def holds_data(connection: BaseDatabaseWrapper) -> bool:
    """Whether the database is in use: it has user accounts (a freshly migrated one has none)."""
    table = get_user_model()._meta.db_table
    with connection.cursor() as cursor:
        if table not in connection.introspection.table_names(cursor):
            return False
        cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
        return cursor.fetchone() is not None


def _restore_sqlite(connection: BaseDatabaseWrapper, dump: Path) -> None:
    """Replace the whole database, schema and rows, with the copy (the backup API, page by
    page, under the database's lock)."""
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise BackupError("A restore cannot run inside a transaction.")
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _restore_postgresql(connection: BaseDatabaseWrapper, dump: Path) -> None:
    program = pg_binary("pg_restore")
    args, env = _pg_connection_args(connection.settings_dict)
    connection.close()  # pg_restore drops the tables: hold no connection of ours meanwhile
    _run(
        [
            program,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",  # all or nothing
            *args,
            str(dump),
        ],
        env,
    )


def _put_media(source: Path, root: Path, media: dict[str, str]) -> None:
    """Put every file back under MEDIA_ROOT, each replaced whole (written aside, then renamed)."""
    for relative in sorted(media):
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        aside = target.with_name(f".{target.name}.restoring")
        shutil.copyfile(source / relative, aside)
        os.replace(aside, target)


def _pending_migrations(connection: BaseDatabaseWrapper) -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def verify(connection: BaseDatabaseWrapper, manifest: dict, report: RestoreReport) -> None:
    """Compare the database's rows and MEDIA_ROOT's files with the manifest."""
    rows = table_rows(connection)
    for table, expected in manifest["tables"].items():
        if rows.get(table) != expected:
            report.row_mismatches[table] = (expected, rows.get(table))
    report.tables = len(manifest["tables"])
    report.rows = sum(manifest["tables"].values())
    root = Path(settings.MEDIA_ROOT)
    for relative, digest in manifest["media"].items():
        path = root / relative
        if not path.is_file() or sha256_file(path) != digest:
            report.file_mismatches.append(relative)
    report.files = len(manifest["media"])
    report.extra_files = [
        relative for relative, _path in _media_files(root) if relative not in manifest["media"]
    ]


def restore_backup(
    archive: Path,
    *,
    using: str = DEFAULT_DB_ALIAS,
    connection: BaseDatabaseWrapper | None = None,
    replace: bool = False,
    progress: Callable[[str], None] = print,
) -> RestoreReport:
    """Check the archive, replace the database (of the alias, or the connection given) and
    put the files back, then verify both.

    Refuse, changing nothing, a damaged, altered or foreign archive, and a database in use
    unless replace is set.
    """
    connection = connection or connections[using]
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Restoring into {vendor} databases is not supported.")
    with opened_archive(archive, vendor=vendor) as (manifest, folder):
        if holds_data(connection) and not replace:
            raise BackupError(
                "The configured database holds data (user accounts): a restore would replace "
                "all of it. Run again with --yes to replace it. Nothing was changed."
            )
        dump = folder / manifest["database"]["file"]
        progress(f"Restoring the {vendor} database…")
        if vendor == "sqlite":
            _restore_sqlite(connection, dump)
        else:
            _restore_postgresql(connection, dump)
        progress("Putting the uploaded files back…")
        _put_media(folder / MEDIA, Path(settings.MEDIA_ROOT), manifest["media"])
    # Cached pages and counts describe the database that was replaced.
    cache.clear()
    ContentType.objects.clear_cache()
    report = RestoreReport(manifest=manifest)
    verify(connection, manifest, report)
    report.pending_migrations = _pending_migrations(connection)
    return report
