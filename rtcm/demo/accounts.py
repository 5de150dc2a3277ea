"""The demo's accounts: the coordinator who acts in its story, and the optional login.

The staff steps of the story (approvals, rejections, attendance sheets, calling a
training off) are made by the coordinator ``demo-coordinator`` so that the audit
rows name a person, as they do in real life. That account cannot sign in: it has
no usable password and is inactive.

``--demo-login`` adds the superuser ``demo`` / ``rtcm-demo``, refused unless DEBUG
is on (``seed.seed_demo`` checks it).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group

from rtcm.core.roles import ALL_ROLES, COORDINATOR

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "rtcm-demo"  # noqa: S105 — public on purpose; refused unless DEBUG
COORDINATOR_USERNAME = "demo-coordinator"


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
    return f"Demo login: {DEMO_USERNAME} / {DEMO_PASSWORD} at {settings.SITE_URL}/admin/"
