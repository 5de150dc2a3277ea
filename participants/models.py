"""Participants, their registrations and attendance."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from rtcm.core.models import ConsentRecord, LoggedEmail
from rtcm.core.people import validate_person_name, validate_phone_number


def new_manage_token() -> str:
    """An unguessable token for the manage link (256 bits)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored of a secret link's token (manage and sign-in links): its SHA-256.

    The tokens carry 256 random bits, so an unsalted fast hash is enough: the
    database alone does not let anyone in.
    """
    return hashlib.sha256(token.encode()).hexdigest()


# What a person tells about themselves when registering (form, API, service).
PERSON_FIELDS = [
    "given_name",
    "family_name",
    "email",
    "phone",
    "gender",
    "nationality",
    "country_of_residence",
    "organisation",
    "organisation_type",
    "position",
    "preferred_language",
]


class Participant(models.Model):
    """A person, one row per e-mail address whatever its letter case."""

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")
        UNDISCLOSED = "undisclosed", _("Prefer not to say")

    class OrganisationType(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        NGO = "ngo", _("Non-governmental organisation")
        INTERNATIONAL = "international", _("International organisation")
        ACADEMIA = "academia", _("Academia")
        OTHER = "other", _("Other")

    given_name = models.CharField(
        _("given name"), max_length=100, validators=[validate_person_name]
    )
    family_name = models.CharField(
        _("family name"), max_length=100, validators=[validate_person_name]
    )
    # The name in Latin letters, as in the person's passport (optional): for badges, for
    # certificates when asked (``name_on_certificate``), and to find them.
    given_name_latin = models.CharField(
        _("given name in Latin letters"),
        max_length=100,
        blank=True,
        validators=[validate_person_name],
    )
    family_name_latin = models.CharField(
        _("family name in Latin letters"),
        max_length=100,
        blank=True,
        validators=[validate_person_name],
    )

    class NameOnCertificate(models.TextChoices):
        AS_WRITTEN = "as_written", _("As I wrote it")
        LATIN = "latin", _("In Latin letters")
        BOTH = "both", _("Both")

    name_on_certificate = models.CharField(
        _("name on the certificate"),
        max_length=12,
        choices=NameOnCertificate.choices,
        default=NameOnCertificate.AS_WRITTEN,
    )
    email = models.EmailField(_("e-mail"), max_length=254)
    phone = models.CharField(
        _("phone"), max_length=40, blank=True, validators=[validate_phone_number]
    )
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices)
    nationality = CountryField(_("country of nationality"))
    country_of_residence = CountryField(_("country of residence"))
    organisation = models.CharField(_("organisation"), max_length=200)
    organisation_type = models.CharField(
        _("organisation type"), max_length=15, choices=OrganisationType.choices
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    consent_given_at = models.DateTimeField(_("consent given at"))
    # Set by the erasure (``participants.services.privacy``): the row stays, anonymised,
    # so that past registrations keep counting in reports.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="participant_email_ci_unique"),
        ]
        indexes = [models.Index(fields=["nationality"]), models.Index(fields=["gender"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class Consent(ConsentRecord):
    """A participant's consent for one purpose (registration, photos, newsletter)."""

    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="consents",
        verbose_name=_("participant"),
    )

    class Meta(ConsentRecord.Meta):
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["participant", "purpose"])]


