"""Public registration, the manage-registration page (by token) and "my trainings"."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses import selectors as course_selectors
from participants import selectors, services
from participants.certificates import certificate_file_response
from participants.forms import (
    CancelForm,
    ConsentChoicesForm,
    ContactDetailsForm,
    RegistrationForm,
    SignInRequestForm,
)
from participants.models import Certificate, ManageToken, Participant, Registration
from participants.panels import registration_panels_render
from rtcm.core import privacy
from rtcm.core.audit import audit_event
from rtcm.core.errors import DomainError
from rtcm.core.forms import add_domain_error
from rtcm.core.models import AuditEvent
from rtcm.core.ratelimit import rate_limit
from rtcm.core.storage import content_disposition

SESSION_PARTICIPANT = "rtcm_participant_id"


def _bound(request):
    return request.POST if request.method == "POST" else None


@require_http_methods(["GET", "POST"])
@rate_limit(
    scope="register",
    limit_setting="RTCM_REGISTER_RATE_PER_HOUR",
    per_seconds=3600,
    message=gettext_lazy(
        "Too many registrations were sent from your network in the last hour. "
        "Please try again later."
    ),
)
def register(request, slug):
    training = course_selectors.training_get_public(slug=slug)
    if training is None:
        raise Http404
    is_open = training.registration_is_open()
    form = RegistrationForm(
        _bound(request), training=training, initial={"preferred_language": request.LANGUAGE_CODE}
    )
    if request.method == "POST" and is_open and form.is_valid():
        try:
            registration = services.registration_submit_public(
                training=training,
                participant_data=form.person_data(),
                answers=form.answers(),
                source=Registration.Source.WEB,
                consents=form.consents(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if registration is None or registration.manage_token is None:
                # A known address: whoever typed it may not be its owner. The
                # link goes to the inbox only; the page says nothing of the person.
                return redirect("participants:check_inbox")
            messages.success(request, _status_message(registration))
            return redirect(registration.get_absolute_url())
    context = {"training": training, "form": form, "registration_open": is_open}
    status = 400 if request.method == "POST" else 200
    return render(request, "participants/register.html", context, status=status)


@require_GET
def check_inbox(request):
    """After a registration by an address already known: the link went by e-mail."""
    response = render(request, "participants/check_inbox.html")
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


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
    """Everything a person can do with their registration, reached by its secret link."""
    registration = selectors.registration_get_by_token(token=token)
    if registration is None:
        raise Http404
    action = request.POST.get("action") if request.method == "POST" else None
    # Only a link that reached the person's inbox shows or changes their details.
    contact_allowed = registration.manage_link_emailed
    # The person's consents are theirs as their contact details are: the same rule.
    if action in ("contact", "consent") and not contact_allowed:
        raise PermissionDenied
    cancel_form = CancelForm(request.POST if action == "cancel" else None)
    contact_form = ContactDetailsForm(
        request.POST if action == "contact" else None, instance=registration.participant
    )
    if action == "cancel" and cancel_form.is_valid():
        try:
            services.registration_cancel(registration=registration)
        except DomainError as error:
            add_domain_error(cancel_form, error)
        else:
            messages.success(request, _("Your registration is cancelled."))
            return redirect(registration.get_absolute_url())
    if action == "contact" and contact_form.is_valid():
        services.participant_update_contact(
            participant=registration.participant, data=contact_form.cleaned_data
        )
        messages.success(request, _("Your contact details are updated."))
        return redirect(registration.get_absolute_url())
    active_consents = (
        privacy.consents_active(registration.participant.consents) if contact_allowed else set()
    )
    consent_form = ConsentChoicesForm(
        request.POST if action == "consent" else None,
        initial=ConsentChoicesForm.initial_for(active_consents),
    )
    if action == "consent" and consent_form.is_valid():
        services.participant_set_consents(
            participant=registration.participant, purposes=consent_form.purposes()
        )
        messages.success(request, _("Your choices are saved."))
        return redirect(registration.get_absolute_url())
    # The panels of the apps above (library materials, trainer ratings) may handle
    # their own POST actions and answer with a redirect.
    panels = registration_panels_render(request, registration, action=action)
    if panels.response is not None:
        return panels.response
    training = course_selectors.training_get_public(
        slug=registration.training.slug, include_unpublished=True
    )
    certificate = Certificate.objects.filter(registration=registration).first()
    context = {
        "registration": registration,
        "participant": registration.participant,
        "training": training,
        "answers": registration.answers.select_related("question"),
        "waitlist_position": selectors.registration_waitlist_position(registration=registration),
        "certificate": certificate,
        "certificate_ready": _certificate_ready(certificate),
        "cancel_form": cancel_form,
        "contact_form": contact_form,
        "consent_form": consent_form,
        "panels": panels.html,
        "confirming_cancel": request.GET.get("cancel") == "1" or bool(cancel_form.errors),
        "contact_allowed": contact_allowed,
        "editing_contact": contact_allowed
        and (request.GET.get("edit") == "1" or bool(contact_form.errors)),
        "can_cancel": services.registration_can_cancel(registration, training),
    }
    invalid = cancel_form.errors or contact_form.errors or panels.invalid
    status = 400 if invalid else 200
    response = render(request, "participants/manage.html", context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _certificate_ready(certificate: Certificate | None) -> bool:
    """A certificate the person may download: rendered and not revoked."""
    return certificate is not None and bool(certificate.pdf) and not certificate.is_revoked


@require_GET
def certificate_download(request, token):
    """The person's certificate PDF, by the registration's secret link; 404 otherwise."""
    registration = selectors.registration_get_by_token(token=token)
    if registration is None:
        raise Http404
    certificate = Certificate.objects.filter(registration=registration).first()
    if not _certificate_ready(certificate):
        raise Http404
    response = certificate_file_response(certificate)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limit(
    scope="sign-in",
    limit_setting="RTCM_SIGN_IN_RATE_PER_HOUR",
    per_seconds=3600,
    message=gettext_lazy(
        "Too many sign-in links were asked for from your network in the last hour. "
        "Please try again later."
    ),
)
def my_trainings(request):
    """All of a person's registrations, once they followed a one-time link from their e-mail."""
    participant_id = request.session.get(SESSION_PARTICIPANT)
    if participant_id is not None:
        registrations = list(selectors.participant_registrations(participant_id=participant_id))
        ManageToken.objects.issue_for(registrations)  # stored hashed: a fresh link each
        return render(request, "participants/my_trainings.html", {"registrations": registrations})
    form = SignInRequestForm(_bound(request))
    if request.method == "POST" and form.is_valid():
        services.participant_request_sign_in(email=form.cleaned_data["email"])
        # The same answer whether or not the address is known.
        messages.info(
            request,
            _(
                "If this address has registrations with us, a sign-in link is on its way. "
                "It works once, within an hour."
            ),
        )
        return redirect("participants:my_trainings")
    response = render(request, "participants/sign_in.html", {"form": form})
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
def sign_in(request, token):
    participant = services.participant_sign_in(token=token)
    if participant is None:
        messages.error(
            request, _("This sign-in link has expired or was already used. Ask for a new one.")
        )
        return redirect("participants:my_trainings")
    request.session.cycle_key()
    request.session[SESSION_PARTICIPANT] = participant.pk
    return redirect("participants:my_trainings")


