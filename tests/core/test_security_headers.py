"""Headers and cookies: the CSP, Permissions-Policy, cookie flags; the API docs' audience.

The production checks run rtcm/settings.py as a deployment computes it, in a process of
their own (as tests/core/test_settings.py does): a real sign-in through the admin's form,
then a change of language, and the headers and cookies those answers carry.
"""

import json

import pytest
from django.urls import reverse

from tests.core.test_settings import PRODUCTION
from tests.factories import staff_user
from tests.subprocesses import run_python

PRODUCTION_RESPONSES = r"""
import json
import django
import rtcm.settings
# No collectstatic here: static URLs without the deployment's manifest.
rtcm.settings.STORAGES["staticfiles"] = {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
django.setup()
from django.core.management import call_command
# The tables a sign-in writes to: sessions, lockout, second factor, audit log; and the
# website's (with the courses' it depends on), which every page's header and menus read.
for app in (
    "auth", "sessions", "axes", "authtoken", "otp_totp", "otp_static", "auditlog", "core",
    "website",
):
    call_command("migrate", app, verbosity=0)
from django.contrib.auth.models import User
from django.test import Client
User.objects.create_superuser("admin", "admin@example.org", "a long pass phrase 7")
# Behind its TLS proxy, as SECURE_PROXY_SSL_HEADER says a deployment is.
client = Client(HTTP_HOST="rtcm.example.org", HTTP_X_FORWARDED_PROTO="https", secure=True)


def cookies(response):
    return {
        name: {flag: morsel[flag] for flag in ("secure", "samesite", "httponly", "max-age")}
        for name, morsel in response.cookies.items()
    }


answers = {}
login = client.get("/admin/login/")
answers["login_page"] = {"headers": dict(login.headers), "cookies": cookies(login)}
signed_in = client.post(
    "/admin/login/?next=/admin/", {"username": "admin", "password": "a long pass phrase 7"}
)
answers["sign_in"] = {"status": signed_in.status_code, "cookies": cookies(signed_in)}
language = client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
answers["language"] = {"status": language.status_code, "cookies": cookies(language)}
client.logout()
for name, url in [("docs", "/api/docs/"), ("schema", "/api/schema/")]:
    answers[name] = client.get(url).status_code
answers["browsable"] = client.get("/api/v1/", HTTP_ACCEPT="text/html").headers["Content-Type"]
print(json.dumps(answers))
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """What a deployment answers (see PRODUCTION_RESPONSES)."""
    result = run_python(
        "-c",
        PRODUCTION_RESPONSES,
        **PRODUCTION,
        DJANGO_SETTINGS_MODULE="rtcm.settings",
        RTCM_VAR_DIR=str(tmp_path_factory.mktemp("var")),
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def test_a_deployment_sends_a_strict_content_security_policy(production):
    policy = directives(production["login_page"]["headers"]["Content-Security-Policy"])
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"  # no inline script, no eval
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert "unsafe" not in production["login_page"]["headers"]["Content-Security-Policy"]


def test_a_deployment_sends_permissions_policy_and_no_server_version(production):
    headers = production["login_page"]["headers"]
    assert "camera=()" in headers["Permissions-Policy"]
    assert "geolocation=()" in headers["Permissions-Policy"]
    assert "Server" not in headers
    assert headers["X-Frame-Options"] == "DENY"


def test_every_cookie_of_a_deployment_is_secure_and_same_site(production):
    csrf = production["login_page"]["cookies"]["csrftoken"]
    session = production["sign_in"]["cookies"]["sessionid"]
    language = production["language"]["cookies"]["django_language"]
    assert production["sign_in"]["status"] == 302  # signed in
    for cookie in (csrf, session, language):
        assert cookie["secure"] is True
        assert cookie["samesite"] == "Lax"
    assert session["httponly"] is True
    assert language["httponly"] is True
    assert session["max-age"] == 8 * 3600  # a short staff session


def test_a_deployment_shows_the_api_docs_and_browsable_api_to_staff_only(production):
    assert production["docs"] == 403
    assert production["schema"] == 403
    assert production["browsable"].startswith("application/json")


@pytest.mark.django_db
def test_pages_carry_the_csp_in_the_embedded_mode_too(client):
    response = client.get(reverse("home"))
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "microphone=()" in response.headers["Permissions-Policy"]


@pytest.mark.django_db
def test_the_api_docs_run_without_inline_script_or_style(client):
    """The embedded mode serves the docs to anyone; their page needs no 'unsafe-inline'."""
    page = client.get(reverse("api-docs"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<script>" not in html
    assert "<style>" not in html
    assert "swagger-ui-bundle.js" in html
    script = client.get(reverse("api-docs") + "?script=")
    assert script.status_code == 200
    assert script.headers["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


@pytest.mark.django_db
def test_the_api_docs_and_the_browsable_api_are_open_in_the_embedded_mode(client):
    assert client.get(reverse("api-schema")).status_code == 200
    response = client.get("/api/v1/", HTTP_ACCEPT="text/html")
    assert response.headers["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_staff_get_the_browsable_api_wherever(client, settings):
    settings.RTCM_API_BROWSABLE_FOR_ALL = False
    anonymous = client.get("/api/v1/", HTTP_ACCEPT="text/html")
    assert anonymous.headers["Content-Type"].startswith("application/json")
    client.force_login(staff_user("coordinator", roles=("coordinator",)))
    response = client.get("/api/v1/", HTTP_ACCEPT="text/html")
    assert response.headers["Content-Type"].startswith("text/html")
