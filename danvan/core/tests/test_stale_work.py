"""A worker killed mid-job: its task runs again or fails after its lease; none stays running."""

import datetime

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from danvan.core.jobs import LONGEST_TASK, MAX_TASK_RUNS, reap_stale_work
from danvan.core.models import Job

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def running_task(started_ago: datetime.timedelta, runs: int) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        started_at=NOW - started_ago,
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="danvan.core.jobs.run_job",
        worker_ids=[f"worker-{n}" for n in range(runs)],
        queue_name="default",
        backend_name="default",
        run_after=NOW - started_ago,
    )


def test_a_task_past_its_lease_runs_again_then_fails():
    dead = running_task(LONGEST_TASK + datetime.timedelta(minutes=1), runs=1)
    alive = running_task(datetime.timedelta(minutes=5), runs=1)
    worn = running_task(LONGEST_TASK * 2, runs=MAX_TASK_RUNS)

    assert reap_stale_work(NOW) == {"tasks_retried": 1, "tasks_failed": 1, "jobs_failed": 0}

    dead.refresh_from_db()
    assert dead.status == TaskResultStatus.READY and dead.started_at is None
    alive.refresh_from_db()
    assert alive.status == TaskResultStatus.RUNNING  # a live worker's task is left alone
    worn.refresh_from_db()
    assert worn.status == TaskResultStatus.FAILED and worn.finished_at == NOW
    # A second clock at the same moment finds nothing more to do.
    assert reap_stale_work(NOW) == {"tasks_retried": 0, "tasks_failed": 0, "jobs_failed": 0}


def test_a_job_left_running_is_failed_with_a_message(settings):
    settings.LANGUAGE_CODE = "vi"
    stale = Job.objects.create(kind="export", token="a" * 32, status=Job.Status.RUNNING)
    Job.objects.filter(pk=stale.pk).update(created_at=NOW - LONGEST_TASK * 2)
    fresh = Job.objects.create(kind="export", token="b" * 32, status=Job.Status.RUNNING)

    assert reap_stale_work(NOW)["jobs_failed"] == 1

    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == Job.Status.FAILED
    assert "Hãy chạy lại" in stale.message
    assert fresh.status == Job.Status.RUNNING
