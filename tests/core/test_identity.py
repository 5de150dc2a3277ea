"""The center's visual identity: defaults, settings, the admin's row, refusals, the brand
stylesheet, favicons, the header's partner logos, and the identity on PDFs and e-mails."""

import io
import re

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses.context_processors import header_partners_forget
from rtcm.core import identity as brand
from rtcm.core.models import Identity
from tests.website.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def png_bytes(size=(300, 120), colour=(200, 16, 46), fmt="PNG") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "pw")


def test_the_default_identity_is_navy_and_gold_and_readable():
    identity = brand.current_identity()
    assert (identity.primary, identity.accent) == ("#12355b", "#8a6d1e")
    assert identity.logo_url.endswith("rtcm/logo.svg")
    assert identity.name == "Regional Training Center on Migration"
    # White on the navy (the navigation bar), the navy and the gold on white: WCAG AA.
    assert brand.contrast_ratio("#ffffff", identity.primary) >= 4.5
    assert brand.contrast_ratio(identity.accent, "#ffffff") >= 4.5
    assert identity.on_primary == "#ffffff"


def test_the_settings_override_the_default(settings):
    settings.RTCM_BRAND_PRIMARY = "#004D40"
    settings.RTCM_BRAND_ACCENT = "#aa3300"
    identity = brand.current_identity()
    assert (identity.primary, identity.accent) == ("#004d40", "#aa3300")


def test_the_admin_row_overrides_the_settings_and_a_save_is_seen_at_once(settings):
    settings.RTCM_BRAND_PRIMARY = "#004d40"
    brand.current_identity()  # cached
    Identity.objects.create(pk=1, primary_colour="#5b1212")
    assert brand.current_identity().primary == "#5b1212"
    assert brand.current_identity().accent == "#8a6d1e"  # the row left it empty
    Identity.objects.filter(pk=1).delete()
    brand.identity_forget()
    assert brand.current_identity().primary == "#004d40"


def test_the_row_is_read_once_then_cached(django_assert_num_queries):
    cache.clear()
    with django_assert_num_queries(1):
        brand.current_identity()
        brand.current_identity()


def test_a_light_colour_chosen_in_the_admin_still_gives_readable_text():
    identity = brand.BrandIdentity("", "", "", primary="#ffd54f", accent="#ffee58")
    assert identity.on_primary == "#000000"
    assert brand.contrast_ratio(identity.primary_text, "#ffffff") >= 4.5
    assert brand.contrast_ratio(identity.accent_text, brand.SURFACE) >= 4.5


def test_the_admin_refuses_a_bad_colour_beside_the_field(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:core_identity_add"), {"primary_colour": "navy", "accent_colour": "#12345"}
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "six hexadecimal digits" in errors["primary_colour"][0]
    assert "six hexadecimal digits" in errors["accent_colour"][0]
    assert not Identity.objects.exists()


def test_the_admin_stores_the_logo_re_encoded_and_refuses_a_fake_one(client, superuser, settings):
    client.force_login(superuser)
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = client.post(reverse("admin:core_identity_add"), {"logo": fake})
    assert "logo" in response.context["adminform"].form.errors
    assert not Identity.objects.exists()

    jpeg = SimpleUploadedFile("emblem.jpg", png_bytes(fmt="JPEG"), content_type="image/jpeg")
    response = client.post(
        reverse("admin:core_identity_add"), {"logo": jpeg, "primary_colour": "#12355B"}
    )
    assert response.status_code == 302
    row = Identity.objects.get()
    assert row.pk == 1
    assert row.primary_colour == "#12355b"
    assert row.logo.name.endswith(".png")
    with row.logo.open("rb") as stored:
        assert stored.read(8) == b"\x89PNG\r\n\x1a\n"
    # The logo has a public page of its own (media files are not served as such).
    identity = brand.current_identity()
    assert identity.logo_url.startswith(reverse("brand_logo"))
    served = client.get(reverse("brand_logo"))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content)[:4] == b"\x89PNG"
    b"".join(served.streaming_content)  # to the end: the test client then closes it
    # A PDF gets it as a data: URI, which rtcm.core.pdf's fetcher accepts.
    assert brand.logo_for_pdf().startswith("data:image/png;base64,")
    # One row: no second one, and none deleted.
    assert client.get(reverse("admin:core_identity_add")).status_code == 403
    admin = client.get(reverse("admin:core_identity_change", args=[1])).content.decode()
    assert reverse("admin:core_identity_delete", args=[1]) not in admin


