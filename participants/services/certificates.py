"""Certificates: eligibility, serial numbers, PDFs, revocation and the bulk jobs."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Training
from participants import selectors
from participants.certificates import certificate_pdf
from participants.models import (
    Certificate,
    Notification,
    Registration,
    SerialCounter,
    certificate_pdf_path,
)
from participants.services.notifications import notification_queue
from participants.services.seats import _lock_registration, _lock_training
from participants.tasks import (
    CERTIFICATES_JOB,
    CERTIFICATES_ZIP_JOB,
    certificates_issue_job,
    certificates_zip_job,
)
from rtcm.core.errors import DomainError, InvalidTransition, NotEligible
from rtcm.core.jobs import job_create
from rtcm.core.models import Job

Kind = Notification.Kind


def _next_serial_numbers(year: int, count: int) -> list[int]:
    """Reserve ``count`` consecutive numbers of ``year``. Call inside the transaction
    that creates the certificates: if it rolls back, so does the counter — no gap."""
    SerialCounter.objects.bulk_create([SerialCounter(year=year)], ignore_conflicts=True)
    counter = SerialCounter.objects.select_for_update().get(year=year)
    first = counter.last_number + 1
    counter.last_number += count
    counter.save(update_fields=["last_number"])
    return list(range(first, first + count))


class TrainingNotEnded(DomainError):
    """Certificates asked for before the training's end, without a reason."""

    default_message = _(
        "This training has not ended yet: certificates are issued after its end. "
        "To issue them early, say why."
    )
    status_code = 409
    code = "training_not_ended"
    field = "early_reason"


def _early_reason(training: Training, early_reason: str) -> str:
    """The rule: certificates once the training has ended; before that only on an
    explicit "issue early" with a reason (kept on each certificate). Returns the
    reason to keep ("" after the end)."""
    if training.has_ended():
        return ""
    if not early_reason.strip():
        raise TrainingNotEnded()
    return early_reason.strip()


def _new_certificates(
    registrations: list[Registration], *, early_reason: str = ""
) -> list[Certificate]:
    now = timezone.now()
    year = timezone.localdate(now).year
    numbers = _next_serial_numbers(year, len(registrations))
    return Certificate.objects.bulk_create(
        Certificate(
            registration=registration,
            year=year,
            number=number,
            serial=f"RTCM-{year}-{number:05d}",
            issued_at=now,
            issued_early_reason=early_reason,
        )
        for registration, number in zip(registrations, numbers, strict=True)
    )


def certificates_ensure_for_training(*, training: Training, early_reason: str = "") -> list[int]:
    """Create the missing certificate rows of every eligible registration.

    One transaction under the training's lock: serials are handed out in the
    order of the participants' names, consecutively, and a second run (or a
    retried task) creates nothing. Returns the ids of all the training's
    certificates still without a PDF. Before the training's end it refuses
    (``TrainingNotEnded``) unless ``early_reason`` says why.
    """
    with transaction.atomic():
        training = _lock_training(training.pk)
        early_reason = _early_reason(training, early_reason)
        eligibility = selectors.training_certificate_eligibility(training=training)
        eligible_ids = [pk for pk, e in eligibility.items() if e.eligible]
        missing = list(
            Registration.objects.filter(
                pk__in=eligible_ids,
                certificate__isnull=True,
                participant__erased_at__isnull=True,
            )
            .select_related("participant")
            .order_by("participant__family_name", "participant__given_name", "pk")
        )
        if missing:
            _new_certificates(missing, early_reason=early_reason)
    return list(
        Certificate.objects.filter(
            registration__training=training,
            pdf="",
            registration__participant__erased_at__isnull=True,  # erased: the file stays gone
        )
        .order_by("number")
        .values_list("pk", flat=True)
    )


def certificate_issue(
    *,
    registration: Registration,
    actor: AbstractBaseUser | None = None,
    force: bool = False,
    early_reason: str = "",
) -> Certificate:
    """Issue one certificate on demand, or re-issue it (same serial and code, new PDF).

    Refuses (``NotEligible``) a registration that is not eligible, unless staff
    granted it, and a new certificate before the training's end without
    ``early_reason`` (``TrainingNotEnded``). Re-issuing replaces the old file,
    e.g. after a name correction.
    """
    training = registration.training
    with transaction.atomic():
        training = _lock_training(training.pk)
        registration = _lock_registration(registration)
        eligibility = selectors.training_certificate_eligibility(training=training)
        decision = eligibility.get(registration.pk)
        if decision is None or not decision.eligible:
            reason = decision.reason if decision else _("the registration is not confirmed")
            raise NotEligible(
                _("No certificate for this registration: %(reason)s.") % {"reason": reason}
            )
        certificate = Certificate.objects.filter(registration=registration).first()
        if certificate is not None and certificate.revoked_at is not None:
            raise InvalidTransition(_("A revoked certificate is not issued again."))
        if certificate is None:
            reason = _early_reason(training, early_reason)
            [certificate] = _new_certificates([registration], early_reason=reason)
    certificate_render(certificate_id=certificate.pk, force=force or bool(certificate.pdf))
    certificate.refresh_from_db()
    return certificate


