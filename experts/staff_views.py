"""Staff pages of the expert network: the list, an expert's review page, the CV, matching.

URLs (``experts/staff_urls.py``, mounted at ``/staff/experts/``):

- ``experts_staff:list`` — every expert, by status, searched and filtered;
  network officers and coordinators (who pick trainers from it);
- ``experts_staff:export`` — the list as XLSX or CSV with e-mails, phones and
  notes: network officers only;
- ``experts_staff:detail`` — everything about one expert; network officers
  vet (approve, decline, deactivate, reactivate), keep notes and record a
  change of consent there; coordinators read it;
- ``experts_staff:cv`` — the CV as an attachment, never cached;
- ``experts_staff:matching`` — the experts suggested for a training, with
  the reasons; coordinators book them to sessions there.

Every change goes through ``experts.services``; its refusals show beside the
field (400) or as a message after the redirect. Pages work without JavaScript.
"""

from __future__ import annotations

import base64

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from courses.access import training_for_user_or_404, user_may_act_on_training
from courses.models import Session, Topic, Training
from experts import exports, selectors, services
from experts.filters import StaffExpertFilter
from experts.models import Expert
from experts.staff_forms import StaffNotesForm, TrainerForm, VettingForm
from rtcm.core import audit
from rtcm.core.access import (
    CHANGE,
    READ_EVERY_TRAINING_MATCHING,
    VIEW,
    any_role_required,
    role_required,
    user_has_role,
)
from rtcm.core.errors import DomainError
from rtcm.core.forms import add_domain_error
from rtcm.core.reauth import recent_authentication_required
from rtcm.core.roles import COORDINATOR, EXPERT_NETWORK_ROLES, NETWORK_OFFICER
from rtcm.core.storage import file_suffix, stored_file_response

PAGE_SIZE = 50
SUGGESTIONS_SHOWN = 30

officers_and_coordinators = any_role_required(*EXPERT_NETWORK_ROLES)

# What each status change is called on its button and in the message that follows it.
ACTION_LABELS = {
    "approve": (gettext_lazy("Approve"), gettext_lazy("Approved")),
    "decline": (gettext_lazy("Decline"), gettext_lazy("Declined")),
    "deactivate": (gettext_lazy("Deactivate"), gettext_lazy("Deactivated")),
    "reactivate": (gettext_lazy("Reactivate"), gettext_lazy("Reactivated")),
}


def _label(action: str, index: int) -> str:
    return str(ACTION_LABELS[action][index]) if action in ACTION_LABELS else action


# --- the list -------------------------------------------------------------------------


def _status_tabs(request: HttpRequest, counts: dict[str, int], current: str | None) -> list:
    """Tabs by status, applicants waiting for review first, each keeping the other filters."""
    tabs = []
    order = [
        (Expert.Status.APPLICANT, _("To review")),
        (Expert.Status.ACTIVE, Expert.Status.ACTIVE.label),
        (Expert.Status.INACTIVE, Expert.Status.INACTIVE.label),
        (Expert.Status.DECLINED, Expert.Status.DECLINED.label),
        ("", _("All")),
    ]
    for status, label in order:
        params = request.GET.copy()
        params.pop("page", None)
        params.pop("status", None)
        if status:
            params["status"] = status
        tabs.append(
            {
                "status": status,
                "label": label,
                "count": counts.get(status, 0) if status else sum(counts.values()),
                "url": f"?{params.urlencode()}",
                "active": (current or "") == status,
            }
        )
    return tabs


@never_cache
@officers_and_coordinators
@require_GET
def expert_list(request: HttpRequest) -> HttpResponse:
    staff_filter = StaffExpertFilter(request.GET)  # the staff API's filters too
    filters = staff_filter.directory_arguments()
    experts = staff_filter.qs
    region_names = staff_filter.region_labels
    by_status = (
        selectors.expert_directory(staff=True, **{**filters, "status": None})
        .order_by()
        .values("status")
        .annotate(count=Count("pk", distinct=True))
        .values_list("status", "count")
    )
    counts = dict(by_status)
    page = Paginator(experts, PAGE_SIZE).get_page(request.GET.get("page"))
    for expert in page.object_list:
        expert.region_name = region_names.get(expert.region_code, expert.region_code)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": staff_filter.form,
        "page": page,
        "tabs": _status_tabs(request, counts, filters.get("status")),
        "to_review": counts.get(Expert.Status.APPLICANT, 0),
        "query_string": params.urlencode(),
        "may_export": user_has_role(request.user, NETWORK_OFFICER),
    }
    return render(request, "experts/staff/list.html", context)


