"""The staff navigation: the one table of which role finds which page in the menu.

Each role sees the pages its work needs and nothing else (issue #13): coordinators
their trainings and today's sessions (import, certificates and messages hang off a
training's page), managers the reports, jobs, trainings (read-only), audit log and
data-protection requests, librarians the library's documents, network officers the
expert network; the admin only for the roles whose work is there. Superusers hold
every role, so they see every entry. An entry whose URL name does not resolve (a page
not built yet) is left out rather than breaking every staff page.

Who may *open* a page is not decided here: each view asks ``rtcm.core.access``; the
menu only leaves out what a role has no use for (``tests/staff/test_navigation.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from rtcm.core.access import AnyUser, user_is_staff, user_roles
from rtcm.core.roles import COORDINATOR, LIBRARIAN, MANAGER, NETWORK_OFFICER

EVERY_STAFF_MEMBER = None  # an entry every staff member sees, whatever their roles


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    roles: tuple[str, ...] | None = EVERY_STAFF_MEMBER


NAVIGATION: tuple[Entry, ...] = (
    Entry(_("Dashboard"), "staff:dashboard"),
    Entry(_("Trainings"), "staff:training_list", (COORDINATOR, MANAGER)),
    Entry(_("Today"), "staff:today", (COORDINATOR,)),
    # Coordinators read their own trainings' reports; managers every report.
    Entry(_("Reports"), "reports:index", (COORDINATOR, MANAGER)),
    Entry(_("Jobs"), "jobs:list", (COORDINATOR, MANAGER)),
    Entry(_("Audit log"), "staff:audit", (MANAGER,)),
    Entry(_("Data-protection requests"), "staff:privacy", (MANAGER,)),
    Entry(_("Library documents"), "admin:library_document_changelist", (LIBRARIAN,)),
    Entry(_("Expert network"), "experts_staff:list", (NETWORK_OFFICER,)),
    Entry(_("Account security"), "security:index"),
    # The admin: coordinators' power use, managers' country-to-region mapping,
    # librarians' documents. Network officers work on the expert network's pages.
    Entry(_("Admin"), "admin:index", (COORDINATOR, MANAGER, LIBRARIAN)),
)


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    url_name: str


def staff_navigation(user: AnyUser | None) -> list[Link]:
    """The menu entries ``user`` sees, in order; none for a visitor who is not staff."""
    if not user_is_staff(user):
        return []
    roles = user_roles(user)
    links = []
    for entry in NAVIGATION:
        if entry.roles is not EVERY_STAFF_MEMBER and roles.isdisjoint(entry.roles):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        links.append(Link(str(entry.label), url, entry.url_name))
    return links


def navigation(request: HttpRequest) -> dict:
    """Context processor: ``staff_navigation``, computed only when a template shows it."""
    user = getattr(request, "user", None)
    return {"staff_navigation": SimpleLazyObject(lambda: staff_navigation(user))}
