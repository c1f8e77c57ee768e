"""Background jobs: a Job row tracks progress; a Django task does the work in the worker.

`start_job` creates the row and enqueues `run_job`, which looks up the handler registered
for the job's kind. Handlers report progress with `job.progress(done, total)`.
"""

import datetime
import logging
import secrets
from collections.abc import Callable
from typing import Literal

from django.db import transaction
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from danvan.core.models import Job

logger = logging.getLogger(__name__)
HANDLERS: dict[str, Callable[["JobContext"], dict]] = {}

# `db_worker` looks for work every second, so a job still waiting after this long was not
# picked up: every worker is busy, or none runs.
PICK_UP_WITHIN = datetime.timedelta(seconds=10)
# A task marked running for longer than this is taken for the leftover of a worker that
# died mid-task, not for a sign of a live one (the longest import runs for minutes): its
# lease. `reap_stale_work` then runs it again, or marks it failed after MAX_TASK_RUNS runs.
LONGEST_TASK = datetime.timedelta(minutes=30)
MAX_TASK_RUNS = 3


class JobFailed(Exception):
    """Raised by a handler with a message for the user; the job ends as failed."""


class JobContext:
    def __init__(self, job: Job):
        self.job = job

    def progress(self, done: int, total: int | None = None) -> None:
        """Record progress (one small UPDATE; call it every few hundred rows)."""
        fields = {"done": done}
        if total is not None:
            fields["total"] = total
        Job.objects.filter(pk=self.job.pk).update(**fields)
        self.job.done = done
        if total is not None:
            self.job.total = total


# Background work nobody watches (no Job row, no progress): an embedding computed after a
# write, a cache warmed. Handlers take the params dict and return nothing.
QUIET_HANDLERS: dict[str, Callable[[dict], None]] = {}


def register_quiet(kind: str):
    """Declare the function that runs quiet background work of a kind."""

    def decorator(func):
        QUIET_HANDLERS[kind] = func
        return func

    return decorator


def defer(kind: str, params: dict | None = None) -> None:
    """Run quiet work of a kind in the worker once the current transaction commits; its
    failure is logged, never raised to the writer."""
    if kind not in QUIET_HANDLERS:
        raise ValueError(f"No handler for quiet work {kind}")
    transaction.on_commit(lambda: _enqueue_quiet(kind, params or {}))


def _enqueue_quiet(kind: str, params: dict) -> None:
    try:
        run_quiet.enqueue(kind, params)
    except Exception:
        logger.exception("Quiet work %s could not be queued", kind)


@task()
def run_quiet(kind: str, params: dict) -> None:
    try:
        QUIET_HANDLERS[kind](params)
    except Exception:
        logger.exception("Quiet work %s failed", kind)


def register(kind: str):
    """Declare the function that runs jobs of a kind."""

    def decorator(func):
        HANDLERS[kind] = func
        return func

    return decorator


def start_job(*, actor, kind: str, params: dict | None = None, input_file=None) -> Job:
    if kind not in HANDLERS:
        raise ValueError(f"No handler for job kind {kind}")
    job = Job(kind=kind, params=params or {}, owner=actor, token=secrets.token_hex(16))
    if isinstance(input_file, str):
        job.input_file.name = input_file  # a file another job already stored
    elif input_file is not None:
        job.input_file.save(input_file.name, input_file, save=False)
    job.save()
    run_job.enqueue(job.pk)
    return job


@task()
def run_job(job_id: int) -> None:
    """Run one job; claim it with a conditional update so it runs once."""
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING
    )
    if not claimed:
        return
    job = Job.objects.get(pk=job_id)
    try:
        result = HANDLERS[job.kind](JobContext(job)) or {}
    except JobFailed as exc:
        _finish(job, Job.Status.FAILED, message=str(exc))
    except Exception:
        logger.exception("Job %s failed", job.pk)
        _finish(job, Job.Status.FAILED, message=_("The job failed. Nothing was changed."))
    else:
        _finish(job, Job.Status.DONE, result=result)


def _finish(job: Job, status: str, *, message: str = "", result: dict | None = None) -> None:
    job.refresh_from_db(fields=["output_file", "done", "total"])
    job.status = status
    job.message = message or (result or {}).get("message", "")
    job.result = result if result is not None else job.result
    job.finished_at = timezone.now()
    with transaction.atomic():
        job.save(update_fields=["status", "message", "result", "finished_at"])


def why_waiting(
    job: Job, *, now: datetime.datetime | None = None
) -> Literal["busy", "no_worker"] | None:
    """Return why a job waits past PICK_UP_WITHIN: "busy" or "no_worker"; else None.

    django-tasks-db keeps no heartbeat of its workers, but it marks the task a worker runs
    as running: a job left waiting while another task runs waits its turn; one left waiting
    while nothing runs has no worker to take it.
    """
    if job.status != Job.Status.QUEUED:
        return None
    now = now or timezone.now()
    if now - job.created_at < PICK_UP_WITHIN:
        return None
    busy = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__gte=now - LONGEST_TASK
    ).exists()
    return "busy" if busy else "no_worker"


def reap_stale_work(now: datetime.datetime | None = None) -> dict[str, int]:
    """Nothing stays "running" forever: a task whose worker died mid-run (running past its
    lease, LONGEST_TASK) is put back in the queue to be run again, or marked failed once it
    was started MAX_TASK_RUNS times; a job whose run stopped so is marked failed, with a
    message telling its owner to start it again. The clock calls this; each row is changed
    with a conditional update, so two clocks at once do the work once."""
    now = now or timezone.now()
    cutoff = now - LONGEST_TASK
    retried = failed = 0
    stale = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
    for pk, started_at, worker_ids in stale.values_list("pk", "started_at", "worker_ids"):
        row = DBTaskResult.objects.filter(
            pk=pk, status=TaskResultStatus.RUNNING, started_at=started_at
        )
        if len(worker_ids or []) < MAX_TASK_RUNS:
            retried += row.update(status=TaskResultStatus.READY, started_at=None, run_after=now)
        else:
            failed += row.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path="danvan.core.jobs.LeaseExpired",
                traceback=f"The worker stopped during each of {MAX_TASK_RUNS} runs.",
            )
    jobs = Job.objects.filter(status=Job.Status.RUNNING, created_at__lt=cutoff).update(
        status=Job.Status.FAILED,
        finished_at=now,
        message=_("The job was interrupted before it ended. Start it again."),
    )
    if retried or failed or jobs:
        logger.warning(
            "Stale work: %s task(s) queued again, %s marked failed, %s job(s) failed",
            retried,
            failed,
            jobs,
        )
    return {"tasks_retried": retried, "tasks_failed": failed, "jobs_failed": jobs}