@role_required(NETWORK_OFFICER)  # e-mails, phones and notes; never cached (export_response)
@recent_authentication_required  # personal data: a recent sign-in (rtcm.core.reauth)
@require_GET
def expert_export(request: HttpRequest, fmt: str) -> HttpResponse:
    experts = StaffExpertFilter(request.GET).qs
    audit.audit_event(
        request, audit.Kind.EXPORT, summary=f"experts.{fmt} {request.GET.urlencode()}"
    )
    return exports.export_response(experts, fmt=fmt, staff=True)


# --- one expert -----------------------------------------------------------------------


def _expert_or_404(pk: int) -> Expert:
    return get_object_or_404(
        Expert.objects.select_related("status_changed_by").prefetch_related(
            Prefetch("expertise", queryset=Topic.objects.order_by("position", "name")),
            "languages",
        ),
        pk=pk,
    )


def _photo_data_uri(expert: Expert) -> str:
    """The photo inline (files are not served from a media URL, and a private one has no link)."""
    if not expert.photo:
        return ""
    try:
        with expert.photo.storage.open(expert.photo.name, "rb") as handle:
            data = handle.read()
    except OSError:
        return ""
    return "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")


def _vetting_forms(request, expert: Expert, *, bound: tuple[str, VettingForm] | None) -> list:
    """A form per status change open now; the one just posted keeps its text and errors."""
    allowed = services.allowed_actions(expert)
    if bound and bound[0] not in allowed:
        # Someone else changed the status meanwhile: say why, offer what is open now.
        for message in bound[1].errors.get("__all__", []):
            messages.error(request, message)
    return [
        {
            "action": action,
            "label": _label(action, 0),
            "form": bound[1] if bound and bound[0] == action else VettingForm(prefix=action),
        }
        for action in allowed
    ]


