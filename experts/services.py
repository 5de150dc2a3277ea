"""Changes to the expert network: applications, vetting, consent, profiles, trainer bookings.

The public form, the staff pages, the admin, the API and the demo seed all go
through these functions. Each checks everything before it writes: a refused
CV or photo, a duplicate e-mail, a missing consent or a clashing booking
raises a ``DomainError`` (or Django's ``ValidationError``) and stores neither
a row nor a file. Files are written as the row is saved and removed again if
the transaction fails; replaced files go from storage once it has committed.
Every status change writes an ``ExpertMessage`` in the same transaction; it is
mailed after commit (``experts.tasks.send_expert_message``).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Session, Topic, Training
from courses.selectors import trainer_clash_message, trainer_clashes
from courses.timezones import session_times
from experts import selectors
from experts.models import (
    WORKING_LANGUAGE_NAMES,
    Expert,
    ExpertConsent,
    ExpertLanguage,
    ExpertMessage,
    TrainerRating,
)
from participants.services.privacy import (
    ERASED_FAMILY_NAME,
    ERASED_GIVEN_NAME,
    NOT_SENT,
    AlreadyErased,
    consents_data,
    erased_email,
    json_bytes,
    person_texts,
    zip_archive,
)
from rtcm.core import privacy
from rtcm.core.audit import audit_forget
from rtcm.core.content import localized_fields
from rtcm.core.errors import DomainError, UnknownReference
from rtcm.core.slugs import unique_slug
from rtcm.core.storage import delete_stored_file, stored_file_bytes, user_or_none
from rtcm.core.uploads import UploadRefused, image_check, validate_upload

# What an expert's profile holds that staff (and the applicant) write directly;
# status, consent, files, slug and timestamps have their own functions.
EDITABLE_FIELDS = (
    "given_name",
    "family_name",
    "email",
    "phone",
    "country",
    "organisation",
    "position",
    "bio",  # the reader's language's (modeltranslation); bio_en, bio_ru … each language's
    *localized_fields("bio"),
    "correspondence_language",
    "staff_notes",
)
APPLICANT_FIELDS = tuple(name for name in EDITABLE_FIELDS if name != "staff_notes")
CV_EXTENSIONS = (".pdf", ".docx", ".odt")
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
PHOTO_MAX_SIDE = 800  # pixels: a photo is stored at most this wide and high
PHOTO_MAX_PIXELS = 40_000_000  # a larger image is refused before it is decoded
# Slugs that are fixed addresses under /experts/ (a profile there could not be reached).
RESERVED_SLUGS = frozenset({"apply", "consent", "export"})


# --- errors ---------------------------------------------------------------------------


class ConsentRequired(DomainError):
    default_message = _(
        "Please give your consent: without it the center cannot keep or review your application."
    )
    code = "consent_required"
    field = "consent"


class ConsentRefused(DomainError):
    default_message = _(
        "A declined application keeps no profile: consent to a public profile cannot be given."
    )
    status_code = 409
    code = "consent_refused"
    field = "consent"


class DuplicateExpert(DomainError):
    default_message = _(
        "An application or expert profile with this e-mail address already exists. "
        "If you applied before, the network office will write to you."
    )
    status_code = 409
    code = "duplicate_email"
    field = "email"


class InvalidExpertTransition(DomainError):
    default_message = _("This expert's status cannot be changed that way.")
    status_code = 409
    code = "invalid_transition"
    field = "status"


class MessageRequired(DomainError):
    default_message = _(
        "Write a message to the applicant: it tells them why the application is declined."
    )
    code = "message_required"
    field = "note"


class TrainerNotAvailable(DomainError):
    """An expert who may not (or cannot) teach a session: inactive, or booked elsewhere."""

    default_message = _("This expert cannot teach this session.")
    status_code = 409
    code = "trainer_not_available"
    field = "expert"


# --- applications and profiles --------------------------------------------------------


def expert_apply(
    *,
    data: dict[str, Any],
    expertise: Iterable[Topic | int | str],
    languages: Iterable[str],
    cv,
    photo=None,
    consent: bool,
) -> Expert:
    """A public application: an applicant with a CV, consenting to a public profile.

    Mails "application received". Raises ``ConsentRequired``, ``DuplicateExpert``,
    ``UploadRefused`` (field ``cv`` or ``photo``) or ``ValidationError``; nothing
    is stored when one is raised.
    """
    if not consent:
        raise ConsentRequired
    if cv is None:
        raise UploadRefused(_("Please attach your CV."), field="cv")
    unknown = set(data) - set(APPLICANT_FIELDS)
    if unknown:
        raise TypeError(f"application fields that cannot be set: {sorted(unknown)}")
    expert = Expert(status=Expert.Status.APPLICANT)
    _apply_data(expert, data)
    expert.public_profile_consent_at = timezone.now()
    return _create(
        expert,
        expertise=expertise,
        languages=languages,
        cv=cv,
        photo=photo,
        message=ExpertMessage.Kind.RECEIVED,
        actor=None,
    )


def expert_create(
    *,
    data: dict[str, Any],
    expertise: Iterable[Topic | int | str] = (),
    languages: Iterable[str] = (),
    cv=None,
    photo=None,
    public_profile_consent: bool = False,
    actor: AbstractBaseUser | AnonymousUser | None,
) -> Expert:
    """Staff add an expert (an applicant, to be vetted like any other); no e-mail is sent."""
    expert = Expert(status=Expert.Status.APPLICANT)
    _apply_data(expert, data)
    if public_profile_consent:
        expert.public_profile_consent_at = timezone.now()
    return _create(
        expert,
        expertise=expertise,
        languages=languages,
        cv=cv,
        photo=photo,
        message=None,
        actor=actor,
    )


def expert_update(
    *,
    expert: Expert,
    data: dict[str, Any],
    expertise: Iterable[Topic | int | str] | None = None,
    languages: Iterable[str] | None = None,
    cv=None,
    photo=None,
    clear_cv: bool = False,
    clear_photo: bool = False,
) -> Expert:
    """Change a profile. ``None`` expertise/languages leave them as they are.

    The slug stays (people bookmark profiles). A new CV or photo replaces the
    old one, which goes from storage after commit. Same errors as
    ``expert_apply``; nothing is saved when one is raised.
    """
    _apply_data(expert, data)
    topics = None if expertise is None else _topics(expertise)
    codes = None if languages is None else _language_codes(languages)
    _check_email_free(expert.email, exclude_pk=expert.pk)
    replaced: list[str] = []
    new_files: list[str] = []
    if cv is not None:
        replaced.append(expert.cv.name if expert.cv else "")
        _attach_cv(expert, cv)
        new_files.append("cv")
    elif clear_cv:
        replaced.append(expert.cv.name if expert.cv else "")
        expert.cv = ""
        expert.cv_original_name = expert.cv_content_type = ""
        expert.cv_size = 0
    if photo is not None:
        replaced.append(expert.photo.name if expert.photo else "")
        expert.photo = _photo_file(photo)
        new_files.append("photo")
    elif clear_photo:
        replaced.append(expert.photo.name if expert.photo else "")
        expert.photo = ""
    expert.full_clean(exclude=["slug"])
    _save(expert, topics=topics, codes=codes, new_files=new_files, replaced=replaced)
    return expert


def expert_delete(*, expert: Expert) -> None:
    """Delete an expert (and their bookings as trainer); files go once it has committed."""
    names = [file.name for file in (expert.cv, expert.photo) if file]
    storage = expert.cv.storage
    with transaction.atomic():
        expert.delete()
        for name in names:
            transaction.on_commit(partial(delete_stored_file, storage, name))


def experts_erase_declined(*, now=None) -> int:
    """Beat, retention: erase the declined applications older than
    ``RTCM_RETAIN_DECLINED_EXPERTS_DAYS`` (``expert_erase``: CV and photo deleted),
    one transaction each. Safe to run twice. Returns how many."""
    ids = list(selectors.experts_declined_past_retention(now=now).values_list("pk", flat=True))
    erased = 0
    for pk in ids:
        try:
            expert_erase(expert=Expert.objects.get(pk=pk), by=None)
        except AlreadyErased:  # erased meanwhile, on request
            continue
        erased += 1
    return erased


def expert_can_give_consent(expert: Expert) -> bool:
    """The consent rule: a declined applicant keeps no profile, so cannot give consent
    (withdrawing is always possible); giving it when it is given changes nothing."""
    return not expert.consents and expert.status != Expert.Status.DECLINED


def _record_profile_consent(expert: Expert) -> None:
    """The record of a consent to a public profile given at ``public_profile_consent_at``."""
    privacy.consent_give(
        expert.consent_records,
        purpose=privacy.Purpose.EXPERT_PROFILE,
        at=expert.public_profile_consent_at,
    )


def expert_set_consent(*, expert: Expert, consent: bool) -> Expert:
    """Give or withdraw consent to a public profile; it shows or goes at once.

    Giving it again when it is given (or withdrawing it when it is not) changes
    nothing, and keeps the time it was first given. A declined expert cannot
    give it (``ConsentRefused``): the rule is ``expert_can_give_consent``, read
    under the expert's row lock.
    """
    now = timezone.now()
    with transaction.atomic():
        locked = Expert.objects.select_for_update().get(pk=expert.pk)
        if consent and not locked.consents and not expert_can_give_consent(locked):
            raise ConsentRefused()
        # The time stamps drive the directory; the records are the proof (``rtcm.core.privacy``).
        if consent and locked.public_profile_consent_at is None:
            locked.public_profile_consent_at = now
            _record_profile_consent(locked)
        elif not consent and locked.public_profile_consent_at is not None:
            locked.public_profile_consent_at = None
            locked.public_profile_consent_withdrawn_at = now
            privacy.consent_withdraw(
                locked.consent_records, purpose=privacy.Purpose.EXPERT_PROFILE, at=now
            )
        else:
            return locked
        locked.save(
            update_fields=[
                "public_profile_consent_at",
                "public_profile_consent_withdrawn_at",
                "updated_at",
            ]
        )
    expert.public_profile_consent_at = locked.public_profile_consent_at
    expert.public_profile_consent_withdrawn_at = locked.public_profile_consent_withdrawn_at
    return locked


# --- vetting --------------------------------------------------------------------------

# status change → (from statuses, to status, message kind)
TRANSITIONS = {
    "approve": ((Expert.Status.APPLICANT,), Expert.Status.ACTIVE, ExpertMessage.Kind.APPROVED),
    "decline": ((Expert.Status.APPLICANT,), Expert.Status.DECLINED, ExpertMessage.Kind.DECLINED),
    "deactivate": ((Expert.Status.ACTIVE,), Expert.Status.INACTIVE, ExpertMessage.Kind.DEACTIVATED),
    "reactivate": (
        (Expert.Status.INACTIVE,),
        Expert.Status.ACTIVE,
        ExpertMessage.Kind.REACTIVATED,
    ),
}


def expert_approve(*, expert: Expert, actor, note: str = "") -> Expert:
    """Applicant → active: a member of the network, mailed a welcome (with ``note``)."""
    return _transition(expert, "approve", actor=actor, note=note)


def expert_decline(*, expert: Expert, actor, note: str) -> Expert:
    """Applicant → declined, mailed ``note`` (required: the applicant is owed a reason)."""
    if not (note or "").strip():
        raise MessageRequired
    return _transition(expert, "decline", actor=actor, note=note)


def expert_deactivate(*, expert: Expert, actor, note: str = "") -> Expert:
    """Active → inactive. Refused while the expert is booked for sessions still to come."""
    return _transition(expert, "deactivate", actor=actor, note=note)


def expert_reactivate(*, expert: Expert, actor, note: str = "") -> Expert:
    """Inactive → active again."""
    return _transition(expert, "reactivate", actor=actor, note=note)


def expert_change_status(*, expert: Expert, action: str, actor, note: str = "") -> Expert:
    """One of ``TRANSITIONS`` by name (for the pages and the API that offer them all)."""
    functions = {
        "approve": expert_approve,
        "decline": expert_decline,
        "deactivate": expert_deactivate,
        "reactivate": expert_reactivate,
    }
    if action not in functions:
        raise InvalidExpertTransition(_("Unknown action: “%(action)s”.") % {"action": action})
    return functions[action](expert=expert, actor=actor, note=note)


def allowed_actions(expert: Expert) -> list[str]:
    """The status changes open to ``expert`` now, in ``TRANSITIONS`` order."""
    return [name for name, (sources, _to, _kind) in TRANSITIONS.items() if expert.status in sources]


def _transition(expert: Expert, action: str, *, actor, note: str) -> Expert:
    sources, target, kind = TRANSITIONS[action]
    with transaction.atomic():
        locked = Expert.objects.select_for_update().get(pk=expert.pk)
        if locked.status not in sources:
            raise InvalidExpertTransition(
                _("%(name)s is %(status)s: this cannot be done now.")
                % {"name": locked.full_name, "status": locked.get_status_display().lower()}
            )
        if action == "deactivate":
            upcoming = list(
                _bookings(locked).filter(ends_at__gt=timezone.now()).select_related("training")
            )
            if upcoming:
                raise InvalidExpertTransition(
                    _(
                        "%(name)s is still booked to teach %(sessions)s. "
                        "Remove them from these sessions first."
                    )
                    % {
                        "name": locked.full_name,
                        "sessions": "; ".join(_describe_session(s) for s in upcoming),
                    }
                )
        locked.status = target
        locked.status_changed_at = timezone.now()
        locked.status_changed_by = user_or_none(actor)
        locked.save(
            update_fields=["status", "status_changed_at", "status_changed_by", "updated_at"]
        )
        _queue_message(locked, kind, note=note, actor=actor)
    expert.status = locked.status
    expert.status_changed_at = locked.status_changed_at
    expert.status_changed_by = locked.status_changed_by
    return locked


def _queue_message(expert: Expert, kind: str, *, note: str = "", actor=None) -> ExpertMessage:
    from experts.tasks import send_expert_message

    message = ExpertMessage.objects.create(
        expert=expert,
        kind=kind,
        note=(note or "").strip(),
        recipient=expert.email,
        language=expert.correspondence_language or settings.LANGUAGE_CODE,
        created_by=user_or_none(actor),
    )
    send_expert_message.delay_on_commit(message.pk)
    return message


# --- trainers -------------------------------------------------------------------------


def trainer_refusal(expert: Expert) -> str | None:
    """Why the network does not let ``expert`` teach at all, or None: only active experts
    teach. Registered with ``courses.hooks`` (``experts.apps``) for the sessions' admin."""
    if expert.status != Expert.Status.ACTIVE:
        return _("%(name)s is %(status)s: only active experts of the network can be trainers.") % {
            "name": expert.full_name,
            "status": expert.get_status_display().lower(),
        }
    return None


