"""Who reaches what: the owner / teammate / outsider cast on every staff URL.

The cast (``rtcm.core.access`` decides; these tests check every door asks it):

- ``owner``: a coordinator of training A (the one every case is about);
- ``teammate``: another coordinator, of training B only;
- ``outsider``: staff without a role;
- ``anonymous``;
- and where it matters ``manager`` (reads every training), ``librarian``,
  ``officer`` (network officer) and ``superuser``.

Complete by construction: every URL name the resolver knows is either a case of
``CASES`` (a staff page, API endpoint, download or export) or listed in
``PUBLIC`` with the reason it is open; every model registered in the admin has
its changelist in ``ADMIN``. A new page, endpoint or admin without a row here
fails ``test_every_url_has_an_access_case``.

Each case runs the whole cast against one scene; every request runs in a
savepoint that is rolled back, so an allowed change does not disturb the next
member. "ok" means access was granted: the view answered (200, 201, 202, 204, a
redirect that is not the sign-in, or a 400/409 of the rules behind the door).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from courses.models import Session, Training
from participants.models import Attendance
from rtcm.core import jobs
from rtcm.core.roles import COMMUNICATIONS, COORDINATOR, LIBRARIAN, MANAGER, NETWORK_OFFICER
from tests.factories import (
    ExpertFactory,
    RegistrationFactory,
    SessionFactory,
    TrainingFactory,
    certificate_for,
    staff_user,
)

pytestmark = pytest.mark.django_db

CAST = (
    "anonymous",
    "outsider",
    "librarian",
    "officer",
    "editor",
    "manager",
    "teammate",
    "superuser",
    "owner",
)
STAFF = frozenset(CAST) - {"anonymous"}

LOGIN = "login"  # anonymous: sent to the sign-in (pages) or refused (API: 401/403)
OK = "ok"  # allowed through the door
ROWS = "rows"  # a list: allowed, and training A's row is in it
EMPTY = "empty"  # a list: allowed, but training A's row is not in it
FORBIDDEN = 403
HIDDEN = 404


def expect(ok=(), hidden=(), rows=(), empty=(), default=FORBIDDEN) -> dict[str, str | int]:
    """The outcome for each member of the cast; anonymous is always LOGIN."""
    outcome = dict.fromkeys(CAST, default)
    for members, result in ((ok, OK), (hidden, HIDDEN), (rows, ROWS), (empty, EMPTY)):
        for member in members:
            outcome[member] = result
    outcome["anonymous"] = LOGIN
    return outcome


# The decisions of rtcm.core.access, as outcomes.
TRAINING_READ = expect(ok={"owner", "manager", "superuser"}, hidden={"teammate"})
TRAINING_CHANGE = expect(ok={"owner", "superuser"}, hidden={"teammate"})
TRAINING_LIST = expect(rows={"owner", "manager", "superuser"}, empty={"teammate"})
MATCHING_READ = expect(ok={"owner", "officer", "superuser"}, hidden={"teammate"})
NETWORK_READ = expect(ok={"owner", "teammate", "officer", "superuser"})
NETWORK_WRITE = expect(ok={"officer", "superuser"})
ANY_STAFF = expect(ok=STAFF)
OWN_JOB = expect(ok={"owner", "superuser"}, default=HIDDEN)
REPORTS = expect(ok={"owner", "teammate", "manager", "superuser"})
REPORT_OF_A = expect(ok={"owner", "manager", "superuser"})  # the teammate: 403, as before
PRIVACY = expect(ok={"manager", "superuser"})  # data-protection requests
AUDIT_LOG = expect(ok={"manager", "superuser"})  # every staff member's actions
COORDINATORS = expect(ok={"owner", "teammate", "superuser"})  # e.g. creating a training
# The report page offers the teammate their own trainings only: A is not a valid choice.
REPORT_PAGE_OF_A = {**REPORT_OF_A, "teammate": 400}


@dataclass
class Scene:
    users: dict[str, User]
    training: object
    other_training: object
    session: object
    registration: object
    certificate: object
    expert: object
    job: object


def build_scene() -> Scene:
    users = {
        "owner": staff_user("owner", roles=(COORDINATOR,)),
        "teammate": staff_user("teammate", roles=(COORDINATOR,)),
        "outsider": staff_user("outsider"),
        "librarian": staff_user("librarian", roles=(LIBRARIAN,)),
        "officer": staff_user("officer", roles=(NETWORK_OFFICER,)),
        "editor": staff_user("editor", roles=(COMMUNICATIONS,)),
        "manager": staff_user("manager", roles=(MANAGER,)),
        "superuser": User.objects.create_superuser("root", password="x"),
    }
    training = TrainingFactory(slug="training-a", title="Training A")
    training.coordinators.add(users["owner"])
    other = TrainingFactory(slug="training-b", title="Training B")
    other.coordinators.add(users["teammate"])
    session = SessionFactory(training=training, title="Session of A")
    registration = RegistrationFactory(
        training=training, participant__email="person-of-a@example.org"
    )
    Attendance.objects.create(registration=registration, session=session, present=True)
    certificate = certificate_for(registration, 1)
    certificate.pdf.save("certificate.pdf", ContentFile(b"%PDF-1.4 certificate"), save=True)
    expert = ExpertFactory(slug="expert-a")
    expert.cv.save("cv.pdf", ContentFile(b"%PDF-1.4 cv"), save=False)
    expert.cv_content_type = "application/pdf"
    expert.save()
    job = jobs.job_create(kind="certificates-zip", params={}, user=users["owner"], total=1)
    jobs.job_start(job_id=job.pk)
    jobs.job_succeed(job_id=job.pk, content=b"PK zip", filename="certificates.zip")
    job.refresh_from_db()
    return Scene(users, training, other, session, registration, certificate, expert, job)


@dataclass
class Case:
    name: str  # the URL name
    expected: dict
    url: Callable[[Scene], str]
    method: str = "get"
    data: Callable[[Scene], dict] | None = None
    api: bool = False
    marker: Callable[[Scene], str] | None = None  # what a list shows of training A
    id: str = ""
    refused: bool = False  # a 400 is the answer to compare (a form refusing the choice)
    prepare: Callable[[Scene], None] | None = None  # changes the scene needs first

    def __post_init__(self):
        self.id = self.id or f"{self.name}:{self.method}"


def _r(name: str, **kwargs) -> Callable[[Scene], str]:
    """A URL by name; a keyword's value is a function of the scene."""
    return lambda s: reverse(name, kwargs={key: value(s) for key, value in kwargs.items()})


