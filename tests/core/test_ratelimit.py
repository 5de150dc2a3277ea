"""Every limit counts by one client address, which a forged X-Forwarded-For cannot change."""

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from django.conf import settings as django_settings
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from rest_framework import throttling
from rest_framework.test import APIClient

from participants.models import Participant, Registration
from rtcm.core import ratelimit
from rtcm.core.ratelimit import client_address
from tests.factories import ParticipantFactory, TrainingFactory, person_data

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # the one proxy in front of the compose stack
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _one_window(monkeypatch):
    """Every request of a test falls in one window, whatever the clock says."""
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_800_000_000.0))
    monkeypatch.setattr(
        throttling.SimpleRateThrottle, "timer", staticmethod(lambda: 1_800_000_000.0)
    )


@pytest.fixture
def behind_one_proxy(settings):
    settings.RTCM_TRUSTED_PROXIES = 1


def verify_page(code):
    return reverse("certificates:verify_code", kwargs={"code": code})


def forged(number: int) -> str:
    return f"198.18.{number // 250}.{number % 250 + 1}"


def request_from(remote: str, forwarded: str | None = None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


# --- the address ------------------------------------------------------------------------


def test_with_no_proxy_the_address_is_the_peer_and_the_header_is_ignored():
    assert client_address(request_from("203.0.113.5", "198.18.0.1")) == "203.0.113.5"


def test_behind_one_proxy_the_address_is_the_one_the_proxy_appended(behind_one_proxy):
    request = request_from(PROXY, "198.18.0.1, 203.0.113.5")
    assert client_address(request) == "203.0.113.5"
    assert client_address(request_from(PROXY, "203.0.113.5")) == "203.0.113.5"


def test_behind_two_proxies_the_outer_proxys_entry_counts(settings):
    settings.RTCM_TRUSTED_PROXIES = 2
    request = request_from(PROXY, "198.18.0.1, 203.0.113.5, 10.0.0.9")
    assert client_address(request) == "203.0.113.5"


def test_a_request_that_skipped_the_proxy_is_counted_by_its_peer(behind_one_proxy):
    assert client_address(request_from("203.0.113.5")) == "203.0.113.5"
    assert client_address(request_from(PROXY, "not an address")) == PROXY


def test_trusted_proxies_setting_reaches_drf():
    assert django_settings.REST_FRAMEWORK["NUM_PROXIES"] == django_settings.RTCM_TRUSTED_PROXIES
    assert django_settings.RTCM_TRUSTED_PROXIES == 0  # the embedded mode trusts no header


def settings_in_a_fresh_process(expression: str, **env) -> subprocess.CompletedProcess:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "RTCM_"))
    }
    code = f"from django.conf import settings; print({expression})"
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_trusted_proxies_come_from_the_environment_and_reach_drf(tmp_path):
    expression = "settings.RTCM_TRUSTED_PROXIES, settings.REST_FRAMEWORK['NUM_PROXIES']"
    result = settings_in_a_fresh_process(
        expression, RTCM_TRUSTED_PROXIES="2", RTCM_VAR_DIR=str(tmp_path)
    )
    assert result.stdout.strip().splitlines()[-1] == "2 2", result.stderr
    refused = settings_in_a_fresh_process(
        expression, RTCM_TRUSTED_PROXIES="-1", RTCM_VAR_DIR=str(tmp_path)
    )
    assert refused.returncode != 0
    assert "RTCM_TRUSTED_PROXIES must be 0 or more" in refused.stderr


def test_the_compose_stack_trusts_its_one_proxy():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for name in ("web", "worker", "beat"):
        environment = compose["services"][name]["environment"]
        assert environment["RTCM_TRUSTED_PROXIES"] == "${RTCM_TRUSTED_PROXIES:-1}"


# --- the certificate look-up, page and API -------------------------------------------


def test_seventy_forged_headers_are_still_limited_with_no_proxy(client):
    codes = [
        client.get(verify_page(f"GUESS{n}"), HTTP_X_FORWARDED_FOR=forged(n)).status_code
        for n in range(70)
    ]
    assert codes.count(429) == 70 - django_settings.RTCM_VERIFY_RATE_PER_MINUTE
    assert codes[: django_settings.RTCM_VERIFY_RATE_PER_MINUTE] == [404] * 30


