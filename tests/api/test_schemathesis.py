"""Every operation of the schema the app serves at /api/schema/, fuzzed by schemathesis:
no request, valid or not, anonymous or staff, makes the API answer a server error (5xx),
and every documented answer has the documented shape.

The schema is fetched from the WSGI app in-process at collection, as a client fetches it;
each operation is a pytest test of its own (tests/api/conftest.py gives each its node
id). Every request runs in a savepoint rolled back after it, so that each starts from the
rows seeded for the test: a DELETE cannot starve the cases after it. Generation is bounded
and reproducible: a fixed seed, ``derandomize``, no example database, a few fuzzed
examples an operation and the coverage phase's invalid cases (about 3,000 requests a
pass).
"""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from courses.models import Curriculum
from experts.models import Expert
from rtcm.core.models import Job
from rtcm.wsgi import application
from tests.factories import (
    CurriculumFactory,
    ExpertFactory,
    ModuleFactory,
    RegistrationFactory,
    SessionFactory,
    TrainingFactory,
    attend,
    certificate_for,
    coordinators_run_every_training,
    past_training,
)
from tests.library.test_search_and_pages import DocumentFactory

pytestmark = pytest.mark.django_db

SCHEMA_CONFIG = {
    "seed": 20261201,
    # The coverage phase's valid cases enumerate every enum value of every field (1,600
    # registrations for the country fields alone): its invalid cases are kept, valid
    # input is left to the fuzzing phase.
    "phases": {"coverage": {"generation": {"mode": "negative"}}},
}


schema = schemathesis.openapi.from_wsgi(
    "/api/schema/?format=json",
    application,
    config=schemathesis.Config.from_dict(SCHEMA_CONFIG),
)

# Both passes in about a minute and a half on two busy cores.
BOUNDED = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)

# What the API must hold whatever it is sent: no 5xx, and a documented answer (a 2xx)
# has the documented content type and shape. Not asserted: undocumented 4xx codes
# (drf-spectacular documents the 2xx only) and the acceptance checks (the schema cannot
# express the domain rules, e.g. a name holds no digits).
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]

# The rows the current test seeded, by the path parameters that name them.
SEEDED: dict[str, object] = {}


# Path prefixes (most specific first) and the seeded rows their parameters name.
ROWS_BY_PATH = (
    ("/api/v1/certificates/verify/", {"code": "certificate"}),
    ("/api/v1/curricula/", {"id": "curriculum"}),
    ("/api/v1/experts/", {"slug": "expert_slug"}),
    ("/api/v1/jobs/", {"id": "job"}),
    ("/api/v1/library/documents/", {"slug": "document"}),
    ("/api/v1/registrations/", {"id": "registration"}),
    ("/api/v1/sessions/", {"id": "session", "expert_id": "expert"}),
    ("/api/v1/staff/experts/", {"id": "applicant"}),
    ("/api/v1/topics/", {"slug": "topic"}),
    ("/api/v1/trainings/{slug}/certificates/", {"slug": "completed_training"}),
    ("/api/v1/trainings/", {"slug": "training"}),
)


def real_path_parameters(path: str) -> dict[str, object]:
    """Path parameters naming rows that exist (those of the current test), for ``path``."""
    for prefix, rows in ROWS_BY_PATH:
        if path.startswith(prefix):
            return {name: SEEDED[row] for name, row in rows.items() if "{" + name + "}" in path}
    raise AssertionError(f"no seeded row for {path}: add one to ROWS_BY_PATH")


@schema.hook("before_generate_path_parameters")
def half_real_rows(context, strategy):
    """Fuzzed path parameters name seeded rows about as often as made-up ones: a made-up
    id is mostly a 404, and the code behind the lookup would go unexercised."""
    path = context.operation.path
    if "{" not in path:
        return strategy
    return st.one_of(st.builds(lambda: real_path_parameters(path)), strategy)


def point_at_real_rows(case) -> None:
    """The coverage phase's cases are fixed at collection, before any row exists, and vary
    one parameter at a time: unless the path is what a case varies, point it at seeded
    rows, so that its query or body reaches the view instead of a 404."""
    meta = case.meta
    if not case.path_parameters or meta is None or meta.phase.name != "coverage":
        return
    if getattr(meta.phase.data, "parameter_location", None) == "path":
        return
    case.path_parameters = real_path_parameters(case.operation.path)


@pytest.fixture
def seeded():
    """A little of everything the API names by path: an open training with a session, a
    trainer and registrations; a completed one with attendance and a certificate; a
    published curriculum, an active expert and an applicant, a document, a job."""
    with coordinators_run_every_training():
        curriculum = CurriculumFactory(status=Curriculum.Status.APPROVED)
        module = ModuleFactory(curriculum=curriculum)
        training = TrainingFactory()
        training.modules.add(module)
        session = SessionFactory(training=training)
        expert = ExpertFactory(topics=[module.topic], languages=["ru", "en"])
        session.trainers.add(expert)
        registration = RegistrationFactory(training=training, status="pending")
        RegistrationFactory(training=training)
        completed = past_training(sessions=2)
        attended = RegistrationFactory(training=completed)
        attend(attended, 2)
        certificate = certificate_for(attended, 1)
        applicant = ExpertFactory(status=Expert.Status.APPLICANT, public_profile_consent_at=None)
        document = DocumentFactory(topics=[module.topic], trainings=[training])
        job = Job.objects.create(kind="report", params={})
    SEEDED.clear()
    SEEDED.update(
        certificate=certificate.code,
        curriculum=curriculum.pk,
        expert=expert.pk,
        expert_slug=expert.slug,
        applicant=applicant.pk,
        job=job.pk,
        document=document.slug,
        registration=registration.pk,
        session=session.pk,
        topic=module.topic.slug,
        training=training.slug,
        completed_training=completed.slug,
    )
    yield SEEDED
    SEEDED.clear()


@pytest.fixture
def staff_token(django_user_model):
    """A superuser's API token: every role, every training."""
    user = django_user_model.objects.create_superuser("schemathesis", "st@example.org", "x")
    return Token.objects.create(user=user).key


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """Requests go through the real WSGI handler, whose request signals would close the
    test's connection (and its transaction) after each one; Django's test client unhooks
    them the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def call_and_check(case, headers=None):
    point_at_real_rows(case)
    # Fresh throttle counters for each case: a 429 would hide the view behind it.
    cache.clear()
    with transaction.atomic():
        response = case.call(headers=headers)
        transaction.set_rollback(True)
    case.validate_response(response, checks=CHECKS)


@schema.parametrize()
@BOUNDED
def test_no_server_error_and_documented_answers_anonymous(case, seeded):
    call_and_check(case)


@schema.parametrize()
@BOUNDED
def test_no_server_error_and_documented_answers_as_staff(case, seeded, staff_token):
    call_and_check(case, headers={"Authorization": f"Token {staff_token}"})


def test_the_staff_pass_is_signed_in_and_names_real_rows(seeded, staff_token):
    """The passes above mean something: the token gets a staff-only read, and the rows
    seeded in the test's transaction are seen through the WSGI app."""
    registration = schema["/api/v1/registrations/{id}/"]["GET"]
    case = registration.Case(path_parameters=real_path_parameters(registration.path))
    assert case.call().status_code == 403
    response = case.call(headers={"Authorization": f"Token {staff_token}"})
    assert response.status_code == 200
    assert response.json()["id"] == seeded["registration"]
