"""The admin's add, change and delete pages of every registered model: the whole cast.

``test_staff_access`` checks each changelist (and whose rows it shows); here each
model's add page, and the change and delete pages of one of its rows, for every member
of the cast. The expected cell follows from the one table of role permissions
(``rtcm.core.roles.ROLE_PERMISSIONS``) and the per-training scope, except where an
admin takes a door away from everyone (``NOT_OFFERED``: the row is written by a
service, read-only, or never deleted) — listed here with the reason, so that a door
opened or closed by mistake fails a cell.

- ``ok``: the page opens (for a change page with view permission only, read-only);
- 403: the role lacks the permission (or nobody has it);
- 404: the row is of a training the person may not see (the admin sends them to its
  index, "perhaps it was deleted": the row's existence is not confirmed);
- ``login``: anonymous, sent to the admin's sign-in.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from rest_framework.authtoken.models import Token

from rtcm.core.roles import (
    COMMUNICATIONS,
    COORDINATOR,
    LIBRARIAN,
    MANAGER,
    NETWORK_OFFICER,
    role_permission_codenames,
)
from tests.access.test_staff_access import (
    ADMIN,
    CAST,
    FORBIDDEN,
    HIDDEN,
    LOGIN,
    OK,
    _client,
    build_scene,
)
from tests.factories import ModuleFactory

pytestmark = pytest.mark.django_db

VIEWS = ("add", "change", "delete")
MEMBER_ROLE = {
    "owner": COORDINATOR,
    "teammate": COORDINATOR,
    "manager": MANAGER,
    "librarian": LIBRARIAN,
    "officer": NETWORK_OFFICER,
    "editor": COMMUNICATIONS,
    "outsider": None,
}
# Admins that take a door away from everyone, superusers included: model -> views.
WRITTEN_BY_A_SERVICE = "written by a service (and its trail), never by hand"
RECORD = "a record kept as it was written"
NOT_OFFERED: dict[str, dict[str, str]] = {
    "auditlog.logentry": {"add": RECORD, "delete": RECORD},
    "axes.accessattempt": {"add": RECORD},
    "axes.accessfailurelog": {"add": RECORD},
    "axes.accesslog": {"add": RECORD},
    "otp_static.staticdevice": {"add": "set up by its owner (account security page)"},
    "otp_totp.totpdevice": {"add": "set up by its owner (account security page)"},
    "experts.expertmessage": {
        "add": "sent by the expert network's services",
        "delete": "the log of what was sent to an expert",
    },
    "experts.trainerrating": {"add": "given after a training (experts.ratings)"},
    "participants.certificate": {
        "add": "issued by participants.services (certificate_issue)",
        "delete": "revoked with a reason, never deleted",
    },
    "participants.messageemail": {"add": WRITTEN_BY_A_SERVICE},
    "core.identity": {
        "add": "one row: edited, never a second one",
        "delete": "one row: edited, never deleted",
    },
    "volunteers.servicecertificate": {"delete": "revoked with a reason, never deleted"},
    "volunteers.volunteermessage": {
        "add": WRITTEN_BY_A_SERVICE,
        "delete": "the log of what was sent to a volunteer",
    },
    "participants.notification": {"add": WRITTEN_BY_A_SERVICE},
    "participants.trainingmessage": {"add": "written on the training's messages page"},
    "participants.participant": {"delete": "erased through a data-protection request"},
    "website.contactmessage": {"add": "written by the contact form (website.services)"},
    "participants.registration": {
        "add": "registered through participants.services (form, import, API)",
        "delete": "cancelled through participants.services (seats, waiting list, trail)",
    },
}


def scoped(label: str) -> bool:
    """A model whose rows follow their training (``TrainingScopedAdminMixin``)."""
    return ADMIN[label][1] is not None


def expected_cell(label: str, view: str, member: str) -> str | int:
    if member == "anonymous":
        return LOGIN
    if view in NOT_OFFERED.get(label, {}):
        return FORBIDDEN
    if member == "superuser":
        return OK
    app_label, model = label.split(".")
    held = role_permission_codenames(MEMBER_ROLE[member]) if MEMBER_ROLE[member] else set()

    def has(action: str) -> bool:
        return (app_label, f"{action}_{model}") in held

    if view == "add":
        return OK if has("add") else FORBIDDEN
    allowed = has("delete") if view == "delete" else has("view") or has("change")
    if not allowed:
        return FORBIDDEN
    if scoped(label) and member == "teammate":  # training B's coordinator, the row is A's
        return HIDDEN
    return OK


def expected_row(label: str, view: str) -> dict[str, str | int]:
    return {member: expected_cell(label, view, member) for member in CAST}


def _row(scene, label: str):
    """The scene's row of ``label``, or any row of the model (None: the model has none)."""
    row = ADMIN[label][1]
    if row is not None:
        return row(scene)
    model = apps.get_model(label)
    if model is Group:
        return Group.objects.get(name=COORDINATOR)
    return model._default_manager.order_by("pk").first()


