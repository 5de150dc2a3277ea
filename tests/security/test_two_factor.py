"""The staff's second factor (rtcm.core.two_factor): enrolment, sign-in with a code or a
recovery code, the lockout counting wrong codes, sessions held until they pass it."""

import json
import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from rtcm.core import two_factor
from tests.subprocesses import run_python

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def required(settings):
    settings.RTCM_STAFF_2FA = "required"


@pytest.fixture
def chief():
    return User.objects.create_user("chief", password=PASSWORD, is_staff=True, is_superuser=True)


@pytest.fixture
def no_device_delay(settings):
    """django-otp delays a device's next check after a wrong code (1 s, 2 s, 4 s…): tests
    that follow a wrong code with a right one turn the delay off."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the person's app shows now (or ``steps_ahead`` periods later: django-otp
    accepts the next period's and refuses a code used before)."""
    device.refresh_from_db()
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{value:0{device.digits}d}"


def enrolled(user) -> TOTPDevice:
    device = two_factor.totp_device_start(user=user)
    assert two_factor.totp_device_confirm(device=device, code=code_for(device))
    return device


def sign_in(client, password=PASSWORD, code=None, **extra):
    data = {"username": "chief", "password": password}
    if code is not None:
        data["otp_token"] = code
    return client.post(reverse("admin:login") + "?next=/admin/", data, **extra)


# --- required: no device, no staff area ------------------------------------------------


def test_required_staff_without_a_device_reach_only_the_enrolment_page(client, chief, required):
    assert sign_in(client).status_code == 302  # the password is right: signed in…
    enrol = reverse("security:index")
    for url in ("/admin/", "/admin/auth/user/", reverse("staff:dashboard"), "/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{enrol}?next="), url
    api = client.get(reverse("job-list"))
    assert api.status_code == 403
    assert api.json()["code"] == "two_factor_enrol"
    page = client.get(enrol)
    assert page.status_code == 200
    assert b"data:image/svg+xml" in page.content
    assert b"<script>" not in page.content  # the QR code is an image: no inline script


def test_enrolment_with_the_apps_code_turns_it_on_and_opens_the_admin(
    client, chief, required, no_device_delay
):
    sign_in(client)
    client.get(reverse("security:index"))
    device = TOTPDevice.objects.get(user=chief, confirmed=False)
    secret = client.get(reverse("security:index")).context["secret"]
    assert secret.replace(" ", "") in device.config_url  # the same key, to type by hand

    wrong = client.post(reverse("security:index"), {"code": "000000"})
    assert wrong.status_code == 400
    response = client.post(reverse("security:index"), {"code": code_for(device)})

    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    codes = response.context["codes"]
    assert len(codes) == 10
    stored = set(StaticToken.objects.filter(device__user=chief).values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & {code.replace("-", "") for code in codes}  # digests, not the codes
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("staff:dashboard")).status_code == 200


def test_optional_lets_staff_without_a_device_in(client, chief):
    assert sign_in(client).status_code == 302
    assert client.get("/admin/").status_code == 200


# --- signing in with a device ----------------------------------------------------------


def test_the_password_alone_does_not_sign_in_once_a_device_exists(client, chief, no_device_delay):
    device = enrolled(chief)
    for code in (None, "", "123456"):
        response = sign_in(client, code=code)
        assert response.status_code == 200
        assert SESSION_KEY not in client.session
        assert "wrong or was used" in response.content.decode()

    response = sign_in(client, code=code_for(device, steps_ahead=1))

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(chief.pk)
    assert client.get("/admin/").status_code == 200


def test_after_a_wrong_code_the_device_waits_before_the_next(client, chief):
    device = enrolled(chief)
    assert sign_in(client, code="000000").status_code == 200
    assert sign_in(client, code=code_for(device, steps_ahead=1)).status_code == 200
    assert SESSION_KEY not in client.session


def test_a_wrong_password_with_the_right_code_does_not_sign_in(client, chief):
    device = enrolled(chief)
    response = sign_in(client, password="wrong", code=code_for(device, steps_ahead=1))
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_a_recovery_code_signs_in_once(client, chief, required, no_device_delay):
    enrolled(chief)
    codes = two_factor.recovery_codes_generate(user=chief)

    assert sign_in(client, code=codes[0]).status_code == 302
    assert client.get("/admin/").status_code == 200
    client.logout()
    again = sign_in(client, code=codes[0])

    assert again.status_code == 200
    assert SESSION_KEY not in client.session
    assert two_factor.recovery_codes_left(chief) == 9
    assert sign_in(client, code=codes[1].upper().replace("-", " ")).status_code == 302


