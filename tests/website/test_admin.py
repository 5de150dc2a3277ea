"""The website in the admin: the communications officer writes news and pages, a news
image is checked by content and re-encoded, publishing dates an item, and contact
messages are read-only."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tests.factories import photo_jpeg, staff_user
from tests.website.factories import NewsItemFactory
from website.models import ContactMessage, NewsItem, Page

pytestmark = pytest.mark.django_db


@pytest.fixture
def comms_client(client):
    client.force_login(staff_user("comms", roles=("communications officer",)))
    return client


def news_form(**overrides) -> dict:
    data = {
        "title_en": "The curriculum is approved",
        "slug": "curriculum-approved",
        "summary_en": "Twelve modules",
        "body_en": "**Approved**",
        "image_alt_en": "",
        "status": "draft",
        "programme": "",
        "published_at_0": "",
        "published_at_1": "",
    }
    return {**data, **overrides}


def test_the_communications_officer_opens_the_websites_admin(comms_client):
    for name in ("website_newsitem_add", "website_page_add", "website_contactmessage_changelist"):
        assert comms_client.get(reverse(f"admin:{name}")).status_code == 200, name
    assert comms_client.get(reverse("admin:website_contactmessage_add")).status_code == 403


def test_a_coordinator_does_not(client):
    client.force_login(staff_user("coordinator", roles=("coordinator",)))
    assert client.get(reverse("admin:website_newsitem_add")).status_code == 403


def test_publishing_without_a_date_dates_the_item_now(comms_client):
    before = timezone.now()
    response = comms_client.post(
        reverse("admin:website_newsitem_add"), news_form(status="published")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    item = NewsItem.objects.get(slug="curriculum-approved")
    assert item.published_at is not None
    assert before <= item.published_at <= timezone.now()
    assert comms_client.get(item.get_absolute_url()).status_code == 200


def test_a_draft_stays_undated(comms_client):
    comms_client.post(reverse("admin:website_newsitem_add"), news_form())
    assert NewsItem.objects.get().published_at is None


def test_an_image_is_re_encoded_at_most_1600_pixels(comms_client):
    photo = photo_jpeg((3200, 1600), name="../../etc/photo.jpg")
    response = comms_client.post(
        reverse("admin:website_newsitem_add"), {**news_form(), "image": photo}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    item = NewsItem.objects.get()
    assert item.image.name.startswith("news/")
    assert "etc" not in item.image.name
    with item.image.open("rb") as handle, Image.open(handle) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (1600, 800)
        assert "exif" not in stored.info  # the camera's metadata is gone


def test_a_png_stays_a_png(comms_client):
    buffer = io.BytesIO()
    Image.new("RGBA", (200, 100), (0, 0, 0, 0)).save(buffer, format="PNG")
    png = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    comms_client.post(reverse("admin:website_newsitem_add"), {**news_form(), "image": png})
    with NewsItem.objects.get().image.open("rb") as handle, Image.open(handle) as stored:
        assert stored.format == "PNG"


def test_a_file_that_is_not_an_image_is_refused_beside_the_field(comms_client):
    fake = SimpleUploadedFile(
        "photo.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg"
    )
    response = comms_client.post(
        reverse("admin:website_newsitem_add"), {**news_form(), "image": fake}
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "JPEG, PNG or WebP" in " ".join(errors["image"])
    assert NewsItem.objects.count() == 0


def test_the_publish_action_dates_and_publishes(comms_client):
    draft = NewsItemFactory(status="draft", published_at=None)
    response = comms_client.post(
        reverse("admin:website_newsitem_changelist"),
        {"action": "publish_now", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published"
    assert draft.published_at is not None


def test_a_page_is_written_in_the_admin(comms_client):
    response = comms_client.post(
        reverse("admin:website_page_add"),
        {
            "title_en": "Mandate",
            "title_ru": "Мандат",
            "slug": "mandate",
            "summary_en": "",
            "body_en": "Text",
            "status": "published",
            "menu": "header",
            "position": "1",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Page.objects.get(slug="mandate").title_ru == "Мандат"
    assert 'href="/pages/mandate/"' in comms_client.get(reverse("home")).content.decode()


def test_contact_messages_are_read_only(comms_client):
    message = ContactMessage.objects.create(
        name="Aigerim",
        email="a@example.org",
        topic="Hello",
        message="Text",
        recipient="contact@rtcm.local",
        language="en",
    )
    url = reverse("admin:website_contactmessage_change", args=[message.pk])
    response = comms_client.get(url)
    assert response.status_code == 200
    assert comms_client.post(url, {"topic": "Changed"}).status_code == 403
    message.refresh_from_db()
    assert message.topic == "Hello"
