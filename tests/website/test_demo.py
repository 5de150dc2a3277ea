"""The demo website: its pages in the menus, five news items, idempotent by slug."""

import pytest
from django.urls import reverse

from rtcm.demo.website import NEWS, PAGES, seed_website
from tests.website.factories import ProgrammeFactory
from website.models import NewsItem, Page

pytestmark = pytest.mark.django_db


def test_the_demo_website_is_seeded_once(client):
    programme = ProgrammeFactory(title="Establishment project")
    assert seed_website() == len(PAGES) + len(NEWS) == 10
    assert set(Page.objects.values_list("slug", flat=True)) == {
        "about",
        "mandate",
        "memorandum-of-understanding",
        "migration-school",
        "contacts",
    }
    assert NewsItem.objects.filter(status="published").count() == 5
    assert NewsItem.objects.filter(programme=programme).exists()
    assert Page.objects.get(slug="about").title_ru == "О центре"
    # Again: nothing new, and an edited page is left as staff wrote it.
    Page.objects.filter(slug="mandate").update(title_en="Edited by staff")
    assert seed_website() == 0
    assert Page.objects.get(slug="mandate").title_en == "Edited by staff"

    html = client.get(reverse("home")).content.decode()
    assert 'href="/pages/migration-school/"' in html
    assert 'href="/pages/contacts/"' in html
    assert "Migration Volunteers wanted" in html  # the latest news
    assert "Edited by staff" in html  # the mandate is in the header menu