def _admin_outcome(response) -> str | int:
    status = response.status_code
    if status in (301, 302):
        location = response["Location"]
        if location.startswith(reverse("admin:login")):
            return LOGIN
        if location == reverse("admin:index"):  # "doesn't exist. Perhaps it was deleted?"
            return HIDDEN
    if status in (403, 404):
        return status
    assert status < 400, status
    return OK


def admin_urls(scene, label: str) -> dict[str, str | None]:
    app_label, model = label.split(".")
    row = _row(scene, label)
    urls = {"add": reverse(f"admin:{app_label}_{model}_add")}
    for view in ("change", "delete"):
        urls[view] = reverse(f"admin:{app_label}_{model}_{view}", args=[row.pk]) if row else None
    return urls


def add_rows_of_other_models(scene) -> None:
    """Rows of the models the scene holds none of, for their change and delete pages."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from experts.models import ExpertMessage
    from tests.factories import ExpertFactory
    from tests.library.test_search_and_pages import DocumentFactory
    from tests.website.factories import NewsItemFactory, PageFactory
    from website.models import ContactMessage

    ModuleFactory()  # with its topic and curriculum
    Token.objects.create(user=scene.users["owner"])
    address = {"ip_address": "192.0.2.7", "user_agent": "test", "username": "someone"}
    AccessAttempt.objects.create(failures_since_start=1, **address)
    AccessFailureLog.objects.create(locked_out=False, **address)
    AccessLog.objects.create(**address)
    # A colleague's devices (one of the cast holding one would be asked for its code).
    colleague = get_user_model().objects.create_user("colleague", is_staff=True)
    TOTPDevice.objects.create(user=colleague, name="phone", confirmed=True)
    StaticDevice.objects.create(user=colleague, name="recovery", confirmed=True)
    expert = ExpertFactory()
    ExpertMessage.objects.create(
        expert=expert, kind="received", recipient=expert.email, language="en"
    )
    DocumentFactory()
    NewsItemFactory()
    PageFactory()
    ContactMessage.objects.create(
        name="Aigerim",
        email="a@example.org",
        topic="Hello",
        message="Text",
        recipient="contact@rtcm.local",
        language="en",
    )
    from rtcm.core.models import Identity
    from tests.volunteers.factories import AssignmentFactory, VolunteerFactory
    from tests.website.factories import OrganisationFactory, ProgrammeFactory
    from volunteers.models import ServiceCertificate, VolunteerMessage

    Identity.objects.create(pk=1, primary_colour="#12355b")
    OrganisationFactory()
    ProgrammeFactory()
    volunteer = VolunteerFactory()
    AssignmentFactory(volunteer=volunteer)
    today = scene.training.start_date
    ServiceCertificate.objects.create(
        volunteer=volunteer, period_start=today, period_end=today, hours=4, assignment_count=1
    )
    VolunteerMessage.objects.create(
        volunteer=volunteer, kind="received", recipient=volunteer.email, language="en"
    )


@pytest.mark.parametrize("label", sorted(ADMIN))
def test_the_cast_at_each_admin_add_change_and_delete_page(label):
    scene = build_scene()
    add_rows_of_other_models(scene)
    assert {model._meta.label_lower for model in admin.site._registry} >= {label}
    for view, url in admin_urls(scene, label).items():
        assert url is not None, f"no {label} row in the scene: add one in add_rows_of_other_models"
        seen = {}
        for member in CAST:
            response = _client(scene, member).get(url)
            seen[member] = _admin_outcome(response)
        assert seen == expected_row(label, view), view