def test_a_forged_left_entry_changes_nothing_behind_the_proxy(client, behind_one_proxy):
    codes = [
        client.get(
            verify_page(f"GUESS{n}"),
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"{forged(n)}, 203.0.113.5",
        ).status_code
        for n in range(70)
    ]
    assert codes.count(429) == 40
    # Another client behind the same proxy has its own count.
    other = client.get(verify_page("GUESS"), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert other.status_code == 404


@pytest.fixture
def verify_rate(monkeypatch):
    """DRF reads the rates once, into the throttle class: set the test's rate there."""
    monkeypatch.setitem(throttling.ScopedRateThrottle.THROTTLE_RATES, "verify", "3/min")


def api_verify(client, n, **meta):
    return client.get(f"/api/v1/certificates/verify/GUESS{n}/", **meta).status_code


def test_api_throttles_ignore_a_forged_header_with_no_proxy(verify_rate):
    client = APIClient()
    codes = [api_verify(client, n, HTTP_X_FORWARDED_FOR=forged(n)) for n in range(6)]
    assert codes == [404, 404, 404, 429, 429, 429]


def test_api_throttles_count_by_the_same_address_behind_the_proxy(verify_rate, behind_one_proxy):
    client = APIClient(REMOTE_ADDR=PROXY)
    codes = [
        api_verify(client, n, HTTP_X_FORWARDED_FOR=f"{forged(n)}, 203.0.113.5") for n in range(5)
    ]
    assert codes == [404, 404, 404, 429, 429]
    assert api_verify(client, 9, HTTP_X_FORWARDED_FOR="203.0.113.6") == 404
    request = request_from(PROXY, "198.18.0.1, 203.0.113.5")
    assert ratelimit.ScopedRateThrottle().get_ident(request) == client_address(request)


def test_an_ipv6_client_cannot_step_around_a_limit_inside_its_network(client, settings):
    settings.RTCM_VERIFY_RATE_PER_MINUTE = 2
    codes = [
        client.get(verify_page("X"), REMOTE_ADDR=f"2001:db8:1:2::{n:x}").status_code
        for n in range(1, 5)
    ]
    assert codes == [404, 404, 429, 429]
    assert client.get(verify_page("X"), REMOTE_ADDR="2001:db8:1:3::1").status_code == 404


# --- the public forms -------------------------------------------------------------------


def test_the_registration_form_is_limited_and_writes_nothing_once_over(client, settings):
    settings.RTCM_REGISTER_RATE_PER_HOUR = 2
    training = TrainingFactory()
    url = reverse("training_register", kwargs={"slug": training.slug})
    assert client.get(url).status_code == 200  # showing the form is free
    codes = [
        client.post(
            url, person_data(email=f"p{n}@example.org"), HTTP_X_FORWARDED_FOR=forged(n)
        ).status_code
        for n in range(3)
    ]
    assert codes == [302, 302, 429]
    refused = client.post(url, person_data(email="late@example.org"))
    assert "Too many registrations were sent from your network" in refused.content.decode()
    assert refused["Retry-After"] == "3600"
    assert Registration.objects.count() == 2
    assert not Participant.objects.filter(email="late@example.org").exists()
    other = client.post(url, person_data(email="o@example.org"), REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 302


def test_the_api_registration_has_the_same_limit(monkeypatch):
    monkeypatch.setitem(throttling.ScopedRateThrottle.THROTTLE_RATES, "register", "1/hour")
    training = TrainingFactory()
    client = APIClient()
    client.default_format = "json"
    url = f"/api/v1/trainings/{training.slug}/register/"
    first = client.post(url, {**person_data(email="a@example.org"), "consent": True})
    second = client.post(
        url,
        {**person_data(email="b@example.org"), "consent": True},
        HTTP_X_FORWARDED_FOR="198.18.0.1",
    )
    assert first.status_code == 201
    assert second.status_code == 429
    assert Registration.objects.count() == 1


def test_the_api_registration_rate_comes_from_the_setting():
    assert django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["register"] == (
        f"{django_settings.RTCM_REGISTER_RATE_PER_HOUR}/hour"
    )


def test_sign_in_link_requests_are_limited_per_client(
    client, settings, django_capture_on_commit_callbacks
):
    settings.RTCM_SIGN_IN_RATE_PER_HOUR = 2
    for n in range(3):
        ParticipantFactory(email=f"p{n}@example.org")
    url = reverse("participants:my_trainings")
    with django_capture_on_commit_callbacks(execute=True):
        codes = [
            client.post(
                url, {"email": f"p{n}@example.org"}, HTTP_X_FORWARDED_FOR=forged(n)
            ).status_code
            for n in range(3)
        ]
    assert codes == [302, 302, 429]
    assert len(mail.outbox) == 2
    refused = client.post(url, {"email": "p2@example.org"})
    assert "Too many sign-in links were asked for" in refused.content.decode()
    assert client.get(url).status_code == 200  # the form itself still shows