def test_the_brand_stylesheet_carries_the_colours(client, settings):
    settings.RTCM_BRAND_PRIMARY = "#004d40"
    response = client.get(reverse("brand_css"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    css = response.content.decode()
    assert "--rtcm-primary: #004d40;" in css
    assert "--bs-primary-rgb: 0, 77, 64;" in css
    assert "--rtcm-accent: #8a6d1e;" in css
    # The versioned URL the pages link may be cached for long.
    version = brand.current_identity().version
    assert "max-age=31536000" in client.get(f"{reverse('brand_css')}?v={version}")["Cache-Control"]


def test_pages_link_the_stylesheet_favicons_and_feed_without_inline_style(client):
    html = client.get(reverse("home")).content.decode()
    version = brand.current_identity().version
    assert f'href="/brand.css?v={version}"' in html
    assert 'rel="icon" href="/static/rtcm/favicon.svg" type="image/svg+xml"' in html
    assert 'href="/static/rtcm/favicon-32.png" sizes="32x32"' in html
    assert 'rel="apple-touch-icon" href="/static/rtcm/apple-touch-icon.png"' in html
    assert re.search(r'<link rel="alternate" type="application/atom\+xml" href="/news/feed/"', html)
    assert "style=" not in html
    assert "<bdi>Regional Training Center on Migration</bdi>" in html
    nav = html[html.index("<nav") : html.index("</nav>")]
    for url in ("/trainings/", "/library/", "/experts/", "/news/", "/about/", "/contact/"):
        assert f'href="{url}"' in nav


def test_the_favicons_are_the_sizes_they_claim():
    from django.contrib.staticfiles import finders
    from PIL import Image

    for name, size in (("rtcm/favicon-32.png", 32), ("rtcm/apple-touch-icon.png", 180)):
        with Image.open(finders.find(name)) as image:
            assert image.size == (size, size)


def test_the_header_shows_the_partners_logos_only_where_set(client):
    OrganisationFactory(name="No logo partner", show_in_header=True)
    OrganisationFactory(name="Not in header", slug="not-in-header").logo.save(
        "a.png", ContentFile(png_bytes()), save=True
    )
    header_partners_forget()
    html = client.get(reverse("home")).content.decode()
    assert "site-partners" not in html

    iom = OrganisationFactory(name="International Organization for Migration", slug="iom")
    iom.show_in_header = True
    iom.logo.save("iom.png", ContentFile(png_bytes()), save=True)
    html = client.get(reverse("home")).content.decode()
    header = html[: html.index("<nav")]
    assert 'alt="International Organization for Migration"' in header
    assert reverse("website:partner_logo", args=["iom"]) in header
    assert "Not in header" not in header
    assert "No logo partner" not in header
    logo = client.get(reverse("website:partner_logo", args=["iom"]))
    assert logo.status_code == 200
    b"".join(logo.streaming_content)  # to the end: the test client then closes it


def test_the_header_partners_cost_one_query_then_none(client, django_assert_num_queries):
    from courses.context_processors import header_partners_read

    header_partners_forget()
    with django_assert_num_queries(1):
        header_partners_read()
        header_partners_read()


def test_pdfs_and_e_mails_use_the_identity(settings):
    from django.template.loader import render_to_string

    settings.RTCM_BRAND_PRIMARY = "#5b1212"
    css = brand.pdf_css()
    assert "body .frame { border-color: #5b1212; }" in css
    html = render_to_string("core/email/base.html", {"CENTER_NAME": "RTCM", "LANGUAGE_CODE": "en"})
    assert "border-bottom: 4px solid #5b1212" in html
    assert f'src="{settings.SITE_URL}/static/rtcm/logo.png"' in html
