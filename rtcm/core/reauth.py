"""Re-authentication before sensitive actions: exports of personal data, token creation,
role changes.

A sign-in (``django.contrib.auth.login``, the admin's form or the confirm page) writes
its time into the session; an action wrapped in ``recent_authentication_required`` runs
only while that time is less than ``RTCM_REAUTH_MINUTES`` old. Otherwise pages are sent
to the confirm page (``/staff/security/confirm/?next=…``: the password again, and the
two-factor code when the person has a device), and the API answers 403 naming
re-authentication. An API request signed by a token (no session) is not asked: the
token is its own credential, and minting one needs a recent sign-in.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.authentication import SessionAuthentication

# Seconds since the epoch of the session's last sign-in or confirmation.
AUTHENTICATED_AT_SESSION_KEY = "rtcm_authenticated_at"


def authentication_mark(request: HttpRequest) -> None:
    """The person proved who they are just now (signed in, or confirmed their password)."""
    request.session[AUTHENTICATED_AT_SESSION_KEY] = int(time.time())


@receiver(user_logged_in, dispatch_uid="rtcm-reauth-sign-in-time")
def _signed_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        authentication_mark(request)


def authentication_is_recent(request: HttpRequest) -> bool:
    """Whether the session's last sign-in is younger than ``RTCM_REAUTH_MINUTES``."""
    session = getattr(request, "session", None)
    at = session.get(AUTHENTICATED_AT_SESSION_KEY) if session is not None else None
    if not isinstance(at, int):
        return False
    age = time.time() - at
    return 0 <= age < settings.RTCM_REAUTH_MINUTES * 60


def confirm_url(next_url: str) -> str:
    return f"{reverse('security:confirm')}?{urlencode({'next': next_url})}"


def reauthentication_redirect(request: HttpRequest, next_url: str | None = None) -> HttpResponse:
    """To the confirm page, and back to ``next_url`` (this page) after it."""
    messages.info(request, _("For this action, confirm your password first."))
    return HttpResponseRedirect(confirm_url(next_url or request.get_full_path()))


def recent_authentication_required(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """A page that runs only after a recent sign-in; else the confirm page, then back.

    Put it below the access decorators (``staff_required``, ``role_required``…), so that
    anonymous visitors and people without the role get their usual answer first.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated and not authentication_is_recent(request):
            return reauthentication_redirect(request)
        return view(request, *args, **kwargs)

    return wrapper


class ReauthenticationRequired(exceptions.APIException):
    """403 for an API request whose session sign-in is not recent enough."""

    status_code = status.HTTP_403_FORBIDDEN
    default_code = "reauthentication_required"

    def __init__(self, request) -> None:
        super().__init__(
            {
                "detail": _(
                    "Re-authentication required: your sign-in is older than %(minutes)d "
                    "minutes. Confirm your password at the confirm page, then try again."
                )
                % {"minutes": settings.RTCM_REAUTH_MINUTES},
                "code": self.default_code,
                "confirm_url": confirm_url(request.get_full_path()),
            }
        )


def api_recent_authentication_check(request) -> None:
    """Raise ``ReauthenticationRequired`` for a session-signed API request that is not
    recent; a token-signed request passes (its token is the credential)."""
    if isinstance(request.successful_authenticator, SessionAuthentication) and (
        not authentication_is_recent(request)
    ):
        raise ReauthenticationRequired(request)
