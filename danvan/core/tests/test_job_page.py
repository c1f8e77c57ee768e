"""The job page says when no background worker takes a job, instead of waiting forever."""

import datetime
import secrets

import pytest
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import make_user
from danvan.core.models import Job

NO_WORKER = "No background worker has taken this job: the worker is not running."
COMMAND = ".venv/bin/python manage.py db_worker"
BUSY = "The background worker is finishing another job; this one starts after it."


@pytest.fixture
def owner(db):
    return make_user("owner", full_name="Người nhập")


def _job(owner, *, age_seconds: float, status=Job.Status.QUEUED) -> Job:
    job = Job.objects.create(kind="test", owner=owner, token=secrets.token_hex(16), status=status)
    created = timezone.now() - datetime.timedelta(seconds=age_seconds)
    Job.objects.filter(pk=job.pk).update(created_at=created)
    return job


def _running_task(*, started_seconds_ago: float) -> None:
    now = timezone.now()
    DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        started_at=now - datetime.timedelta(seconds=started_seconds_ago),
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="danvan.core.jobs.run_job",
        backend_name="default",
        run_after=now,
        exception_class_path="",
        traceback="",
    )


def _page(staff, owner, job, *, htmx: bool) -> str:
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = staff(owner).get(reverse("job", args=[job.token]), **headers)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("htmx", [False, True])
def test_a_job_nobody_took_says_the_worker_is_not_running_and_how_to_start_it(staff, owner, htmx):
    page = _page(staff, owner, _job(owner, age_seconds=30), htmx=htmx)
    assert NO_WORKER in page
    assert COMMAND in page
    assert "make run" in page
    assert 'hx-trigger="every 1s"' in page  # it keeps watching: the job starts with the worker


def test_a_fresh_job_does_not_alarm(staff, owner):
    page = _page(staff, owner, _job(owner, age_seconds=1), htmx=True)
    assert NO_WORKER not in page
    assert BUSY not in page


@pytest.mark.parametrize("status", [Job.Status.RUNNING, Job.Status.DONE, Job.Status.FAILED])
def test_a_job_the_worker_took_does_not_alarm(staff, owner, status):
    page = _page(staff, owner, _job(owner, age_seconds=300, status=status), htmx=True)
    assert NO_WORKER not in page
    assert BUSY not in page


def test_a_job_behind_another_says_it_waits_its_turn(staff, owner):
    _running_task(started_seconds_ago=40)
    page = _page(staff, owner, _job(owner, age_seconds=30), htmx=True)
    assert BUSY in page
    assert NO_WORKER not in page


def test_a_task_left_running_by_a_dead_worker_is_not_taken_for_a_live_one(staff, owner):
    _running_task(started_seconds_ago=3 * 3600)
    page = _page(staff, owner, _job(owner, age_seconds=30), htmx=True)
    assert NO_WORKER in page


def test_the_message_is_in_vietnamese(client_for, owner):
    job = _job(owner, age_seconds=30)
    page = client_for(owner).get(reverse("job", args=[job.token])).content.decode()
    assert "chưa chạy" in page
    assert COMMAND in page


def test_another_user_cannot_see_the_job(staff, owner):
    other = make_user("other", full_name="Người khác")
    job = _job(owner, age_seconds=30)
    assert staff(other).get(reverse("job", args=[job.token])).status_code == 404
