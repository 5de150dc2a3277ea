"""API permissions by role; the rules themselves are ``rtcm.core.access``'s.

Per-training scope is not here: the views fetch their training, session or
registrations through ``rtcm.core.access`` (``courses.access``), so that a
coordinator of another training gets 404 as on the pages.
"""

from rest_framework.permissions import BasePermission

from rtcm.core.access import READ_EVERY_TRAINING, user_has_any_role, user_has_role, user_is_staff
from rtcm.core.roles import COORDINATOR, LIBRARIAN, NETWORK_OFFICER


class IsStaff(BasePermission):
    """Any active staff member (superusers included)."""

    def has_permission(self, request, view) -> bool:
        return user_is_staff(request.user)


class IsCoordinator(BasePermission):
    """Staff who run trainings (and superusers)."""

    def has_permission(self, request, view) -> bool:
        return user_has_role(request.user, COORDINATOR)


class IsTrainingStaff(BasePermission):
    """Coordinators (their trainings) and the roles that read every training (managers)."""

    def has_permission(self, request, view) -> bool:
        return user_has_any_role(request.user, (COORDINATOR, *READ_EVERY_TRAINING))


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
        return user_has_any_role(request.user, (COORDINATOR, NETWORK_OFFICER))
