import logging

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render

from danvan.core.jobs import why_waiting
from danvan.core.models import Job

logger = logging.getLogger(__name__)


def csrf_failure(request, reason=""):
    """A CSRF refusal in the project's language and layout."""
    return render(request, "403_csrf.html", status=403)


def _job_for_user(user, token) -> Job:
    """Jobs are private to the person who started them; anyone else gets 404."""
    return get_object_or_404(Job, token=token, owner=user)


@login_required
def job_detail(request, token):
    job = _job_for_user(request.user, token)
    template = "core/_job_progress.html" if request.htmx else "core/job_detail.html"
    return render(request, template, {"job": job, "waiting": why_waiting(job)})


@login_required
def job_download(request, token):
    job = _job_for_user(request.user, token)
    if job.status != Job.Status.DONE or not job.output_file:
        raise Http404
    name = job.result.get("filename") or job.output_file.name.rsplit("/", 1)[-1]
    return FileResponse(job.output_file.open("rb"), as_attachment=True, filename=name)


def health(request):
    """For load balancers: 200 while the database answers, 503 when it does not.

    The cache is reported but does not fail the check: the pages are still served without it,
    only slower.
    """
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception:
        logger.exception("health check: the database does not answer")
        checks["database"] = "error"
    try:
        cache.set("health-check", "1", 10)
        checks["cache"] = "ok" if cache.get("health-check") == "1" else "error"
    except Exception:
        logger.warning("health check: the cache does not answer", exc_info=True)
        checks["cache"] = "error"
    status = 200 if checks["database"] == "ok" else 503
    response = JsonResponse({"status": "ok" if status == 200 else "error", **checks}, status=status)
    response["Cache-Control"] = "no-store"
    return response
