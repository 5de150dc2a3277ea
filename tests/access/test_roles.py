"""The access module's answers, and the role → permissions table applied to the groups."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from courses.access import (
    session_for_user_or_404,
    training_for_user_or_404,
    trainings_for_user,
)
from courses.models import Training
from rtcm.core.access import CHANGE, VIEW, user_has_role, user_is_staff, user_roles
from rtcm.core.apps import _apply_role_permissions
from rtcm.core.roles import (
    ALL_ROLES,
    COORDINATOR,
    MANAGER,
    NETWORK_OFFICER,
    ROLE_PERMISSIONS,
    role_permission_codenames,
)
from tests.factories import SessionFactory, TrainingFactory, staff_user

pytestmark = pytest.mark.django_db


def held(role: str) -> set[tuple[str, str]]:
    group = Group.objects.get(name=role)
    return set(group.permissions.values_list("content_type__app_label", "codename"))


@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_role_group_holds_exactly_the_tables_permissions(role):
    wanted = role_permission_codenames(role)
    assert wanted, role
    assert held(role) == wanted


def test_every_model_in_the_table_exists():
    """A typo in the table would silently grant nothing."""
    from django.apps import apps

    for permissions in ROLE_PERMISSIONS.values():
        for label in permissions:
            apps.get_model(label)  # raises LookupError for an unknown model


def test_migrate_puts_a_hand_edited_group_back():
    group = Group.objects.get(name=COORDINATOR)
    group.permissions.remove(Permission.objects.get(codename="view_training"))
    group.permissions.add(Permission.objects.get(codename="delete_user"))
    from django.apps import apps

    _apply_role_permissions(sender=apps.get_app_config("core"), using="default")
    assert held(COORDINATOR) == role_permission_codenames(COORDINATOR)


def test_who_is_staff():
    assert not user_is_staff(AnonymousUser())
    assert not user_is_staff(None)
    assert not user_is_staff(User.objects.create_user("plain"))
    inactive = staff_user("gone")
    inactive.is_active = False
    assert not user_is_staff(inactive)
    assert user_is_staff(staff_user("staff"))
    root = User.objects.create_user("root", is_superuser=True)  # not is_staff: still staff
    assert user_is_staff(root)
    root.is_active = False
    assert not user_is_staff(root)


def test_roles_are_read_once_per_user_object(django_assert_num_queries):
    user = staff_user("both", roles=(COORDINATOR, MANAGER))
    user = User.objects.get(pk=user.pk)  # as a request loads it
    with django_assert_num_queries(1):
        assert user_has_role(user, COORDINATOR)
        assert user_has_role(user, MANAGER)
        assert not user_has_role(user, NETWORK_OFFICER)
        assert user_roles(user) == {COORDINATOR, MANAGER}


def test_superusers_hold_every_role_without_a_query(django_assert_num_queries):
    root = User.objects.create_superuser("root", password="x")
    with django_assert_num_queries(0):
        assert user_roles(root) == set(ALL_ROLES)


def test_the_training_scope():
    owner = staff_user("owner", roles=(COORDINATOR,))
    teammate = staff_user("teammate", roles=(COORDINATOR,))
    manager = staff_user("manager", roles=(MANAGER,))
    idle = staff_user("idle")
    a = TrainingFactory(slug="a")
    a.coordinators.add(owner)
    b = TrainingFactory(slug="b")
    b.coordinators.add(teammate)
    session = SessionFactory(training=a)

    assert list(trainings_for_user(owner, action=CHANGE)) == [a]
    assert set(trainings_for_user(manager, action=VIEW)) == {a, b}
    assert not trainings_for_user(manager, action=CHANGE).exists()
    assert not trainings_for_user(idle, action=VIEW).exists()
    assert not trainings_for_user(AnonymousUser(), action=VIEW).exists()

    assert training_for_user_or_404(owner, "a", action=CHANGE) == a
    assert training_for_user_or_404(manager, "a", action=VIEW) == a
    with pytest.raises(PermissionDenied):  # sees it, may not act on it
        training_for_user_or_404(manager, "a", action=CHANGE)
    with pytest.raises(Http404):  # another coordinator's: not even its existence
        training_for_user_or_404(teammate, "a", action=VIEW)
    with pytest.raises(Http404):
        training_for_user_or_404(owner, "no-such", action=VIEW)
    assert session_for_user_or_404(owner, session.pk, action=CHANGE) == session
    with pytest.raises(Http404):
        session_for_user_or_404(teammate, session.pk, action=VIEW)
    with pytest.raises(ValueError, match="action"):
        trainings_for_user(owner, action="delete")


def test_a_coordinator_who_creates_a_training_in_the_admin_runs_it(client):
    owner = staff_user("owner", roles=(COORDINATOR,))
    client.force_login(owner)
    url = reverse("admin:courses_training_add")
    page = client.get(url)
    assert page.status_code == 200
    start = timezone.localdate() + dt.timedelta(days=40)
    data = {
        "title_en": "Labour migration",
        "title_ru": "Трудовая миграция",
        "slug": "labour-migration",
        "time_zone": "Asia/Baku",
        "certificate_language": Training.CertificateLanguage.BILINGUAL,
        "format": Training.Format.ONLINE,
        "online_url": "https://meet.example.org/lm",
        "languages": '["en"]',
        "start_date": start.isoformat(),
        "end_date": start.isoformat(),
        "capacity": "10",
        "min_attendance_percent": "80",
        "min_hours": "0",
    }
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    training = Training.objects.get(slug="labour-migration")
    assert list(training.coordinators.all()) == [owner]
    change = reverse("admin:courses_training_change", args=[training.pk])
    assert client.get(change).status_code == 200
    teammate = staff_user("teammate", roles=(COORDINATOR,))
    client.force_login(teammate)
    assert client.get(change).status_code == 302  # "does not exist": back to the admin index
