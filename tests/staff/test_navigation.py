"""The staff menu (rtcm.staff.navigation): each role finds its pages, and nothing else."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import NoReverseMatch, reverse

from rtcm.core.roles import COORDINATOR, LIBRARIAN, MANAGER, NETWORK_OFFICER
from rtcm.staff import navigation
from tests.factories import TrainingFactory, staff_user

pytestmark = pytest.mark.django_db

# What each role's menu holds, in order (a page not built yet is simply left out: the
# expected list keeps only the names that resolve).
EXPECTED = {
    COORDINATOR: [
        "staff:dashboard",
        "staff:training_list",
        "staff:today",
        "reports:index",
        "jobs:list",
        "security:index",
        "admin:index",
    ],
    MANAGER: [
        "staff:dashboard",
        "staff:training_list",
        "reports:index",
        "jobs:list",
        "staff:audit",
        "staff:privacy",
        "security:index",
        "admin:index",
    ],
    LIBRARIAN: [
        "staff:dashboard",
        "admin:library_document_changelist",
        "security:index",
        "admin:index",
    ],
    NETWORK_OFFICER: ["staff:dashboard", "experts_staff:list", "security:index"],
    None: ["staff:dashboard", "security:index"],  # staff without a role
}


def _resolvable(names):
    known = _known()
    return [name for name in names if name in known]


def _known():
    known = set()
    for entry in navigation.NAVIGATION:
        try:
            reverse(entry.url_name)
        except NoReverseMatch:  # a page not built yet
            continue
        known.add(entry.url_name)
    return known


def _menu(html: str) -> list[str]:
    menu = html.split('class="dropdown-menu"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'data-nav="([^"]+)"', menu)


@pytest.mark.parametrize("role", list(EXPECTED), ids=lambda role: role or "no role")
def test_each_role_sees_its_pages_in_the_menu(role):
    user = staff_user("someone", roles=(role,) if role else ())
    client = Client()
    client.force_login(user)
    html = client.get(reverse("staff:dashboard")).content.decode()
    assert _menu(html) == _resolvable(EXPECTED[role])


@pytest.mark.parametrize("role", list(EXPECTED), ids=lambda role: role or "no role")
def test_the_dashboard_links_the_same_pages(role):
    user = staff_user("someone", roles=(role,) if role else ())
    client = Client()
    client.force_login(user)
    html = client.get(reverse("staff:dashboard")).content.decode()
    links = html.split('class="d-flex flex-wrap gap-2 staff-links"', 1)[1].split("</nav>", 1)[0]
    shown = re.findall(r'data-nav="([^"]+)"', links)
    assert shown == [name for name in _resolvable(EXPECTED[role]) if name != "staff:dashboard"]


def test_every_entry_a_role_sees_opens_for_that_role():
    """The menu never offers a page that then answers 403."""
    for role in (COORDINATOR, MANAGER, LIBRARIAN, NETWORK_OFFICER):
        user = staff_user(f"user-{role.replace(' ', '-')}", roles=(role,))
        if role == COORDINATOR:  # a coordinator's reports are those of their trainings
            TrainingFactory().coordinators.add(user)
        client = Client()
        client.force_login(user)
        for link in navigation.staff_navigation(user):
            assert client.get(link.url).status_code == 200, (role, link.url_name)


def test_a_superuser_sees_every_entry():
    root = User.objects.create_superuser("root", password="x")
    assert [link.url_name for link in navigation.staff_navigation(root)] == sorted(
        _known(), key=[entry.url_name for entry in navigation.NAVIGATION].index
    )


def test_visitors_and_non_staff_see_no_staff_menu(client):
    html = client.get(reverse("home")).content.decode()
    assert "staff-menu" not in html
    person = User.objects.create_user("person", password="x")
    client.force_login(person)
    assert "staff-menu" not in client.get(reverse("home")).content.decode()
    assert navigation.staff_navigation(person) == []


def test_an_entry_whose_page_does_not_exist_is_left_out(monkeypatch):
    monkeypatch.setattr(
        navigation,
        "NAVIGATION",
        (navigation.Entry("Nowhere", "staff:no_such_page"), *navigation.NAVIGATION),
    )
    root = User.objects.create_superuser("root", password="x")
    assert "staff:no_such_page" not in [link.url_name for link in navigation.staff_navigation(root)]


def test_a_public_page_asks_nothing_more_for_a_visitor(client, django_assert_num_queries):
    client.get(reverse("about"))
    with django_assert_num_queries(0):
        client.get(reverse("about"))