def trainer_problem(
    expert: Expert, starts_at, ends_at, *, exclude_session_id: int | None = None
) -> str | None:
    """Why ``expert`` cannot teach from ``starts_at`` to ``ends_at``, or None.

    Only active experts teach (``trainer_refusal``); and nobody teaches two
    sessions at once (``courses.selectors.trainer_clashes``, which the admin's
    forms ask too).
    """
    refusal = trainer_refusal(expert)
    if refusal:
        return refusal
    clash = trainer_clashes(
        expert_ids=[expert.pk],
        starts_at=starts_at,
        ends_at=ends_at,
        exclude_session_ids=[exclude_session_id],
    ).get(expert.pk)
    if clash is not None:
        return trainer_clash_message(name=expert.full_name, session=clash)
    return None


def session_assign_trainer(*, session: Session, expert: Expert) -> Session:
    """Book ``expert`` to teach ``session``; ``TrainerNotAvailable`` names the clash.

    The expert's row is locked while their bookings are checked, so two
    coordinators booking the same expert at once cannot both succeed.
    Booking an expert already on the session changes nothing.
    """
    with transaction.atomic():
        locked = Expert.objects.select_for_update().get(pk=expert.pk)
        if session.trainers.filter(pk=locked.pk).exists():
            return session
        problem = trainer_problem(
            locked, session.starts_at, session.ends_at, exclude_session_id=session.pk
        )
        if problem:
            raise TrainerNotAvailable(problem)
        session.trainers.add(locked)
    return session


