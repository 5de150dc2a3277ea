"""The Regional Expert Network: experts, their working languages and the mail they get.

An expert applies (an *applicant*), network officers approve (*active*) or
decline (*declined*); an active expert may later be made *inactive* and
active again. Only ``experts.services`` changes the status, the consent and
the files, so that every change is checked, logged and mailed in one place.
A profile is public only while the expert is active *and* consents to it
(``Expert.public_q``): every public page, search, export and API response
starts from that one condition.
"""

import secrets
from pathlib import PurePath

from django.conf import global_settings, settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from rtcm.core.models import ConsentRecord, LoggedEmail
from rtcm.core.people import validate_person_name, validate_phone_number

# Working languages an expert may name: every language Django knows by name
# (the center's own nine and the rest of the regions': Persian, Tajik, Kyrgyz,
# Turkmen, Ukrainian, Romanian…), sorted by code.
WORKING_LANGUAGES = sorted((code, _(name)) for code, name in global_settings.LANGUAGES)
WORKING_LANGUAGE_NAMES = dict(WORKING_LANGUAGES)


def _random_name(folder: str, filename: str) -> str:
    # Nothing about the file can be guessed from its storage path; the original
    # name is kept on the row for downloads.
    return f"experts/{folder}/{secrets.token_hex(16)}{PurePath(filename).suffix.lower()}"


def cv_file_path(expert: "Expert", filename: str) -> str:
    return _random_name("cv", filename)


def photo_file_path(expert: "Expert", filename: str) -> str:
    return _random_name("photos", filename)


class Expert(models.Model):
    class Status(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        DECLINED = "declined", _("Declined")

    given_name = models.CharField(
        _("given name"), max_length=100, validators=[validate_person_name]
    )
    family_name = models.CharField(
        _("family name"), max_length=100, validators=[validate_person_name]
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(
        _("phone"), max_length=40, blank=True, validators=[validate_phone_number]
    )
    country = CountryField(_("country"))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    expertise = models.ManyToManyField(
        "courses.Topic", blank=True, related_name="experts", verbose_name=_("expertise")
    )
    bio = models.TextField(_("biography"), blank=True)
    correspondence_language = models.CharField(
        _("language of e-mails"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    # Staff only: never on a public page, export or API response.
    cv = models.FileField(_("CV"), upload_to=cv_file_path, blank=True)
    cv_original_name = models.CharField(_("CV file name"), max_length=255, blank=True)
    cv_content_type = models.CharField(_("CV content type"), max_length=100, blank=True)
    cv_size = models.PositiveBigIntegerField(_("CV size in bytes"), default=0)
    # Shown on the public profile; re-encoded on upload (no camera metadata kept).
    photo = models.FileField(_("photo"), upload_to=photo_file_path, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.APPLICANT,
        db_index=True,
    )
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("status changed by"),
    )
    # Set while the expert consents to a public profile (the time it was given);
    # withdrawing clears it and records the time in ``…_withdrawn_at``.
    public_profile_consent_at = models.DateTimeField(
        _("consent to a public profile given at"), null=True, blank=True
    )
    public_profile_consent_withdrawn_at = models.DateTimeField(
        _("consent to a public profile withdrawn at"), null=True, blank=True
    )
    staff_notes = models.TextField(_("staff notes"), blank=True)
    # Set by the erasure (``experts.services``): the row stays, anonymised, for the
    # trainings and ratings that refer to it.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name", "pk"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        constraints = [models.UniqueConstraint(Lower("email"), name="expert_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("experts:profile", kwargs={"slug": self.slug})

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @classmethod
    def public_q(cls) -> Q:
        """The one condition of a public profile: active and consenting."""
        return Q(status=cls.Status.ACTIVE, public_profile_consent_at__isnull=False)

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.ACTIVE and self.public_profile_consent_at is not None

    @property
    def consents(self) -> bool:
        return self.public_profile_consent_at is not None

    def language_codes(self) -> list[str]:
        """Working language codes (from a prefetch of ``languages`` when there is one)."""
        return sorted(language.code for language in self.languages.all())

    def language_names(self) -> list[str]:
        return [str(WORKING_LANGUAGE_NAMES.get(code, code)) for code in self.language_codes()]


class ExpertConsent(ConsentRecord):
    """An expert's consent for one purpose (today: the public profile)."""

    # Not ``consents``: ``Expert.consents`` is the public-profile flag the pages read.
    expert = models.ForeignKey(
        Expert,
        on_delete=models.CASCADE,
        related_name="consent_records",
        verbose_name=_("expert"),
    )

    class Meta(ConsentRecord.Meta):
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["expert", "purpose"])]


class ExpertLanguage(models.Model):
    """A language an expert works in (teaches, writes, advises)."""

    expert = models.ForeignKey(
        Expert, on_delete=models.CASCADE, related_name="languages", verbose_name=_("expert")
    )
    code = models.CharField(_("language"), max_length=10, choices=WORKING_LANGUAGES)

    class Meta:
        ordering = ["code"]
        verbose_name = _("working language")
        verbose_name_plural = _("working languages")
        constraints = [
            models.UniqueConstraint(fields=["expert", "code"], name="expert_language_once")
        ]
        indexes = [models.Index(fields=["code"])]

    def __str__(self) -> str:
        return str(WORKING_LANGUAGE_NAMES.get(self.code, self.code))


class ExpertMessage(LoggedEmail):
    """One e-mail to an expert about their application or status, logged before it is sent.

    Written in the transaction of the change it tells of and sent by
    ``experts.tasks.send_expert_message`` after commit, which claims the row
    (queued → sending) so that it goes out once; a mail server that fails
    leaves it queued for the sweep. ``note`` is what the network officer wrote
    (the reason for a decline, a welcome…).
    """

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Application received")
        APPROVED = "approved", _("Application approved")
        DECLINED = "declined", _("Application declined")
        DEACTIVATED = "deactivated", _("Membership paused")
        REACTIVATED = "reactivated", _("Membership renewed")

    expert = models.ForeignKey(
        Expert, on_delete=models.CASCADE, related_name="messages", verbose_name=_("expert")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    note = models.TextField(_("message from the network office"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("e-mail to an expert")
        verbose_name_plural = _("e-mails to experts")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient}"


class TrainerRating(models.Model):
    """A participant's rating of one trainer of a session they attended (1 to 5).

    The expert network's matching uses the average; ``experts.ratings.trainer_rate``
    is the one way in (attended sessions, the session's own trainers, one rating
    each, changeable). It lives with the experts (it points to ``Expert``, above
    participants) but keeps the table it was created in (``db_table``; migrations
    participants 0005 and experts 0003 moved it without touching the data).
    """

    registration = models.ForeignKey(
        "participants.Registration",
        on_delete=models.CASCADE,
        related_name="trainer_ratings",
        verbose_name=_("registration"),
    )
    session = models.ForeignKey(
        "courses.Session",
        on_delete=models.CASCADE,
        related_name="trainer_ratings",
        verbose_name=_("session"),
    )
    expert = models.ForeignKey(
        Expert,
        on_delete=models.CASCADE,
        related_name="ratings",
        verbose_name=_("trainer"),
    )
    score = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("rated at"), auto_now=True)

    class Meta:
        db_table = "participants_trainerrating"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("trainer rating")
        verbose_name_plural = _("trainer ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session", "expert"], name="trainer_rating_once"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="trainer_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert} — {self.score}/5"
