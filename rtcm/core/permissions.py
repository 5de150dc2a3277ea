"""API permissions by role: one place for the access rules."""

from rest_framework.permissions import BasePermission

from rtcm.core.roles import COORDINATOR, LIBRARIAN, NETWORK_OFFICER, user_has_role


class IsCoordinator(BasePermission):
    """Staff who run trainings (and superusers)."""

    def has_permission(self, request, view) -> bool:
        return user_has_role(request.user, COORDINATOR)


class IsLibrarian(BasePermission):
    """Staff who publish documents to the electronic library (and superusers)."""

    def has_permission(self, request, view) -> bool:
        return user_has_role(request.user, LIBRARIAN)


class IsNetworkOfficer(BasePermission):
    """Staff who vet expert applications and keep the expert directory (and superusers)."""

    def has_permission(self, request, view) -> bool:
        return user_has_role(request.user, NETWORK_OFFICER)


class IsCoordinatorOrNetworkOfficer(BasePermission):
    """Either role: coordinators pick trainers from the network its officers keep."""

    def has_permission(self, request, view) -> bool:
        return user_has_role(request.user, COORDINATOR) or user_has_role(
            request.user, NETWORK_OFFICER
        )