@never_cache
@officers_and_coordinators
@require_http_methods(["GET", "POST"])
def expert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The review page: coordinators read it; network officers act on it too."""
    expert = _expert_or_404(pk)
    may_edit = user_has_role(request.user, NETWORK_OFFICER)
    vetting: tuple[str, VettingForm] | None = None
    notes_form = StaffNotesForm(initial={"staff_notes": expert.staff_notes}, prefix="notes")
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        kind = request.POST.get("form", "")
        page_url = reverse("experts_staff:detail", kwargs={"pk": expert.pk})
        if kind == "vetting":
            action = request.POST.get("action", "")
            if action not in services.TRANSITIONS:
                return HttpResponseBadRequest(_("Choose a status change."))
            form = VettingForm(request.POST, prefix=action)
            if form.is_valid() and _change_status(request, expert, action, form):
                return redirect(page_url)
            vetting = (action, form)
        elif kind == "notes":
            notes_form = StaffNotesForm(request.POST, prefix="notes")
            if notes_form.is_valid() and _save_notes(request, expert, notes_form):
                return redirect(page_url)
        elif kind == "consent":
            return _record_consent(request, expert, page_url)
        else:
            return HttpResponseBadRequest(_("Choose an action."))
    context = {
        "expert": expert,
        "may_edit": may_edit,
        "vetting_forms": _vetting_forms(request, expert, bound=vetting),
        "notes_form": notes_form,
        "photo_src": _photo_data_uri(expert),
        "engagements": selectors.expert_engagements(expert, public=False),
        "expert_messages": list(expert.messages.all()),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "experts/staff/detail.html", context, status=status)


def _change_status(request: HttpRequest, expert: Expert, action: str, form: VettingForm) -> bool:
    try:
        services.expert_change_status(
            expert=expert, action=action, actor=request.user, note=form.cleaned_data["note"]
        )
    except DomainError as error:
        add_domain_error(form, error, default_field="note")
        return False
    messages.success(
        request,
        _("%(done)s; an e-mail is on its way to %(email)s.")
        % {"done": _label(action, 1), "email": expert.email},
    )
    return True


def _record_consent(request: HttpRequest, expert: Expert, page_url: str) -> HttpResponse:
    """The expert asked the office: record that they gave, or withdrew, their consent."""
    consent = request.POST.get("consent")
    if consent not in ("0", "1"):
        return HttpResponseBadRequest(_("Choose whether the expert gave or withdrew consent."))
    try:
        services.expert_set_consent(expert=expert, consent=consent == "1")
    except DomainError as error:  # a declined expert cannot give consent
        messages.error(request, str(error.message))
        return redirect(page_url)
    if consent == "1":
        messages.success(request, _("Recorded: the expert gave consent to a public profile."))
    else:
        messages.success(
            request, _("Recorded: the expert withdrew consent; the profile is no longer public.")
        )
    return redirect(page_url)


def _save_notes(request: HttpRequest, expert: Expert, form: StaffNotesForm) -> bool:
    try:
        services.expert_update(
            expert=expert, data={"staff_notes": form.cleaned_data["staff_notes"]}
        )
    except (DomainError, ValidationError) as error:
        expert.refresh_from_db()
        add_domain_error(form, error, default_field="staff_notes")
        return False
    messages.success(request, _("The staff notes are saved."))
    return True


@officers_and_coordinators  # the response says "private, no-store" itself
@require_GET
def expert_cv(request: HttpRequest, pk: int) -> FileResponse:
    expert = get_object_or_404(Expert, pk=pk)
    audit.audit_event(request, audit.Kind.DOWNLOAD, obj=expert, summary="CV")
    return stored_file_response(
        expert.cv,
        filename=expert.cv_original_name or f"cv-{expert.slug}{file_suffix(expert.cv.name)}",
        content_type=expert.cv_content_type or "application/octet-stream",
    )


# --- matching -------------------------------------------------------------------------


@never_cache
@any_role_required(COORDINATOR, NETWORK_OFFICER)
@require_http_methods(["GET", "POST"])
def training_matching(request: HttpRequest, slug: str) -> HttpResponse:
    """The experts suggested for a training; its coordinators book or remove trainers here
    (network officers read every training's page, ``rtcm.core.access``)."""
    action = CHANGE if request.method == "POST" else VIEW
    training = training_for_user_or_404(
        request.user, slug, action=action, readers=READ_EVERY_TRAINING_MATCHING
    )
    may_assign = user_may_act_on_training(request.user, training, action=CHANGE)
    if request.method == "POST":
        return _trainer_action(request, training)
    sessions = list(
        training.sessions.prefetch_related(
            Prefetch("trainers", queryset=Expert.objects.order_by("family_name", "given_name"))
        )
    )
    suggestions = selectors.training_suggestions(training, limit=SUGGESTIONS_SHOWN)
    for suggestion in suggestions:
        suggestion.clash_ids = {session.pk for session in suggestion.clashes}
    context = {
        "training": training,
        "topics": selectors.training_topics(training),
        "target_regions": list(training.target_regions.order_by("position", "name")),
        "sessions": sessions,
        "suggestions": suggestions,
        "may_assign": may_assign,
    }
    return render(request, "experts/staff/matching.html", context)


def _trainer_action(request: HttpRequest, training: Training) -> HttpResponse:
    page_url = reverse("experts_staff:matching", kwargs={"slug": training.slug})
    action = request.POST.get("action", "")
    form = TrainerForm(request.POST, training=training)
    if action not in ("assign", "remove") or not form.is_valid():
        return HttpResponseBadRequest(_("Choose a session of this training and an expert."))
    session: Session = form.cleaned_data["session"]
    expert: Expert = form.cleaned_data["expert"]
    names = {"name": expert.full_name, "session": session.title}
    if action == "remove":
        services.session_remove_trainer(session=session, expert=expert)
        messages.success(request, _("%(name)s no longer teaches “%(session)s”.") % names)
        return redirect(f"{page_url}#sessions")
    try:
        services.session_assign_trainer(session=session, expert=expert)
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect(f"{page_url}#e{expert.pk}")
    messages.success(request, _("%(name)s will teach “%(session)s”.") % names)
    return redirect(f"{page_url}#sessions")
