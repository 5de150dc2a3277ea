"""Access checks for staff pages, in one place (the API's are in permissions.py)."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from rtcm.core.roles import user_has_role


def role_required(role: str) -> Callable:
    """Staff holding ``role`` (and superusers) only.

    Anonymous visitors go to the admin sign-in and come back; signed-in people
    without the role get 403 (a redirect to a sign-in they already passed
    would loop).
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            if not user_has_role(request.user, role):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Any active staff member, whatever their roles (e.g. for their own jobs).

    Same behaviour as ``role_required``: anonymous visitors go to the admin
    sign-in and come back; signed-in people who are not staff get 403.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        user = request.user
        if not (user.is_active and (user.is_staff or user.is_superuser)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def any_role_required(*roles: str) -> Callable:
    """Staff holding any of ``roles`` (and superusers); same behaviour as ``role_required``."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            if not any(user_has_role(request.user, role) for role in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