def slug_a(s):
    return s.training.slug


def session_a(s):
    return s.session.pk


def registration_a(s):
    return s.registration.pk


def expert_a(s):
    return s.expert.pk


def job_a(s):
    return s.job.pk


# Rows of training A the scene builds only when an admin test asks (other cases do not see them).
def notification_a(s):
    from participants.models import Notification

    return Notification.objects.get_or_create(
        registration=s.registration,
        kind=Notification.Kind.RECEIVED,
        defaults={"recipient": s.registration.participant.email, "language": "en"},
    )[0]


def message_a(s):
    from participants.models import TrainingMessage

    return TrainingMessage.objects.get_or_create(
        training=s.training,
        subject="Reading list",
        defaults={"body": "Read before the first day.", "created_by": s.users["owner"]},
    )[0]


def message_email_a(s):
    from participants.models import MessageEmail

    return MessageEmail.objects.get_or_create(
        message=message_a(s),
        registration=s.registration,
        defaults={"recipient": s.registration.participant.email, "language": "en"},
    )[0]


def rating_a(s):
    from experts.models import TrainerRating

    s.session.trainers.add(s.expert)
    return TrainerRating.objects.get_or_create(
        registration=s.registration, session=s.session, expert=s.expert, defaults={"score": 4}
    )[0]


def session_today(s):
    """Training A's session moved to today, just after midnight (and its training to today)."""
    today = timezone.localdate()
    Training.objects.filter(pk=s.training.pk).update(start_date=today, end_date=today)
    starts_at = timezone.make_aware(dt.datetime.combine(today, dt.time(0, 1)))
    Session.objects.filter(pk=s.session.pk).update(
        starts_at=starts_at, ends_at=starts_at + dt.timedelta(minutes=1)
    )


