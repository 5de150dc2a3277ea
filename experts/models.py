"""The Regional Expert Network.

The foundation needs experts as session trainers; vetting, the public
directory and matching come with the network's own issue.
"""

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class Expert(models.Model):
    class Status(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        DECLINED = "declined", _("Declined")

    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    email = models.EmailField(_("e-mail"))
    country = CountryField(_("country"))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    expertise = models.ManyToManyField(
        "courses.Topic", blank=True, related_name="experts", verbose_name=_("expertise")
    )
    bio = models.TextField(_("biography"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.APPLICANT
    )
    public_profile_consent_at = models.DateTimeField(
        _("consent to a public profile given at"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        constraints = [models.UniqueConstraint(Lower("email"), name="expert_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.ACTIVE and self.public_profile_consent_at is not None