def session_remove_trainer(*, session: Session, expert: Expert) -> Session:
    session.trainers.remove(expert)
    return session


def _bookings(expert: Expert):
    return Session.objects.filter(trainers=expert).exclude(
        training__status=Training.Status.CANCELLED
    )


def _session_time(session: Session) -> str:
    return str(session_times(session))


def _describe_session(session: Session) -> str:
    return f"“{session.training.title} — {session.title}” ({_session_time(session)})"


# --- helpers ------------------------------------------------------------------------


def _apply_data(expert: Expert, data: dict[str, Any]) -> None:
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"expert fields that cannot be set: {sorted(unknown)}")
    for name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
        if value is None and not Expert._meta.get_field(name).null:
            value = ""
        setattr(expert, name, value)
    if "email" in data:
        expert.email = (expert.email or "").strip()


def _topics(items: Iterable[Topic | int | str]) -> list[Topic]:
    topics, keys = [], []
    for item in items:
        if isinstance(item, Topic):
            topics.append(item)
        else:
            keys.append(str(item))
    if keys:
        ids = [int(key) for key in keys if key.isdigit()]
        found = {
            key: topic
            for topic in Topic.objects.filter(pk__in=ids) | Topic.objects.filter(slug__in=keys)
            for key in (str(topic.pk), topic.slug)
        }
        missing = [key for key in keys if key not in found]
        if missing:
            raise UnknownReference(
                _("Unknown topic: %(keys)s.") % {"keys": ", ".join(missing)}, field="expertise"
            )
        topics.extend(found[key] for key in keys)
    return list(dict.fromkeys(topics))