def test_wrong_codes_count_towards_the_lockout(client, chief, no_device_delay):
    device = enrolled(chief)
    for attempt in range(10):
        assert sign_in(client, code=f"{attempt:06d}").status_code in (200, 429)
    response = sign_in(client, code=code_for(device, steps_ahead=1))
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_a_session_without_its_code_is_held_at_the_confirm_page(chief):
    device = enrolled(chief)
    client = Client()
    client.force_login(chief)  # signed in, no code passed (another session, a test)

    response = client.get(reverse("staff:dashboard"))
    confirm = reverse("security:confirm")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{confirm}?next=")
    assert client.get(reverse("job-list")).json()["code"] == "two_factor_verify"
    assert client.get(reverse("security:index"))["Location"].startswith(confirm)
    refused = client.post(confirm, {"password": PASSWORD, "next": "/staff/"})
    assert refused.status_code == 400

    response = client.post(
        confirm, {"password": PASSWORD, "otp_token": code_for(device, 1), "next": "/staff/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    assert client.get(reverse("staff:dashboard")).status_code == 200


def test_an_api_token_is_not_asked_for_a_code(chief, required):
    """Out of the second factor's reach by design: a token has no session to verify."""
    token = Token.objects.create(user=chief)
    response = Client().get(reverse("job-list"), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


def test_off_asks_no_code_even_of_those_with_a_device(client, chief, settings):
    settings.RTCM_STAFF_2FA = "off"
    enrolled(chief)
    assert sign_in(client).status_code == 302
    assert client.get("/admin/").status_code == 200


# --- managing one's own second factor --------------------------------------------------


def verified_client(user, device) -> Client:
    client = Client()
    client.force_login(user)
    client.post(
        reverse("security:confirm"),
        {"password": PASSWORD, "otp_token": code_for(device, 1), "next": "/"},
    )
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    return client


def test_new_recovery_codes_void_the_old_ones(chief, no_device_delay):
    device = enrolled(chief)
    old = two_factor.recovery_codes_generate(user=chief)
    client = verified_client(chief, device)
    assert (
        "You have 10 unused recovery codes."
        in client.get(reverse("security:index")).content.decode()
    )

    response = client.post(reverse("security:recovery_codes"))

    new = response.context["codes"]
    assert len(new) == 10
    assert not set(new) & set(old)
    assert two_factor.two_factor_verify(user=chief, code=old[0]) is None
    assert two_factor.two_factor_verify(user=chief, code=new[0]) is not None


def test_removing_the_device_needs_a_recent_sign_in(chief, required):
    device = enrolled(chief)
    two_factor.recovery_codes_generate(user=chief)
    client = verified_client(chief, device)
    session = client.session
    session["rtcm_authenticated_at"] = int(time.time()) - 16 * 60
    session.save()

    stale = client.post(reverse("security:remove"))
    assert stale.status_code == 302
    assert stale["Location"].startswith(reverse("security:confirm"))
    assert TOTPDevice.objects.filter(user=chief).exists()

    client.post(
        reverse("security:confirm"),
        {"password": PASSWORD, "otp_token": code_for(device, 1), "next": "/"},
    )
    assert client.post(reverse("security:remove")).status_code == 302

    assert not TOTPDevice.objects.filter(user=chief).exists()
    assert not StaticToken.objects.filter(device__user=chief).exists()
    # Required: without a device the staff area is closed again until a new enrolment.
    assert client.get("/admin/")["Location"].startswith(reverse("security:index"))


def test_staff_devices_admin_shows_no_keys(chief):
    device = enrolled(chief)
    client = Client()
    client.force_login(chief)
    client.post(
        reverse("security:confirm"),
        {"password": PASSWORD, "otp_token": code_for(device, 1), "next": "/"},
    )
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    assert client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403


# --- the default -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DJANGO_DEBUG": "true"}, "optional"),
        (
            {
                "DJANGO_DEBUG": "false",
                "DJANGO_SECRET_KEY": "a-production-secret-for-this-test-only-" + "x9" * 20,
                "DJANGO_ALLOWED_HOSTS": "rtcm.example.org",
            },
            "required",
        ),
    ],
)
def test_the_second_factor_is_required_with_debug_off(env, expected, tmp_path):
    script = "import json, rtcm.settings as s; print(json.dumps(s.RTCM_STAFF_2FA))"
    result = run_python("-c", script, RTCM_VAR_DIR=str(tmp_path), **env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == expected


def test_removing_a_colleagues_device_in_the_admin_needs_a_recent_sign_in(chief):
    colleague = User.objects.create_user("colleague", password=PASSWORD, is_staff=True)
    device = enrolled(colleague)
    client = Client()
    client.force_login(chief)  # no device of their own: optional, so in
    session = client.session
    session["rtcm_authenticated_at"] = int(time.time()) - 16 * 60
    session.save()
    delete = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])

    stale = client.post(delete, {"post": "yes"})
    assert stale.status_code == 302
    assert stale["Location"].startswith(reverse("security:confirm"))
    assert TOTPDevice.objects.filter(pk=device.pk).exists()

    client.post(reverse("security:confirm"), {"password": PASSWORD, "next": delete})
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
