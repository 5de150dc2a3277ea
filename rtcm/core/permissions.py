"""API permissions by role: one place for the access rules."""

from rest_framework.permissions import BasePermission

from rtcm.core.roles import COORDINATOR, LIBRARIAN, user_has_role


class IsCoordinator(BasePermission):
    """Staff who run trainings (and superusers)."""

    def has_permission(self, request, view) -> bool:
        return user_has_role(request.user, COORDINATOR)


class IsLibrarian(BasePermission):
    """Staff who publish documents to the electronic library (and superusers)."""

    def has_permission(self, request, view) -> bool:
        return user_has_role(request.user, LIBRARIAN)