def _language_codes(codes: Iterable[str]) -> list[str]:
    codes = [str(code).strip() for code in codes if str(code).strip()]
    unknown = [code for code in codes if code not in WORKING_LANGUAGE_NAMES]
    if unknown:
        raise UnknownReference(
            _("Unknown language codes: %(codes)s.") % {"codes": ", ".join(unknown)},
            field="languages",
        )
    return sorted(set(codes))


def _check_email_free(email: str, *, exclude_pk: int | None = None) -> None:
    if (
        email
        and Expert.objects.annotate(lower_email=Lower("email"))
        .filter(lower_email=email.lower())
        .exclude(pk=exclude_pk)
        .exists()
    ):
        raise DuplicateExpert


def cv_check(uploaded_file) -> tuple[str, str]:
    """The CV's safe name and content type, or ``UploadRefused`` (field ``cv``); stores nothing.

    The library's checks by content (``rtcm.core.uploads.validate_upload``),
    narrowed to PDF, DOCX and ODT and to ``RTCM_EXPERT_CV_MAX_BYTES``. Forms
    call it to show the message beside the field; the services call it again.
    """
    try:
        return validate_upload(
            uploaded_file,
            extensions=CV_EXTENSIONS,
            max_bytes=settings.RTCM_EXPERT_CV_MAX_BYTES,
        )
    except UploadRefused as error:
        raise UploadRefused(error.message, field="cv") from error


