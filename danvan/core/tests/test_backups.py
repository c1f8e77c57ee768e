"""Backups that restore: every row and every uploaded file comes back, and an archive that is
damaged, altered or of another database is refused with nothing changed.

The backups read what other connections see, so these tests commit (transactional_db). On
SQLite the test database lives in memory: the backup API copies it out and back in just as it
does a file, and a second database (a fresh file, as on a new server) is added under its own
alias for the restore into an empty database. On PostgreSQL (the suite run with a
postgres:// DATABASE_URL) the restore goes into a scratch database made with createdb.
"""

import hashlib
import io
import json
import subprocess  # noqa: S404 - createdb/dropdb with arguments
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend

from danvan.core import backups
from danvan.core.models import ColumnSynonym
from danvan.core.services import save_column_synonym

UPLOADS = {
    "registry/2026/Báo cáo mô hình.pdf": b"%PDF-1.4 demo " * 200,
    "voice/attachments/anh-hien-truong.jpg": bytes(range(256)) * 40,
    "jobs/export.xlsx": b"PK\x03\x04 a sheet",
}

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite round trip; PostgreSQL has its own test"
)
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="runs when the suite runs on PostgreSQL (DATABASE_URL=postgres://...)",
)


@pytest.fixture
def demo(transactional_db, tree, city_officer, clerk_a, clerk_b, settings):
    """The test tree, its users and their roles, an audited change, and uploaded files (one
    with a Vietnamese name), besides the rows the migrations seed in every app."""
    for number in range(3):
        save_column_synonym(
            actor=city_officer,
            synonym=ColumnSynonym(
                register="models", column="title", heading=f"Tên mô hình {number}"
            ),
        )
    for name, content in UPLOADS.items():
        default_storage.save(name, ContentFile(content))
    return tree


def media_checksums(root) -> dict[str, str]:
    root = Path(root)
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def backup(tmp_path) -> Path:
    call_command("backup", output=tmp_path / "backups", verbosity=0)
    (archive,) = (tmp_path / "backups").glob("danvan-backup-*.tar.gz")
    return archive


def restore(archive, *args, **options) -> str:
    out = io.StringIO()
    call_command("restore", str(archive), *args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


@pytest.fixture
def other_database():
    """make(**changes): a connection to a database like the default one but for the changes.

    It is reachable as connections["other"] (the migration recorder looks it up by alias)
    without being in the settings: the test's guard lets such a dynamic connection be."""
    made = []

    def make(**changes) -> BaseDatabaseWrapper:
        settings_dict = {**connections.settings["default"], **changes}
        wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "other")
        connections["other"] = wrapper
        made.append(wrapper)
        return wrapper

    yield make
    for wrapper in made:
        wrapper.close()
    del connections["other"]


def test_the_archive_holds_the_database_the_files_and_a_manifest(demo, tmp_path, settings):
    archive = backup(tmp_path)

    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.loads(read(tar, "manifest.json"))
    assert names == {
        "manifest.json",
        backups.DATABASE_FILES[connection.vendor],
        *(f"media/{name}" for name in UPLOADS),
    }
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["versions"]["django"]
    assert manifest["tables"] == backups.table_rows(connection)
    assert manifest["tables"]["accounts_user"] == 3
    assert manifest["media"] == media_checksums(settings.MEDIA_ROOT)
    sidecar = archive.with_name(archive.name + ".sha256").read_text()
    assert sidecar.split() == [hashlib.sha256(archive.read_bytes()).hexdigest(), archive.name]


@sqlite_only
def test_a_restore_brings_back_every_row_and_file(demo, tmp_path, settings):
    archive = backup(tmp_path)
    rows = backups.table_rows(connection)
    files = media_checksums(settings.MEDIA_ROOT)
    # The disaster: accounts and audit entries lost, an upload deleted, another overwritten.
    ColumnSynonym.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry")
    default_storage.delete("jobs/export.xlsx")
    (Path(settings.MEDIA_ROOT) / "registry/2026/Báo cáo mô hình.pdf").write_bytes(b"broken")

    out = restore(archive, yes=True)

    assert "3 uploaded files match the backup" in out
    assert backups.table_rows(connection) == rows
    assert media_checksums(settings.MEDIA_ROOT) == files
    assert ColumnSynonym.objects.filter(heading="Tên mô hình 2").exists()


@sqlite_only
def test_a_restore_into_a_fresh_database_on_a_new_server(demo, tmp_path, settings, other_database):
    archive = backup(tmp_path)
    rows = backups.table_rows(connection)
    files = media_checksums(settings.MEDIA_ROOT)
    fresh = other_database(NAME=str(tmp_path / "new-server.sqlite3"))
    settings.MEDIA_ROOT = tmp_path / "new-server-media"

    # An empty database: no --yes needed.
    report = backups.restore_backup(archive, connection=fresh, progress=lambda text: None)

    assert report.ok and report.files == len(UPLOADS)
    assert backups.table_rows(fresh) == rows
    assert media_checksums(settings.MEDIA_ROOT) == files


