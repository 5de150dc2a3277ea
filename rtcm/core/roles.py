"""Staff roles. A role is a Django group; superusers hold every role."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

COORDINATOR = "coordinator"
MANAGER = "manager"
LIBRARIAN = "librarian"
NETWORK_OFFICER = "network officer"

ALL_ROLES = [COORDINATOR, MANAGER, LIBRARIAN, NETWORK_OFFICER]


def user_has_role(user: AbstractBaseUser | AnonymousUser, role: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.is_staff and user.groups.filter(name=role).exists()
