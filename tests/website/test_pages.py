"""Pages staff edit: published for all, drafts for staff who may change them, the menus,
and /about/ taken over by a published page "about"."""

import pytest
from django.urls import reverse

from tests.factories import staff_user
from tests.website.factories import PageFactory
from website import selectors

pytestmark = pytest.mark.django_db


def test_a_published_page_is_shown(client):
    page = PageFactory(title="Our mandate", slug="mandate", summary="Why we exist", body="## Tasks")
    response = client.get(reverse("website:page", args=["mandate"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Our mandate" in html
    assert "<h2>Tasks</h2>" in html
    assert '<meta property="og:description" content="Why we exist">' in html
    assert page.get_absolute_url() == "/pages/mandate/"


def test_a_draft_page_is_404_but_previewable_by_staff_who_may_change_it(client):
    PageFactory(slug="draft", title="Draft page", status="draft")
    url = reverse("website:page", args=["draft"])
    assert client.get(url).status_code == 404
    assert client.get(reverse("website:page", args=["missing"])).status_code == 404
    client.force_login(staff_user("coordinator", roles=("coordinator",)))
    assert client.get(url).status_code == 404
    client.force_login(staff_user("comms", roles=("communications officer",)))
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["preview"] is True
    assert response["X-Robots-Tag"] == "noindex"


def test_menu_pages_appear_in_the_header_and_footer(client):
    PageFactory(title="Migration School", slug="migration-school", menu="header", position=1)
    PageFactory(title="Memorandum", slug="memorandum", menu="footer")
    PageFactory(title="Hidden draft", slug="hidden", menu="header", status="draft")
    PageFactory(title="No menu", slug="no-menu")
    html = client.get(reverse("home")).content.decode()
    nav = html[html.index("<nav") : html.index("</nav>")]
    footer = html[html.index("<footer") : html.index("</footer>")]
    assert 'href="/pages/migration-school/"' in nav
    assert 'href="/pages/memorandum/"' in footer
    assert 'href="/pages/memorandum/"' not in nav
    assert "Hidden draft" not in html
    assert "No menu" not in html


def test_the_menus_cost_one_query_then_none_and_a_saved_page_shows_at_once(
    client, django_assert_num_queries
):
    url = reverse("website:partners")
    client.get(url)
    selectors.menus_forget()  # the menus cold, as after a restart
    with django_assert_num_queries(2):  # the partners, the menus
        client.get(url)
    with django_assert_num_queries(1):  # the menus are cached
        client.get(url)
    PageFactory(title="Contacts", slug="contacts", menu="footer")
    html = client.get(url).content.decode()
    assert 'href="/pages/contacts/"' in html
    page = PageFactory._meta.model.objects.get(slug="contacts")
    page.status = "draft"
    page.save()
    assert 'href="/pages/contacts/"' not in client.get(url).content.decode()


def test_the_menus_are_in_the_readers_language(client):
    PageFactory(title_en="Contacts", title_ru="Контакты", slug="contacts", menu="footer")
    assert "Contacts" in client.get(reverse("home")).content.decode()
    PageFactory(title_en="Mandate", slug="mandate", menu="header")  # no Russian title
    russian = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Контакты" in russian
    assert "Mandate" in russian  # the English title stands in


def test_about_shows_the_built_in_text_until_a_page_about_is_published(client):
    built_in = client.get(reverse("about"))
    assert built_in.status_code == 200
    assert "about.html" in [t.name for t in built_in.templates]
    page = PageFactory(
        slug="about", title="About the RTCM", body="Edited **by staff**", status="draft"
    )
    assert "Edited" not in client.get(reverse("about")).content.decode()
    page.status = "published"
    page.save()
    html = client.get(reverse("about")).content.decode()
    assert "About the RTCM" in html
    assert "<strong>by staff</strong>" in html