def photo_check(uploaded_file) -> ContentFile:
    """The photo as it will be stored (``_photo_file``), or ``UploadRefused``; stores nothing."""
    return _photo_file(uploaded_file)


def _attach_cv(expert: Expert, uploaded_file) -> None:
    original_name, content_type = cv_check(uploaded_file)
    uploaded_file.seek(0)
    expert.cv = uploaded_file  # the storage name comes from ``cv_file_path``
    expert.cv_original_name = original_name
    expert.cv_content_type = content_type
    expert.cv_size = uploaded_file.size


def _photo_file(uploaded_file) -> ContentFile:
    """The photo checked by decoding it and stored re-encoded, as a JPEG of at most 800 px.

    Re-encoding drops whatever else the file carried (camera and GPS metadata,
    trailing data); a file Pillow cannot decode as a JPEG, PNG or WebP image is
    refused, whatever its name (``rtcm.core.uploads.image_check``).
    """
    photo = image_check(
        uploaded_file,
        formats=PHOTO_FORMATS,
        max_bytes=settings.RTCM_EXPERT_PHOTO_MAX_BYTES,
        max_side=PHOTO_MAX_SIDE,
        max_pixels=PHOTO_MAX_PIXELS,
        field="photo",
        output_format="JPEG",
        messages={
            "too_large": _("The photo is larger than the limit of %(limit)s."),
            "empty": _("The photo file is empty."),
            "not_image": _("The photo must be a JPEG, PNG or WebP image."),
            "too_many_pixels": _("The photo has too many pixels."),
        },
    )
    photo.name = "photo.jpg"
    return photo


