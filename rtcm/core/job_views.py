"""The staff's background jobs: the list, one job's progress, its result file.

Any staff member sees the jobs they started (superusers see everyone's). A job
of someone else is "not found", never "forbidden": the page does not confirm
that it exists. Result files live in private storage and leave only through
``job_download``.

The pages sit wherever the top includes them (``rtcm/urls.py``: under
``/staff/jobs/``), which also names their parent page (``home_url_name``, passed
to each view by the include): core names no URL of an app above it.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from rtcm.core import audit
from rtcm.core.access import staff_required
from rtcm.core.jobs import jobs_for_user
from rtcm.core.models import Job
from rtcm.core.storage import stored_file_response

JOBS_PER_PAGE = 50


def _home_url(name: str | None) -> str | None:
    """The breadcrumb's first link: the page the top set as these pages' parent."""
    return reverse(name) if name else None


def _job_or_404(request: HttpRequest, pk: int) -> Job:
    job = jobs_for_user(user=request.user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


@never_cache
@staff_required
@require_GET
def job_list(request: HttpRequest, home_url_name: str | None = None) -> HttpResponse:
    page = Paginator(jobs_for_user(user=request.user), JOBS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "jobs": page.object_list, "home_url": _home_url(home_url_name)}
    return render(request, "core/jobs/list.html", context)


@never_cache
@staff_required
@require_GET
def job_detail(request: HttpRequest, pk: int, home_url_name: str | None = None) -> HttpResponse:
    context = {"job": _job_or_404(request, pk), "home_url": _home_url(home_url_name)}
    return render(request, "core/jobs/detail.html", context)


@never_cache
@staff_required
@require_GET
def job_download(request: HttpRequest, pk: int, home_url_name: str | None = None) -> FileResponse:
    job = _job_or_404(request, pk)
    audit.audit_event(request, audit.Kind.DOWNLOAD, obj=job, summary=job.result_name)
    return stored_file_response(
        job.result_file, filename=job.result_name or PurePosixPath(job.result_file.name).name
    )
