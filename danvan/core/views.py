from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from danvan.core.jobs import why_waiting
from danvan.core.models import Job


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
