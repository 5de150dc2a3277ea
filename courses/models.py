"""Topics, the regional curriculum, trainings and their sessions."""

import datetime as dt
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.template import TemplateSyntaxError, engines
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from courses.timezones import venue_zone


def default_time_zone() -> str:
    """The center's time zone (``TIME_ZONE``): a new training's venue until told otherwise."""
    return settings.TIME_ZONE


class Topic(models.Model):
    """One of the center's thematic areas, shared by modules, documents and experts."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(pgettext_lazy("ordering", "position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name


class Curriculum(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        ARCHIVED = "archived", _("Archived")

    title = models.CharField(_("title"), max_length=200)
    version = models.CharField(_("version"), max_length=20)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)

    class Meta:
        ordering = ["-approved_on", "-id"]
        verbose_name = _("curriculum")
        verbose_name_plural = _("curricula")
        constraints = [
            models.UniqueConstraint(fields=["title", "version"], name="curriculum_title_version"),
            # Exactly one curriculum is "the" public curriculum at a time.
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="approved"),
                name="curriculum_one_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    def clean(self) -> None:
        if self.status == self.Status.APPROVED and not self.approved_on:
            raise ValidationError({"approved_on": _("An approved curriculum needs its date.")})


class Module(models.Model):
    curriculum = models.ForeignKey(
        Curriculum, on_delete=models.CASCADE, related_name="modules", verbose_name=_("curriculum")
    )
    position = models.PositiveSmallIntegerField(pgettext_lazy("ordering", "position"), default=0)
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="modules", verbose_name=_("topic")
    )
    summary = models.TextField(_("summary"), blank=True)
    learning_outcomes = models.TextField(_("learning outcomes"), blank=True)
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    delivery_methods = models.CharField(_("delivery methods"), max_length=255, blank=True)
    audience = models.CharField(_("audience"), max_length=255, blank=True)

    class Meta:
        ordering = ["curriculum", "position", "code"]
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        constraints = [
            models.UniqueConstraint(fields=["curriculum", "code"], name="module_code_unique"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="module_hours_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


def logo_file_path(organisation: "Organisation", filename: str) -> str:
    """A random name under ``logos/``: the upload's own name never reaches the disk."""
    import secrets
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()[:8]
    return f"logos/{secrets.token_hex(16)}{suffix}"


class Organisation(models.Model):
    """A government agency, NGO, international organisation, university or donor."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government agency")
        INTERNATIONAL = "international", _("International organisation")
        NGO = "ngo", _("Non-governmental organisation")
        ACADEMIC = "academic", _("University or research institute")
        DONOR = "donor", _("Donor agency")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices, default=Kind.OTHER)
    country = CountryField(_("country"), blank=True)
    website = models.URLField(_("website"), blank=True)
    # Re-encoded on upload (PNG), checked by content like every upload.
    logo = models.FileField(_("logo"), upload_to=logo_file_path, blank=True)
    description = models.TextField(_("description"), blank=True)
    show_in_header = models.BooleanField(
        _("logo in the site header"),
        default=False,
        help_text=_("The center's founding partners: their logos stand beside the center's."),
    )
    position = models.PositiveSmallIntegerField(pgettext_lazy("ordering", "position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    """A project or series the trainings belong to (the establishment project, the
    Migration School, a donor-funded series)."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Markdown; links and lists are kept, scripts never."),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    grant_code = models.CharField(
        _("grant code"),
        max_length=60,
        blank=True,
        help_text=_("The donor's grant or budget line, printed on the programme report."),
    )
    is_published = models.BooleanField(_("published"), default=True)
    organisations = models.ManyToManyField(
        Organisation,
        through="ProgrammeOrganisation",
        related_name="programmes",
        verbose_name=_("organisations"),
    )
    position = models.PositiveSmallIntegerField(pgettext_lazy("ordering", "position"), default=0)

    class Meta:
        ordering = ["position", "-start_date", "title"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="programme_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:detail", args=[self.slug])


