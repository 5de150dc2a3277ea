"""``seed_demo --demo-login``: one sign-in account per role besides the superuser."""

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse

from courses.models import Training
from rtcm.core.roles import ALL_ROLES, COORDINATOR
from rtcm.demo.accounts import DEMO_PASSWORD, DEMO_ROLE_ACCOUNTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_login(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--participants", "0", "--demo-login", verbosity=0)


def test_each_role_has_an_account_holding_exactly_that_role(demo_login):
    assert set(DEMO_ROLE_ACCOUNTS.values()) == set(ALL_ROLES)
    for username, role in DEMO_ROLE_ACCOUNTS.items():
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.is_staff
        assert user.is_active
        assert not user.is_superuser
        assert user.check_password(DEMO_PASSWORD)


def test_each_account_signs_in_through_the_admin_form(demo_login, client, settings):
    settings.RTCM_STAFF_2FA = "optional"
    for username in DEMO_ROLE_ACCOUNTS:
        response = client.post(
            reverse("admin:login"),
            {"username": username, "password": DEMO_PASSWORD, "next": reverse("staff:dashboard")},
        )
        assert response.status_code == 302, username
        assert response["Location"] == reverse("staff:dashboard")
        assert client.get(reverse("staff:dashboard")).status_code == 200
        client.logout()


def test_the_demo_coordinator_runs_some_trainings_not_all(demo_login):
    coordinator = User.objects.get(username="coordinator")
    assert coordinator.groups.get().name == COORDINATOR
    mine = set(coordinator.coordinated_trainings.values_list("status", flat=True))
    # The last completed, the ones running, one open for approval and a draft.
    assert {"completed", "closed", "open", "draft"} <= mine
    count = coordinator.coordinated_trainings.count()
    assert 0 < count < Training.objects.count()


def test_seeding_twice_keeps_one_account_per_role(demo_login):
    call_command("seed_demo", "--participants", "0", "--demo-login", verbosity=0)
    assert User.objects.filter(username__in=DEMO_ROLE_ACCOUNTS).count() == len(DEMO_ROLE_ACCOUNTS)
    assert User.objects.get(username="coordinator").groups.count() == 1


def test_the_printed_login_lists_every_account(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo", "--participants", "0", "--demo-login")
    printed = capsys.readouterr().out
    for username in ("demo", *DEMO_ROLE_ACCOUNTS):
        assert f"  {username} " in printed
    assert DEMO_PASSWORD in printed


def test_no_role_account_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refused when DEBUG is off"):
        call_command("seed_demo", "--demo-login", verbosity=0)
    assert not User.objects.filter(username__in=DEMO_ROLE_ACCOUNTS).exists()
