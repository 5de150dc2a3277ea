"""The coordinators' training pages: the list, a training's overview with its life-cycle
buttons, the life-cycle actions and the clone.

Access (``rtcm.core.access``): coordinators see and act on the trainings they
coordinate, managers read every training and act on none, other roles get 403
(a training the person may not view: 404). The rules are the services'
(``courses.services``); the counts are the selectors'
(``participants.selectors.training_list_staff``).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from courses import services as course_services
from courses.access import training_for_user_or_404, trainings_for_user, user_may_act_on_training
from courses.models import Session, Training
from participants import selectors
from rtcm.core.access import CHANGE, VIEW, training_staff_required, user_has_role
from rtcm.core.errors import DomainError
from rtcm.core.forms import add_domain_error
from rtcm.core.roles import COORDINATOR
from rtcm.staff.trainings.forms import (
    TrainingCancelForm,
    TrainingCloneForm,
    TrainingListFilterForm,
)

TRAININGS_PER_PAGE = 20

# The life-cycle actions of the page, each a service of ``courses.services``.
ACTION_SERVICES = {
    "publish": course_services.training_publish,
    "close": course_services.training_close,
    "complete": course_services.training_complete,
    "cancel": course_services.training_cancel,
}


def _done_message(action: str) -> str:
    return {
        "publish": _("The training is published: people may register in its window."),
        "close": _("Registration for the training is closed."),
        "complete": _("The training is marked as completed."),
        "cancel": _(
            "The training is cancelled. Every active registration is cancelled and each "
            "person is told by e-mail, in their language."
        ),
    }[action]


@never_cache
@training_staff_required
@require_GET
def training_list(request: HttpRequest) -> HttpResponse:
    """The trainings the person may view, the ones they coordinate first."""
    form = TrainingListFilterForm(request.GET or None)
    mine = Training.coordinators.through.objects.filter(
        training_id=OuterRef("pk"), user_id=request.user.pk
    )
    trainings = (
        form.filter(trainings_for_user(request.user, action=VIEW))
        .annotate(is_mine=Exists(mine))
        .order_by("-is_mine", "-start_date", "title", "pk")
    )
    page = Paginator(selectors.training_list_staff(trainings), TRAININGS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        # Any coordinator may create a training (they coordinate what they create).
        "may_create": user_has_role(request.user, COORDINATOR),
    }
    return render(request, "staff/trainings/list.html", context)


@never_cache
@training_staff_required
@require_GET
def training_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A training's overview: dates, seats and quotas, sessions, its pages, its actions."""
    queryset = selectors.training_list_staff(Training.objects.all()).prefetch_related(
        Prefetch("sessions", queryset=Session.objects.order_by("starts_at", "pk")),
        "modules",
        "coordinators",
    )
    training = training_for_user_or_404(request.user, slug, action=VIEW, queryset=queryset)
    may_change = user_may_act_on_training(request.user, training, action=CHANGE)
    actions = (
        [
            {"name": name, "label": course_services.TRANSITIONS[name].label}
            for name in course_services.training_allowed_actions(training)
        ]
        if may_change
        else []
    )
    kwargs = {"slug": training.slug}
    links = {
        "registrations": reverse("staff:training_registrations", kwargs=kwargs),
        "messages": reverse("staff:training_messages", kwargs=kwargs),
        "certificates": reverse("staff:training_certificates", kwargs=kwargs),
        "export_xlsx": reverse("staff_io:training_export", kwargs={**kwargs, "format": "xlsx"}),
        "export_csv": reverse("staff_io:training_export", kwargs={**kwargs, "format": "csv"}),
        "import": reverse("staff_io:training_import", kwargs=kwargs) if may_change else None,
        "edit": reverse("staff:training_edit", kwargs=kwargs) if may_change else None,
        "clone": reverse("staff:training_clone", kwargs=kwargs) if may_change else None,
        "admin": reverse("admin:courses_training_change", args=[training.pk]),
        "public": training.get_absolute_url(),
    }
    context = {"training": training, "actions": actions, "links": links}
    return render(request, "staff/trainings/detail.html", context)


@never_cache
@training_staff_required
@require_http_methods(["GET", "POST"])
def training_action(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    """Publish, close, complete (POST) or cancel (a confirmation page asking the reason)."""
    if action not in ACTION_SERVICES:
        raise Http404
    if request.method == "GET" and action != "cancel":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    training = training_for_user_or_404(request.user, slug, action=CHANGE)
    detail_url = reverse("staff:training_detail", kwargs={"slug": training.slug})
    if action != "cancel":
        try:
            ACTION_SERVICES[action](training=training, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _done_message(action))
        return redirect(detail_url)
    if action not in course_services.training_allowed_actions(training):
        # Cancelled already (or completed): nothing to cancel, nobody to tell again.
        messages.error(
            request,
            _("This training is “%(status)s”: it cannot be cancelled.")
            % {"status": training.get_status_display()},
        )
        return redirect(detail_url)
    form = TrainingCancelForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            course_services.training_cancel(
                training=training, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _done_message(action))
        return redirect(detail_url)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "staff/trainings/cancel.html",
        {"training": training, "form": form, "detail_url": detail_url},
        status=status,
    )


@never_cache
@training_staff_required
@require_http_methods(["GET", "POST"])
def training_clone(request: HttpRequest, slug: str) -> HttpResponse:
    """A draft re-run of the training on new dates (``courses.services.training_clone``)."""
    source = training_for_user_or_404(request.user, slug, action=CHANGE)
    form = TrainingCloneForm(
        request.POST if request.method == "POST" else None, initial={"title": source.title}
    )
    if form.is_valid():
        try:
            clone = course_services.training_clone(
                source=source,
                start_date=form.cleaned_data["start_date"],
                title=form.cleaned_data["title"] or None,
                actor=request.user,
            )
        except (DomainError, ValidationError) as error:
            add_domain_error(form, error, default_field="start_date")
        else:
            messages.success(
                request,
                _("“%(title)s” is ready as a draft, with its sessions on the new dates.")
                % {"title": clone.title},
            )
            # On to its edit page: a re-run's details (venue, trainers …) are checked next.
            return redirect("staff:training_edit", slug=clone.slug)
    status = 400 if form.is_bound else 200
    return render(
        request, "staff/trainings/clone.html", {"source": source, "form": form}, status=status
    )