class ProgrammeOrganisation(models.Model):
    """An organisation's part in a programme: donor, implementing partner or host."""

    class Role(models.TextChoices):
        DONOR = "donor", _("Donor")
        IMPLEMENTING = "implementing", _("Implementing partner")
        HOST = "host", _("Host")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="parts", verbose_name=_("programme")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="parts", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=15, choices=Role.choices)
    position = models.PositiveSmallIntegerField(pgettext_lazy("ordering", "position"), default=0)

    class Meta:
        ordering = ["programme", "position", "pk"]
        verbose_name = _("programme partner")
        verbose_name_plural = _("programme partners")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "organisation", "role"], name="programme_organisation_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class Indicator(models.Model):
    """A figure the programme declares to its donor, with its target. Most are counted
    from the records (``metric``); a ``manual`` one carries its achieved value."""

    class Metric(models.TextChoices):
        TRAININGS = "trainings", _("Trainings held")
        PARTICIPANTS = "participants", _("People trained")
        WOMEN = "women", _("Women trained")
        COUNTRIES = "countries", _("Countries reached")
        PERSON_HOURS = "person_hours", _("Person-hours of training")
        CERTIFICATES = "certificates", _("Certificates issued")
        VOLUNTEER_HOURS = "volunteer_hours", _("Volunteer hours")
        MANUAL = "manual", _("Reported by staff")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("programme")
    )
    position = models.PositiveSmallIntegerField(pgettext_lazy("ordering", "position"), default=0)
    name = models.CharField(_("name"), max_length=200)
    metric = models.CharField(_("counted as"), max_length=20, choices=Metric.choices)
    target = models.DecimalField(
        _("target"), max_digits=12, decimal_places=1, validators=[MinValueValidator(Decimal("0"))]
    )
    achieved_manual = models.DecimalField(
        _("achieved (reported by staff)"),
        max_digits=12,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Only for an indicator reported by staff; the others are counted."),
    )

    class Meta:
        ordering = ["programme", "position", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.metric == self.Metric.MANUAL and self.achieved_manual is None:
            raise ValidationError(
                {"achieved_manual": _("An indicator reported by staff needs its achieved value.")}
            )
        if self.metric != self.Metric.MANUAL and self.achieved_manual is not None:
            raise ValidationError(
                {
                    "achieved_manual": _(
                        "This indicator is counted from the records; leave it empty."
                    )
                }
            )


class Training(models.Model):
    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for registration")
        CLOSED = "closed", _("Registration closed")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    # Statuses in which the public sees the training.
    PUBLIC_STATUSES = (Status.OPEN, Status.CLOSED, Status.COMPLETED, Status.CANCELLED)
    # Slugs that would collide with a fixed URL beside ``/staff/trainings/<slug>/``.
    RESERVED_SLUGS = frozenset({"new"})

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    modules = models.ManyToManyField(
        Module, blank=True, related_name="trainings", verbose_name=_("modules covered")
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    format = models.CharField(
        _("format"), max_length=10, choices=Format.choices, default=Format.IN_PERSON
    )
    venue_city = models.CharField(_("venue city"), max_length=100, blank=True)
    venue_country = CountryField(_("venue country"), blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    languages = models.JSONField(
        _("working languages"),
        default=list,
        blank=True,
        help_text=_("Language codes, e.g. en, ru, ar."),
    )
    capacity = models.PositiveIntegerField(_("capacity"), default=20)
    waitlist_enabled = models.BooleanField(
        _("waiting list"),
        default=True,
        help_text=_("When the training is full, new registrants join a waiting list."),
    )
    waitlist_after_start = models.BooleanField(
        _("waiting list after the start"),
        default=False,
        help_text=_(
            "People may still join the waiting list once the training has started "
            "(off: the waiting list closes at the start)."
        ),
    )
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    quota_release_at = models.DateTimeField(
        _("quotas open to everyone at"),
        null=True,
        blank=True,
        help_text=_(
            "From this time seats left in a region's quota go to anyone waiting, "
            "longest-waiting first."
        ),
    )
    quotas_released_at = models.DateTimeField(
        _("quotas released"), null=True, blank=True, editable=False
    )
    requires_approval = models.BooleanField(_("requires approval"), default=False)
    target_regions = models.ManyToManyField(
        "core.Region", blank=True, related_name="trainings", verbose_name=_("target regions")
    )
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("minimum attendance %"),
        default=80,
        validators=[MaxValueValidator(100)],
    )
    min_hours = models.DecimalField(
        _("minimum hours"), max_digits=5, decimal_places=1, default=Decimal("0")
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainings",
        verbose_name=_("programme"),
    )
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="coordinated_trainings",
        verbose_name=_("coordinators"),
        help_text=_("Staff who run this training; they see its report."),
    )

    class CertificateLanguage(models.TextChoices):
        ENGLISH = "en", _("English only")
        PARTICIPANT = "participant", _("The participant's language")
        BILINGUAL = "bilingual", _("English and the participant's language")

    certificate_language = models.CharField(
        _("certificate language"),
        max_length=12,
        choices=CertificateLanguage.choices,
        default=CertificateLanguage.BILINGUAL,
        help_text=_(
            "Bilingual certificates print English beside the participant's language "
            "(English alone for an English reader)."
        ),
    )
    time_zone = models.CharField(
        _("time zone of the venue"),
        max_length=64,
        default=default_time_zone,
        help_text=_(
            "Session times are entered and shown in this time zone (online trainings: "
            "the organisers'), with the zone named beside them."
        ),
    )
    certificate_template = models.TextField(
        _("certificate template"),
        blank=True,
        help_text=_(
            "Leave empty for the center's certificate. Otherwise a Django template "
            "(HTML + CSS) receiving the same context as the default one."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["start_date", "title"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="training_end_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="training_capacity_min_1"),
            models.CheckConstraint(
                condition=Q(min_attendance_percent__lte=100),
                name="training_min_attendance_max_100",
            ),
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__gte=F("registration_opens_at")),
                name="training_registration_window_ordered",
            ),
        ]
        indexes = [models.Index(fields=["status", "start_date"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:training_detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.slug in self.RESERVED_SLUGS:
            errors.setdefault("slug", []).append(
                _("“%(slug)s” is reserved for a page of the site: choose another slug.")
                % {"slug": self.slug}
            )
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors.setdefault("end_date", []).append(_("The end date is before the start date."))
        if self.capacity is not None and self.capacity < 1:
            errors.setdefault("capacity", []).append(_("Capacity must be at least 1."))
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at < self.registration_opens_at
        ):
            errors.setdefault("registration_closes_at", []).append(
                _("Registration closes before it opens.")
            )
        if self.format in (self.Format.IN_PERSON, self.Format.HYBRID) and not self.venue_city:
            errors.setdefault("venue_city", []).append(
                _("An in-person or hybrid training needs a venue city.")
            )
        if self.format in (self.Format.ONLINE, self.Format.HYBRID) and not self.online_url:
            errors.setdefault("online_url", []).append(
                _("An online or hybrid training needs its online link.")
            )
        if (self.certificate_template or "").strip():
            # Refused now rather than when the certificates are rendered.
            try:
                engines["django"].from_string(self.certificate_template)
            except TemplateSyntaxError as error:
                errors.setdefault("certificate_template", []).append(
                    _("The certificate template has an error: %(error)s") % {"error": error}
                )
        valid_languages = {code for code, _name in settings.RTCM_CONTENT_LANGUAGES}
        unknown = [code for code in self.languages or [] if code not in valid_languages]
        if unknown:
            errors.setdefault("languages", []).append(
                _("Unknown language codes: %(codes)s.") % {"codes": ", ".join(map(str, unknown))}
            )
        if self.time_zone not in zoneinfo.available_timezones():
            errors.setdefault("time_zone", []).append(
                _("Unknown time zone: %(zone)s (e.g. Asia/Baku, Asia/Bishkek, Asia/Amman).")
                % {"zone": self.time_zone}
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_online(self) -> bool:
        return self.format == self.Format.ONLINE

    def registration_is_open(self, now: dt.datetime | None = None) -> bool:
        """Open status, inside the registration window, and not yet started."""
        now = now or timezone.now()
        if self.status != self.Status.OPEN:
            return False
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        if self.registration_closes_at and now > self.registration_closes_at:
            return False
        return timezone.localdate(now) <= self.end_date

    def has_started(self, today: dt.date | None = None) -> bool:
        """Its first day has come (the waiting list closes then, unless kept open)."""
        return (today or timezone.localdate()) >= self.start_date

    def waitlist_is_open(self, today: dt.date | None = None) -> bool:
        """The waiting-list rule: kept, and the training not started yet — unless its
        coordinator keeps the list open after the start (``waitlist_after_start``)."""
        return self.waitlist_enabled and (self.waitlist_after_start or not self.has_started(today))

    def has_ended(self, today: dt.date | None = None) -> bool:
        """Its last day is over: certificates are issued, eligibility is final."""
        return (today or timezone.localdate()) > self.end_date

    def quotas_are_released(self, now: dt.datetime | None = None) -> bool:
        """Past the release time, quota seats are open to everyone."""
        if self.quota_release_at is None:
            return False
        return (now or timezone.now()) >= self.quota_release_at

    @property
    def working_language(self) -> str | None:
        """The first working language the interface speaks: where translated texts fall back."""
        offered = {code for code, _name in settings.LANGUAGES}
        return next((code for code in self.languages or [] if code in offered), None)

    def language_names(self) -> list[str]:
        names = dict(settings.RTCM_CONTENT_LANGUAGES)
        return [str(names.get(code, code)) for code in self.languages or []]


class Session(models.Model):
    training = models.ForeignKey(
        Training, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("training")
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    room = models.CharField(_("room"), max_length=100, blank=True)
    module = models.ForeignKey(
        Module,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("module"),
    )
    trainers = models.ManyToManyField(
        "experts.Expert", blank=True, related_name="sessions", verbose_name=_("trainers")
    )

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.training} — {self.title}"

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors.setdefault("ends_at", []).append(_("A session must end after it starts."))
        # The training as being saved (a new one has no id yet: the form set it).
        training = self._training_or_none()
        if training is not None and self.starts_at and self.ends_at:
            # The days of the venue's clock, on which staff entered the times.
            venue = venue_zone(training)
            if timezone.localdate(self.starts_at, venue) < training.start_date:
                errors.setdefault("starts_at", []).append(
                    _("The session starts before the training's first day.")
                )
            if timezone.localdate(self.ends_at, venue) > training.end_date:
                errors.setdefault("ends_at", []).append(
                    _("The session ends after the training's last day.")
                )
        if errors:
            raise ValidationError(errors)

    def _training_or_none(self) -> Training | None:
        try:
            return self.training
        except Training.DoesNotExist:
            return None

    @property
    def hours(self) -> Decimal:
        seconds = (self.ends_at - self.starts_at).total_seconds()
        return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.1"))


class TrainingQuota(models.Model):
    """Seats of a training reserved for the people of one region until the release time."""

    training = models.ForeignKey(
        Training, on_delete=models.CASCADE, related_name="quotas", verbose_name=_("training")
    )
    region = models.ForeignKey(
        "core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    seats = models.PositiveIntegerField(_("seats"))

    class Meta:
        ordering = ["region__position"]
        verbose_name = _("regional quota")
        verbose_name_plural = _("regional quotas")
        constraints = [
            models.UniqueConstraint(fields=["training", "region"], name="quota_once_per_region"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="quota_seats_min_1"),
        ]

    def __str__(self) -> str:
        return f"{self.region}: {self.seats}"


class Question(models.Model):
    """An extra question a coordinator asks the registrants of one training."""

    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        SINGLE_CHOICE = "single_choice", _("Single choice")
        MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
        YES_NO = "yes_no", _("Yes / no")

    CHOICE_KINDS = (Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE)

    training = models.ForeignKey(
        Training, on_delete=models.CASCADE, related_name="questions", verbose_name=_("training")
    )
    position = models.PositiveSmallIntegerField(pgettext_lazy("ordering", "position"), default=0)
    label = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    required = models.BooleanField(_("required"), default=False)
    choices = models.TextField(
        _("choices"), blank=True, help_text=_("For choice questions: one choice per line.")
    )

    class Meta:
        ordering = ["training", "position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def clean(self) -> None:
        if self.kind in self.CHOICE_KINDS and len(self.choice_list) < 2:
            raise ValidationError({"choices": _("A choice question needs at least two choices.")})
        if self.kind not in self.CHOICE_KINDS and self.choice_list:
            raise ValidationError({"choices": _("Only choice questions have choices.")})


class Signatory(models.Model):
    """A person whose name, title and signature a training's certificates carry."""

    training = models.ForeignKey(
        Training, on_delete=models.CASCADE, related_name="signatories", verbose_name=_("training")
    )
    position = models.PositiveSmallIntegerField(pgettext_lazy("ordering", "position"), default=0)
    name = models.CharField(_("name"), max_length=150)
    title = models.CharField(_("title"), max_length=200)
    signature = models.FileField(
        _("signature image"),
        upload_to="signatures/",
        blank=True,
        help_text=_("PNG or JPEG, on a white or transparent background."),
    )

    class Meta:
        ordering = ["training", "position", "pk"]
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")

    def __str__(self) -> str:
        return f"{self.name}, {self.title}"

    def clean(self) -> None:
        if self.signature:
            head = self.signature.read(16)
            self.signature.seek(0)
            if not (head.startswith(b"\x89PNG\r\n\x1a\n") or head.startswith(b"\xff\xd8\xff")):
                raise ValidationError(
                    {"signature": _("The signature must be a PNG or JPEG image.")}
                )
