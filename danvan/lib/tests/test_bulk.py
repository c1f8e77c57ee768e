"""Rows inserted from tuples are the rows bulk_create would insert from instances."""

import datetime

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.utils import IntegrityError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from danvan.lib.bulk import insert_rows

FIELDS = ("user_id", "content_type_id", "object_id", "object_repr", "action_flag", "action_time")


def _values(clerk, kind, when):
    return [
        (clerk.pk, kind.pk, "12", "Tổ tự quản số 1", ADDITION, when),
        (clerk.pk, None, None, "Mô hình “Dân vận khéo”", CHANGE, when),
        (clerk.pk, kind.pk, "", "", ADDITION, when + datetime.timedelta(days=1)),
    ]


def test_the_rows_are_those_bulk_create_makes_from_instances(clerk_a):
    kind = ContentType.objects.get_for_model(LogEntry)
    when = timezone.now()
    rows = _values(clerk_a, kind, when)
    LogEntry.objects.bulk_create([LogEntry(**dict(zip(FIELDS, row, strict=True))) for row in rows])
    expected = list(LogEntry.objects.order_by("id").values_list(*FIELDS, "change_message"))
    LogEntry.objects.all().delete()

    insert_rows(LogEntry, FIELDS, rows)

    assert list(LogEntry.objects.order_by("id").values_list(*FIELDS, "change_message")) == expected
    assert expected[0][-1] == ""  # a column not given takes its field's default


def test_a_column_not_given_takes_its_default_when_inserted(clerk_a):
    before = timezone.now()
    insert_rows(LogEntry, ("user_id", "object_repr", "action_flag"), [(clerk_a.pk, "x", CHANGE)])
    entry = LogEntry.objects.get()
    assert before <= entry.action_time <= timezone.now()
    assert (entry.object_id, entry.change_message, entry.content_type_id) == (None, "", None)


def test_the_values_asked_for_come_back_row_by_row(clerk_a):
    kind = ContentType.objects.get_for_model(LogEntry)
    rows = _values(clerk_a, kind, timezone.now())
    found = insert_rows(LogEntry, FIELDS, rows, returning=("id", "object_repr"))
    assert found == list(LogEntry.objects.order_by("id").values_list("id", "object_repr"))
    assert [repr_ for _pk, repr_ in found] == [row[3] for row in rows]


def test_rows_go_in_statements_of_the_batch_size(clerk_a):
    rows = [(clerk_a.pk, f"Mô hình {n}", ADDITION) for n in range(5)]
    with CaptureQueriesContext(connection) as queries:
        insert_rows(LogEntry, ("user_id", "object_repr", "action_flag"), rows, batch_size=2)
    # On PostgreSQL the rows go through one COPY, which is not an execute() of the cursor.
    assert len(queries.captured_queries) == (0 if connection.vendor == "postgresql" else 3)
    assert LogEntry.objects.count() == 5
    with CaptureQueriesContext(connection) as queries:
        assert insert_rows(LogEntry, ("user_id", "object_repr", "action_flag"), []) == []
    assert queries.captured_queries == []


def test_a_row_the_database_refuses_raises(clerk_a):
    with pytest.raises(IntegrityError):
        insert_rows(LogEntry, ("user_id", "object_repr", "action_flag"), [(None, "x", ADDITION)])


def test_a_unique_column_must_be_given(db):
    with pytest.raises(ValueError, match="name"):
        insert_rows(Group, (), [(), ()])
    assert not Group.objects.exists()
