"""The one way to a library file: ``/library/<slug>/download/``, access checked.

Files are never served from a media URL (``rtcm/urls.py`` has no media route,
and the storage names are random): every download goes through this view,
which applies the document's access level, counts the download and answers
with the original file name as an attachment.

Who may download (``library.selectors.document_is_visible``): a public
document, anyone; a signed-in one, any signed-in user; a staff one, staff. A
training material may also be opened by a confirmed participant of a linked
training, who passes their registration's manage token as ``?registration=``.
A refusal is a 404 (nothing revealed), except that an anonymous visitor asking
for a signed-in document is sent to sign in.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe

from library.models import Document
from library.services import document_register_download


@require_safe
def document_download(request: HttpRequest, slug: str) -> HttpResponse:
    from library.selectors import document_is_visible

    document = get_object_or_404(Document, slug=slug)
    token = request.GET.get("registration") or None
    if not document_is_visible(document, request.user, token):
        if document.access == Document.Access.SIGNED_IN and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        raise Http404
    if document.file:
        response = _file_response(document)
    elif document.external_url:
        response = HttpResponseRedirect(document.external_url)
    else:
        raise Http404
    if request.method == "GET":  # HEAD is no download
        document_register_download(document=document)
    response["X-Content-Type-Options"] = "nosniff"
    if document.access != Document.Access.PUBLIC:
        response["Cache-Control"] = "private, no-store"
    return response


def _file_response(document: Document) -> FileResponse:
    try:
        handle = document.file.storage.open(document.file.name, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    # FileResponse writes ``filename*=utf-8''…`` (RFC 6266/5987) for non-ASCII names.
    return FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name or f"{document.slug}{_suffix(document)}",
        content_type=document.content_type or "application/octet-stream",
    )


def _suffix(document: Document) -> str:
    name = document.file.name
    return name[name.rfind(".") :] if "." in name.rsplit("/", 1)[-1] else ""