def certificate_render(*, certificate_id: int, force: bool = False, facts=None) -> bool:
    """Render and store a certificate's PDF, then tell the person. Safe to run twice.

    The PDF is rendered outside any transaction; the file is then attached in
    one short write that only succeeds if no other run attached one first
    (unless ``force``: a re-issue replaces the file, and the old one is deleted
    after commit). Returns whether this run stored the PDF.
    """
    certificate = Certificate.objects.select_related(
        "registration__participant", "registration__training"
    ).get(pk=certificate_id)
    if (certificate.pdf and not force) or certificate.registration.participant.erased_at:
        return False  # an erased person's certificate is withdrawn: never rendered again
    content = certificate_pdf(certificate, facts)
    storage = certificate.pdf.storage
    name = storage.save(certificate_pdf_path(certificate, "certificate.pdf"), ContentFile(content))
    with transaction.atomic():
        current = Certificate.objects.select_for_update().get(pk=certificate_id)
        old = current.pdf.name
        if old and not force:
            transaction.on_commit(lambda: storage.delete(name))
            return False
        current.pdf.name = name
        current.rendered_at = timezone.now()
        current.save(update_fields=["pdf", "rendered_at"])
        if old:
            transaction.on_commit(lambda: storage.delete(old))
        # The registration and person read above (select_related): two queries fewer
        # per certificate than ``current.registration``.
        notification_queue(registration=certificate.registration, kind=Kind.CERTIFICATE)
    return True


def certificate_revoke(
    *, certificate: Certificate, reason: str, actor: AbstractBaseUser | None
) -> Certificate:
    """Revoke with a reason: verification shows it revoked from now on."""
    if not reason.strip():
        raise InvalidTransition(_("Say why the certificate is revoked."), field="reason")
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.revoked_at is not None:
            raise InvalidTransition(_("This certificate is already revoked."))
        certificate.revoked_at = timezone.now()
        certificate.revoked_reason = reason.strip()
        certificate.revoked_by = actor if actor is not None and actor.is_authenticated else None
        certificate.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    return certificate


def certificate_revoke_for_cancelled(
    *, registration: Registration, actor: AbstractBaseUser | None
) -> bool:
    """A cancelled registration keeps no valid certificate: revoke it, reason
    "registration cancelled". Call inside the cancelling transaction. Returns
    whether a certificate was revoked."""
    revoked = Certificate.objects.filter(
        registration_id=registration.pk, revoked_at__isnull=True
    ).update(
        revoked_at=timezone.now(),
        revoked_reason=str(_("registration cancelled")),
        revoked_by=actor if actor is not None and actor.is_authenticated else None,
    )
    return bool(revoked)


def registration_decide_certificate(
    *, registration: Registration, decision: str, reason: str, actor: AbstractBaseUser
) -> Registration:
    """Staff grant or withhold a certificate whatever the attendance, with a reason
    (``decision`` "" goes back to the attendance rule)."""
    if decision not in ("", "grant", "withhold"):
        raise InvalidTransition()
    if decision and not reason.strip():
        raise InvalidTransition(_("Say why."), field="reason")
    Registration.objects.filter(pk=registration.pk).update(
        certificate_override=decision,
        certificate_override_reason=reason.strip(),
        certificate_override_by=actor,
        certificate_override_at=timezone.now(),
    )
    registration.refresh_from_db()
    return registration


def certificates_issue_for_training(
    *, training: Training, actor: AbstractBaseUser | None, early_reason: str = ""
) -> Job:
    """Start the bulk job: issue every eligible certificate of the training.

    Before the training's end only with ``early_reason`` (``TrainingNotEnded``,
    and no job is started); the job keeps the reason on each certificate.
    """
    early_reason = _early_reason(training, early_reason)
    params = {"training": training.pk, "title": training.title}
    if early_reason:
        params["early_reason"] = early_reason
    with transaction.atomic():
        job = job_create(kind=CERTIFICATES_JOB, params=params, user=actor)
        certificates_issue_job.delay_on_commit(job.pk)
    return job


def certificates_zip_for_training(*, training: Training, actor: AbstractBaseUser | None) -> Job:
    """Start the job that puts all the training's certificates in one ZIP."""
    with transaction.atomic():
        job = job_create(
            kind=CERTIFICATES_ZIP_JOB,
            params={"training": training.pk, "title": training.title},
            user=actor,
        )
        certificates_zip_job.delay_on_commit(job.pk)
    return job
