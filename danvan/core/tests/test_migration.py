"""The tables of lib's former models move to core without losing a row or a reference."""

import datetime

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from danvan.core import workdays
from danvan.core.models import AuditEntry, Job, WorkdayOverride

# The last migration before the move: lib owned the three tables.
BEFORE = [("lib", "0002_job")]


User = get_user_model()  # core knows the user model only through the setting


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_rows_written_by_lib_are_read_through_core_after_the_move():
    user = User.objects.create_user(username="thanhpho", password="x")
    try:
        old = migrate(BEFORE)
        old_types = old.get_model("contenttypes", "ContentType")
        job_type, _ = old_types.objects.get_or_create(app_label="lib", model="job")
        entry_type, _ = old_types.objects.get_or_create(app_label="lib", model="auditentry")
        old.get_model("lib", "WorkdayOverride").objects.create(
            date=datetime.date(2026, 3, 9), kind="day_off", note="Nghỉ bù"
        )
        job = old.get_model("lib", "Job").objects.create(
            token="a" * 32, kind="registry.export", status="done", owner_id=user.pk, done=3
        )
        old.get_model("lib", "AuditEntry").objects.create(
            actor_id=user.pk,
            actor_label="thanhpho",
            action="job.start",
            content_type=job_type,
            object_id=str(job.pk),
            object_repr="Xuất danh sách",
            scope_path="0001/",
            after={"kind": "registry.export"},
            ip_address="192.0.2.1",
        )
        LogEntry.objects.create(
            user=user,
            content_type_id=job_type.pk,
            object_id=str(job.pk),
            object_repr="Xuất danh sách",
            action_flag=ADDITION,
        )
        permission, _ = Permission.objects.get_or_create(
            content_type_id=entry_type.pk, codename="view_auditentry"
        )
        user.user_permissions.add(permission)
    finally:
        migrate(latest())

    entry = AuditEntry.objects.get(action="job.start")
    moved = Job.objects.get(token="a" * 32)
    assert entry.actor == user
    assert entry.content_type.app_label == "core"
    assert entry.content_type.model_class() is Job
    assert entry.object_id == str(moved.pk)
    assert entry.after == {"kind": "registry.export"}
    assert entry.ip_address == "192.0.2.1"
    assert moved.owner == user
    assert moved.status == Job.Status.DONE
    assert moved.percent == 100
    override = WorkdayOverride.objects.get()
    assert override.kind == WorkdayOverride.Kind.DAY_OFF
    assert not workdays.is_working_day(datetime.date(2026, 3, 9))
    assert LogEntry.objects.get().get_edited_object() == moved
    assert User.objects.get(pk=user.pk).has_perm("core.view_auditentry")
    assert not ContentType.objects.filter(app_label="lib").exists()
    # New rows go on from the old ones' ids.
    assert Job.objects.create(token="b" * 32, kind="registry.export").pk > moved.pk


@pytest.mark.django_db(transaction=True)
def test_the_move_can_be_undone_and_redone():
    try:
        migrate(BEFORE)
        tables = connection.introspection.table_names()
        assert {"lib_auditentry", "lib_job", "lib_workdayoverride"} <= set(tables)
        assert not {"core_auditentry", "core_job", "core_workdayoverride"} & set(tables)
    finally:
        migrate(latest())
    tables = set(connection.introspection.table_names())
    assert {"core_auditentry", "core_job", "core_workdayoverride"} <= tables
    assert not {"lib_auditentry", "lib_job", "lib_workdayoverride"} & tables