CASES: list[Case] = [
    # --- staff pages ---------------------------------------------------------------
    Case("staff:dashboard", ANY_STAFF, _r("staff:dashboard")),
    # Today's sessions: training A's session shows to those who view training A.
    Case(
        "staff:today",
        TRAINING_LIST,
        _r("staff:today"),
        marker=lambda s: reverse("staff:attendance_sheet", kwargs={"pk": s.session.pk}),
        prepare=lambda s: session_today(s),
    ),
    Case("staff:audit", AUDIT_LOG, _r("staff:audit"), id="staff:audit:changes"),
    Case(
        "staff:audit",
        AUDIT_LOG,
        lambda s: _r("staff:audit")(s) + "?tab=events",
        id="staff:audit:events",
    ),
    Case("staff:attendance_sheet", TRAINING_READ, _r("staff:attendance_sheet", pk=session_a)),
    Case(
        "staff:attendance_sheet",
        TRAINING_CHANGE,
        _r("staff:attendance_sheet", pk=session_a),
        method="post",
        data=lambda s: {"person": s.registration.pk, "present": "1"},
    ),
    Case("staff:sign_in_sheet", TRAINING_READ, _r("staff:sign_in_sheet", pk=session_a)),
    Case(
        "staff:training_certificates",
        TRAINING_READ,
        _r("staff:training_certificates", slug=slug_a),
    ),
    Case(
        "staff:training_certificates",
        TRAINING_CHANGE,
        _r("staff:training_certificates", slug=slug_a),
        method="post",
        data=lambda s: {"action": "grant", "registration": s.registration.pk},
    ),
    Case(
        "staff:certificate_pdf",
        TRAINING_READ,
        lambda s: reverse(
            "staff:certificate_pdf", kwargs={"slug": s.training.slug, "pk": s.certificate.pk}
        ),
    ),
    # The training workspace: the list (mine first), a training's page, its moves, its clone.
    Case(
        "staff:training_list",
        TRAINING_LIST,
        _r("staff:training_list"),
        marker=lambda s: s.training.title,
    ),
    Case("staff:training_detail", TRAINING_READ, _r("staff:training_detail", slug=slug_a)),
    Case(
        "staff:training_action",
        TRAINING_CHANGE,  # the confirmation page asking the reason
        _r("staff:training_action", slug=slug_a, action=lambda s: "cancel"),
        id="staff:training_action:cancel-page",
    ),
    Case(
        "staff:training_action",
        TRAINING_CHANGE,
        _r("staff:training_action", slug=slug_a, action=lambda s: "close"),
        method="post",
        data=lambda s: {},
    ),
    Case(
        "staff:training_action",
        TRAINING_CHANGE,
        _r("staff:training_action", slug=slug_a, action=lambda s: "cancel"),
        method="post",
        data=lambda s: {"reason": "The venue flooded"},
        id="staff:training_action:cancel",
    ),
    Case("staff:training_clone", TRAINING_CHANGE, _r("staff:training_clone", slug=slug_a)),
    Case(
        "staff:training_clone",
        TRAINING_CHANGE,
        _r("staff:training_clone", slug=slug_a),
        method="post",
        data=lambda s: {"start_date": (s.training.start_date + dt.timedelta(days=7)).isoformat()},
    ),
    # Creating a training (any coordinator: they run what they create) and editing one.
    Case("staff:training_create", COORDINATORS, _r("staff:training_create")),
    Case(
        "staff:training_create",
        COORDINATORS,  # an empty form: 400, the page again with its errors
        _r("staff:training_create"),
        method="post",
        data=lambda s: {},
    ),
    Case("staff:training_edit", TRAINING_CHANGE, _r("staff:training_edit", slug=slug_a)),
    Case(
        "staff:training_edit",
        TRAINING_CHANGE,
        _r("staff:training_edit", slug=slug_a),
        method="post",
        data=lambda s: {},
    ),
    Case("staff:training_messages", TRAINING_READ, _r("staff:training_messages", slug=slug_a)),
    Case(
        "staff:training_messages",
        TRAINING_CHANGE,
        _r("staff:training_messages", slug=slug_a),
        method="post",
        data=lambda s: {
            "action": "preview",
            "statuses": ["confirmed"],
            "subject": "S",
            "body": "B",
        },
    ),
    Case(
        "staff:training_registrations",
        TRAINING_READ,
        _r("staff:training_registrations", slug=slug_a),
    ),
    Case(
        "staff:training_registrations",
        TRAINING_CHANGE,
        _r("staff:training_registrations", slug=slug_a),
        method="post",
        data=lambda s: {"registrations": [s.registration.pk], "action": "cancel"},
    ),
    Case(
        "staff:registration_detail",
        TRAINING_READ,
        _r("staff:registration_detail", slug=slug_a, pk=registration_a),
    ),
    Case(
        "staff:registration_detail",
        TRAINING_CHANGE,
        _r("staff:registration_detail", slug=slug_a, pk=registration_a),
        method="post",
        data=lambda s: {"status": "cancelled", "note": "Moved"},
    ),
    Case("staff_io:training_import", TRAINING_CHANGE, _r("staff_io:training_import", slug=slug_a)),
    Case(
        "staff_io:training_import",
        TRAINING_CHANGE,
        _r("staff_io:training_import", slug=slug_a),
        method="post",
        data=lambda s: {},
    ),
    Case(
        "staff_io:import_confirm",
        TRAINING_CHANGE,
        _r("staff_io:import_confirm", slug=slug_a),
        method="post",
        data=lambda s: {"token": "none"},
    ),
    Case("staff_io:import_template", TRAINING_READ, _r("staff_io:import_template", slug=slug_a)),
    Case(
        "staff_io:training_export",
        TRAINING_READ,
        lambda s: reverse(
            "staff_io:training_export", kwargs={"slug": s.training.slug, "format": "xlsx"}
        ),
        id="staff_io:training_export:xlsx",
    ),
    Case(
        "staff_io:training_export",
        TRAINING_READ,
        lambda s: reverse(
            "staff_io:training_export", kwargs={"slug": s.training.slug, "format": "csv"}
        ),
        id="staff_io:training_export:csv",
    ),
    # Data-protection requests: managers (and superusers) only.
    Case(
        "staff:privacy",
        PRIVACY,
        lambda s: _r("staff:privacy")(s) + "?email=person-of-a@example.org",
    ),
    Case(
        "staff:privacy_export",
        PRIVACY,
        _r("staff:privacy_export"),
        method="post",
        data=lambda s: {"email": "person-of-a@example.org"},
    ),
    Case(
        "staff:privacy_erase",
        PRIVACY,
        _r("staff:privacy_erase"),
        method="post",
        data=lambda s: {
            "email": "person-of-a@example.org",
            "confirm_email": "person-of-a@example.org",
        },
    ),
    Case("jobs:list", ANY_STAFF, _r("jobs:list")),
    Case("jobs:detail", OWN_JOB, _r("jobs:detail", pk=job_a)),
    Case("jobs:download", OWN_JOB, _r("jobs:download", pk=job_a)),
    Case("reports:index", REPORTS, _r("reports:index")),
    Case(
        "reports:index",
        REPORT_PAGE_OF_A,
        _r("reports:index"),
        method="post",
        data=lambda s: {"kind": "training", "format": "pdf", "training": s.training.slug},
        refused=True,
    ),
    Case("experts_staff:list", NETWORK_READ, _r("experts_staff:list")),
    Case(
        "experts_staff:export",
        NETWORK_WRITE,
        lambda s: reverse("experts_staff:export", kwargs={"fmt": "csv"}),
    ),
    Case("experts_staff:detail", NETWORK_READ, _r("experts_staff:detail", pk=expert_a)),
    Case(
        "experts_staff:detail",
        NETWORK_WRITE,
        _r("experts_staff:detail", pk=expert_a),
        method="post",
        data=lambda s: {"form": "notes", "notes-staff_notes": "Checked."},
    ),
    Case("experts_staff:cv", NETWORK_READ, _r("experts_staff:cv", pk=expert_a)),
    Case("experts_staff:matching", MATCHING_READ, _r("experts_staff:matching", slug=slug_a)),
    Case(
        "experts_staff:matching",
        TRAINING_CHANGE,
        _r("experts_staff:matching", slug=slug_a),
        method="post",
        data=lambda s: {"action": "assign", "session": s.session.pk, "expert": s.expert.pk},
    ),
    # --- the staff member's own account security (rtcm.core.security_views) ----------
    Case("security:index", ANY_STAFF, _r("security:index")),
    Case(
        "security:index",
        ANY_STAFF,  # a wrong code: 400, the form again
        _r("security:index"),
        method="post",
        data=lambda s: {"code": "000000"},
    ),
    Case("security:recovery_codes", ANY_STAFF, _r("security:recovery_codes")),
    Case("security:remove", ANY_STAFF, _r("security:remove")),
    Case("security:confirm", ANY_STAFF, _r("security:confirm")),
    Case(
        "security:language",
        ANY_STAFF,  # their own language: saved, then back to the account page
        _r("security:language"),
        method="post",
        data=lambda s: {"language": "en"},
    ),
    # --- staff API -------------------------------------------------------------------
    Case(
        "registration-list",
        TRAINING_LIST,
        _r("registration-list"),
        api=True,
        marker=lambda s: "person-of-a@example.org",
    ),
    Case(
        "registration-detail",
        TRAINING_READ,
        _r("registration-detail", pk=registration_a),
        api=True,
    ),
    *(
        Case(
            f"registration-{action}",
            TRAINING_CHANGE,
            _r(f"registration-{action}", pk=registration_a),
            method="post",
            data=lambda s: {},
            api=True,
        )
        for action in ("approve", "reject", "cancel")
    ),
    Case("session-attendance", TRAINING_READ, _r("session-attendance", pk=session_a), api=True),
    Case(
        "session-attendance",
        TRAINING_CHANGE,
        _r("session-attendance", pk=session_a),
        method="post",
        data=lambda s: {"registration": s.registration.pk, "present": False},
        api=True,
    ),
    Case("training-status", TRAINING_CHANGE, _r("training-status", slug=slug_a), api=True),
    Case(
        "training-status",
        TRAINING_CHANGE,
        _r("training-status", slug=slug_a),
        method="post",
        data=lambda s: {"action": "close"},
        api=True,
    ),
    Case(
        "training-certificates",
        TRAINING_CHANGE,
        _r("training-certificates", slug=slug_a),
        method="post",
        api=True,
    ),
    Case(
        "training-certificates-zip",
        TRAINING_CHANGE,
        _r("training-certificates-zip", slug=slug_a),
        method="post",
        api=True,
    ),
    Case("session-trainers", TRAINING_CHANGE, _r("session-trainers", pk=session_a), api=True),
    Case(
        "session-trainers",
        TRAINING_CHANGE,
        _r("session-trainers", pk=session_a),
        method="post",
        data=lambda s: {"expert": str(s.expert.pk)},
        api=True,
    ),
    Case(
        "session-trainer",
        TRAINING_CHANGE,
        lambda s: reverse("session-trainer", kwargs={"pk": s.session.pk, "expert_id": s.expert.pk}),
        method="delete",
        api=True,
    ),
    Case(
        "training-expert-suggestions",
        MATCHING_READ,
        _r("training-expert-suggestions", slug=slug_a),
        api=True,
    ),
    Case(
        "report-create",
        REPORT_OF_A,
        _r("report-create"),
        method="post",
        data=lambda s: {"kind": "training", "format": "pdf", "training": s.training.slug},
        api=True,
    ),
    Case("job-list", ANY_STAFF, _r("job-list"), api=True),
    Case("job-detail", OWN_JOB, _r("job-detail", pk=job_a), api=True),
    Case("staff-expert-list", NETWORK_READ, _r("staff-expert-list"), api=True),
    Case(
        "staff-expert-list",
        NETWORK_WRITE,
        _r("staff-expert-list"),
        method="post",
        data=lambda s: {},
        api=True,
    ),
    Case("staff-expert-detail", NETWORK_READ, _r("staff-expert-detail", pk=expert_a), api=True),
    Case(
        "staff-expert-detail",
        NETWORK_WRITE,
        _r("staff-expert-detail", pk=expert_a),
        method="patch",
        data=lambda s: {"staff_notes": "Checked."},
        api=True,
    ),
    Case(
        "staff-expert-detail",
        NETWORK_WRITE,
        _r("staff-expert-detail", pk=expert_a),
        method="delete",
        api=True,
    ),
    *(
        Case(
            f"staff-expert-{action}",
            NETWORK_WRITE,
            _r(f"staff-expert-{action}", pk=expert_a),
            method="post",
            data=(lambda s: {"consent": False}) if action == "consent" else (lambda s: {}),
            api=True,
        )
        for action in ("approve", "decline", "deactivate", "reactivate", "consent")
    ),
]

