"""Staff sign-in: django-axes locks a user name from an address after 10 failures."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def admin_user():
    return User.objects.create_user("chief", password=PASSWORD, is_staff=True, is_superuser=True)


def sign_in(client, password, **extra):
    return client.post(
        reverse("admin:login") + "?next=/admin/",
        {"username": "chief", "password": password},
        **extra,
    )


def test_the_11th_attempt_is_refused_even_with_the_right_password(client, admin_user):
    for attempt in range(10):
        response = sign_in(client, f"wrong guess {attempt}")
        assert SESSION_KEY not in client.session
        if attempt < 9:
            assert response.status_code == 200  # the form again, with its error
    response = sign_in(client, PASSWORD)
    assert response.status_code == 429
    assert "Sign-in locked" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_forged_forwarded_for_header_does_not_lift_the_lock(client, admin_user):
    for attempt in range(10):
        sign_in(client, "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}")
    response = sign_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_the_lock_holds_that_user_from_that_address_only(client, admin_user):
    for _ in range(10):
        sign_in(client, "wrong", REMOTE_ADDR="203.0.113.5")
    response = sign_in(client, PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(admin_user.pk)


def test_behind_a_trusted_proxy_the_lock_is_on_the_address_the_proxy_saw(
    client, admin_user, settings
):
    settings.RTCM_TRUSTED_PROXIES = 1
    for attempt in range(10):
        sign_in(client, "wrong", HTTP_X_FORWARDED_FOR=f"10.9.9.{attempt}, 203.0.113.5")
    locked = sign_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.5")
    assert locked.status_code == 429
    other = sign_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5, 198.51.100.7")
    assert other.status_code == 302


def test_a_success_before_the_limit_starts_the_count_again(client, admin_user):
    for _ in range(9):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(9):
        assert sign_in(client, "wrong").status_code == 200
    assert sign_in(client, PASSWORD).status_code == 302


def test_staff_passwords_need_twelve_characters():
    with pytest.raises(ValidationError):
        validate_password("Zq8#short-1")  # 11 characters
    validate_password("Zq8#long-enough")
