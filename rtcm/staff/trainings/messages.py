"""A message to a training's people: choose who (statuses, attendance), preview how many,
send; below, the messages sent for the training.

Coordinators of the training send (``training_message_send``); managers read the list.
The page works without JavaScript: "Preview" and "Send" are two buttons of one form.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from courses.access import training_for_user_or_404, user_may_act_on_training
from courses.models import Training
from participants import selectors, services
from participants.models import Registration, TrainingMessage
from rtcm.core.access import CHANGE, VIEW, training_staff_required
from rtcm.core.errors import DomainError
from rtcm.core.forms import StyledFormMixin, add_domain_error

# People named in the preview, besides the count.
PREVIEW_NAMES = 5


class TrainingMessageForm(StyledFormMixin, forms.Form):
    statuses = forms.MultipleChoiceField(
        label=gettext_lazy("To the people whose registration is"),
        choices=Registration.Status.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Registration.Status.CONFIRMED],
    )
    min_attendance_percent = forms.IntegerField(
        label=gettext_lazy("Attended at least (per cent of the sessions held so far)"),
        help_text=gettext_lazy("Leave empty to send whatever their attendance."),
        min_value=0,
        max_value=100,
        required=False,
    )
    subject = forms.CharField(
        label=gettext_lazy("Subject"),
        max_length=TrainingMessage._meta.get_field("subject").max_length,
    )
    body = forms.CharField(label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, preview: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if preview:  # how many people get it can be seen before the text is written
            self.fields["subject"].required = self.fields["body"].required = False

    def audience(self) -> dict:
        return {
            "statuses": self.cleaned_data["statuses"],
            "min_attendance_percent": self.cleaned_data["min_attendance_percent"],
        }


def _sent_messages(training: Training) -> list[TrainingMessage]:
    rows = list(selectors.training_messages_sent(training=training))
    for row in rows:
        row.audience_label = services.message_audience_label(row.audience)
    return rows


@never_cache
@training_staff_required
@require_http_methods(["GET", "POST"])
def training_messages(request: HttpRequest, slug: str) -> HttpResponse:
    """The message form (coordinators of the training) and the messages sent (also managers)."""
    action = CHANGE if request.method == "POST" else VIEW
    training = training_for_user_or_404(request.user, slug, action=action)
    may_send = action == CHANGE or user_may_act_on_training(request.user, training, action=CHANGE)
    sending = request.POST.get("action") == "send"
    form = (
        TrainingMessageForm(request.POST, preview=not sending) if request.method == "POST" else None
    )
    preview = None
    status = 200
    if form is not None and form.is_valid():
        if sending:
            try:
                message = services.training_message_send(
                    training=training,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    actor=request.user,
                    **form.audience(),
                )
            except DomainError as error:
                add_domain_error(form, error)
                status = 400
            else:
                messages.success(
                    request,
                    ngettext(
                        "The message is being sent to %(count)s person.",
                        "The message is being sent to %(count)s people.",
                        message.recipient_count,
                    )
                    % {"count": message.recipient_count},
                )
                return redirect("staff:training_messages", slug=training.slug)
        else:
            audience = selectors.training_message_audience(training=training, **form.audience())
            preview = {
                "count": audience.count(),
                "names": [row.participant.full_name for row in audience[:PREVIEW_NAMES]],
                "audience": services.message_audience_label(form.audience()),
            }
            if not preview["count"]:
                add_domain_error(form, services.NobodyToMessage.for_audience(form.audience()))
                status = 400
    elif form is not None:
        status = 400
    if form is None and may_send:
        form = TrainingMessageForm()
    context = {
        "training": training,
        "form": form if may_send else None,
        "preview": preview,
        "sent": _sent_messages(training),
    }
    return render(request, "staff/trainings/messages.html", context, status=status)
