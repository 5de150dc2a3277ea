"""The one way to a library file: ``/library/<slug>/download/``, access checked.

Files are never served from a media URL (``rtcm/urls.py`` has no media route,
and the storage names are random): every download goes through this view,
which applies the document's access level, counts the download and answers
with the original file name as an attachment.

Who may download (``library.selectors.document_is_visible``): a public
document, anyone; a signed-in one, any signed-in user; a staff one, staff. A
training material may also be opened by a confirmed participant of a linked
training, by the scoped link of their manage page (``?material=``,
``library.materials``).
A refusal is a 404 (nothing revealed), except that an anonymous visitor asking
for a signed-in document is sent to sign in.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe

from library.materials import MATERIAL_PARAM
from library.models import Document
from library.services import document_register_download
from rtcm.core.storage import file_suffix, stored_file_response


@require_safe
def document_download(request: HttpRequest, slug: str) -> HttpResponse:
    from library.selectors import document_is_visible

    document = get_object_or_404(Document, slug=slug)
    token = request.GET.get(MATERIAL_PARAM) or None
    if not document_is_visible(document, request.user, token):
        if document.access == Document.Access.SIGNED_IN and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        raise Http404
    private = document.access != Document.Access.PUBLIC
    if document.file:
        response = stored_file_response(
            document.file,
            filename=document.original_name or f"{document.slug}{file_suffix(document.file.name)}",
            content_type=document.content_type or None,
            private=private,
        )
    elif document.external_url:
        response = HttpResponseRedirect(document.external_url)
        if private:
            response["Cache-Control"] = "private, no-store"
    else:
        raise Http404
    if request.method == "GET":  # HEAD is no download
        document_register_download(document=document)
    return response