def _create(
    expert: Expert,
    *,
    expertise,
    languages,
    cv,
    photo,
    message: str | None,
    actor,
) -> Expert:
    topics = _topics(expertise)
    codes = _language_codes(languages)
    _check_email_free(expert.email)
    new_files = []
    if cv is not None:
        _attach_cv(expert, cv)
        new_files.append("cv")
    if photo is not None:
        expert.photo = _photo_file(photo)
        new_files.append("photo")
    expert.slug = unique_slug(
        Expert,
        f"{expert.given_name} {expert.family_name}",
        fallback="expert",
        reserved=RESERVED_SLUGS,
    )
    expert.full_clean()
    _save(expert, topics=topics, codes=codes, new_files=new_files, message=message, actor=actor)
    return expert


def _save(
    expert: Expert,
    *,
    topics: list | None,
    codes: list[str] | None,
    new_files: list[str],
    replaced: list[str] = (),
    message: str | None = None,
    actor=None,
) -> None:
    """Row, files, topics, languages and message in one transaction; new files go on failure."""
    creating = expert.pk is None
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    expert.save()
            except IntegrityError as error:
                # A concurrent application with the same e-mail, or a slug taken meanwhile.
                _check_email_free(expert.email, exclude_pk=expert.pk)
                if creating:
                    expert.pk = None
                    expert.slug = unique_slug(
                        Expert,
                        f"{expert.given_name} {expert.family_name}",
                        fallback="expert",
                        reserved=RESERVED_SLUGS,
                    )
                    expert.save()
                else:
                    raise DomainError(str(error)) from error
            if creating and expert.public_profile_consent_at is not None:
                _record_profile_consent(expert)
            if topics is not None:
                expert.expertise.set(topics)
            if codes is not None:
                expert.languages.exclude(code__in=codes).delete()
                have = set(expert.languages.values_list("code", flat=True))
                ExpertLanguage.objects.bulk_create(
                    [ExpertLanguage(expert=expert, code=code) for code in codes if code not in have]
                )
            for name in replaced:
                if name and name not in (expert.cv.name, expert.photo.name):
                    transaction.on_commit(partial(delete_stored_file, expert.cv.storage, name))
            if message:
                _queue_message(expert, message, actor=actor)
    except BaseException:
        for field_name in new_files:
            file = getattr(expert, field_name)
            if file and getattr(file, "_committed", False):
                delete_stored_file(file.storage, file.name)
        if creating:
            expert.pk = None
        raise


# --- data-protection rights -----------------------------------------------------------


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def expert_data_files(expert: Expert, *, folder: str = "") -> dict[str, bytes]:
    """What ``expert_data_export`` zips: ``{folder}data.json``, the CV and the photo."""
    files: dict[str, bytes] = {}
    cv = stored_file_bytes(expert.cv)
    cv_name = None
    if cv is not None:
        cv_name = "cv" + (PurePath(expert.cv_original_name or expert.cv.name).suffix.lower())
        files[f"{folder}{cv_name}"] = cv
    photo = stored_file_bytes(expert.photo)
    photo_name = None
    if photo is not None:
        photo_name = "photo" + PurePath(expert.photo.name).suffix.lower()
        files[f"{folder}{photo_name}"] = photo
    sessions = (
        Session.objects.filter(trainers=expert)
        .select_related("training")
        .order_by("starts_at", "pk")
    )
    data = {
        "exported_at": _iso(timezone.now()),
        "expert": {
            **{name: getattr(expert, name) for name in EDITABLE_FIELDS if name != "staff_notes"},
            "country": str(expert.country),
            "status": expert.status,
            "status_changed_at": _iso(expert.status_changed_at),
            "public_profile_consent_at": _iso(expert.public_profile_consent_at),
            "public_profile_consent_withdrawn_at": _iso(expert.public_profile_consent_withdrawn_at),
            "expertise": list(expert.expertise.order_by("name").values_list("name", flat=True)),
            "working_languages": expert.language_codes(),
            "cv": cv_name,
            "cv_original_name": expert.cv_original_name,
            "photo": photo_name,
            "created_at": _iso(expert.created_at),
            "updated_at": _iso(expert.updated_at),
            "erased_at": _iso(expert.erased_at),
        },
        # ``Expert.consents`` is the public-profile flag (a property that hides the
        # related manager of the same name): read the records from their own table.
        "consents": consents_data(
            ExpertConsent.objects.filter(expert=expert).order_by("given_at", "pk")
        ),
        "emails": [
            {
                "kind": message.kind,
                "subject": message.subject,
                "note": message.note,
                "status": message.status,
                "created_at": _iso(message.created_at),
                "sent_at": _iso(message.sent_at),
            }
            for message in expert.messages.order_by("created_at", "pk")
        ],
        "sessions_taught": [
            {
                "training": session.training.title,
                "session": session.title,
                "starts_at": _iso(session.starts_at),
                "ends_at": _iso(session.ends_at),
            }
            for session in sessions
        ],
        "ratings_received": [
            {"score": rating.score, "rated_at": _iso(rating.created_at)}
            for rating in expert.ratings.order_by("created_at", "pk")
        ],
    }
    return {f"{folder}data.json": json_bytes(data), **files}


