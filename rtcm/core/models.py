"""Regions and the editable country → region mapping."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class Region(models.Model):
    """A region the center serves. Seeded with the three of the design plus Other."""

    OTHER = "other"

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return str(REGION_LABELS.get(self.code, self.name))


# Translated names of the seeded regions; a region staff add later shows its name.
REGION_LABELS = {
    "central-asia": _("Central Asia"),
    "eastern-partnership": _("Eastern Partnership"),
    "middle-east": _("Middle East"),
    "other": _("Other"),
}


class CountryRegion(models.Model):
    """Which region a country belongs to. Staff edit it in the admin."""

    country = CountryField(_("country"), unique=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="countries", verbose_name=_("region")
    )

    class Meta:
        ordering = ["region", "country"]
        verbose_name = _("country of a region")
        verbose_name_plural = _("countries by region")

    def __str__(self) -> str:
        return f"{self.country.name} → {self.region}"


# What the staff read for a job's kind; an unknown kind shows as it is stored.
JOB_KIND_LABELS = {
    "certificates": _("Issue certificates"),
    "certificates_zip": _("Certificates as a ZIP"),
    "report": _("Report"),
}


def job_result_path(job: "Job", filename: str) -> str:
    return f"jobs/{job.created_at:%Y/%m}/{job.pk}-{filename}"


class Job(models.Model):
    """A background job a person started (certificates in bulk, a ZIP, a report).

    The staff see its progress and download its result through an
    access-checked view; files live in private storage, never under a public URL.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Done")
        FAILED = "failed", _("Failed")

    FINISHED = (Status.SUCCEEDED, Status.FAILED)

    kind = models.CharField(_("kind"), max_length=50, db_index=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    result_file = models.FileField(_("result"), upload_to=job_result_path, blank=True)
    result_name = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(done__lte=models.F("total")), name="job_done_within_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.get_status_display()})"

    @property
    def kind_label(self) -> str:
        return str(JOB_KIND_LABELS.get(self.kind, self.kind))

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == self.Status.SUCCEEDED else 0
        return min(100, self.done * 100 // self.total)

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED


class LoggedEmail(models.Model):
    """An e-mail logged as a row before it is sent (``rtcm.core.mail`` sends it).

    Concrete logs add who it is for and what it tells: ``participants.Notification``,
    ``experts.ExpertMessage``.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    recipient = models.EmailField(_("recipient"))
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        abstract = True


class ConsentRecord(models.Model):
    """One consent a person gave for one purpose, with the text and version they were shown.

    Concrete records say whose it is: ``participants.Consent``, ``experts.ExpertConsent``.
    Give and withdraw them through ``rtcm.core.privacy`` (the purposes, their texts
    and versions live there); a withdrawal stamps ``withdrawn_at`` and keeps the row,
    so the center can show what was agreed to and when.
    """

    class Purpose(models.TextChoices):
        REGISTRATION = "registration", _("Registration for trainings")
        PHOTO = "photo", _("Photos and video at trainings")
        NEWSLETTER = "newsletter", _("The center's newsletter")
        EXPERT_PROFILE = "expert_profile", _("Public expert profile")
        VOLUNTEERING = "volunteering", _("Migration Volunteers")

    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    version = models.CharField(_("version"), max_length=20)
    text = models.TextField(_("text shown"))
    language = models.CharField(_("language"), max_length=10)
    given_at = models.DateTimeField(_("given at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["given_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} v{self.version}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class AuditEvent(models.Model):
    """One staff action that changes no tracked row: a sign-in (or a failed one), a sign-out,
    an export or download of personal data, a token made.

    Changes of rows are django-auditlog's ``LogEntry``; the two together are the audit
    log (``rtcm.core.audit`` writes, scrubs and prunes both). ``actor_label`` keeps the
    user name as it was (and the name tried, for a failed sign-in), so the row still
    says who once the account is gone.
    """

    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", _("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
        SIGN_OUT = "sign_out", _("Signed out")
        EXPORT = "export", _("Data exported")
        DOWNLOAD = "download", _("File downloaded")
        TOKEN_CREATED = "token_created", _("API token created")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_label = models.CharField(_("user name"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    summary = models.CharField(_("what"), max_length=300, blank=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    remote_addr = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"], name="auditevent_object")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.actor_label or '—'} ({self.at:%Y-%m-%d %H:%M})"


class StaffPreference(models.Model):
    """What a staff member chose for themselves: the language of their pages and e-mails.

    Set on their account page (``/staff/security/``); a sign-in switches the pages to
    it, and the e-mails RTCM sends staff (the monthly report, jobs) are written in it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_preference",
        verbose_name=_("user"),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("staff preference")
        verbose_name_plural = _("staff preferences")

    def __str__(self) -> str:
        return f"{self.user} ({self.language})"


class Identity(models.Model):
    """The center's visual identity, edited in the admin: one row (``pk=1``).

    Each field left empty falls back to its setting (``RTCM_BRAND_*``) and then to the
    default identity (``rtcm.core.identity``); pages, e-mails, certificates and reports
    all read it through ``rtcm.core.identity.current_identity()``.
    """

    logo = models.FileField(
        _("logo"),
        upload_to="identity/",
        blank=True,
        help_text=_("PNG, JPEG or WebP; stored re-encoded as PNG. Empty: the default emblem."),
    )
    primary_colour = models.CharField(
        _("primary colour"),
        max_length=7,
        blank=True,
        help_text=_("Hex, such as #12355b: the header, headings and buttons."),
    )
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        blank=True,
        help_text=_("Hex, such as #b8860b: rules and highlights."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("visual identity")
        verbose_name_plural = _("visual identity")

    def __str__(self) -> str:
        return str(_("Visual identity"))
