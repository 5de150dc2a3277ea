"""Bad input is a 4xx, never a 500 (issue 12, part 6): NUL and control characters at
the edge (``rtcm.core.middleware``), bounded JSON (``rtcm.core.inputs``/``parsers``),
time-zone offsets PostgreSQL refuses (``rtcm.core.filters``), codes that make no URL.
Each of these answered 500 on PostgreSQL before; run with ``DATABASE_URL=postgres://…``
too."""

import io
import json

import pytest
from django.contrib.auth.models import Group, User
from rest_framework.exceptions import ParseError
from rest_framework.test import APIClient

from participants.models import Participant, Registration
from rtcm.core.inputs import JSON_MAX_DEPTH, BadInput, json_loads_checked
from rtcm.core.parsers import JSONParser
from rtcm.core.roles import COORDINATOR
from tests.factories import (
    RegistrationFactory,
    SessionFactory,
    TrainingFactory,
    certificate_for,
    person_data,
)

pytestmark = pytest.mark.django_db


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    "path",
    [
        "/registrations/%00/",
        "/registrations/my/%00/",
        "/registrations/%01abc/",
        "/certificates/verify/%00/",
        "/api/v1/trainings/%00/",
        "/api/v1/topics/%00/",
        "/api/v1/certificates/verify/%00/",
        "/trainings/%00/",
    ],
)
def test_a_control_character_in_the_path_is_a_404(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "query",
    ["registration=%00", "q=%00", "page=1&x=a%00b", "%00=1", "search=%1b"],
)
def test_a_control_character_in_the_query_is_a_400(client, query):
    training = TrainingFactory()
    for path in ("/", f"/trainings/{training.slug}/", f"/trainings/{training.slug}/register/"):
        assert client.get(f"{path}?{query}").status_code == 400, path


def test_a_nul_in_a_cookie_is_a_400(client):
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    assert client.get("/").status_code == 400


def test_a_nul_in_the_session_cookie_and_the_path_is_a_400(client):
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    assert client.get("/registrations/%00/").status_code == 400


def test_refusals_carry_the_security_headers(client):
    response = client.get("/registrations/%00/")
    assert response.status_code == 404
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_a_query_with_line_breaks_and_tabs_still_works(client):
    assert client.get("/trainings/?q=a%09b%0D%0Ac").status_code == 200


def test_a_nul_in_a_form_field_is_a_400_and_stores_nothing(client):
    training = TrainingFactory()
    response = client.post(
        f"/trainings/{training.slug}/register/", person_data(organisation="Ministry\x00")
    )
    assert response.status_code == 400
    assert not Participant.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        json.dumps(person_data(organisation="Ministry\x00", consent=True)),
        json.dumps(person_data(consent=True)).replace('"Inspector"', '"\\ud800"'),
        nested(5000),
        '{"a": ' * 5000 + "1" + "}" * 5000,
        json.dumps(person_data(consent=True)).replace('"consent": true', '"consent": NaN'),
    ],
    ids=["nul", "lone-surrogate", "arrays-5000-deep", "objects-5000-deep", "nan"],
)
def test_bad_json_to_the_api_is_a_400_and_stores_nothing(client, body):
    training = TrainingFactory()
    response = client.post(
        f"/api/v1/trainings/{training.slug}/register/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_good_json_to_the_api_still_registers(client):
    training = TrainingFactory()
    response = client.post(
        f"/api/v1/trainings/{training.slug}/register/",
        json.dumps(person_data(consent=True)),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert Registration.objects.get().training == training


def test_json_depth_is_bounded_without_recursion():
    assert json_loads_checked(nested(JSON_MAX_DEPTH)) is not None
    assert json_loads_checked('{"a": "[[[[ not brackets \\" [[[", "b": [[1], {"c": []}]}')
    with pytest.raises(BadInput):
        json_loads_checked(nested(JSON_MAX_DEPTH + 1))
    with pytest.raises(BadInput):
        json_loads_checked(nested(100_000))


def test_the_drf_json_parser_refuses_deep_json_with_a_parse_error():
    with pytest.raises(ParseError):
        JSONParser().parse(io.BytesIO(nested(5000).encode()))
    assert JSONParser().parse(io.BytesIO(b'{"a": [1, 2]}')) == {"a": [1, 2]}


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("2024-01-01T00:00:00+16:00", 400),
        ("2024-01-01T00:00:00-23:59", 400),
        ("9999-12-31T23:59:59-01:00", 400),
        ("0001-01-01T00:00:00+01:00", 400),
        ("2024-01-01T00:00:00+15:59", 200),
        ("2024-01-01T00:00:00-15:59", 200),
        ("2024-01-01T00:00:00Z", 200),
        ("2024-01-01T00:00:00", 200),
    ],
)
def test_session_date_filters_refuse_offsets_postgresql_refuses(value, status):
    SessionFactory()
    response = APIClient().get("/api/v1/sessions/", {"starts_after": value})
    assert response.status_code == status, response.content
    if status == 400:
        assert list(response.json()) == ["starts_after"]


def test_the_staff_registration_filter_refuses_a_16_hour_offset():
    RegistrationFactory()
    user = User.objects.create_user("coord", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=COORDINATOR))
    client = APIClient()
    client.force_authenticate(user)
    response = client.get("/api/v1/registrations/", {"submitted_after": "2024-01-01T00:00+16:00"})
    assert response.status_code == 400
    assert list(response.json()) == ["submitted_after"]


@pytest.mark.parametrize("code", ["AB/CD", "../x", "AB?C", "Ж123"])
def test_a_verification_code_that_makes_no_address_is_a_form_error(client, code):
    response = client.get("/certificates/verify/", {"code": code})
    assert response.status_code == 200
    assert "only letters and digits" in response.content.decode()


def test_a_typed_code_is_normalised_to_the_printed_one(client):
    certificate = certificate_for(RegistrationFactory(), 1)
    typed = f" {certificate.code[:4].lower()}-{certificate.code[4:]} "
    response = client.get("/certificates/verify/", {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == f"/certificates/verify/{certificate.code}/"
