"""The official website's own content: news, pages staff edit, contact messages."""

import secrets
from pathlib import PurePath

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rtcm.core.models import LoggedEmail


def news_image_path(item: "NewsItem", filename: str) -> str:
    """A random name under ``news/``: the upload's own name never reaches the disk."""
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"news/{secrets.token_hex(16)}{suffix}"


class NewsItem(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(
        _("text"), blank=True, help_text=_("Markdown; links and lists are kept, scripts never.")
    )
    # Re-encoded on upload (checked by content, no camera metadata kept).
    image = models.FileField(_("image"), upload_to=news_image_path, blank=True)
    image_alt = models.CharField(
        _("image description"),
        max_length=200,
        blank=True,
        help_text=_("What the image shows, for readers who cannot see it."),
    )
    programme = models.ForeignKey(
        "courses.Programme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="news",
        verbose_name=_("programme"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        _("publication date"),
        null=True,
        blank=True,
        help_text=_("Set when it is published; a later date holds it back until then."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("news item")
        verbose_name_plural = _("news")
        indexes = [models.Index(fields=["status", "published_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("website:news_detail", args=[self.slug])


class Page(models.Model):
    """A page staff edit without a developer: about the center, its mandate, the
    memorandum of understanding, the Migration School, contacts…"""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class Menu(models.TextChoices):
        NONE = "", _("Not in a menu")
        HEADER = "header", _("Header")
        FOOTER = "footer", _("Footer")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=200, unique=True, help_text=_("Its address: /pages/<slug>/.")
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(
        _("text"), blank=True, help_text=_("Markdown; links and lists are kept, scripts never.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    menu = models.CharField(_("menu"), max_length=10, choices=Menu.choices, blank=True)
    position = models.PositiveSmallIntegerField(pgettext_lazy("ordering", "position"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("website:page", args=[self.slug])


class ContactMessage(LoggedEmail):
    """A message sent through the contact form: logged, then e-mailed to the staff
    address (``RTCM_CONTACT_EMAIL``); the sender's copy is a second row (``is_copy``)."""

    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail"))
    topic = models.CharField(_("subject"), max_length=200)
    message = models.TextField(_("message"))
    is_copy = models.BooleanField(_("copy to the sender"), default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")

    def __str__(self) -> str:
        return f"{self.name} · {self.topic}"
