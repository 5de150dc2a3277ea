"""The staff's background jobs: the list, one job's progress, its result file.

Any staff member sees the jobs they started (superusers see everyone's). A job
of someone else is "not found", never "forbidden": the page does not confirm
that it exists. Result files live in private storage and leave only through
``job_download``.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from rtcm.core.access import staff_required
from rtcm.core.jobs import jobs_for_user
from rtcm.core.models import Job

JOBS_PER_PAGE = 50


def _job_or_404(request: HttpRequest, pk: int) -> Job:
    job = jobs_for_user(user=request.user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


@never_cache
@staff_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(jobs_for_user(user=request.user), JOBS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "core/jobs/list.html", {"page": page, "jobs": page.object_list})


@never_cache
@staff_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "core/jobs/detail.html", {"job": _job_or_404(request, pk)})


@never_cache
@staff_required
@require_GET
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _job_or_404(request, pk)
    if not job.result_file:
        raise Http404
    try:
        handle = job.result_file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=job.result_name or PurePosixPath(job.result_file.name).name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
