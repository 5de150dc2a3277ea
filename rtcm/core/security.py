"""Security plumbing the settings point at: headers, the sign-in lockout, the API's faces.

- ``PermissionsPolicyMiddleware`` sends ``Permissions-Policy`` (``settings.PERMISSIONS_POLICY``):
  no page of RTCM uses a camera, a microphone, the location…, so none may.
- ``AxesBackend`` is django-axes' lockout check, minus one case: an ``authenticate()`` call
  with no request at all (Django's test client ``login()``, a shell) is no sign-in from an
  address, so there is nothing to count or refuse; every web sign-in (the admin's form)
  passes its request and is checked.
- ``StaffBrowsableContentNegotiation`` offers DRF's browsable (HTML) API to staff only when
  ``RTCM_API_BROWSABLE_FOR_ALL`` is off (a deployment): everyone else gets JSON.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer

from rtcm.core.access import user_is_staff


class PermissionsPolicyMiddleware:
    """Add ``Permissions-Policy`` to every response that has none."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = ", ".join(
            f"{feature}=({' '.join(allow)})"
            for feature, allow in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Permissions-Policy", self.policy)
        return response


class AxesBackend(AxesStandaloneBackend):
    """django-axes' lockout check for every sign-in that comes with a request."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None  # not a web sign-in: the next backend decides, nothing is counted
        return super().authenticate(request, username=username, password=password, **kwargs)


class StaffBrowsableContentNegotiation(DefaultContentNegotiation):
    """The browsable API for staff; JSON for everyone else (when not open to all)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        if not settings.RTCM_API_BROWSABLE_FOR_ALL and not user_is_staff(request.user):
            renderers = [r for r in renderers if not isinstance(r, BrowsableAPIRenderer)]
        return super().select_renderer(request, renderers, format_suffix)
