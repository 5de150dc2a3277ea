"""A staff member's own language: of their pages after they sign in, and of the e-mails
RTCM sends them (the monthly report).

Chosen on their account page (``/staff/security/``) and kept in ``StaffPreference``.
Pages take their language from the language cookie (``LocaleMiddleware``): saving the
choice sets it. A sign-in (``on_signed_in``, a ``user_logged_in`` receiver: it has no
response to set a cookie on) leaves the language in the session, and
``StaffLanguageMiddleware`` applies it to the next answer (the sign-in's own redirect)
and sets the cookie there. So a sign-in switches the pages to the person's language,
while a later choice in the language switcher still wins for the rest of the session;
a re-authentication (the same person, the session's data kept) does not switch it back.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from rtcm.core.access import user_is_staff
from rtcm.core.models import StaffPreference

# The signed-in user whose language this session has taken, and the language a sign-in
# left for the next answer to apply.
APPLIED_KEY = "_rtcm_staff_language_user"
PENDING_KEY = "_rtcm_staff_language"


def interface_language(code: str | None) -> str:
    """``code`` if the interface speaks it (or its base language), else the site's language."""
    codes = {code for code, _name in settings.LANGUAGES}
    code = (code or "").lower()
    if code in codes:
        return code
    base = code.split("-")[0]
    return base if base in codes else settings.LANGUAGE_CODE


def staff_language(user) -> str | None:
    """The language ``user`` chose, or None when they chose none."""
    if user is None or not getattr(user, "pk", None):
        return None
    language = StaffPreference.objects.filter(user=user).values_list("language", flat=True).first()
    return interface_language(language) if language else None


def staff_languages_by_email(emails: Iterable[str]) -> dict[str, str]:
    """Each e-mail's language: its staff account's choice, else ``settings.LANGUAGE_CODE``.

    An e-mail of several accounts takes the first account's (by id) choice.
    """
    emails = list(emails)
    chosen: dict[str, str] = {}
    rows = (
        StaffPreference.objects.filter(user__email__in=emails)
        .order_by("-user_id")
        .values_list("user__email", "language")
    )
    for email, language in rows:
        chosen[email.lower()] = interface_language(language)
    return {email: chosen.get(email.lower(), settings.LANGUAGE_CODE) for email in emails}


def staff_language_set(*, user, language: str) -> StaffPreference:
    """Keep ``language`` as ``user``'s choice (one of ``settings.LANGUAGES``)."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValueError(f"not an interface language: {language!r}")
    preference, _created = StaffPreference.objects.update_or_create(
        user=user, defaults={"language": language}
    )
    return preference


def set_language_cookie(response: HttpResponse, language: str) -> None:
    """The language cookie, with the flags Django's own ``set_language`` gives it."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@receiver(user_logged_in, dispatch_uid="staff-language-sign-in")
def on_signed_in(sender, request, user, **kwargs) -> None:
    """A sign-in of staff: their language is applied on the session's next answer."""
    session = getattr(request, "session", None)
    if session is None or not user_is_staff(user):
        return
    if session.get(APPLIED_KEY) == user.pk:
        return  # a re-authentication: the session keeps the language it has now
    session[APPLIED_KEY] = user.pk
    language = staff_language(user)
    if language:
        session[PENDING_KEY] = language


class StaffLanguageMiddleware:
    """The language a sign-in left pending: active for this answer, and in the cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = self._pending(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language is None:
            # Signed in by this very request (the sign-in form's redirect).
            language = self._pending(request)
        if language:
            set_language_cookie(response, language)
        return response

    @staticmethod
    def _pending(request: HttpRequest) -> str | None:
        session = getattr(request, "session", None)
        if session is None:
            return None
        return session.pop(PENDING_KEY, None)