# Open to anyone, with the reason (each checks its own rule: a token, an access level,
# a public profile); their tests are the apps'.
PUBLIC = {
    "home": "site page",
    "about": "site page",
    "privacy": "site page (the privacy notice)",
    "set_language": "language switch",
    "courses:training_list": "public catalogue",
    "courses:catalogue_calendar": "public catalogue",
    "courses:training_detail": "public catalogue (staff also see drafts: user_is_staff)",
    "courses:training_calendar": "public catalogue",
    "training_register": "public registration",
    "participants:my_trainings": "the participant's own page (signed e-mail link)",
    "participants:sign_out": "the participant's own page",
    "participants:sign_in": "the participant's signed sign-in link",
    "participants:check_inbox": "public page with nothing of anyone (after a registration)",
    "participants:manage": "the registration's unguessable manage token",
    "participants:certificate_download": "the registration's unguessable manage token",
    "participants:data_export": "the registration's manage token, e-mailed links only",
    "participants:my_data_export": "the participant's own page (signed e-mail link)",
    "certificates:verify": "public verification",
    "certificates:verify_code": "public verification",
    "library:home": "documents by access level (library.selectors)",
    "library:document": "documents by access level",
    "library:download": "documents by access level",
    "experts:directory": "public profiles only",
    "experts:apply": "public application",
    "experts:applied": "public application",
    "experts:export": "public profiles only",
    "experts:consent": "the expert's signed consent link",
    "experts:profile": "public profiles only",
    "experts:photo": "public profiles only (staff: any, user_is_staff)",
    "training-register": "public registration",
    "certificate-verify": "public verification",
    "topic-list": "public catalogue",
    "topic-detail": "public catalogue",
    "training-list": "public catalogue",
    "training-detail": "public catalogue",
    "session-list": "public catalogue",
    "session-detail": "public catalogue",
    "curriculum-list": "public curriculum",
    "curriculum-detail": "public curriculum",
    "document-list": "documents by access level",
    "document-detail": "documents by access level (librarians write: IsLibrarian)",
    "expert-list": "public profiles only",
    "expert-detail": "public profiles only",
    "api-root": "the API's index",
    "api-schema": "the API's description (staff only on a deployment: SERVE_PERMISSIONS)",
    "api-docs": "the API's description (staff only on a deployment: SERVE_PERMISSIONS)",
    # The website (website.selectors): published only; staff who may change news or
    # pages preview drafts.
    "website:news_list": "published news only",
    "website:news_detail": "published news only (drafts: staff who may change news)",
    "website:news_image": "published news only (drafts: staff who may change news)",
    "website:news_feed": "published news only",
    "website:page": "published pages only (drafts: staff who may change pages)",
    "website:partners": "partners of published programmes",
    "website:partner_logo": "partners of published programmes, header logos",
    "website:contact": "public contact form (rate-limited)",
    "website:contact_done": "public page with nothing of anyone",
    "brand_css": "the center's colours (public stylesheet)",
    "brand_logo": "the center's logo (public)",
    "curriculum:index": "the approved curriculum",
    "curriculum:version": "archived versions only (drafts: 404)",
    "curriculum:booklet": "the approved curriculum as a PDF",
    "programmes:list": "published programmes only",
    "programmes:detail": "published programmes only (drafts: staff who may view programmes)",
    "programmes:logo": "logos of published programmes' organisations",
    "volunteers:index": "public page, counts only",
    "volunteers:apply": "public application",
    "volunteers:apply_done": "public page with nothing of anyone",
    "sitemap": "public pages only",
    "robots_txt": "crawlers' rules",
}