class Registration(models.Model):
    """A participant × training, with the status machine of DESIGN.md.

    Change ``status`` only through ``participants.services``: they hold the
    training's row lock while counting seats.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        REJECTED = "rejected", _("Not accepted")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE_STATUSES = (Status.PENDING, Status.CONFIRMED, Status.WAITLISTED)

    class Source(models.TextChoices):
        WEB = "web", _("Public form")
        API = "api", _("API")
        STAFF = "staff", _("Staff")
        IMPORT = "import", _("Import")
        DEMO = "demo", _("Demo data")

    participant = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("participant"),
    )
    training = models.ForeignKey(
        "courses.Training",
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("training"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, db_index=True)
    # The registrant's region when they registered: quotas follow it even if the
    # country → region mapping is edited later.
    region = models.ForeignKey(
        "core.Region",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("region"),
    )
    # The quota a confirmed seat is taken from; empty for a seat open to all.
    seat_region = models.ForeignKey(
        "core.Region",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("seat from the quota of"),
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.WEB
    )
    submitted_at = models.DateTimeField(_("submitted"))
    status_changed_at = models.DateTimeField(_("status changed"))
    # The waiting list is first come, first served by this time.
    waitlisted_at = models.DateTimeField(_("waitlisted at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    # Staff may grant or withhold a certificate whatever the attendance says.
    certificate_override = models.CharField(
        _("certificate decision"),
        max_length=8,
        blank=True,
        choices=[("grant", _("Grant whatever the attendance")), ("withhold", _("Withhold"))],
    )
    certificate_override_reason = models.TextField(_("why"), blank=True)
    certificate_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    certificate_override_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "training"], name="registration_once_per_training"
            ),
            models.CheckConstraint(
                condition=~Q(status="waitlisted") | Q(waitlisted_at__isnull=False),
                name="registration_waitlisted_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["training", "status"]),
            models.Index(fields=["training", "status", "waitlisted_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.participant} — {self.training}"

    # The raw manage token this instance was opened or created with; the
    # database keeps only hashes (``ManageToken``).
    manage_token: str | None = None
    # Whether that link went to the person's inbox (``ManageToken.emailed``).
    manage_link_emailed: bool = True

    def get_absolute_url(self) -> str:
        return reverse("participants:manage", kwargs={"token": self.token})

    @property
    def token(self) -> str:
        """The raw manage token of this instance: the one it was opened or created
        with, else a fresh one issued now as a link to the person's inbox.

        Ask for it only where the link goes to the person themselves: an e-mail
        to their address, their own manage page, their signed-in "my trainings".
        """
        if self.manage_token is None:
            self.manage_token = ManageToken.objects.issue(registration=self)
        return self.manage_token

    def get_manage_url(self) -> str:
        """The absolute manage link, for e-mails (each e-mail loads its own instance,
        so each gets a fresh token: see ``token``)."""
        return settings.SITE_URL + self.get_absolute_url()

    def get_certificate_download_url(self) -> str:
        return reverse("participants:certificate_download", kwargs={"token": self.token})

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES


class ManageTokenManager(models.Manager):
    def issue(self, *, registration: Registration, emailed: bool = True) -> str:
        """A new manage link's raw token for ``registration``; only its hash is stored."""
        token = new_manage_token()
        self.create(registration=registration, token_hash=token_hash(token), emailed=emailed)
        return token

    def issue_for(self, registrations: list[Registration]) -> None:
        """A fresh link for each of a person's own registrations, in one INSERT: the
        signed-in "my trainings" page (its one-time sign-in link proved the inbox)."""
        tokens = [new_manage_token() for _registration in registrations]
        self.bulk_create(
            self.model(registration=registration, token_hash=token_hash(token))
            for registration, token in zip(registrations, tokens, strict=True)
        )
        for registration, token in zip(registrations, tokens, strict=True):
            registration.manage_token = token


class ManageToken(models.Model):
    """One valid manage link of a registration, stored as the hash of its token.

    Each e-mail that carries the link gets a fresh token (the raw value exists
    only in that e-mail), so a registration holds several valid hashes and the
    links of older e-mails keep working. ``emailed`` is false for the link a
    new person is shown at once on submitting the form: it proves no inbox, so
    it does not show or change the person's contact details.
    """

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="manage_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    emailed = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ManageTokenManager()

    class Meta:
        verbose_name = _("manage link")
        verbose_name_plural = _("manage links")

    def __str__(self) -> str:
        return f"{self.registration_id} ({self.created_at:%Y-%m-%d %H:%M})"


class Attendance(models.Model):
    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="attendance",
        verbose_name=_("registration"),
    )
    session = models.ForeignKey(
        "courses.Session",
        on_delete=models.CASCADE,
        related_name="attendance",
        verbose_name=_("session"),
    )
    present = models.BooleanField(_("present"), default=False)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked by"),
    )
    marked_at = models.DateTimeField(_("marked at"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session"], name="attendance_once_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration.participant} @ {self.session}"


class Answer(models.Model):
    """A registrant's answer to one of the training's extra questions."""

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("registration"),
    )
    question = models.ForeignKey(
        "courses.Question",
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("question"),
    )
    # Text for text questions, a choice for single choice, a list for multiple
    # choice, true/false for yes/no.
    value = models.JSONField(_("answer"), null=True, blank=True)

    class Meta:
        ordering = ["question__position", "question_id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["registration", "question"], name="answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.display_value}"

    @property
    def display_value(self) -> str:
        from django.utils.translation import gettext

        if isinstance(self.value, bool):
            return gettext("Yes") if self.value else gettext("No")
        if isinstance(self.value, list):
            return "; ".join(map(str, self.value))
        return "" if self.value is None else str(self.value)


