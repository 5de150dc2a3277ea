"""Changes to trainings: the life-cycle (publish, close, complete, cancel) and the seats.

A training moves draft → open → closed → completed, and may be cancelled from
draft, open or closed (``TRANSITIONS``). Each change takes the training's row
lock (``SELECT … FOR UPDATE``, the lock registrations take too), checks the
move against the table and refuses any other with ``TrainingTransitionRefused``.
Cancelling sends ``courses.signals.training_cancelled`` under that lock, so the
registrations are cancelled (and their people told) in the same transaction;
a training cancelled twice is refused the second time, and frees nothing twice.

Seats: the capacity may not go below the confirmed seats
(``courses.seats.seats_taken``) nor below the regional quotas
(``training_quotas_problem``). The admin and the staff pages ask both rules
(the forms of ``courses.forms``).
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import (
    Organisation,
    Programme,
    Question,
    Session,
    Signatory,
    Training,
    TrainingQuota,
)
from courses.seats import seats_taken
from courses.signals import training_cancelled
from courses.timezones import venue_zone
from rtcm.core.content import localized_values, translated_fields
from rtcm.core.errors import DomainError
from rtcm.core.slugs import unique_slug
from rtcm.core.uploads import image_check

Status = Training.Status


class TrainingTransitionRefused(DomainError):
    default_message = _("This training cannot be changed that way in its current status.")
    status_code = 409
    code = "invalid_training_transition"
    field = "status"


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    label: str


# action → from which statuses, to which status, and what the button says.
TRANSITIONS: dict[str, Transition] = {
    "publish": Transition((Status.DRAFT,), Status.OPEN, _("Publish (open for registration)")),
    "close": Transition((Status.OPEN,), Status.CLOSED, _("Close registration")),
    "complete": Transition((Status.CLOSED,), Status.COMPLETED, _("Mark as completed")),
    "cancel": Transition(
        (Status.DRAFT, Status.OPEN, Status.CLOSED), Status.CANCELLED, _("Cancel the training")
    ),
}


def training_allowed_actions(training: Training) -> list[str]:
    """The actions the table allows from the training's status, in the table's order."""
    return [name for name, move in TRANSITIONS.items() if training.status in move.sources]


def _lock_training(training_id: int) -> Training:
    return Training.objects.select_for_update().get(pk=training_id)


def training_transition(
    *,
    training: Training,
    action: str,
    actor: AbstractBaseUser | None = None,
    reason: str = "",
) -> Training:
    """Move the training along ``TRANSITIONS``; ``TrainingTransitionRefused`` otherwise.

    Under the training's row lock, the status is read from the database (the
    object passed in may be stale). ``reason`` is told to the people of a
    cancelled training. Returns the saved training; ``training`` is updated too.
    """
    move = TRANSITIONS.get(action)
    if move is None:
        raise TrainingTransitionRefused(_("Unknown action: %(action)s.") % {"action": action})
    with transaction.atomic():
        locked = _lock_training(training.pk)
        if locked.status not in move.sources:
            raise TrainingTransitionRefused(
                _("A training that is “%(status)s” cannot be changed that way (%(action)s).")
                % {"status": locked.get_status_display(), "action": move.label}
            )
        locked.status = move.target
        locked.save(update_fields=["status", "updated_at"])
        if move.target == Status.CANCELLED:
            training_cancelled.send(
                sender=Training, training=locked, actor=actor, reason=reason.strip()
            )
    training.status = locked.status
    training.updated_at = locked.updated_at
    return locked


def training_publish(*, training: Training, actor: AbstractBaseUser | None = None) -> Training:
    """Draft → open: the public sees it, and people may register in its window."""
    return training_transition(training=training, action="publish", actor=actor)


def training_close(*, training: Training, actor: AbstractBaseUser | None = None) -> Training:
    """Open → closed: no more registrations."""
    return training_transition(training=training, action="close", actor=actor)


def training_complete(*, training: Training, actor: AbstractBaseUser | None = None) -> Training:
    """Closed → completed: its records are history."""
    return training_transition(training=training, action="complete", actor=actor)


def training_cancel(
    *, training: Training, actor: AbstractBaseUser | None = None, reason: str = ""
) -> Training:
    """Draft, open or closed → cancelled: every active registration is cancelled and
    each person told, in their language (the receivers of ``training_cancelled``)."""
    return training_transition(training=training, action="cancel", actor=actor, reason=reason)


def training_unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    """A free slug for a training titled ``title`` (never a reserved one: "new" …)."""
    return unique_slug(
        Training,
        title,
        fallback="training",
        exclude_pk=exclude_pk,
        reserved=Training.RESERVED_SLUGS,
    )


# Signature images on certificates: decoded and stored re-encoded as PNG (transparency kept).
SIGNATURE_FORMATS = ("PNG", "JPEG")
SIGNATURE_MAX_SIDE = 1200  # pixels


def signature_image_check(uploaded_file) -> ContentFile:
    """The signature image as it will be stored, or ``UploadRefused`` (field ``signature``).

    Judged by content (``rtcm.core.uploads.image_check``): a file that does not
    decode as a PNG or JPEG is refused whatever its name, as is one over
    ``RTCM_SIGNATURE_MAX_BYTES``. Stores nothing.
    """
    checked = image_check(
        uploaded_file,
        formats=SIGNATURE_FORMATS,
        max_bytes=settings.RTCM_SIGNATURE_MAX_BYTES,
        max_side=SIGNATURE_MAX_SIDE,
        field="signature",
    )
    checked.name = "signature.png"
    return checked


# --- programmes and their organisations ------------------------------------------------

# Logos: decoded, then stored as a PNG on a transparent canvas of one shape (2:1), so that
# every page can give an <img> its width and height without reading the file.
LOGO_FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_BOX = (512, 256)  # pixels: width, height


def organisation_logo_check(uploaded_file) -> ContentFile:
    """The logo as it will be stored, or ``UploadRefused`` (field ``logo``).

    Judged by content (``rtcm.core.uploads.image_check``): a file Pillow cannot decode
    as a PNG, JPEG, WebP or GIF is refused whatever its name — an SVG (markup, maybe
    with script) among them. Stored re-encoded as a ``LOGO_BOX`` PNG, the image centred
    on transparency. Stores nothing.
    """
    checked = image_check(
        uploaded_file,
        formats=LOGO_FORMATS,
        max_bytes=LOGO_MAX_BYTES,
        max_side=max(LOGO_BOX),
        field="logo",
        messages={"not_image": _("The logo must be a PNG, JPEG, WebP or GIF image.")},
    )
    return logo_on_canvas(checked.read())


def logo_on_canvas(png: bytes) -> ContentFile:
    """An image (bytes Pillow reads) fitted inside ``LOGO_BOX``, centred, as a PNG."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        image = image.convert("RGBA")
        image.thumbnail(LOGO_BOX)
        canvas = Image.new("RGBA", LOGO_BOX, (255, 255, 255, 0))
        offset = ((LOGO_BOX[0] - image.width) // 2, (LOGO_BOX[1] - image.height) // 2)
        canvas.paste(image, offset, image)
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name="logo.png")