# Admin changelists: model -> (expected outcomes, the scene's row a list should show).
ADMIN_SCOPED = expect(rows={"owner", "manager", "superuser"}, empty={"teammate"})
ADMIN_SCOPED_NO_MANAGER = expect(rows={"owner", "superuser"}, empty={"teammate"})
ADMIN_COORDINATORS = expect(ok={"owner", "teammate", "manager", "superuser"})
ADMIN = {
    "auth.group": (expect(ok={"superuser"}), None),
    "auth.user": (expect(ok={"superuser"}), None),
    "authtoken.tokenproxy": (expect(ok={"superuser"}), None),
    # django-axes' sign-in records (lockouts, failures): superusers only.
    "axes.accessattempt": (expect(ok={"superuser"}), None),
    "axes.accessfailurelog": (expect(ok={"superuser"}), None),
    "axes.accesslog": (expect(ok={"superuser"}), None),
    # django-otp's devices (who has a second factor; keys hidden): superusers only.
    "otp_totp.totpdevice": (expect(ok={"superuser"}), None),
    "otp_static.staticdevice": (expect(ok={"superuser"}), None),
    # The audit log's row changes (django-auditlog; read-only): superusers only.
    "auditlog.logentry": (expect(ok={"superuser"}), None),
    "core.region": (ADMIN_COORDINATORS, None),
    "core.countryregion": (ADMIN_COORDINATORS, None),
    "courses.topic": (expect(ok=STAFF - {"outsider", "editor"}), None),
    # Programmes and donors: the manager's; coordinators and officers read them, the
    # communications officer keeps the organisations' names and logos.
    "courses.programme": (
        expect(ok={"owner", "teammate", "manager", "officer", "editor", "superuser"}),
        None,
    ),
    "courses.organisation": (
        expect(ok={"owner", "teammate", "manager", "editor", "superuser"}),
        None,
    ),
    "core.identity": (expect(ok={"editor", "superuser"}), None),
    # The Migration Volunteers: officers vet them, coordinators assign them.
    "volunteers.volunteer": (
        expect(ok={"owner", "teammate", "manager", "officer", "superuser"}),
        None,
    ),
    "volunteers.assignment": (
        expect(ok={"owner", "teammate", "manager", "officer", "superuser"}),
        None,
    ),
    "volunteers.servicecertificate": (expect(ok={"manager", "officer", "superuser"}), None),
    "volunteers.volunteermessage": (expect(ok={"officer", "superuser"}), None),
    "courses.curriculum": (ADMIN_COORDINATORS, None),
    "courses.module": (ADMIN_COORDINATORS, None),
    "courses.training": (ADMIN_SCOPED, lambda s: s.training),
    "courses.session": (ADMIN_SCOPED, lambda s: s.session),
    "participants.participant": (ADMIN_SCOPED, lambda s: s.registration.participant),
    "participants.registration": (ADMIN_SCOPED, lambda s: s.registration),
    "participants.certificate": (ADMIN_SCOPED, lambda s: s.certificate),
    "participants.attendance": (ADMIN_SCOPED, lambda s: s.registration.attendance.get()),
    "participants.notification": (ADMIN_SCOPED_NO_MANAGER, notification_a),
    "participants.trainingmessage": (ADMIN_SCOPED, message_a),
    "participants.messageemail": (ADMIN_SCOPED_NO_MANAGER, message_email_a),
    "library.document": (expect(ok={"librarian", "superuser"}), None),
    "experts.expert": (expect(ok={"owner", "teammate", "manager", "officer", "superuser"}), None),
    "experts.expertmessage": (expect(ok={"officer", "superuser"}), None),
    # Network officers read every training's ratings (without who gave them).
    "experts.trainerrating": (
        expect(rows={"owner", "manager", "officer", "superuser"}, empty={"teammate"}),
        rating_a,
    ),
    # The website: the communications officer's (news, pages; contact messages read-only).
    "website.newsitem": (expect(ok={"editor", "superuser"}), None),
    "website.page": (expect(ok={"editor", "superuser"}), None),
    "website.contactmessage": (expect(ok={"editor", "superuser"}), None),
}


