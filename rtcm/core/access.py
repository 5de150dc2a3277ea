"""Who may do what: the one place every staff page, API view, admin, download and
export asks (the API's permission classes in ``permissions.py`` call it too).

Three questions, each answered here only:

- **Is this person staff?** ``user_is_staff``: an active account with ``is_staff``,
  or an active superuser.
- **Which roles do they hold?** ``user_roles`` / ``user_has_role``: the role groups,
  read once per request (kept on the user object, which lives for one request);
  superusers hold every role.
- **Which trainings may they act on?** The per-training scope, decided once:
  a coordinator views and changes only the trainings they coordinate
  (``Training.coordinators``); managers and superusers view every training;
  only superusers change every training. Everything that hangs off a training
  (its sessions, registrations, attendance, certificates, exports, imports,
  reports, trainer bookings) follows its training. ``scope_to_trainings``
  narrows any queryset by that rule given the lookup path to the training's
  coordinators; ``object_for_user_or_404`` fetches one row through it, in the
  shape of healthchecks' ``_get_check_for_user``: 404 when the person may not
  see it (its existence is not confirmed), 403 when they may see but not change
  it. ``courses.access`` wraps them for trainings and sessions (this module
  imports no app: ``rtcm.core`` is the ground floor).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.signals import request_started
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from rtcm.core.roles import ALL_ROLES, COORDINATOR, MANAGER, NETWORK_OFFICER

VIEW = "view"
CHANGE = "change"
ACTIONS = (VIEW, CHANGE)

# The roles that view every training's staff pages (reports, exports, sheets); the
# other roles see only the trainings they coordinate.
READ_EVERY_TRAINING = (MANAGER,)
# Network officers keep the expert network: they read every training's trainer
# suggestions (which show experts, never participants); booking stays the coordinators'.
READ_EVERY_TRAINING_MATCHING = (*READ_EVERY_TRAINING, NETWORK_OFFICER)

_ROLES_CACHE = "_rtcm_roles"
_requests = threading.local()  # how many requests this thread has begun


def _request_number() -> int:
    return getattr(_requests, "number", 0)


def _request_begins(**kwargs) -> None:
    _requests.number = _request_number() + 1


# A user object kept across requests (a test client's forced user) reads its roles
# again in each request; outside requests (shell, tasks) the first answer stays.
request_started.connect(_request_begins, dispatch_uid="rtcm-access-request-number")

AnyUser = AbstractBaseUser | AnonymousUser  # a signed-in account or an anonymous visitor


# --- who is staff, and their roles ---------------------------------------------------


def user_is_staff(user: AnyUser | None) -> bool:
    """An active staff account, or an active superuser: the one "is staff" test."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_staff or user.is_superuser)
    )


def user_roles(user: AnyUser | None) -> frozenset[str]:
    """The roles ``user`` holds (every role for a superuser; none unless staff).

    Read once per request: the answer is kept on the user object (which Django
    makes anew for each request), marked with the request it was read in.
    """
    if not user_is_staff(user):
        return frozenset()
    if user.is_superuser:
        return frozenset(ALL_ROLES)
    number, roles = user.__dict__.get(_ROLES_CACHE, (None, None))
    if roles is None or number != _request_number():
        roles = frozenset(user.groups.filter(name__in=ALL_ROLES).values_list("name", flat=True))
        user.__dict__[_ROLES_CACHE] = (_request_number(), roles)
    return roles


def user_has_role(user: AnyUser | None, role: str) -> bool:
    return role in user_roles(user)


def user_has_any_role(user: AnyUser | None, roles: Iterable[str]) -> bool:
    return not user_roles(user).isdisjoint(roles)


# --- the per-training scope ----------------------------------------------------------


def _check_action(action: str) -> None:
    if action not in ACTIONS:
        raise ValueError(f"action is one of {ACTIONS}, not {action!r}")


def user_acts_on_every_training(
    user: AnyUser | None, *, action: str, readers: Iterable[str] = READ_EVERY_TRAINING
) -> bool:
    """Superusers act on every training; ``readers`` (managers) view every one."""
    _check_action(action)
    if not user_is_staff(user):
        return False
    if user.is_superuser:
        return True
    return action == VIEW and user_has_any_role(user, readers)


def scope_to_trainings(
    user: AnyUser | None,
    queryset: QuerySet,
    *,
    action: str,
    path: str = "coordinators",
    readers: Iterable[str] = READ_EVERY_TRAINING,
) -> QuerySet:
    """``queryset`` narrowed to the rows of the trainings ``user`` may ``action`` on.

    ``path`` leads from the queryset's model to the training's coordinators
    (``"coordinators"`` for trainings, ``"training__coordinators"`` for sessions
    and registrations…). Filtering on one user through the many-to-many makes
    no duplicate rows.
    """
    if user_acts_on_every_training(user, action=action, readers=readers):
        return queryset
    if not user_has_role(user, COORDINATOR):
        return queryset.none()
    return queryset.filter(**{path: user})


def object_for_user_or_404(
    user: AnyUser | None,
    queryset: QuerySet,
    *,
    action: str,
    path: str = "coordinators",
    readers: Iterable[str] = READ_EVERY_TRAINING,
    **lookup,
) -> Model:
    """One row of ``queryset`` (by ``lookup``) that ``user`` may ``action`` on.

    404 when the row does not exist or ``user`` may not even view it (no hint
    that it exists); 403 (``PermissionDenied``) when they may view it but not
    change it.
    """
    _check_action(action)
    visible = scope_to_trainings(user, queryset, action=VIEW, path=path, readers=readers)
    try:
        row = visible.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, ValidationError):
        # A key of the wrong shape (``abc`` for an id) names no row either, as in
        # DRF's ``get_object_or_404``; the database never sees it.
        raise Http404 from None
    if action == CHANGE and not (
        scope_to_trainings(user, queryset, action=CHANGE, path=path, readers=readers)
        .filter(pk=row.pk)
        .exists()
    ):
        raise PermissionDenied
    return row


# --- page decorators -----------------------------------------------------------------


def _gate(test: Callable[[AnyUser], bool]) -> Callable:
    """Anonymous visitors go to the admin sign-in and come back; signed-in people
    who fail ``test`` get 403 (a redirect to a sign-in they already passed would loop)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            if not test(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def role_required(role: str) -> Callable:
    """Staff holding ``role`` (and superusers) only."""
    return _gate(lambda user: user_has_role(user, role))


def any_role_required(*roles: str) -> Callable:
    """Staff holding any of ``roles`` (and superusers)."""
    return _gate(lambda user: user_has_any_role(user, roles))


staff_required = _gate(user_is_staff)
staff_required.__doc__ = "Any active staff member, whatever their roles (e.g. for their own jobs)."

# The staff pages of a training: its coordinators act there, managers read them all.
training_staff_required = any_role_required(COORDINATOR, *READ_EVERY_TRAINING)


class TrainingScopedAdminMixin:
    """A ``ModelAdmin`` whose rows follow the per-training scope: the changelist, the
    change pages, the autocompletes and the actions see only the rows of the
    trainings the person may view. Whether they may change them is then the role's
    model permission (``rtcm.core.roles``): managers, who view every training, hold
    view permissions only."""

    training_path = "training__coordinators"
    training_readers: tuple[str, ...] = READ_EVERY_TRAINING  # roles that see every training's

    def get_queryset(self, request):
        return scope_to_trainings(
            request.user,
            super().get_queryset(request),
            action=VIEW,
            path=self.training_path,
            readers=self.training_readers,
        )
