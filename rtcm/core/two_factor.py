"""The staff's second factor: an authenticator app (TOTP) and ten recovery codes.

``RTCM_STAFF_2FA`` says how far it goes:

- ``required`` (the default with debug off): a staff member without a confirmed
  authenticator is sent, once signed in with their password, to the enrolment page
  (``/staff/security/``) and reaches nothing else until enrolled;
- ``optional`` (debug on, ``make run``; the tests): enrolment is offered, not forced;
- ``off``: no code is asked for.

In the first two a person with a confirmed authenticator signs in with their password
*and* a code (``StaffAuthenticationForm``, the admin's sign-in form), or a recovery
code; a wrong code counts as a failed sign-in for django-axes' lockout, as a wrong
password does. A session signed in without the code (the devices were added in
another session, or by a test's ``force_login``) is sent to the confirm page first.
Only the session's user is checked: an API request signed by a token carries no
session and is not asked for a code (the token is its own credential).

Recovery codes live in django-otp's static device; it keeps what it is given as it
is, so it is given a digest of each code, never the code (``_recovery_digest``).
"""

from __future__ import annotations

import hashlib
import re
import secrets

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from rtcm.core.access import user_is_staff

REQUIRED = "required"
OPTIONAL = "optional"
OFF = "off"
MODES = (REQUIRED, OPTIONAL, OFF)

RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_LENGTH = 16  # characters of base32: 80 bits
_RECOVERY_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"
# Whether the session's user has a confirmed authenticator, read at sign-in and kept
# with the session, so that a staff page asks no more of the database than before.
HAS_DEVICE_SESSION_KEY = "rtcm_two_factor_device"


def two_factor_mode() -> str:
    return settings.RTCM_STAFF_2FA


def two_factor_enabled(user) -> bool:
    """Whether ``user`` has a confirmed authenticator (recovery codes go with it)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- services --------------------------------------------------------------------------


def totp_device_start(*, user) -> TOTPDevice:
    """The authenticator being set up: the unconfirmed device of ``user`` (kept, so the
    page shows the same key on reload), made on first call."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_device_confirm(*, device: TOTPDevice, code: str) -> bool:
    """Confirm the authenticator with a code it shows; the other unconfirmed ones go.

    The device row is locked while the code is checked (django-otp refuses a code
    used before, and counts the failures: both need one checker at a time).
    """
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not locked.verify_token(_normalise(code)):
            return False
        locked.confirmed = True
        locked.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=locked.user_id, confirmed=False).delete()
    device.refresh_from_db()
    return True


def two_factor_enrol(*, device: TOTPDevice, code: str) -> list[str] | None:
    """Turn two-factor on with the app's first code: the device confirmed, ten recovery
    codes made (returned, to be shown once); ``None`` when the code is not right."""
    if not totp_device_confirm(device=device, code=code):
        return None
    return recovery_codes_generate(user=device.user)


def recovery_codes_generate(*, user) -> list[str]:
    """Ten new recovery codes for ``user``, the old ones voided; only digests are kept."""
    codes = [
        "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        for _code in range(RECOVERY_CODE_COUNT)
    ]
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        StaticToken.objects.bulk_create(
            StaticToken(device=device, token=_recovery_digest(code)) for code in codes
        )
    return [_grouped(code) for code in codes]


def two_factor_remove(*, user) -> None:
    """Remove the authenticator and the recovery codes of ``user``."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def two_factor_verify(*, user, code: str) -> Device | None:
    """The device that accepts ``code`` (six digits: the authenticator; else a recovery
    code, which is then used up), or ``None``."""
    code = _normalise(code)
    if re.fullmatch(r"\d{6}", code):
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
        token = code
    elif len(code) == RECOVERY_CODE_LENGTH:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
        token = _recovery_digest(code)
    else:
        return None
    with transaction.atomic():
        for device in devices.select_for_update().order_by("pk"):
            if device.verify_token(token):
                return device
    return None


def two_factor_failed(*, request: HttpRequest, username: str) -> None:
    """A wrong code counts as a failed sign-in: django-axes hears it and may lock."""
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


def _normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def _recovery_digest(code: str) -> str:
    """What the database keeps of a recovery code: 64 bits of its SHA-256 (the field
    holds 16 characters); guessing a code from it costs 2^64 hashes."""
    return hashlib.sha256(code.encode()).hexdigest()[:16]


def _grouped(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


# --- the session's state ---------------------------------------------------------------


def session_device_refresh(request: HttpRequest, user) -> bool:
    """Read again whether ``user`` has an authenticator and keep it with the session."""
    enabled = two_factor_enabled(user)
    request.session[HAS_DEVICE_SESSION_KEY] = enabled
    return enabled


def _session_has_device(request: HttpRequest) -> bool:
    enabled = request.session.get(HAS_DEVICE_SESSION_KEY)
    if enabled is None:  # a session from before two-factor sign-in
        enabled = session_device_refresh(request, request.user)
    return enabled


@receiver(user_logged_in, dispatch_uid="rtcm-two-factor-sign-in")
def _signed_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session") and user_is_staff(user):
        session_device_refresh(request, user)


def session_needs(request: HttpRequest) -> str | None:
    """What the signed-in staff member must do before anything else: ``"verify"`` (enter
    a code: they have an authenticator), ``"enrol"`` (set one up: required), or ``None``."""
    mode = two_factor_mode()
    user = request.user
    if mode == OFF or not user_is_staff(user) or user.is_verified():
        return None
    if _session_has_device(request):
        return "verify"
    return "enrol" if mode == REQUIRED else None


class StaffTwoFactorMiddleware:
    """Hold a staff session at the enrolment or confirm page until its second factor is in.

    After django-otp's ``OTPMiddleware`` (it tells whether the session passed a code).
    Open meanwhile: the page the person must use, the sign-out, the language switch.
    The API answers 403 in JSON.
    """

    OPEN = {
        "verify": {"security:confirm", "admin:logout", "set_language"},
        "enrol": {"security:index", "security:confirm", "admin:logout", "set_language"},
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        needs = session_needs(request)
        if needs is None or request.resolver_match.view_name in self.OPEN[needs]:
            return None
        if request.path_info.startswith("/api/"):
            if needs == "verify":
                detail = _("Two-factor code required: sign in again with your code.")
            else:
                detail = _("Two-factor authentication required: set it up at %(url)s.") % {
                    "url": reverse("security:index")
                }
            return JsonResponse({"detail": detail, "code": f"two_factor_{needs}"}, status=403)
        target = reverse("security:confirm" if needs == "verify" else "security:index")
        return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


# --- forms -----------------------------------------------------------------------------


def code_field() -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("Two-factor code"),
        required=False,
        max_length=32,
        help_text=gettext_lazy(
            "The 6-digit code of your authenticator app, or one of your recovery codes."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )


WRONG_CODE = gettext_lazy("The two-factor code is wrong or was used already.")


class StaffAuthenticationForm(AdminAuthenticationForm):
    """The admin's sign-in, with the two-factor code for those who have an authenticator.

    The password is checked first (django-axes counts and locks there); a right password
    with a missing or wrong code is refused and counted as a failure too.
    """

    otp_token = code_field()

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is not None and two_factor_mode() != OFF and two_factor_enabled(user):
            device = two_factor_verify(user=user, code=cleaned.get("otp_token", ""))
            if device is None:
                two_factor_failed(request=self.request, username=cleaned.get("username", ""))
                raise forms.ValidationError(WRONG_CODE, code="otp_invalid")
            user.otp_device = device  # django-otp marks the session verified at login()
        return cleaned