# The admin's own views beyond the standard ones (list, add, change, delete, history).
# The manager's POST is sent back to the change page, nothing done (no change permission).
ADMIN_ACTION = expect(
    ok={"owner", "manager", "superuser"},
    hidden={"teammate", "outsider", "librarian", "officer", "editor"},
)


def service_certificate_a(s):
    from volunteers.models import ServiceCertificate, Volunteer

    volunteer, _created = Volunteer.objects.get_or_create(
        email="volunteer-a@example.org",
        defaults={"given_name": "Aysel", "family_name": "Məmmədova", "country": "AZ"},
    )
    certificate = ServiceCertificate.objects.filter(volunteer=volunteer).first()
    if certificate is None:
        today = timezone.localdate()
        certificate = ServiceCertificate.objects.create(
            volunteer=volunteer,
            period_start=today,
            period_end=today,
            hours=4,
            assignment_count=1,
        )
        certificate.pdf.save("service.pdf", ContentFile(b"%PDF-1.4 service"), save=True)
    return certificate.pk


ADMIN_VIEWS = [
    Case(
        "admin:participants_registration_move",
        ADMIN_ACTION,
        _r("admin:participants_registration_move", pk=registration_a),
        method="post",
        data=lambda s: {"status": "cancelled", "note": "Moved"},
    ),
    Case(
        "admin:participants_certificate_revoke",
        ADMIN_ACTION,
        lambda s: reverse("admin:participants_certificate_revoke", kwargs={"pk": s.certificate.pk}),
        method="post",
        data=lambda s: {"reason": "Issued by mistake"},
    ),
    Case(
        "admin:volunteers_servicecertificate_pdf",
        expect(ok={"manager", "officer", "superuser"}),
        _r("admin:volunteers_servicecertificate_pdf", pk=service_certificate_a),
    ),
]
ADMIN_SITE = {  # Django's own: sign-in, index, autocomplete (which asks each model's admin)
    "admin:index",
    "admin:login",
    "admin:logout",
    "admin:password_change",
    "admin:password_change_done",
    "admin:autocomplete",
    "admin:jsi18n",
    "admin:view_on_site",
    "admin:app_list",
}
STANDARD_ADMIN_VIEWS = ("_changelist", "_add", "_change", "_delete", "_history")