class RegistrationEvent(models.Model):
    """The audit trail: who changed a registration's status, when, and why."""

    class Actor(models.TextChoices):
        PARTICIPANT = "participant", _("Participant")
        STAFF = "staff", _("Staff")
        SYSTEM = "system", _("System")

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("registration"),
    )
    from_status = models.CharField(
        _("from"), max_length=10, choices=Registration.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=10, choices=Registration.Status.choices)
    actor_kind = models.CharField(_("by"), max_length=12, choices=Actor.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"


class Notification(LoggedEmail):
    """One e-mail to a participant, logged before it is sent.

    A row is written in the same transaction as the change it tells of, then
    sent by a task after commit. The task claims the row (queued → sending) with
    a conditional update, so two workers never send it twice; a failing mail
    server puts it back to queued, and a periodic sweep re-queues whatever is
    left behind: mail is delayed, never lost.
    """

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Registration received")
        CONFIRMED = "confirmed", _("Seat confirmed")
        WAITLISTED = "waitlisted", _("Waiting list")
        PROMOTED = "promoted", _("Promoted from the waiting list")
        REJECTED = "rejected", _("Not accepted")
        CANCELLED = "cancelled", _("Cancelled")
        REMINDER = "reminder", _("Reminder before the start")
        CERTIFICATE = "certificate", _("Certificate ready")
        TRAINING_CANCELLED = "training_cancelled", _("Training cancelled")

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("registration"),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            # A reminder goes out once per registration, however often beat runs.
            models.UniqueConstraint(
                fields=["registration", "kind"],
                condition=Q(kind="reminder"),
                name="notification_one_reminder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient} ({self.get_status_display()})"


class TrainingMessage(models.Model):
    """A message a coordinator sent to some of a training's people (``audience``: the
    statuses and the least attendance chosen), one ``MessageEmail`` per recipient."""

    training = models.ForeignKey(
        "courses.Training",
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("training"),
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    audience = models.JSONField(_("audience"), default=dict, blank=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message to participants")
        verbose_name_plural = _("messages to participants")

    def __str__(self) -> str:
        return self.subject


class MessageEmail(LoggedEmail):
    """One recipient's copy of a ``TrainingMessage``, logged before it is sent (once each)."""

    message = models.ForeignKey(
        TrainingMessage,
        on_delete=models.CASCADE,
        related_name="emails",
        verbose_name=_("message"),
    )
    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="message_emails",
        verbose_name=_("registration"),
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message e-mail")
        verbose_name_plural = _("message e-mails")
        constraints = [
            models.UniqueConstraint(
                fields=["message", "registration"], name="message_email_once_per_registration"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message} → {self.recipient}"


class SignInLink(LoggedEmail):
    """A one-time link to a person's "my trainings" page, and the logged e-mail that sends it.

    Only a hash of the token is stored: the database alone does not let anyone in.
    The token travels in the send task's arguments only, so a link left queued is
    not swept up again (it expires within the hour; the person asks for another).
    """

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="sign_in_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in link")
        verbose_name_plural = _("sign-in links")

    def __str__(self) -> str:
        return f"{self.participant} ({self.created_at:%Y-%m-%d %H:%M})"


def new_verification_code() -> str:
    """A random code for the verification URL: 20 characters from a 32-letter
    alphabet without look-alikes (100 bits), so guessing one is hopeless."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(20))


def certificate_pdf_path(certificate: "Certificate", filename: str) -> str:
    # A random part: a certificate's file name is never guessable.
    return f"certificates/{certificate.year}/{certificate.serial}-{secrets.token_hex(8)}.pdf"


class SerialCounter(models.Model):
    """The last certificate number used in a year: locked to hand out the next one."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("certificate serial counter")
        verbose_name_plural = _("certificate serial counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Certificate(models.Model):
    """One per registration: serial RTCM-YYYY-NNNNN (gap-free per year), a random
    verification code, the PDF in private storage, and revocation."""

    registration = models.OneToOneField(
        Registration,
        on_delete=models.PROTECT,
        related_name="certificate",
        verbose_name=_("registration"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    serial = models.CharField(_("serial"), max_length=20, unique=True)
    code = models.CharField(
        _("verification code"), max_length=32, unique=True, default=new_verification_code
    )
    issued_at = models.DateTimeField(_("issued at"))
    pdf = models.FileField(_("PDF"), upload_to=certificate_pdf_path, blank=True)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    # Certificates are issued once the training has ended; a coordinator may issue them
    # earlier with a reason, kept here.
    issued_early_reason = models.TextField(_("reason for issuing before the end"), blank=True)

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="certificate_number_per_year"),
        ]

    def __str__(self) -> str:
        return self.serial

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def get_verification_url(self) -> str:
        return settings.SITE_URL + reverse("certificates:verify_code", kwargs={"code": self.code})
