"""Refuse input that can only end as a 500, before any view runs.

A NUL character in a path, query, form field, cookie or JSON body reached
PostgreSQL (which refuses it in text) and answered 500; JSON nested thousands
deep raised ``RecursionError``. Here a bad path answers 404 (no page has such an
address) and the rest 400 (``BadRequest``), on every database. It stands after the
security-header middleware (so its answers carry them) and before any view: the
session, CSRF and sign-in middleware before it only prepare lazy reads.
"""

from django.core.exceptions import BadRequest
from django.http import Http404

from rtcm.core.inputs import BadInput, first_bad_name, json_loads_checked, path_is_bad

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


class BadInputMiddleware:
    """Refuses NUL and other control characters (``rtcm.core.inputs``) in the path (404),
    the query string, cookies, form fields and file names, and JSON bodies, and JSON
    nested deeper than ``JSON_MAX_DEPTH`` (400)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Cookies first: the 404 page reads the session (the cookie) to show who is signed in.
        name = first_bad_name(request.COOKIES.items()) or first_bad_name(
            (key, value) for key, values in request.GET.lists() for value in values
        )
        if name is not None:
            raise BadRequest(f"{name!r} holds a NUL or another control character.")
        if path_is_bad(request.path_info):
            raise Http404("The address holds a control character.")
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            self._check_body(request)
        return self.get_response(request)

    def _check_body(self, request) -> None:
        content_type = request.content_type or ""
        if content_type in _FORM_TYPES:
            name = first_bad_name(
                (key, value) for key, values in request.POST.lists() for value in values
            ) or first_bad_name(
                (key, upload.name or "")
                for key, uploads in request.FILES.lists()
                for upload in uploads
            )
            if name is not None:
                raise BadRequest(f"{name!r} holds a NUL or another control character.")
        elif _is_json(content_type) and request.body:
            try:
                json_loads_checked(request.body.decode(request.encoding or "utf-8"))
            except (BadInput, UnicodeDecodeError) as error:
                raise BadRequest(str(error)) from error
