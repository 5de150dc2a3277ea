"""Changes to the Migration Volunteers: applications, vetting, assignments, hours, certificates.

The public form, the admin, the demo seed and the tasks all go through these
functions. Each checks everything before it writes: a duplicate e-mail, a
missing consent, a clashing assignment or hours that cannot be raises a
``DomainError`` (or Django's ``ValidationError``) and nothing is stored. Every
change a volunteer is told of writes a ``VolunteerMessage`` in the same
transaction; it is mailed after commit (``volunteers.tasks.send_volunteer_message``).

Locks: a status change, an assignment and a certificate each lock the
volunteer's row (``select_for_update``) while they read and write, so two staff
members assigning the same volunteer at once cannot both pass the clash check,
and two issuing the same certificate make one.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Programme, Training
from rtcm.core import privacy
from rtcm.core.errors import DomainError, UnknownReference
from rtcm.core.storage import delete_stored_file, user_or_none
from volunteers import selectors
from volunteers.models import (
    Assignment,
    ServiceCertificate,
    Volunteer,
    VolunteerMessage,
    service_certificate_path,
)

# What an application (or staff) writes directly on a volunteer's row; status,
# consent and time stamps have their own functions.
EDITABLE_FIELDS = (
    "given_name",
    "family_name",
    "given_name_latin",
    "family_name_latin",
    "email",
    "phone",
    "country",
    "city",
    "date_of_birth",
    "availability",
    "motivation",
    "correspondence_language",
    "staff_notes",
)
APPLICANT_FIELDS = tuple(name for name in EDITABLE_FIELDS if name != "staff_notes")
# The most hours one assignment may record (its span in hours is the real bound).
MAX_HOURS = Decimal("9999.9")
HOURS_PER_DAY = Decimal(8)  # a day of service, when a day-long assignment's hours are not typed

User = AbstractBaseUser | AnonymousUser | None


# --- errors ---------------------------------------------------------------------------


class ConsentRequired(DomainError):
    default_message = _(
        "Please give your consent: without it the center cannot keep or review your application."
    )
    code = "consent_required"
    field = "consent"


class DuplicateVolunteer(DomainError):
    default_message = _(
        "An application with this e-mail address has already reached the center. "
        "If you applied before, the volunteers' office will write to you."
    )
    status_code = 409
    code = "duplicate_email"
    field = "email"


class InvalidVolunteerTransition(DomainError):
    default_message = _("This volunteer's status cannot be changed that way.")
    status_code = 409
    code = "invalid_transition"
    field = "status"


class VolunteerNotAvailable(DomainError):
    """Not active, or already assigned elsewhere at that time."""

    default_message = _("This volunteer cannot be assigned at that time.")
    status_code = 409
    code = "volunteer_not_available"
    field = "volunteer"


class InvalidAssignment(DomainError):
    default_message = _("This assignment cannot be changed that way.")
    status_code = 409
    code = "invalid_assignment"


class InvalidHours(DomainError):
    default_message = _("Enter the hours served: more than 0.")
    code = "invalid_hours"
    field = "hours"


class NoServiceInPeriod(DomainError):
    default_message = _("This volunteer has no completed assignment with hours in this period.")
    status_code = 409
    code = "no_service"
    field = "period_start"


# --- applications ---------------------------------------------------------------------


def _language_codes(codes: Iterable[str]) -> list[str]:
    known = {code for code, _name in settings.RTCM_CONTENT_LANGUAGES}
    codes = [str(code).strip() for code in codes if str(code).strip()]
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise UnknownReference(
            _("Unknown language codes: %(codes)s.") % {"codes": ", ".join(unknown)},
            field="languages",
        )
    return sorted(set(codes))


def _skills(skills: Iterable[str]) -> list[str]:
    skills = [str(skill).strip() for skill in skills if str(skill).strip()]
    unknown = [skill for skill in skills if skill not in Volunteer.Skill.values]
    if unknown:
        raise UnknownReference(
            _("Unknown skills: %(skills)s.") % {"skills": ", ".join(unknown)}, field="skills"
        )
    return [skill for skill in Volunteer.Skill.values if skill in skills]  # in the list's order


def _apply_data(volunteer: Volunteer, data: dict[str, Any]) -> None:
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"volunteer fields that cannot be set: {sorted(unknown)}")
    for name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
        if value is None and not Volunteer._meta.get_field(name).null:
            value = ""
        setattr(volunteer, name, value)


def _check_email_free(email: str, *, exclude_pk: int | None = None) -> None:
    if email and selectors.volunteer_with_email(email, exclude_pk=exclude_pk) is not None:
        raise DuplicateVolunteer


def volunteer_apply(
    *,
    data: dict[str, Any],
    languages: Iterable[str] = (),
    skills: Iterable[str] = (),
    consent: bool,
) -> Volunteer:
    """A public application: an applicant consenting to the center keeping their details.

    Records the consent (``rtcm.core.privacy``, in the page's language) and mails
    "application received" in the applicant's ``correspondence_language``. Raises
    ``ConsentRequired``, ``DuplicateVolunteer`` (the e-mail, case-insensitive) or
    ``ValidationError``; nothing is stored when one is raised.
    """
    if not consent:
        raise ConsentRequired
    unknown = set(data) - set(APPLICANT_FIELDS)
    if unknown:
        raise TypeError(f"application fields that cannot be set: {sorted(unknown)}")
    volunteer = volunteer_create(data=data, languages=languages, skills=skills, actor=None)
    return volunteer


def volunteer_create(
    *,
    data: dict[str, Any],
    languages: Iterable[str] = (),
    skills: Iterable[str] = (),
    actor: User,
) -> Volunteer:
    """A new applicant (the public form with ``actor=None``: consent recorded, mail sent;
    staff adding one by hand: neither — they record a consent given on paper)."""
    volunteer = Volunteer(status=Volunteer.Status.APPLICANT)
    _apply_data(volunteer, data)
    volunteer.languages = _language_codes(languages)
    volunteer.skills = _skills(skills)
    volunteer.full_clean(validate_constraints=False)
    with transaction.atomic():
        _check_email_free(volunteer.email)
        try:
            with transaction.atomic():
                volunteer.save()
        except IntegrityError as error:  # the same e-mail, sent at the same moment
            raise DuplicateVolunteer from error
        if actor is None:
            privacy.consent_give(volunteer.consent_records, purpose=privacy.Purpose.VOLUNTEERING)
            _queue_message(volunteer, VolunteerMessage.Kind.APPLICATION_RECEIVED)
    return volunteer


def volunteer_update(
    *,
    volunteer: Volunteer,
    data: dict[str, Any],
    languages: Iterable[str] | None = None,
    skills: Iterable[str] | None = None,
) -> Volunteer:
    """Change a volunteer's details; ``None`` languages/skills leave them as they are."""
    with transaction.atomic():
        locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        _apply_data(locked, data)
        if languages is not None:
            locked.languages = _language_codes(languages)
        if skills is not None:
            locked.skills = _skills(skills)
        locked.full_clean(validate_constraints=False)
        _check_email_free(locked.email, exclude_pk=locked.pk)
        locked.save()
    return locked


# --- vetting --------------------------------------------------------------------------

# action → (from statuses, to status, message kind or None)
TRANSITIONS = {
    "accept": (
        (Volunteer.Status.APPLICANT,),
        Volunteer.Status.ACTIVE,
        VolunteerMessage.Kind.ACCEPTED,
    ),
    "decline": (
        (Volunteer.Status.APPLICANT,),
        Volunteer.Status.DECLINED,
        VolunteerMessage.Kind.DECLINED,
    ),
    "deactivate": ((Volunteer.Status.ACTIVE,), Volunteer.Status.INACTIVE, None),
    "reactivate": ((Volunteer.Status.INACTIVE,), Volunteer.Status.ACTIVE, None),
}


def volunteer_accept(*, volunteer: Volunteer, actor: User) -> Volunteer:
    """Applicant → active: one of the Migration Volunteers, mailed a welcome."""
    return _transition(volunteer, "accept", actor=actor)


def volunteer_decline(*, volunteer: Volunteer, actor: User) -> Volunteer:
    """Applicant → declined, mailed a courteous no."""
    return _transition(volunteer, "decline", actor=actor)


def volunteer_deactivate(*, volunteer: Volunteer, actor: User) -> Volunteer:
    """Active → inactive (no mail). Refused while planned assignments are still to come."""
    return _transition(volunteer, "deactivate", actor=actor)


def volunteer_reactivate(*, volunteer: Volunteer, actor: User) -> Volunteer:
    """Inactive → active again (no mail)."""
    return _transition(volunteer, "reactivate", actor=actor)


def allowed_actions(volunteer: Volunteer) -> list[str]:
    return [name for name, (sources, _to, _k) in TRANSITIONS.items() if volunteer.status in sources]


def _transition(volunteer: Volunteer, action: str, *, actor: User) -> Volunteer:
    sources, target, kind = TRANSITIONS[action]
    with transaction.atomic():
        locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        if locked.status not in sources:
            raise InvalidVolunteerTransition(
                _("%(name)s is %(status)s: this cannot be done now.")
                % {"name": locked.full_name, "status": locked.get_status_display().lower()}
            )
        if action == "deactivate":
            upcoming = list(selectors.assignments_upcoming(locked))
            if upcoming:
                raise InvalidVolunteerTransition(
                    _(
                        "%(name)s is still assigned to %(assignments)s. "
                        "Cancel these assignments first."
                    )
                    % {
                        "name": locked.full_name,
                        "assignments": "; ".join(describe_assignment(a) for a in upcoming),
                    }
                )
        locked.status = target
        locked.status_changed_at = timezone.now()
        locked.status_changed_by = user_or_none(actor)
        locked.save(
            update_fields=["status", "status_changed_at", "status_changed_by", "updated_at"]
        )
        if kind is not None:
            _queue_message(locked, kind)
    volunteer.status = locked.status
    volunteer.status_changed_at = locked.status_changed_at
    volunteer.status_changed_by = locked.status_changed_by
    return locked


def _queue_message(
    volunteer: Volunteer, kind: str, *, assignment: Assignment | None = None
) -> VolunteerMessage:
    from volunteers.tasks import send_volunteer_message

    message = VolunteerMessage.objects.create(
        volunteer=volunteer,
        assignment=assignment,
        kind=kind,
        recipient=volunteer.email,
        language=volunteer.correspondence_language or settings.LANGUAGE_CODE,
    )
    send_volunteer_message.delay_on_commit(message.pk)
    return message


# --- assignments ----------------------------------------------------------------------


def describe_assignment(assignment: Assignment) -> str:
    """“Title” (role, 3 March 2027 09:00 – 17:00): how a refusal names an assignment."""
    start = timezone.localtime(assignment.starts_at)
    end = timezone.localtime(assignment.ends_at)
    end_format = "%H:%M" if start.date() == end.date() else "%Y-%m-%d %H:%M"
    return "“%s” (%s, %s – %s)" % (  # noqa: UP031 - one line people read
        assignment.activity_title,
        assignment.get_role_display(),
        start.strftime("%Y-%m-%d %H:%M"),
        end.strftime(end_format),
    )


def training_times(training: Training) -> tuple[dt.datetime, dt.datetime]:
    """A training's span: its first session's start to its last's end; with no agenda,
    from the first day's midnight to the day after the last, in the training's time zone."""
    span = training.sessions.aggregate(start=Min("starts_at"), end=Max("ends_at"))
    if span["start"] and span["end"]:
        return span["start"], span["end"]
    zone = zoneinfo.ZoneInfo(training.time_zone or settings.TIME_ZONE)
    start = dt.datetime.combine(training.start_date, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(training.end_date + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    return start, end


def assignment_create(
    *,
    volunteer: Volunteer,
    role: str,
    training: Training | None = None,
    event: str = "",
    programme: Programme | None = None,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    notes: str = "",
    actor: User,
) -> Assignment:
    """Assign an active volunteer to a training (its times by default) or to a named event.

    Refused (``VolunteerNotAvailable``) unless the volunteer is active, and when
    another of their assignments that is not cancelled overlaps in time — the
    message names it. The check runs under the volunteer's row lock. Mails the
    volunteer the assignment with an .ics after commit.
    """
    event = (event or "").strip()
    if training is not None:
        if training.status == Training.Status.CANCELLED:
            raise InvalidAssignment(
                _("“%(title)s” is cancelled: nobody can be assigned to it.")
                % {"title": training.title},
                field="training",
            )
        default_start, default_end = training_times(training)
        starts_at = starts_at or default_start
        ends_at = ends_at or default_end
        programme = programme or training.programme
    if not starts_at or not ends_at:
        raise InvalidAssignment(_("Give the assignment's start and end."), field="starts_at")
    assignment = Assignment(
        volunteer=volunteer,
        training=training,
        event=event,
        programme=programme,
        role=role,
        starts_at=starts_at,
        ends_at=ends_at,
        notes=(notes or "").strip(),
        created_by=user_or_none(actor),
    )
    assignment.full_clean(exclude=["volunteer"], validate_constraints=False)
    with transaction.atomic():
        locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        if locked.status != Volunteer.Status.ACTIVE:
            raise VolunteerNotAvailable(
                _("%(name)s is %(status)s: only active volunteers can be assigned.")
                % {"name": locked.full_name, "status": locked.get_status_display().lower()}
            )
        clash = selectors.assignment_clash(locked, starts_at=starts_at, ends_at=ends_at)
        if clash is not None:
            raise VolunteerNotAvailable(
                _("%(name)s is already assigned at that time: %(assignment)s.")
                % {"name": locked.full_name, "assignment": describe_assignment(clash)},
                field="starts_at",
            )
        assignment.volunteer = locked
        assignment.save()
        _queue_message(locked, VolunteerMessage.Kind.ASSIGNED, assignment=assignment)
    return assignment


# The brief's name for it.
assign = assignment_create


def assignment_cancel(*, assignment: Assignment, actor: User) -> Assignment:
    """Planned → cancelled; the volunteer is mailed (with an .ics that cancels the event)."""
    with transaction.atomic():
        Volunteer.objects.select_for_update().get(pk=assignment.volunteer_id)
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.status != Assignment.Status.PLANNED:
            raise InvalidAssignment(
                _("This assignment is %(status)s: only a planned one can be cancelled.")
                % {"status": locked.get_status_display().lower()}
            )
        locked.status = Assignment.Status.CANCELLED
        locked.save(update_fields=["status"])
        _queue_message(
            locked.volunteer, VolunteerMessage.Kind.ASSIGNMENT_CANCELLED, assignment=locked
        )
    assignment.status = locked.status
    return locked


def assignment_max_hours(assignment: Assignment) -> Decimal:
    """The most hours an assignment can record: its span (ends − starts) in hours."""
    seconds = Decimal((assignment.ends_at - assignment.starts_at).total_seconds())
    return (seconds / 3600).quantize(Decimal("0.1"))


def assignment_default_hours(assignment: Assignment) -> Decimal:
    """The hours an assignment is marked completed with when nobody typed them: a
    training's sessions within the assignment's times; otherwise its span, at most
    ``HOURS_PER_DAY`` a day."""
    if assignment.training_id:
        sessions = assignment.training.sessions.filter(
            starts_at__gte=assignment.starts_at, ends_at__lte=assignment.ends_at
        )
        seconds = sum(((s.ends_at - s.starts_at).total_seconds() for s in sessions), 0.0)
        if seconds:
            return (Decimal(seconds) / 3600).quantize(Decimal("0.1"))
    days = (assignment.ends_at - assignment.starts_at).days + 1
    return min(assignment_max_hours(assignment), HOURS_PER_DAY * days)


def assignment_complete(*, assignment: Assignment, hours=None, actor: User = None) -> Assignment:
    """Record the hours served and mark the assignment completed.

    ``hours`` must be more than 0 and at most the assignment's span in hours
    (``assignment_max_hours``: one cannot serve more hours than the assignment
    lasts), with one decimal; the assignment must be planned (or completed:
    the hours are corrected) and must have started.
    """
    if hours is None:
        hours = assignment_default_hours(assignment)
    try:
        hours = Decimal(str(hours)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError, TypeError) as error:
        raise InvalidHours from error
    with transaction.atomic():
        locked = (
            Assignment.objects.select_for_update(of=("self",))
            .select_related("training")
            .get(pk=assignment.pk)
        )
        if locked.status == Assignment.Status.CANCELLED:
            raise InvalidAssignment(_("A cancelled assignment records no hours."))
        if locked.starts_at > timezone.now():
            raise InvalidAssignment(
                _("This assignment has not started yet: its hours are recorded afterwards.")
            )
        most = min(assignment_max_hours(locked), MAX_HOURS)
        if not hours.is_finite() or hours <= 0 or hours > most:
            raise InvalidHours(
                _(
                    "Enter the hours served: more than 0 and at most %(hours)s "
                    "(the assignment's span)."
                )
                % {"hours": most}
            )
        locked.hours = hours
        locked.status = Assignment.Status.COMPLETED
        locked.save(update_fields=["hours", "status"])
    assignment.hours, assignment.status = locked.hours, locked.status
    return locked


complete = assignment_complete


# --- certificates of service ----------------------------------------------------------


def certificate_language(volunteer: Volunteer, language: str | None = None) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    for candidate in (language, volunteer.correspondence_language):
        if candidate in codes:
            return candidate
    return settings.LANGUAGE_CODE


def service_certificate_issue(
    *,
    volunteer: Volunteer,
    period_start: dt.date,
    period_end: dt.date,
    actor: User,
    language: str | None = None,
) -> ServiceCertificate:
    """A certificate of the volunteer's completed assignments (and their hours) that started
    in the period, as a PDF with its verification QR code; the volunteer is mailed it.

    Refused (``NoServiceInPeriod``) when there is none. The PDF is rendered
    outside any transaction; the row and the file are then saved in one write
    under the volunteer's row lock. Issuing the same period again while a valid
    certificate of it exists returns that one (no second certificate).
    """
    from volunteers.certificates import service_certificate_pdf

    if period_end < period_start:
        raise DomainError(_("The period must end on or after its start."), field="period_end")
    language = certificate_language(volunteer, language)
    existing = selectors.service_certificate_for_period(volunteer, period_start, period_end)
    if existing is not None:
        return existing
    assignments = list(
        selectors.assignments_completed_in_period(volunteer, period_start, period_end)
    )
    if not assignments:
        raise NoServiceInPeriod
    hours = sum((a.hours for a in assignments), Decimal(0))
    certificate = ServiceCertificate(
        volunteer=volunteer,
        period_start=period_start,
        period_end=period_end,
        hours=hours,
        assignment_count=len(assignments),
        language=language,
        issued_by=user_or_none(actor),
    )
    certificate.issued_at = timezone.now()  # what the PDF prints; auto_now_add sets it again
    content = service_certificate_pdf(certificate, assignments)
    storage = ServiceCertificate._meta.get_field("pdf").storage
    name = storage.save(
        service_certificate_path(certificate, "certificate.pdf"), ContentFile(content)
    )
    try:
        with transaction.atomic():
            locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
            existing = selectors.service_certificate_for_period(locked, period_start, period_end)
            if existing is not None:  # another staff member issued it meanwhile
                transaction.on_commit(partial(delete_stored_file, storage, name))
                return existing
            again = list(
                selectors.assignments_completed_in_period(locked, period_start, period_end)
            )
            if [(a.pk, a.hours) for a in again] != [(a.pk, a.hours) for a in assignments]:
                raise DomainError(
                    _("The volunteer's hours changed while the certificate was made: try again.")
                )
            certificate.volunteer = locked
            certificate.pdf.name = name
            certificate.save()
            _queue_message(locked, VolunteerMessage.Kind.CERTIFICATE)
    except BaseException:
        delete_stored_file(storage, name)
        raise
    return certificate


def service_certificate_revoke(
    *, certificate: ServiceCertificate, reason: str, actor: User = None
) -> ServiceCertificate:
    """Revoke a certificate of service: its verification page says so from now on."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for revoking it."), field="revoked_reason")
    with transaction.atomic():
        locked = ServiceCertificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.revoked_at is not None:
            raise DomainError(_("This certificate is already revoked."))
        locked.revoked_at = timezone.now()
        locked.revoked_reason = reason[:300]
        locked.save(update_fields=["revoked_at", "revoked_reason"])
    certificate.revoked_at, certificate.revoked_reason = locked.revoked_at, locked.revoked_reason
    return locked


issue_service_certificate = service_certificate_issue