@require_POST
def sign_out(request):
    request.session.pop(SESSION_PARTICIPANT, None)
    request.session.cycle_key()
    messages.info(request, _("You are signed out."))
    return redirect(reverse("participants:my_trainings"))


def _personal_data_response(request, participant) -> HttpResponse:
    audit_event(
        request,
        AuditEvent.Kind.EXPORT,
        summary="Personal data export by the person",
        obj=participant,
    )
    response = HttpResponse(
        services.participant_data_export(participant), content_type="application/zip"
    )
    response["Content-Disposition"] = content_disposition("my-data.zip")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_GET
def data_export(request, token):
    """The person's data as a ZIP (``participant_data_export``), from a manage link that
    reached their inbox; the link shown at once after a first registration proves none."""
    registration = selectors.registration_get_by_token(token=token)
    if registration is None or registration.participant.erased_at is not None:
        raise Http404
    if not registration.manage_link_emailed:
        raise PermissionDenied
    return _personal_data_response(request, registration.participant)


@never_cache
@require_GET
def my_data_export(request):
    """The same ZIP for a person signed in to "my trainings" by a one-time e-mailed link."""
    participant_id = request.session.get(SESSION_PARTICIPANT)
    participant = (
        Participant.objects.filter(pk=participant_id, erased_at__isnull=True).first()
        if participant_id is not None
        else None
    )
    if participant is None:
        return redirect("participants:my_trainings")
    return _personal_data_response(request, participant)
