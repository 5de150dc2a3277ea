"""A person's data-protection rights: the export of what the center holds about them,
and its erasure.

The export is a ZIP: ``data.json`` (the record, every registration with its
answers, attendance, certificate and e-mails, the consents, the sign-in links)
and the files (certificate PDFs as stored). The erasure anonymises the person
in one transaction: the ``Participant`` row stays with the fields reports count
by (gender, nationality, country of residence, organisation type) so that past
reports keep their figures; everything that names or reaches the person goes.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Prefetch
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Question
from participants.models import (
    Answer,
    Attendance,
    Certificate,
    ManageToken,
    MessageEmail,
    Notification,
    Participant,
    Registration,
)
from participants.services.registrations import registration_can_cancel, registration_cancel
from rtcm.core.audit import audit_forget
from rtcm.core.errors import DomainError
from rtcm.core.models import LoggedEmail
from rtcm.core.storage import delete_stored_file, stored_file_bytes

# What an erased person's name reads everywhere (pages, exports, reports). Stored as
# plain text, not a translation: it is data, like any name.
ERASED_GIVEN_NAME = "Erased"
ERASED_FAMILY_NAME = "person"
# Free-text answers lose their text; choices and yes/no stay (they count, they name no one).
FREE_TEXT_KINDS = (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT)

# The note the cancellations of an erasure leave in the status trail (written in the
# language of the staff member who erases, like any note).
ERASURE_REASON = _("Erasure on request")
# What an e-mail left unsent by an erasure says in the log (data, like the log's errors).
NOT_SENT = "Not sent: the recipient's data was erased."
# Sent inside the erasure's transaction, after the person's own rows are scrubbed:
# the apps above (the expert network's trainer ratings) scrub what they hold of them.
participant_erased = Signal()  # sender=Participant, participant=…, by=…


class AlreadyErased(DomainError):
    default_message = _("This person's data was already erased.")
    status_code = 409
    code = "already_erased"


def person_texts(person) -> list[str]:
    """What names or reaches a person (participant or expert), for scrubbing logs."""
    return [
        person.full_name,
        person.given_name,
        person.family_name,
        person.email,
        person.phone,
    ]


def erased_email(kind: str, pk: int) -> str:
    """A unique address that reaches no one (``.invalid`` is reserved: RFC 2606)."""
    return f"erased-{kind}-{pk}@invalid.invalid"


# --- the export -----------------------------------------------------------------------


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def zip_archive(files: dict[str, bytes]) -> bytes:
    """A ZIP of ``files`` (name → content), in the order given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def json_bytes(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str).encode()


def _certificate_data(certificate: Certificate, files: dict[str, bytes], folder: str) -> dict:
    content = stored_file_bytes(certificate.pdf)
    file_name = None
    if content is not None:
        file_name = f"{folder}certificates/{certificate.serial}.pdf"
        files[file_name] = content
    return {
        "serial": certificate.serial,
        "issued_at": _iso(certificate.issued_at),
        "verification_url": certificate.get_verification_url(),
        "revoked_at": _iso(certificate.revoked_at),
        "revoked_reason": certificate.revoked_reason,
        "file": file_name.removeprefix(folder) if file_name else None,
    }


def _registrations_data(
    participant: Participant, files: dict[str, bytes], folder: str
) -> list[dict]:
    registrations = (
        Registration.objects.filter(participant=participant)
        .select_related("training", "certificate")
        .prefetch_related(
            "answers__question",
            "attendance__session",
            "notifications",
            Prefetch(
                "message_emails",
                queryset=MessageEmail.objects.select_related("message").order_by("pk"),
            ),
        )
        .order_by("training__start_date", "pk")
    )
    rows = []
    for registration in registrations:
        training = registration.training
        certificate = getattr(registration, "certificate", None)
        rows.append(
            {
                "training": {
                    "title": training.title,
                    "start_date": _iso(training.start_date),
                    "end_date": _iso(training.end_date),
                    "status": training.status,
                },
                "status": registration.status,
                "source": registration.source,
                "submitted_at": _iso(registration.submitted_at),
                "status_changed_at": _iso(registration.status_changed_at),
                "answers": [
                    {"question": answer.question.label, "answer": answer.value}
                    for answer in registration.answers.all()
                ],
                "attendance": [
                    {
                        "session": mark.session.title,
                        "starts_at": _iso(mark.session.starts_at),
                        "present": mark.present,
                    }
                    for mark in sorted(registration.attendance.all(), key=_session_start)
                ],
                "certificate": (
                    _certificate_data(certificate, files, folder) if certificate else None
                ),
                "emails": [
                    {
                        "kind": notification.kind,
                        "subject": notification.subject,
                        "status": notification.status,
                        "created_at": _iso(notification.created_at),
                        "sent_at": _iso(notification.sent_at),
                    }
                    for notification in registration.notifications.all()
                ],
                # What the training's coordinators wrote to them (the messages page).
                "messages": [
                    {
                        "subject": email.message.subject,
                        "text": email.message.body,
                        "status": email.status,
                        "created_at": _iso(email.created_at),
                        "sent_at": _iso(email.sent_at),
                    }
                    for email in registration.message_emails.all()
                ],
            }
        )
    return rows