def programme_unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    """A free slug for a programme titled ``title``."""
    return unique_slug(Programme, title, fallback="programme", exclude_pk=exclude_pk)


def organisation_unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    """A free slug for an organisation named ``name``."""
    return unique_slug(Organisation, name, fallback="organisation", exclude_pk=exclude_pk)


# --- seats -----------------------------------------------------------------------------


def training_quotas_problem(*, capacity: int, quota_seats: Iterable[int]) -> str | None:
    """The quota rule: regional quotas may not add up to more than the capacity."""
    total = sum(seats or 0 for seats in quota_seats)
    if total > (capacity or 0):
        return _(
            "The regional quotas add up to %(total)s seats, more than the capacity (%(capacity)s)."
        ) % {"total": total, "capacity": capacity or 0}
    return None


def training_check_capacity(
    *, training: Training, capacity: int, quota_seats: Iterable[int] | None = None
) -> None:
    """Refuse (``ValidationError`` on ``capacity``) a capacity below the confirmed seats
    of a saved training, or below its quotas (``quota_seats``, else the saved ones).

    Call it inside the transaction that saves the capacity (the admin saves in
    one): the training's row is locked first, as registrations lock it, so no
    seat is confirmed between the count and the save.
    """
    errors = []
    if training.pk is not None:
        if transaction.get_connection().in_atomic_block:
            _lock_training(training.pk)
        confirmed = seats_taken(training=training)
        if capacity is not None and capacity < confirmed:
            errors.append(
                _(
                    "%(confirmed)s people hold a confirmed seat: the capacity cannot go "
                    "below that (cancel registrations first)."
                )
                % {"confirmed": confirmed}
            )
        if quota_seats is None:
            quota_seats = training.quotas.values_list("seats", flat=True)
    problem = training_quotas_problem(capacity=capacity, quota_seats=quota_seats or [])
    if problem:
        errors.append(problem)
    if errors:
        raise ValidationError({"capacity": errors})


# --- clone: a re-run of a training ------------------------------------------------------

