"""Public registration and the manage-registration page (reached by token)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from courses import selectors as course_selectors
from courses.models import Training
from participants import selectors, services
from participants.forms import CancelForm, RegistrationForm
from participants.models import Registration
from rtcm.core.errors import DomainError


@require_http_methods(["GET", "POST"])
def register(request, slug):
    training = course_selectors.training_get_public(slug=slug)
    if training is None:
        raise Http404
    is_open = training.registration_is_open()
    form = RegistrationForm(
        request.POST or None, initial={"preferred_language": request.LANGUAGE_CODE}
    )
    if request.method == "POST" and is_open and form.is_valid():
        try:
            registration = services.registration_submit(
                training=training,
                participant_data=form.cleaned_data,
                source=Registration.Source.WEB,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _status_message(registration))
            return redirect(registration.get_absolute_url())
    context = {
        "training": training,
        "form": form,
        "registration_open": is_open,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "participants/register.html", context, status=status)


def _status_message(registration: Registration) -> str:
    messages_by_status = {
        Registration.Status.CONFIRMED: _("You are registered: your seat is confirmed."),
        Registration.Status.WAITLISTED: _(
            "The training is full: you are on the waiting list and will be told if a seat frees up."
        ),
        Registration.Status.PENDING: _(
            "Thank you: your registration is awaiting the coordinator's approval."
        ),
    }
    return messages_by_status.get(registration.status, _("Your registration was saved."))


@never_cache
@require_http_methods(["GET", "POST"])
def manage(request, token):
    registration = selectors.registration_get_by_token(token=token)
    if registration is None:
        raise Http404
    cancel_form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and cancel_form.is_valid():
        try:
            services.registration_cancel(registration=registration)
        except DomainError as error:
            cancel_form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Your registration is cancelled."))
            return redirect(registration.get_absolute_url())
    training = course_selectors.training_get_public(
        slug=registration.training.slug, include_unpublished=True
    )
    context = {
        "registration": registration,
        "participant": registration.participant,
        "training": training,
        "waitlist_position": selectors.registration_waitlist_position(registration=registration),
        "cancel_form": cancel_form,
        "confirming_cancel": request.GET.get("cancel") == "1" or cancel_form.errors,
        "can_cancel": registration.is_active
        and training.status not in (Training.Status.COMPLETED, Training.Status.CANCELLED),
    }
    response = render(request, "participants/manage.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
