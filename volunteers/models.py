"""The Migration Volunteers: their applications, vetting, assignments, hours and
certificates of service."""

import secrets
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from rtcm.core.models import ConsentRecord, LoggedEmail
from rtcm.core.people import validate_person_name, validate_phone_number


class Volunteer(models.Model):
    class Status(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        DECLINED = "declined", _("Declined")

    class Skill(models.TextChoices):
        LOGISTICS = "logistics", _("Logistics")
        INTERPRETATION = "interpretation", _("Interpretation")
        REGISTRATION = "registration", _("Registration desk")
        SOCIAL_MEDIA = "social_media", _("Social media")
        PHOTOGRAPHY = "photography", _("Photography and video")
        IT = "it", _("IT support")

    given_name = models.CharField(
        _("given name"), max_length=100, validators=[validate_person_name]
    )
    family_name = models.CharField(
        _("family name"), max_length=100, validators=[validate_person_name]
    )
    given_name_latin = models.CharField(
        _("given name in Latin letters"), max_length=100, blank=True
    )
    family_name_latin = models.CharField(
        _("family name in Latin letters"), max_length=100, blank=True
    )
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(
        _("phone"), max_length=40, blank=True, validators=[validate_phone_number]
    )
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    # Language codes (``RTCM_CONTENT_LANGUAGES``), like a training's languages.
    languages = models.JSONField(_("languages"), default=list, blank=True)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    availability = models.TextField(_("availability"), blank=True)
    motivation = models.TextField(_("motivation"), blank=True)
    correspondence_language = models.CharField(
        _("language of e-mails"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
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
    staff_notes = models.TextField(_("staff notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="volunteer_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class VolunteerConsent(ConsentRecord):
    """A volunteer's consent to the center keeping their application and assignments."""

    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="consent_records",
        verbose_name=_("volunteer"),
    )

    class Meta(ConsentRecord.Meta):
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["volunteer", "purpose"])]


class Assignment(models.Model):
    """A volunteer's part in a training or an event, with a role and hours."""

    class Role(models.TextChoices):
        LOGISTICS = "logistics", _("Logistics")
        INTERPRETATION = "interpretation", _("Interpretation")
        REGISTRATION = "registration", _("Registration desk")
        SOCIAL_MEDIA = "social_media", _("Social media")
        PHOTOGRAPHY = "photography", _("Photography and video")
        IT = "it", _("IT support")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("volunteer")
    )
    # A training, or an event of a programme named here (an open day, a Migration School day).
    training = models.ForeignKey(
        "courses.Training",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteer_assignments",
        verbose_name=_("training"),
    )
    event = models.CharField(
        _("event"), max_length=200, blank=True, help_text=_("When it is not a training.")
    )
    programme = models.ForeignKey(
        "courses.Programme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteer_assignments",
        verbose_name=_("programme"),
        help_text=_("An event's programme; a training's is its own."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=6,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Hours served, recorded when the assignment is completed."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="assignment_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(hours__gte=0), name="assignment_hours_not_negative"),
            models.CheckConstraint(
                condition=Q(training__isnull=False) | ~Q(event=""),
                name="assignment_training_or_event",
            ),
        ]
        indexes = [models.Index(fields=["volunteer", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.get_role_display()} · {self.activity_title}"

    @property
    def activity_title(self) -> str:
        return self.training.title if self.training_id else self.event

    def clean(self) -> None:
        if not self.training_id and not self.event.strip():
            raise ValidationError({"event": _("Name the event, or choose a training.")})
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must come after the start.")})


def _service_code() -> str:
    return "VS-" + secrets.token_hex(5).upper()


def service_certificate_path(certificate: "ServiceCertificate", filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()[:8] or ".pdf"
    return f"service-certificates/{secrets.token_hex(16)}{suffix}"


class ServiceCertificate(models.Model):
    """A certificate of service: the volunteer's completed assignments and hours in a
    period, verifiable at ``/certificates/verify/<code>/`` like a training certificate."""

    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("volunteer"),
    )
    code = models.CharField(_("code"), max_length=20, unique=True, default=_service_code)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    hours = models.DecimalField(_("hours"), max_digits=7, decimal_places=1)
    assignment_count = models.PositiveIntegerField(_("assignments"))
    language = models.CharField(_("language"), max_length=10, default=settings.LANGUAGE_CODE)
    pdf = models.FileField(_("PDF"), upload_to=service_certificate_path, blank=True)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revoking"), max_length=300, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("certificate of service")
        verbose_name_plural = _("certificates of service")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="service_certificate_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.volunteer}"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class VolunteerMessage(LoggedEmail):
    """An e-mail to a volunteer (application received, accepted, an assignment with its .ics)."""

    class Kind(models.TextChoices):
        APPLICATION_RECEIVED = "received", _("Application received")
        ACCEPTED = "accepted", _("Application accepted")
        DECLINED = "declined", _("Application declined")
        ASSIGNED = "assigned", _("Assignment")
        ASSIGNMENT_CANCELLED = "unassigned", _("Assignment cancelled")
        CERTIFICATE = "certificate", _("Certificate of service")

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="messages", verbose_name=_("volunteer")
    )
    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("assignment"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message to a volunteer")
        verbose_name_plural = _("messages to volunteers")
