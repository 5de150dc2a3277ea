"""Changes on the website: a contact message sent, a news item published, its image.

A contact message is two logged e-mails (``website.ContactMessage``): one to the
staff address ``RTCM_CONTACT_EMAIL``, one copy to the sender (``is_copy``). Both rows
are written in one transaction and mailed after commit by ``website.tasks``, like
every logged e-mail (``rtcm.core.mail``). A message that is empty, too long or full
of links is refused with ``ContactRefused`` on the ``message`` field before anything
is written.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rtcm.core.errors import DomainError
from rtcm.core.uploads import image_check
from website.models import ContactMessage, NewsItem

MESSAGE_MAX_CHARS = 5000
MESSAGE_MAX_LINKS = 3
# What counts as a link in a message: an address with a scheme, or one starting "www.".
LINK = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)\S+", re.IGNORECASE)

NEWS_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}
NEWS_IMAGE_MAX_SIDE = 1600  # pixels: stored at most this wide and high
NEWS_IMAGE_MAX_BYTES = 10 * 1024 * 1024


class ContactRefused(DomainError):
    default_message = _("This message cannot be sent.")
    code = "contact_refused"
    field = "message"


def contact_message_problem(text: str) -> str | None:
    """Why ``text`` cannot be sent as a contact message, or None."""
    text = (text or "").strip()
    if not text:
        return str(_("Please write your message."))
    if len(text) > MESSAGE_MAX_CHARS:
        return str(
            _("The message is too long: at most %(limit)d characters, this one has %(count)d.")
            % {"limit": MESSAGE_MAX_CHARS, "count": len(text)}
        )
    if len(LINK.findall(text)) > MESSAGE_MAX_LINKS:
        return str(
            _("The message has too many links: at most %(limit)d, please.")
            % {"limit": MESSAGE_MAX_LINKS}
        )
    return None


def contact_message_send(
    *, name: str, email: str, topic: str, message: str, language: str
) -> tuple[ContactMessage, ContactMessage]:
    """Log the message to the staff address and its copy to the sender; both are mailed
    after commit. ``ContactRefused`` (field ``message``) writes nothing."""
    from website.tasks import send_contact_message

    problem = contact_message_problem(message)
    if problem:
        raise ContactRefused(problem)
    fields = {
        "name": name.strip(),
        "email": email.strip(),
        "topic": topic.strip(),
        "message": message.strip(),
    }
    with transaction.atomic():
        to_staff = ContactMessage.objects.create(
            **fields, recipient=settings.RTCM_CONTACT_EMAIL, language=settings.LANGUAGE_CODE
        )
        copy = ContactMessage.objects.create(
            **fields, recipient=fields["email"], language=language, is_copy=True
        )
        send_contact_message.delay_on_commit(to_staff.pk)
        send_contact_message.delay_on_commit(copy.pk)
    return to_staff, copy


# --- news -----------------------------------------------------------------------------


def news_item_prepare(item: NewsItem) -> NewsItem:
    """Before saving: a published item without a date is dated now (a later date set by
    hand holds it back until then). Saves nothing."""
    if item.status == NewsItem.Status.PUBLISHED and item.published_at is None:
        item.published_at = timezone.now()
    return item


def news_image_check(uploaded_file) -> ContentFile:
    """The image checked by decoding it and stored re-encoded, at most 1600 px: a JPEG,
    or a PNG when it came as one (transparency kept); refused on ``image`` otherwise."""
    from PIL import Image, UnidentifiedImageError

    output = "JPEG"
    try:
        uploaded_file.seek(0)
        with Image.open(uploaded_file) as probe:
            if probe.format == "PNG":
                output = "PNG"
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        pass  # image_check gives the reason
    finally:
        uploaded_file.seek(0)
    image = image_check(
        uploaded_file,
        formats=NEWS_IMAGE_FORMATS,
        max_bytes=NEWS_IMAGE_MAX_BYTES,
        max_side=NEWS_IMAGE_MAX_SIDE,
        field="image",
        output_format=output,
        messages={"not_image": _("The image must be a JPEG, PNG or WebP image.")},
    )
    image.name = f"news.{'png' if output == 'PNG' else 'jpg'}"
    return image