@postgresql_only
def test_a_postgresql_backup_restores_into_a_scratch_database(
    demo, tmp_path, settings, other_database
):
    archive = backup(tmp_path)
    rows = backups.table_rows(connection)
    files = media_checksums(settings.MEDIA_ROOT)
    scratch = f"{connection.settings_dict['NAME']}_restore"
    args, env = backups._pg_connection_args({**connection.settings_dict, "NAME": "postgres"})
    args = args[:-2]  # createdb/dropdb name the database on their own
    dropdb = [backups.pg_binary("dropdb"), "--if-exists", *args, scratch]
    subprocess.run(dropdb, env=env, check=True)  # noqa: S603
    subprocess.run([backups.pg_binary("createdb"), *args, scratch], env=env, check=True)  # noqa: S603
    try:
        target = other_database(NAME=scratch)
        settings.MEDIA_ROOT = tmp_path / "new-server-media"

        report = backups.restore_backup(archive, connection=target, progress=lambda text: None)

        assert report.ok and report.files == len(UPLOADS)
        assert backups.table_rows(target) == rows
        assert media_checksums(settings.MEDIA_ROOT) == files
        target.close()
    finally:
        subprocess.run(dropdb, env=env, check=True)  # noqa: S603


def read(tar: tarfile.TarFile, name: str) -> bytes:
    stream = tar.extractfile(name)
    assert stream is not None, name
    return stream.read()


def rewrite(archive: Path, change) -> None:
    """Rebuild the archive with change(name, bytes) -> [(name, bytes)] applied to each entry."""
    with tarfile.open(archive) as tar:
        entries = [(m.name, read(tar, m.name)) for m in tar.getmembers()]
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in entries:
            for new_name, new_data in change(name, data):
                info = tarfile.TarInfo(new_name)
                info.size = len(new_data)
                tar.addfile(info, io.BytesIO(new_data))


def other_vendor(name, data):
    if name == "manifest.json":
        manifest = json.loads(data)
        manifest["database"]["vendor"] = "mysql" if connection.vendor != "mysql" else "sqlite"
        data = json.dumps(manifest).encode()
    return [(name, data)]


TAMPERING = {
    "a flipped byte": lambda path: path.write_bytes(
        path.read_bytes()[:2000]
        + bytes([path.read_bytes()[2000] ^ 0xFF])
        + path.read_bytes()[2001:]
    ),
    "cut short": lambda path: path.write_bytes(path.read_bytes()[: path.stat().st_size // 2]),
    "not an archive": lambda path: path.write_bytes(b"danvan-backup"),
    "an upload replaced": lambda path: rewrite(
        path, lambda n, d: [(n, b"malware" if n.endswith(".jpg") else d)]
    ),
    "a file added": lambda path: rewrite(
        path, lambda n, d: [(n, d), ("media/extra.txt", b"x")] if n == "manifest.json" else [(n, d)]
    ),
    "a path out of the folder": lambda path: rewrite(
        path,
        lambda n, d: [(n, d), ("../../escaped.txt", b"x")] if n == "manifest.json" else [(n, d)],
    ),
    "the database replaced": lambda path: rewrite(
        path, lambda n, d: [(n, d + b"\0" if n.startswith("database.") else d)]
    ),
    "no manifest": lambda path: rewrite(
        path, lambda n, d: [] if n == "manifest.json" else [(n, d)]
    ),
    "another database's backup": lambda path: rewrite(path, other_vendor),
}


def test_a_damaged_altered_or_foreign_archive_is_refused_and_nothing_changes(
    demo, tmp_path, settings
):
    archive = backup(tmp_path)
    sidecar = archive.with_name(archive.name + ".sha256")
    default_storage.save("after-the-backup.txt", ContentFile(b"kept"))
    ColumnSynonym.objects.filter(heading="Tên mô hình 0").delete()
    rows = backups.table_rows(connection)
    files = media_checksums(settings.MEDIA_ROOT)
    original = archive.read_bytes()

    for what, tamper in TAMPERING.items():
        archive.write_bytes(original)
        sidecar.unlink(missing_ok=True)  # only the archive's own checks
        tamper(archive)
        with pytest.raises(CommandError, match="Nothing was changed|not one this version"):
            restore(archive, yes=True)
        assert backups.table_rows(connection) == rows, what
        assert media_checksums(settings.MEDIA_ROOT) == files, what
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_the_checksum_file_catches_a_manifest_rewritten_to_match(demo, tmp_path, settings):
    archive = backup(tmp_path)
    rows = backups.table_rows(connection)

    def swap(name, data):
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["media"]["jobs/export.xlsx"] = hashlib.sha256(b"forged").hexdigest()
            return [(name, json.dumps(manifest).encode())]
        return [(name, b"forged" if name == "media/jobs/export.xlsx" else data)]

    rewrite(archive, swap)

    with pytest.raises(CommandError, match="does not match its checksum file"):
        restore(archive, yes=True)
    assert backups.table_rows(connection) == rows
    assert (Path(settings.MEDIA_ROOT) / "jobs/export.xlsx").read_bytes() == UPLOADS[
        "jobs/export.xlsx"
    ]


def test_a_database_in_use_is_replaced_only_with_yes(demo, tmp_path, settings):
    archive = backup(tmp_path)
    ColumnSynonym.objects.all().delete()
    rows = backups.table_rows(connection)

    with pytest.raises(CommandError, match="--yes"):
        restore(archive)

    assert backups.table_rows(connection) == rows


def test_a_backup_is_never_written_among_the_uploads(settings):
    with pytest.raises(CommandError, match="outside MEDIA_ROOT"):
        call_command("backup", output=Path(settings.MEDIA_ROOT) / "backups", verbosity=0)
    assert not (Path(settings.MEDIA_ROOT) / "backups").exists()


def test_a_missing_pg_dump_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(backups.glob, "glob", lambda pattern: [])
    with pytest.raises(backups.BackupError, match="pg_dump was not found"):
        backups.pg_binary("pg_dump")
