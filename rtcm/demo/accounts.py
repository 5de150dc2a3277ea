"""The demo's accounts: the coordinator who acts in its story, and the optional login.

The staff steps of the story (approvals, rejections, attendance sheets, calling a
training off) are made by the coordinator ``demo-coordinator`` so that the audit
rows name a person, as they do in real life. That account cannot sign in: it has
no usable password and is inactive.

``--demo-login`` adds the superuser ``demo`` / ``rtcm-demo`` and one account per
role (``DEMO_ROLE_ACCOUNTS``: staff, not superusers, same password), so that anyone
trying RTCM sees it as each role does; refused unless DEBUG is on
(``seed.seed_demo`` checks it): the password is published.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group

from courses.models import Training
from rtcm.core.roles import (
    ALL_ROLES,
    COMMUNICATIONS,
    COORDINATOR,
    LIBRARIAN,
    MANAGER,
    NETWORK_OFFICER,
)

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "rtcm-demo"  # noqa: S105 — public on purpose; refused unless DEBUG
COORDINATOR_USERNAME = "demo-coordinator"

# The sign-in accounts of --demo-login besides the superuser: user name -> role.
DEMO_ROLE_ACCOUNTS: dict[str, str] = {
    "coordinator": COORDINATOR,
    "manager": MANAGER,
    "librarian": LIBRARIAN,
    "officer": NETWORK_OFFICER,
    "editor": COMMUNICATIONS,
}
# The hand-placed trainings (``trainings.SCHEDULE``, numbered from 1 at the end of
# their slugs) the demo coordinator runs: the last completed one (certificates), the two
# running today (attendance), the next one needing approval and a draft (to publish).
# Not every training: a coordinator sees only their own.
COORDINATED_TRAININGS = (6, 7, 8, 9, 12)


def ensure_demo_coordinator() -> AbstractBaseUser:
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=COORDINATOR_USERNAME,
        defaults={
            "email": "coordinator@example.org",
            "first_name": "Demo",
            "last_name": "Coordinator",
            "is_staff": True,
            "is_active": False,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(*Group.objects.filter(name=COORDINATOR))
    return user


def ensure_demo_login() -> str:
    user_model = get_user_model()
    user, _created = user_model.objects.get_or_create(
        username=DEMO_USERNAME, defaults={"email": "demo@example.org"}
    )
    user.is_staff = user.is_superuser = user.is_active = True
    user.set_password(DEMO_PASSWORD)
    user.save()
    user.groups.add(*Group.objects.filter(name__in=ALL_ROLES))
    for username, role in DEMO_ROLE_ACCOUNTS.items():
        ensure_role_account(username=username, role=role)
    return demo_login_text()


def ensure_role_account(*, username: str, role: str) -> AbstractBaseUser:
    """A staff account holding exactly ``role``, signing in with the demo password."""
    user, _created = get_user_model().objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.org"}
    )
    user.is_staff = user.is_active = True
    user.is_superuser = False
    user.first_name, user.last_name = "Demo", role.capitalize()
    user.set_password(DEMO_PASSWORD)
    user.save()
    user.groups.set(Group.objects.filter(name=role))
    if role == COORDINATOR:
        numbers = "|".join(str(number) for number in COORDINATED_TRAININGS)
        user.coordinated_trainings.add(*Training.objects.filter(slug__regex=rf"-({numbers})$"))
    return user


def demo_login_text() -> str:
    """The sign-in lines ``seed_demo --demo-login`` prints (DEBUG only: the password is public)."""
    lines = [f"Demo login at {settings.SITE_URL}/admin/ (password {DEMO_PASSWORD} for each):"]
    lines.append(f"  {DEMO_USERNAME:<12} superuser: every page")
    lines.extend(f"  {username:<12} {role}" for username, role in DEMO_ROLE_ACCOUNTS.items())
    return "\n".join(lines)