# --- completeness ---------------------------------------------------------------------


def _url_names(patterns, namespace: str = "", prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + str(pattern.pattern), namespace + pattern.name


def _site_url_names() -> set[str]:
    """Every named URL outside the admin (the admin is checked by its registry)."""
    routes = _url_names(get_resolver().url_patterns)
    return {name for route, name in routes if not route.startswith("admin/")}


def test_every_url_has_an_access_case():
    names = _site_url_names()
    cased = {case.name for case in CASES}
    missing = sorted(names - cased - PUBLIC.keys())
    assert not missing, f"URLs with no access case (add them to CASES or PUBLIC): {missing}"
    stale = sorted((cased | PUBLIC.keys()) - names)
    assert not stale, f"access cases for URLs that no longer exist: {stale}"
    assert not cased & PUBLIC.keys(), "a URL is both public and a staff case"


def test_every_staff_url_is_a_case_not_public():
    """Everything under /staff/ and /api/v1/staff/ is a staff case, never 'public'."""
    for route, name in _url_names(get_resolver().url_patterns):
        if route.startswith(("staff/", "api/v1/staff/", "api/v1/^staff/")):
            assert name not in PUBLIC, name


def test_every_admin_changelist_has_an_access_case():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == set(ADMIN), (
        f"missing: {sorted(registered - set(ADMIN))}; stale: {sorted(set(ADMIN) - registered)}"
    )


def test_every_admin_view_of_our_own_has_an_access_case():
    routes = _url_names(get_resolver().url_patterns)
    own = {
        name
        for route, name in routes
        if route.startswith("admin/")
        and name not in ADMIN_SITE
        and not name.endswith(STANDARD_ADMIN_VIEWS)
    }
    assert own == {case.name for case in ADMIN_VIEWS}


# --- the cast at each door -----------------------------------------------------------


def _client(scene: Scene, member: str) -> Client:
    client = Client()
    if member != "anonymous":
        client.force_login(scene.users[member])
    return client


def _outcome(response, *, api: bool, marker: str | None, refused: bool = False) -> str | int:
    status = response.status_code
    if refused and status == 400:
        return status
    if status in (301, 302) and response["Location"].startswith(reverse("admin:login")):
        return LOGIN
    if api and status == 401:
        return LOGIN
    if status in (403, 404):
        return status
    assert status < 500, status
    if marker is not None:
        return ROWS if marker in response.content.decode() else EMPTY
    return OK


def _request(client: Client, case: Case, scene: Scene):
    url = case.url(scene)
    data = case.data(scene) if case.data else None
    if case.method == "get":
        return client.get(url)
    if case.api:
        return getattr(client, case.method)(
            url, data=json.dumps(data or {}), content_type="application/json"
        )
    return getattr(client, case.method)(url, data=data or {})


def _run_cast(scene, send, *, api, marker, refused=False) -> dict:
    seen = {}
    for member in CAST:
        with transaction.atomic():  # each member meets the scene as it was
            response = send(_client(scene, member))
            transaction.set_rollback(True)
        seen[member] = _outcome(response, api=api, marker=marker, refused=refused)
        if response.streaming:  # a file download: read it, which closes its file as a server does
            b"".join(response.streaming_content)
        if api and member == "anonymous" and seen[member] == FORBIDDEN:
            seen[member] = LOGIN  # DRF's session authentication answers 403, not 401
    return seen


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_the_cast_at_each_staff_door(case):
    scene = build_scene()
    if case.prepare:
        case.prepare(scene)
    marker = case.marker(scene) if case.marker else None
    seen = _run_cast(
        scene,
        lambda client: _request(client, case, scene),
        api=case.api,
        marker=marker,
        refused=case.refused,
    )
    assert seen == case.expected


@pytest.mark.parametrize("case", ADMIN_VIEWS, ids=[case.id for case in ADMIN_VIEWS])
def test_the_cast_at_each_admin_view_of_our_own(case):
    test_the_cast_at_each_staff_door(case)


@pytest.mark.parametrize("label", sorted(ADMIN))
def test_the_cast_at_each_admin_changelist(label):
    expected, row = ADMIN[label]
    scene = build_scene()
    app_label, model = label.split(".")
    url = reverse(f"admin:{app_label}_{model}_changelist")
    marker = None
    if row is not None:
        obj = row(scene)
        marker = reverse(f"admin:{app_label}_{model}_change", args=[obj.pk])
    seen = _run_cast(scene, lambda client: client.get(url), api=False, marker=marker)
    assert seen == expected
