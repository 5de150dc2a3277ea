"""The public curriculum: the approved version, archived versions, the PDF booklet.

Reads come from ``website.curriculum_selectors``. The booklet is rendered from the
same data in the reader's language; its PDF is kept in the cache under the hash of
the HTML it was rendered from, so a change to the curriculum (or another language)
is a new key and nothing stale is ever served. That hash is the response's ETag.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache as memoise
from pathlib import Path

from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

from rtcm.core.center import center_name
from rtcm.core.pdf import is_rtl, render_pdf
from website import curriculum_selectors as selectors

BOOKLET_CSS_PATH = Path(__file__).parent / "templates" / "website" / "curriculum" / "booklet.css"
BOOKLET_CACHE_SECONDS = 24 * 3600


@require_GET
def index(request):
    page = selectors.curriculum_page_approved()
    context = {
        "page": page,
        "curriculum": page.curriculum if page else None,
        "archived": list(selectors.curricula_archived()),
    }
    return render(request, "website/curriculum/index.html", context)


@require_GET
def version(request, pk: int):
    if selectors.curriculum_is_approved(pk=pk):
        return redirect("curriculum:index")
    page = selectors.curriculum_page_archived(pk=pk)
    if page is None:
        raise Http404
    context = {
        "page": page,
        "curriculum": page.curriculum,
        "current": selectors.curriculum_approved_exists(),
    }
    return render(request, "website/curriculum/version.html", context)


@memoise
def booklet_css() -> str:
    return BOOKLET_CSS_PATH.read_text()


def booklet_html(page: selectors.CurriculumPage) -> str:
    curriculum = page.curriculum
    language = translation.get_language() or "en"
    context = {
        "curriculum": curriculum,
        "title_rtl": is_rtl(curriculum.title),
        "description_rtl": is_rtl(curriculum.description),
        "modules": [
            {
                "module": module,
                "anchor": f"module-{module.pk}",
                "title_rtl": is_rtl(module.title),
                "summary_rtl": is_rtl(module.summary),
            }
            for module in page.modules
        ],
        "CENTER_NAME": center_name(language),
        "LANGUAGE_CODE": language,
        "LANGUAGE_BIDI": translation.get_language_bidi(),
    }
    return render_to_string("website/curriculum/booklet.html", context)


def booklet_filename(curriculum) -> str:
    version = re.sub(r"[^0-9A-Za-z._-]+", "-", curriculum.version).strip("-.") or str(curriculum.pk)
    return f"curriculum-{version}.pdf"


@require_GET
def booklet(request):
    page = selectors.curriculum_page_approved()
    if page is None:
        raise Http404
    html = booklet_html(page)
    digest = hashlib.sha256((booklet_css() + html).encode()).hexdigest()
    etag = f'"{digest[:32]}"'
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        key = f"curriculum-booklet:{digest}"
        pdf = cache.get(key)
        if pdf is None:
            pdf = render_pdf(html, css=booklet_css())
            cache.set(key, pdf, BOOKLET_CACHE_SECONDS)
        response = HttpResponse(pdf, content_type="application/pdf")
        filename = booklet_filename(page.curriculum)
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["ETag"] = etag
    # Revalidate every time: the ETag answers "not modified" without a new render.
    patch_cache_control(response, no_cache=True)
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response