def _session_start(mark: Attendance) -> dt.datetime:
    return mark.session.starts_at


def consents_data(consents: Iterable) -> list[dict]:
    """Consent records as the person sees them in an export (participants and experts)."""
    return [
        {
            "purpose": consent.purpose,
            "version": consent.version,
            "text": consent.text,
            "language": consent.language,
            "given_at": _iso(consent.given_at),
            "withdrawn_at": _iso(consent.withdrawn_at),
        }
        for consent in consents
    ]


def participant_data_files(participant: Participant, *, folder: str = "") -> dict[str, bytes]:
    """What ``participant_data_export`` zips: ``{folder}data.json`` and the files beside it."""
    files: dict[str, bytes] = {}
    person = {
        "given_name": participant.given_name,
        "family_name": participant.family_name,
        "email": participant.email,
        "phone": participant.phone,
        "gender": participant.gender,
        "nationality": str(participant.nationality),
        "country_of_residence": str(participant.country_of_residence),
        "organisation": participant.organisation,
        "organisation_type": participant.organisation_type,
        "position": participant.position,
        "preferred_language": participant.preferred_language,
        "consent_given_at": _iso(participant.consent_given_at),
        "created_at": _iso(participant.created_at),
        "updated_at": _iso(participant.updated_at),
        "erased_at": _iso(participant.erased_at),
    }
    registrations = _registrations_data(participant, files, folder)
    data = {
        "exported_at": _iso(timezone.now()),
        "participant": person,
        "consents": consents_data(participant.consents.order_by("given_at", "pk")),
        "registrations": registrations,
        "sign_in_links": [
            {
                "created_at": _iso(link.created_at),
                "expires_at": _iso(link.expires_at),
                "used_at": _iso(link.used_at),
            }
            for link in participant.sign_in_links.order_by("created_at", "pk")
        ],
    }
    return {f"{folder}data.json": json_bytes(data), **files}


def participant_data_export(participant: Participant) -> bytes:
    """A ZIP of everything the center holds about ``participant`` (their right of access)."""
    return zip_archive(participant_data_files(participant))


# --- the erasure ----------------------------------------------------------------------


def participant_erase(
    participant: Participant, *, by: AbstractBaseUser | None = None
) -> Participant:
    """Anonymise ``participant`` on their request, in one transaction.

    Under the person's row lock: ``AlreadyErased`` if done before. Registrations
    of trainings not yet over are cancelled first (the seat goes to the waiting
    list; no e-mail goes out). Then the name, e-mail, phone, organisation and
    position go (the fields reports count by stay), with the free-text answers,
    the certificate files (the rows stay: serials are gap-free and past reports
    count them; the verification page says the certificate was withdrawn at the
    holder's request), the manage and sign-in links, the consents, and the
    e-mail log's address, subject and errors. The files leave storage once the
    transaction has committed.
    """
    with transaction.atomic():
        locked = Participant.objects.select_for_update().get(pk=participant.pk)
        if locked.erased_at is not None:
            raise AlreadyErased()
        today = timezone.localdate()
        upcoming = Registration.objects.filter(
            participant=locked,
            status__in=Registration.ACTIVE_STATUSES,
            training__end_date__gte=today,
        ).select_related("training")
        for registration in upcoming:
            if registration_can_cancel(registration, registration.training):
                registration_cancel(registration=registration, reason=str(ERASURE_REASON), actor=by)

        former = person_texts(locked)
        locked.given_name = ERASED_GIVEN_NAME
        locked.family_name = ERASED_FAMILY_NAME
        locked.email = erased_email("participant", locked.pk)
        locked.phone = locked.organisation = locked.position = ""
        locked.erased_at = timezone.now()
        locked.save()

        registrations = Registration.objects.filter(participant=locked)
        Answer.objects.filter(
            registration__in=registrations, question__kind__in=FREE_TEXT_KINDS
        ).update(value=None)
        ManageToken.objects.filter(registration__in=registrations).delete()
        locked.sign_in_links.all().delete()
        locked.consents.all().delete()
        # Unsent e-mails never go out now; sent ones keep only their kind and times.
        # (The notifications and the coordinators' messages alike.)
        for emails in (
            Notification.objects.filter(registration__in=registrations),
            MessageEmail.objects.filter(registration__in=registrations),
        ):
            emails.update(recipient=locked.email, subject="", last_error="")
            emails.exclude(status=LoggedEmail.Status.SENT).update(
                status=LoggedEmail.Status.FAILED, last_error=NOT_SENT
            )

        certificates = list(
            Certificate.objects.filter(registration__in=registrations).exclude(pdf="")
        )
        for certificate in certificates:
            transaction.on_commit(
                partial(delete_stored_file, certificate.pdf.storage, certificate.pdf.name)
            )
        Certificate.objects.filter(pk__in=[c.pk for c in certificates]).update(
            pdf="", rendered_at=None
        )
        participant_erased.send(sender=Participant, participant=locked, by=by)
        # Last: the audit log's rows of this very transaction are scrubbed too.
        audit_forget(
            locked,
            *registrations,
            *Certificate.objects.filter(registration__in=registrations),
            texts=former,
        )
    participant.__dict__.update(
        {field.attname: getattr(locked, field.attname) for field in Participant._meta.fields}
    )
    return locked