# Fields of a training a clone sets itself rather than copies.
_CLONE_SETS = frozenset(
    {"id", "title", "slug", "status", "start_date", "end_date", "created_at", "updated_at"}
)
# Moments that move with the training's dates.
_CLONE_SHIFTS = ("registration_opens_at", "registration_closes_at", "quota_release_at")
# What happened to the source, not to the re-run.
_CLONE_RESETS = ("quotas_released_at",)


class TrainingCloneRefused(DomainError):
    default_message = _("This training cannot be cloned onto these dates.")
    code = "training_clone_refused"
    field = "start_date"


def _shift_moment(
    moment: dt.datetime | None, days: dt.timedelta, zone: dt.tzinfo | None = None
) -> dt.datetime | None:
    """``moment`` moved by ``days``, at the same time of day on the clock of ``zone`` (the
    venue's for sessions; the center's by default): a plain ``+ days`` would move it an
    hour across a change of clock."""
    if moment is None:
        return None
    zone = zone or timezone.get_default_timezone()
    local = timezone.localtime(moment, zone)
    return timezone.make_aware(dt.datetime.combine(local.date() + days, local.time()), zone)


def training_clone(
    *,
    source: Training,
    start_date: dt.date,
    title: str | None = None,
    actor: AbstractBaseUser,
) -> Training:
    """A draft re-run of ``source`` starting on ``start_date``, coordinated by ``actor``.

    Copies the training's settings (capacity, format, venue, certificate rules and
    template …), its sessions (moved by the same number of days, keeping their
    times of day in the center's time zone), regional quotas, extra questions,
    modules, target regions and signatories (their signature images copied);
    the registration window and quota release move with the dates. Never its
    registrations, attendance or certificates, nor its sessions' trainers (each
    booking asks the clash rule again: ``experts.services``). A start date in the
    past or a title too long is refused (``TrainingCloneRefused`` on its field);
    nothing is written then.
    """
    title = (source.title if title is None else title).strip() or source.title
    max_title = Training._meta.get_field("title").max_length
    if len(title) > max_title:
        raise TrainingCloneRefused(
            _("The title may have at most %(max)s characters.") % {"max": max_title},
            field="title",
        )
    if start_date < timezone.localdate():
        raise TrainingCloneRefused(_("The new start date is in the past."))
    days = start_date - source.start_date
    with transaction.atomic():
        clone = Training(
            title=title,
            slug=training_unique_slug(title),
            status=Status.DRAFT,
            start_date=start_date,
            end_date=source.end_date + days,
        )
        # Every language's column of a translated text (title_en, title_ru …), not the
        # text as the reader reads it; a new title is the reader's language's.
        translated = translated_fields(Training)
        for field in Training._meta.concrete_fields:
            if field.name not in _CLONE_SETS and field.name not in translated:
                setattr(clone, field.attname, getattr(source, field.attname))
        if title != source.title:
            clone.title = title
        for name in _CLONE_SHIFTS:
            setattr(clone, name, _shift_moment(getattr(source, name), days))
        for name in _CLONE_RESETS:
            setattr(clone, name, None)
        clone.full_clean()
        clone.save()
        clone.modules.set(source.modules.all())
        clone.target_regions.set(source.target_regions.all())
        clone.coordinators.add(actor)
        Session.objects.bulk_create(
            Session(
                training=clone,
                **localized_values(session, "title"),
                room=session.room,
                module_id=session.module_id,
                starts_at=_shift_moment(session.starts_at, days, venue_zone(source)),
                ends_at=_shift_moment(session.ends_at, days, venue_zone(source)),
            )
            for session in source.sessions.order_by("starts_at", "pk")
        )
        TrainingQuota.objects.bulk_create(
            TrainingQuota(training=clone, region_id=quota.region_id, seats=quota.seats)
            for quota in source.quotas.all()
        )
        Question.objects.bulk_create(
            Question(
                training=clone,
                position=question.position,
                label=question.label,
                help_text=question.help_text,
                kind=question.kind,
                required=question.required,
                choices=question.choices,
            )
            for question in source.questions.all()
        )
        for signatory in source.signatories.all():
            copy = Signatory(
                training=clone,
                position=signatory.position,
                name=signatory.name,
                title=signatory.title,
            )
            if signatory.signature:
                # A file of its own: editing or deleting one training's never touches the other's.
                try:
                    with signatory.signature.open("rb") as image:
                        content = image.read()
                except OSError:  # lost from storage: the clone's signatory has none to show
                    content = None
                if content is not None:
                    copy.signature.save(
                        os.path.basename(signatory.signature.name),
                        ContentFile(content),
                        save=False,
                    )
            copy.save()
    return clone