def expert_data_export(expert: Expert) -> bytes:
    """A ZIP of everything the network holds about ``expert`` (their right of access)."""
    return zip_archive(expert_data_files(expert))


def expert_erase(expert: Expert, *, by: AbstractBaseUser | None = None) -> Expert:
    """Anonymise ``expert`` on their request, in one transaction (``AlreadyErased`` twice).

    The row stays for the sessions they taught and the ratings they got (reports
    count them), with their country and working languages; the name, slug,
    e-mail, phone, organisation, position, biography, staff notes, CV and photo
    go, the consent is withdrawn and the profile never public again (an
    applicant is declined, an active expert made inactive), bookings of sessions
    still to come are removed, the e-mail log keeps only kinds and times, and
    the ratings' comments go. Files leave storage once it has committed.
    """
    with transaction.atomic():
        locked = Expert.objects.select_for_update().get(pk=expert.pk)
        if locked.erased_at is not None:
            raise AlreadyErased()
        now = timezone.now()
        files = [file.name for file in (locked.cv, locked.photo) if file]
        storage = locked.cv.storage
        former = [*person_texts(locked), locked.slug]
        locked.given_name = ERASED_GIVEN_NAME
        locked.family_name = ERASED_FAMILY_NAME
        locked.slug = unique_slug(
            Expert, f"erased-{locked.pk}", fallback="erased", exclude_pk=locked.pk
        )
        locked.email = erased_email("expert", locked.pk)
        locked.phone = locked.organisation = locked.position = ""
        locked.bio = locked.staff_notes = ""
        locked.cv = locked.photo = ""
        locked.cv_original_name = locked.cv_content_type = ""
        locked.cv_size = 0
        if locked.public_profile_consent_at is not None:
            locked.public_profile_consent_at = None
            locked.public_profile_consent_withdrawn_at = now
        erased_status = {
            Expert.Status.APPLICANT: Expert.Status.DECLINED,
            Expert.Status.ACTIVE: Expert.Status.INACTIVE,
        }.get(locked.status)
        if erased_status:
            locked.status = erased_status
            locked.status_changed_at = now
            locked.status_changed_by = user_or_none(by)
        locked.erased_at = now
        locked.save()
        for session in Session.objects.filter(trainers=locked, starts_at__gt=now):
            session.trainers.remove(locked)
        ExpertConsent.objects.filter(expert=locked).delete()
        messages = ExpertMessage.objects.filter(expert=locked)
        messages.update(recipient=locked.email, subject="", note="", last_error="")
        messages.exclude(status=ExpertMessage.Status.SENT).update(
            status=ExpertMessage.Status.FAILED, last_error=NOT_SENT
        )
        TrainerRating.objects.filter(expert=locked).update(comment="")
        audit_forget(locked, texts=former)
        for name in files:
            transaction.on_commit(partial(delete_stored_file, storage, name))
    expert.__dict__.update(
        {field.attname: getattr(locked, field.attname) for field in Expert._meta.fields}
    )
    return locked


def on_participant_erased(sender, *, participant, by=None, **kwargs) -> None:
    """``participants.services.privacy.participant_erased``: the person's comments on
    their trainers go (the scores stay, for the trainers' averages)."""
    TrainerRating.objects.filter(registration__participant=participant).update(comment="")
