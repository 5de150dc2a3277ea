"""The managers' audit log page: row changes and events, searched and paged.

Managers and superusers only (``role_required(MANAGER)``): the log shows every staff
member's actions. Two tabs, one per table (``rtcm.core.audit``): row changes
(django-auditlog) and events (sign-ins, exports, downloads, tokens); the same filters
narrow both.
"""

from __future__ import annotations

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from rtcm.core import audit
from rtcm.core.access import role_required
from rtcm.core.forms import StyledFormMixin
from rtcm.core.models import AuditEvent, Job
from rtcm.core.roles import MANAGER

PER_PAGE = 50
CHANGES, EVENTS = "changes", "events"
TABS = {CHANGES: _("Changes"), EVENTS: _("Events")}

CHANGE_ACTION_LABELS = {
    LogEntry.Action.CREATE: _("Created"),
    LogEntry.Action.UPDATE: _("Changed"),
    LogEntry.Action.DELETE: _("Deleted"),
    LogEntry.Action.ACCESS: _("Viewed"),
}
CHANGE_ACTION_CHOICES = [
    (name, CHANGE_ACTION_LABELS[value]) for name, value in audit.CHANGE_ACTIONS.items()
]
# Events can be about a model the log does not track row by row.
EVENT_OBJECT_MODELS = (Job,)


def _object_type_choices() -> list[tuple[str, str]]:
    models = {*auditlog.get_models(), *EVENT_OBJECT_MODELS}
    choices = sorted(
        ((model._meta.label_lower, capfirst(model._meta.verbose_name)) for model in models),
        key=lambda choice: str(choice[1]),
    )
    return [("", _("Any")), *choices]


def _shown_changes(entry: LogEntry) -> dict:
    """The entry's changed fields, without the reverse relations a creation lists too
    (``registrations: participants.Registration.None``: no value of the row's own)."""
    model = entry.content_type.model_class()
    changes = entry.changes_dict
    if model is None:
        return changes
    own = {
        field.name for field in model._meta.get_fields() if not field.auto_created or field.concrete
    }
    return {name: values for name, values in changes.items() if name in own}


class AuditFilterForm(StyledFormMixin, forms.Form):
    who = forms.CharField(label=_("Who"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False)
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    q = forms.CharField(label=_("Text"), required=False, max_length=200)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    address = forms.GenericIPAddressField(label=_("Address"), required=False)

    def __init__(self, *args, tab: str, **kwargs):
        super().__init__(*args, **kwargs)
        actions = CHANGE_ACTION_CHOICES if tab == CHANGES else AuditEvent.Kind.choices
        self.fields["action"].choices = [("", _("Any")), *actions]
        self.fields["object_type"].choices = _object_type_choices()

    def filters(self) -> dict:
        """The selectors' keyword arguments (none when the form is not valid)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "who": data["who"].strip(),
            "action": data["action"],
            "object_type": data["object_type"],
            "text": data["q"].strip(),
            "since": data["since"],
            "until": data["until"],
            "address": data["address"] or "",
        }


@never_cache
@role_required(MANAGER)
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else CHANGES
    form = AuditFilterForm(request.GET, tab=tab)
    filters = form.filters()
    rows = audit.audit_changes(**filters) if tab == CHANGES else audit.audit_events(**filters)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    if tab == CHANGES:
        for entry in page.object_list:
            entry.action_label = CHANGE_ACTION_LABELS.get(entry.action, entry.action)
            entry.shown_changes = _shown_changes(entry)
    filter_query = request.GET.copy()
    for key in ("tab", "page"):
        filter_query.pop(key, None)
    context = {
        "form": form,
        "tab": tab,
        "tabs": [
            {"name": name, "label": label, "active": name == tab} for name, label in TABS.items()
        ],
        "page": page,
        "filter_query": filter_query.urlencode(),
    }
    return render(request, "staff/audit.html", context, status=400 if form.errors else 200)
