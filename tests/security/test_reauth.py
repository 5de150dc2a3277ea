"""Re-authentication before sensitive actions (rtcm.core.reauth): exports of personal data,
API token creation, role changes; and no manage link minted when staff look at a
registration in the admin."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from rest_framework.authtoken.models import Token

from participants.models import ManageToken, Registration
from rtcm.core import two_factor
from rtcm.core.models import Job
from rtcm.core.reauth import AUTHENTICATED_AT_SESSION_KEY
from rtcm.core.roles import COORDINATOR, MANAGER, NETWORK_OFFICER
from tests.factories import ExpertFactory, RegistrationFactory, TrainingFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
CONFIRM = reverse("security:confirm")


def person(username, *roles, superuser=False) -> User:
    user = User.objects.create_user(
        username, password=PASSWORD, is_staff=True, is_superuser=superuser
    )
    user.groups.add(*Group.objects.filter(name__in=roles))
    return user


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)  # a sign-in: its time is noted, so it is recent
    return client


def make_stale(client, minutes=16) -> None:
    session = client.session
    session[AUTHENTICATED_AT_SESSION_KEY] = int(time.time()) - minutes * 60
    session.save()


def assert_sent_to_confirm(response, next_url) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(f"{CONFIRM}?next=")
    assert parse_qs(urlsplit(response["Location"]).query)["next"] == [next_url]


def confirm(client, next_url, **extra):
    return client.post(CONFIRM, {"password": PASSWORD, "next": next_url, **extra})


# --- exports of personal data ----------------------------------------------------------


@pytest.fixture
def training_export_url():
    training = TrainingFactory(slug="training-a")
    RegistrationFactory(training=training, participant__email="person@example.org")
    return training, reverse(
        "staff_io:training_export", kwargs={"slug": training.slug, "format": "csv"}
    )


def test_a_training_export_asks_for_the_password_when_the_sign_in_is_old(training_export_url):
    training, url = training_export_url
    coordinator = person("coordinator", COORDINATOR)
    training.coordinators.add(coordinator)
    client = signed_in(coordinator)
    assert b"person@example.org" in client.get(url).content  # just signed in: at once

    make_stale(client)
    assert_sent_to_confirm(client.get(url), url)
    assert client.get(CONFIRM, {"next": url}).status_code == 200
    response = confirm(client, url)

    assert response.status_code == 302
    assert response["Location"] == url
    export = client.get(url)
    assert export.status_code == 200
    assert b"person@example.org" in export.content


def test_the_age_limit_is_the_setting(training_export_url, settings):
    training, url = training_export_url
    coordinator = person("coordinator", COORDINATOR)
    training.coordinators.add(coordinator)
    client = signed_in(coordinator)
    make_stale(client, minutes=10)
    assert client.get(url).status_code == 200
    settings.RTCM_REAUTH_MINUTES = 5
    assert client.get(url).status_code == 302


def test_the_expert_network_export_asks_for_the_password_when_the_sign_in_is_old():
    ExpertFactory(email="nodira@example.org")
    client = signed_in(person("officer", NETWORK_OFFICER))
    url = reverse("experts_staff:export", kwargs={"fmt": "csv"})
    make_stale(client)
    assert_sent_to_confirm(client.get(url), url)
    confirm(client, url)
    assert client.get(url).status_code == 200


def test_a_training_report_needs_a_recent_sign_in_on_the_page_and_in_the_api():
    training = TrainingFactory(slug="training-a")
    manager = person("manager", MANAGER)
    client = signed_in(manager)
    make_stale(client)
    data = {"kind": "training", "format": "pdf", "training": training.slug}

    page = client.post(reverse("reports:index"), data)
    assert_sent_to_confirm(page, reverse("reports:index"))
    api = client.post(reverse("report-create"), data, content_type="application/json")
    assert api.status_code == 403
    assert api.json()["code"] == "reauthentication_required"
    assert "Re-authentication required" in api.json()["detail"]
    assert not Job.objects.exists()

    # Counts only (no one named): no re-authentication.
    period = {"kind": "coverage", "format": "pdf", "start": "2026-01-01", "end": "2026-03-31"}
    assert (
        client.post(reverse("report-create"), period, content_type="application/json").status_code
        == 202
    )

    # A token is its own credential: not asked.
    token = Token.objects.create(user=manager)
    by_token = Client().post(
        reverse("report-create"),
        data,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )
    assert by_token.status_code == 202

    confirm(client, "/")
    assert client.post(reverse("reports:index"), data).status_code == 302
    assert Job.objects.filter(created_by=manager, params__kind="training").count() == 2


# --- the confirm page ------------------------------------------------------------------


def test_a_wrong_password_is_refused_and_counted_by_the_lockout():
    client = signed_in(person("coordinator", COORDINATOR))
    make_stale(client)
    response = client.post(CONFIRM, {"password": "wrong", "next": "/"})
    assert response.status_code == 400
    assert AccessAttempt.objects.get(username="coordinator").failures_since_start == 1
    assert client.session[AUTHENTICATED_AT_SESSION_KEY] < time.time() - 15 * 60


def test_the_confirm_page_goes_back_only_to_this_site():
    client = signed_in(person("coordinator", COORDINATOR))
    for evil in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = confirm(client, evil)
        assert response.status_code == 302
        assert response["Location"] == reverse("staff:dashboard")


def test_the_confirm_page_asks_for_the_code_of_those_with_a_device(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = person("coordinator", COORDINATOR)
    device = two_factor.totp_device_start(user=user)
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    assert two_factor.totp_device_confirm(device=device, code=f"{value:06d}")
    client = signed_in(user)
    assert confirm(client, "/").status_code == 400  # the password alone
    device.refresh_from_db()
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + 1)
    assert confirm(client, "/", otp_token=f"{value:06d}").status_code == 302


def test_anonymous_visitors_are_sent_to_sign_in():
    response = Client().get(CONFIRM)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# --- API tokens, roles -----------------------------------------------------------------


def test_adding_an_api_token_in_the_admin_needs_a_recent_sign_in():
    root = person("root", superuser=True)
    holder = person("holder")
    client = signed_in(root)
    make_stale(client)
    add = reverse("admin:authtoken_tokenproxy_add")

    assert_sent_to_confirm(client.get(add), add)
    assert_sent_to_confirm(client.post(add, {"user": holder.pk}), add)
    assert not Token.objects.exists()

    confirm(client, add)
    assert client.post(add, {"user": holder.pk}).status_code == 302
    assert Token.objects.filter(user=holder).exists()


def user_form(user, **changes):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "10:00:00",
    }
    if user.is_staff:
        data["is_staff"] = "on"
    data["groups"] = [str(pk) for pk in user.groups.values_list("pk", flat=True)]
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_role_change_in_the_admin_needs_a_recent_sign_in():
    root = person("root", superuser=True)
    colleague = User.objects.create_user("colleague", password=PASSWORD)
    client = signed_in(root)
    make_stale(client)
    change = reverse("admin:auth_user_change", args=[colleague.pk])
    manager_group = Group.objects.get(name=MANAGER)

    refused = client.post(
        change, user_form(colleague, is_staff="on", groups=[str(manager_group.pk)])
    )
    assert_sent_to_confirm(refused, change)
    colleague.refresh_from_db()
    assert not colleague.is_staff
    assert not colleague.groups.exists()

    # A change of no role (the name) goes through with an old sign-in.
    assert client.post(change, user_form(colleague, first_name="Aziza")).status_code == 302
    colleague.refresh_from_db()
    assert colleague.first_name == "Aziza"

    group_change = reverse("admin:auth_group_change", args=[manager_group.pk])
    assert_sent_to_confirm(
        client.post(group_change, {"name": "Managers of everything", "permissions": []}),
        group_change,
    )
    manager_group.refresh_from_db()
    assert manager_group.name == MANAGER

    confirm(client, change)
    response = client.post(
        change, user_form(colleague, is_staff="on", groups=[str(manager_group.pk)])
    )
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.is_staff
    assert list(colleague.groups.all()) == [manager_group]


# --- no manage link for staff ------------------------------------------------------------


def test_staff_looking_at_a_registration_in_the_admin_mint_no_manage_link():
    registration = RegistrationFactory()
    before = ManageToken.objects.count()
    client = signed_in(person("root", superuser=True))
    content_type = ContentType.objects.get_for_model(Registration)

    assert client.get(reverse("admin:participants_registration_changelist")).status_code == 200
    change = client.get(reverse("admin:participants_registration_change", args=[registration.pk]))
    assert change.status_code == 200
    training_page = reverse("admin:courses_training_change", args=[registration.training.pk])
    assert client.get(training_page).status_code == 200  # its registrations inline
    jump = client.get(reverse("admin:view_on_site", args=[content_type.pk, registration.pk]))

    assert jump.status_code == 404
    assert ManageToken.objects.count() == before


def test_the_view_on_site_jump_still_works_where_the_admin_offers_it():
    training = TrainingFactory(slug="training-a")
    client = signed_in(person("root", superuser=True))
    content_type = ContentType.objects.get_for_model(type(training))
    jump = client.get(reverse("admin:view_on_site", args=[content_type.pk, training.pk]))
    assert jump.status_code == 302
    assert jump["Location"].endswith(training.get_absolute_url())


def test_wrong_passwords_on_the_confirm_page_lock_as_at_sign_in():
    client = signed_in(person("coordinator", COORDINATOR))
    for _attempt in range(10):
        client.post(CONFIRM, {"password": "wrong", "next": "/"})
    response = confirm(client, "/")
    assert response.status_code == 429
