"""The electronic library: documents with access levels, files kept private."""

import secrets
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def document_file_path(document: "Document", filename: str) -> str:
    # A random name: the original one is kept in ``original_name`` for downloads,
    # and nothing about the file can be guessed from its storage path.
    suffix = PurePath(filename).suffix.lower()
    return f"library/{secrets.token_hex(16)}{suffix}"


class Document(models.Model):
    class Type(models.TextChoices):
        PUBLICATION = "publication", _("Publication")
        TRAINING_MATERIAL = "training_material", _("Training material")
        LEGAL = "legal", _("Legal or policy text")
        RESEARCH = "research", _("Research")
        REPORT = "report", _("Report")

    class Access(models.TextChoices):
        PUBLIC = "public", _("Public")
        SIGNED_IN = "signed_in", _("Signed-in users")
        STAFF = "staff", _("Staff only")

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=300, unique=True)
    description = models.TextField(_("description"), blank=True)
    authors = models.CharField(_("authors"), max_length=500, blank=True)
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.RTCM_CONTENT_LANGUAGES
    )
    doc_type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    topics = models.ManyToManyField(
        "courses.Topic", blank=True, related_name="documents", verbose_name=_("topics")
    )
    file = models.FileField(_("file"), upload_to=document_file_path, blank=True)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    external_url = models.URLField(_("external link"), blank=True)
    access = models.CharField(
        _("access"), max_length=10, choices=Access.choices, default=Access.PUBLIC, db_index=True
    )
    # Training materials: the confirmed participants of these trainings may open
    # the document from their manage page whatever its access level.
    trainings = models.ManyToManyField(
        "courses.Training",
        blank=True,
        related_name="materials",
        verbose_name=_("training materials of"),
    )
    extracted_text = models.TextField(_("text of the file"), blank=True, editable=False)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True, editable=False)
    text_extracted_at = models.DateTimeField(null=True, blank=True, editable=False)
    download_count = models.PositiveIntegerField(_("downloads"), default=0, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(external_url=""), name="document_file_or_link"
            ),
        ]
        indexes = [models.Index(fields=["access", "doc_type", "language", "year"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("library:document", kwargs={"slug": self.slug})
