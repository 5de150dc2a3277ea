"""A training's registrations: filters, search, the waiting list in its order, bulk
decisions (approve / reject with a reason / cancel) and one registration's page
(its answers, status trail, e-mails and the move between statuses).

Access (``rtcm.core.access``): the training's coordinators act; managers read
(no forms, a POST is 403); other roles 403; a training the person may not view
is a 404. The rules are the services' (``participants.services``: bulk decisions
in submission order through ``registrations_bulk_decide``, moves through
``registration_move``); the reads are the selectors'.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_countries import countries

from courses.access import training_for_user_or_404, user_may_act_on_training
from courses.models import Question, Training
from participants import selectors, services
from participants.models import Participant, Registration
from rtcm.core.access import CHANGE, VIEW, training_staff_required
from rtcm.core.errors import DomainError
from rtcm.core.forms import StyledFormMixin, add_domain_error
from rtcm.core.models import Region

Status = Registration.Status


class RegistrationFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Search"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Name, e-mail or organisation."),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any status")), *Status.choices],
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("Region"),
        required=False,
        queryset=Region.objects.all(),
        empty_label=gettext_lazy("Any region"),
    )
    country = forms.ChoiceField(
        label=gettext_lazy("Country (nationality or residence)"),
        required=False,
        choices=[("", gettext_lazy("Any country")), *countries],
    )
    organisation_type = forms.ChoiceField(
        label=gettext_lazy("Organisation type"),
        required=False,
        choices=[("", gettext_lazy("Any type")), *Participant.OrganisationType.choices],
    )
    question = forms.TypedChoiceField(
        label=gettext_lazy("Question"), required=False, coerce=int, empty_value=None
    )
    answer = forms.CharField(
        label=gettext_lazy("Answer"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("A part of a text answer, a whole choice, or yes / no."),
    )

    def __init__(self, *args, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = [
            ("", gettext_lazy("Any question")),
            *((question.pk, question.label) for question in questions),
        ]

    def clean(self):
        cleaned = super().clean()
        question, answer = cleaned.get("question"), (cleaned.get("answer") or "").strip()
        if answer and question is None and "question" not in self.errors:
            self.add_error("question", _("Choose the question this answer is to."))
        if question is not None and not answer:
            self.add_error("answer", _("Type the answer to look for."))
        return cleaned

    def filters(self) -> dict:
        """The selector's keyword arguments (none when the form is invalid)."""
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "status": data["status"],
            "region": data["region"].pk if data["region"] else "",
            "country": data["country"],
            "organisation_type": data["organisation_type"],
            "question_id": data["question"],
            "answer": data["answer"],
            "search": data["q"],
        }


class BulkDecisionForm(StyledFormMixin, forms.Form):
    registrations = forms.ModelMultipleChoiceField(
        label=gettext_lazy("People"),
        queryset=Registration.objects.none(),
        widget=forms.MultipleHiddenInput,
        error_messages={"required": gettext_lazy("Tick at least one person.")},
    )
    action = forms.ChoiceField(label=gettext_lazy("Decision"), choices=())
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Needed to reject: sent to each person by e-mail, in their language."
        ),
    )

    def __init__(self, *args, training: Training, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registrations"].queryset = Registration.objects.filter(training=training)
        self.fields["action"].choices = list(services.BULK_ACTIONS.items())


class MoveForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Move to"), choices=())
    note = forms.CharField(
        label=gettext_lazy("Why"),
        max_length=2000,
        help_text=gettext_lazy("Kept in the trail; a rejection's reason is sent to the person."),
    )

    def __init__(self, *args, registration: Registration, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Status.choices)
        self.fields["status"].choices = [
            (status, labels[status]) for status in services.registration_move_targets(registration)
        ]


def _page_url(training: Training) -> str:
    return reverse("staff:training_registrations", kwargs={"slug": training.slug})


def _training_and_rights(request: HttpRequest, slug: str) -> tuple[Training, bool]:
    """The training (404 / 403 by the access rules) and whether the person may act on it."""
    if request.method == "POST":
        return training_for_user_or_404(request.user, slug, action=CHANGE), True
    training = training_for_user_or_404(request.user, slug, action=VIEW)
    return training, user_may_act_on_training(request.user, training, action=CHANGE)


@never_cache
@training_staff_required
@require_http_methods(["GET", "POST"])
def training_registrations(request: HttpRequest, slug: str) -> HttpResponse:
    """The registrations in submission order, filtered; the waiting list in its order."""
    training, can_change = _training_and_rights(request, slug)
    questions = list(training.questions.all())
    filters = RegistrationFilterForm(request.GET or None, questions=questions)
    bulk = None
    if can_change:
        bulk = BulkDecisionForm(request.POST or None, training=training)
    if request.method == "POST" and bulk.is_valid():
        try:
            result = services.registrations_bulk_decide(
                registrations=bulk.cleaned_data["registrations"],
                action=bulk.cleaned_data["action"],
                reason=bulk.cleaned_data["reason"],
                actor=request.user,
            )
        except DomainError as error:
            add_domain_error(bulk, error, default_field="action")
        else:
            for line in services.registrations_bulk_summary(result):
                messages.info(request, line)
            query = request.GET.urlencode()
            return redirect(_page_url(training) + (f"?{query}" if query else ""))
    rows = list(selectors.training_registrations_staff(training=training, **filters.filters()))
    now = timezone.now()
    sessions_held = any(
        services.session_has_started(session, now=now) for session in training.sessions.all()
    )
    selected = set()
    if bulk is not None and bulk.is_bound:
        selected = {value for value in request.POST.getlist("registrations") if value.isdigit()}
    for row in rows:
        row.selected = str(row.pk) in selected
    counts = selectors.training_registration_counts(training=training)
    context = {
        "training": training,
        "can_change": can_change,
        "filters": filters,
        "bulk": bulk,
        "rows": rows,
        "counts": [(status, label, counts[status]) for status, label in Status.choices],
        "waitlist": list(selectors.training_waitlist_staff(training=training)),
        "sessions_held": sessions_held,
        "query": request.GET.urlencode(),
    }
    return render(request, "staff/trainings/registrations.html", context)


@never_cache
@training_staff_required
@require_http_methods(["GET", "POST"])
def registration_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One registration: answers, status trail, e-mails, and the move with its reason."""
    training, can_change = _training_and_rights(request, slug)
    try:
        registration = selectors.training_registration_detail(training=training, pk=pk)
    except Registration.DoesNotExist:
        raise Http404 from None
    form = None
    if can_change:
        form = MoveForm(request.POST or None, registration=registration)
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_move(
                registration=registration,
                status=form.cleaned_data["status"],
                actor=request.user,
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            add_domain_error(form, error, default_field="status")
        else:
            messages.success(request, _("Status changed; the person is told by e-mail."))
            return redirect("staff:registration_detail", slug=training.slug, pk=registration.pk)
    context = {
        "training": training,
        "registration": registration,
        "participant": registration.participant,
        "can_change": can_change,
        "form": form,
        "waitlist_position": selectors.registration_waitlist_position(registration=registration),
    }
    return render(request, "staff/trainings/registration_detail.html", context)
