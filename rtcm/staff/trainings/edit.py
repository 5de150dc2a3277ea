"""Create and edit a training with its parts, on one page (coordinators; no superuser needed).

The rules are the ones the admin asks, from the same places: the training's own
(``Training.clean``: dates, venue, link, languages, reserved slugs), the sessions'
(``Session.clean`` against the training's dates as being saved; trainers allowed
and free, ``courses.forms.SessionForm``), the quotas' (``courses.forms.QuotaFormSet``:
``training_quotas_problem``), the capacity's (``TrainingCapacityFormMixin``:
``training_check_capacity`` under the training's row lock) and the signature
image's (``courses.services.signature_image_check``, by content). Everything is
validated and written in one transaction: a refusal anywhere writes nothing.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.forms import inlineformset_factory
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from courses.access import training_for_user_or_404
from courses.forms import (
    KeepsRecordsFormSet,
    QuotaFormSet,
    SessionInlineForm,
    SessionInlineFormSet,
    TrainingCapacityFormMixin,
)
from courses.models import Module, Programme, Question, Session, Signatory, Training, TrainingQuota
from courses.services import signature_image_check, training_unique_slug
from experts.models import Expert
from participants.services import training_fill_from_waitlist
from rtcm.core.access import (
    CHANGE,
    role_required,
    training_staff_required,
    user_acts_on_every_training,
)
from rtcm.core.content import ContentFormMixin, localized_fields
from rtcm.core.errors import DomainError
from rtcm.core.forms import StyledFormMixin, add_domain_error
from rtcm.core.models import Region
from rtcm.core.roles import COORDINATOR

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


UNKNOWN_REGION = _("This region is not one of the center's regions: choose one from the list.")
EXTRA_ROWS = 2  # empty rows offered under each part (no script adds more: save, then add)


class TrainingForm(ContentFormMixin, StyledFormMixin, TrainingCapacityFormMixin, forms.ModelForm):
    """The training; its title and description a field per language (one title needed)."""

    languages = forms.MultipleChoiceField(
        label=_("working languages"),
        choices=settings.RTCM_CONTENT_LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    online_url = forms.URLField(label=_("online link"), required=False, assume_scheme="https")

    class Meta:
        model = Training
        fields = [
            *localized_fields("title"),
            *localized_fields("description"),
            "start_date",
            "end_date",
            "format",
            "venue_city",
            "venue_country",
            "time_zone",
            "online_url",
            "languages",
            "capacity",
            "waitlist_enabled",
            "waitlist_after_start",
            "registration_opens_at",
            "registration_closes_at",
            "quota_release_at",
            "requires_approval",
            "target_regions",
            "modules",
            "programme",
            "min_attendance_percent",
            "min_hours",
            "certificate_language",
            "coordinators",
            "certificate_template",
        ]
        widgets = {
            # Each language's input carries its lang and dir (``rtcm.core.content``).
            **{name: forms.TextInput() for name in localized_fields("title")},
            **{name: forms.Textarea(attrs={"rows": 4}) for name in localized_fields("description")},
            "time_zone": forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
            "start_date": DATE,
            "end_date": DATE,
            "registration_opens_at": _datetime_widget(),
            "registration_closes_at": _datetime_widget(),
            "quota_release_at": _datetime_widget(),
            "target_regions": forms.CheckboxSelectMultiple,
            "modules": forms.CheckboxSelectMultiple,
            "coordinators": forms.CheckboxSelectMultiple,
            "certificate_template": forms.Textarea(attrs={"rows": 4, "dir": "ltr"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("registration_opens_at", "registration_closes_at", "quota_release_at"):
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M"]
        self.fields["target_regions"].error_messages["invalid_choice"] = UNKNOWN_REGION
        self.fields["target_regions"].queryset = Region.objects.order_by("position", "name")
        self.fields["modules"].queryset = Module.objects.select_related("curriculum")
        self.fields["programme"].queryset = Programme.objects.order_by("position", "title")
        # Those who may run a training: the coordinators, and whoever runs this one now.
        users = get_user_model().objects.filter(is_active=True)
        current = Q(pk__in=self.instance.coordinators.all()) if self.instance.pk else Q()
        self.fields["coordinators"].queryset = (
            users.filter(Q(groups__name=COORDINATOR, is_staff=True) | current)
            .distinct()
            .order_by("first_name", "last_name", "username")
        )
        self.fields["coordinators"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )
        self.fields["coordinators"].help_text = _(
            "You stay a coordinator of the trainings you create or edit here."
        )
        self.fields["certificate_template"].help_text = Training._meta.get_field(
            "certificate_template"
        ).help_text

    @property
    def title_fields(self):
        """The title's field per language, English first (for the template)."""
        return [self[name] for name in localized_fields("title")]

    @property
    def description_fields(self):
        return [self[name] for name in localized_fields("description")]


class SessionStaffForm(StyledFormMixin, SessionInlineForm):
    class Meta(SessionInlineForm.Meta):
        fields = ["title", "starts_at", "ends_at", "room", "module", "trainers"]
        widgets = {
            "title": forms.TextInput(attrs={"dir": "auto"}),
            "starts_at": _datetime_widget(),
            "ends_at": _datetime_widget(),
            "trainers": forms.SelectMultiple(attrs={"size": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M"]
        self.fields["trainers"].help_text = _(
            "Active experts of the network. Hold Ctrl (or ⌘) to choose several."
        )


class QuotaStaffForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = TrainingQuota
        fields = ["region", "seats"]
        error_messages = {"region": {"invalid_choice": UNKNOWN_REGION}}


class QuestionStaffForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Question
        fields = ["position", "label", "help_text", "kind", "required", "choices"]
        widgets = {
            "label": forms.TextInput(attrs={"dir": "auto"}),
            "help_text": forms.TextInput(attrs={"dir": "auto"}),
            "choices": forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        }


class SignatoryStaffForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Signatory
        fields = ["position", "name", "title", "signature"]
        widgets = {
            "name": forms.TextInput(attrs={"dir": "auto"}),
            "title": forms.TextInput(attrs={"dir": "auto"}),
            "signature": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
        }

    def clean_signature(self):
        signature = self.cleaned_data.get("signature")
        if isinstance(signature, UploadedFile):
            try:
                return signature_image_check(signature)
            except DomainError as error:
                raise forms.ValidationError(str(error.message)) from error
        return signature


SessionFormSet = inlineformset_factory(
    Training,
    Session,
    form=SessionStaffForm,
    formset=SessionInlineFormSet,
    extra=EXTRA_ROWS,
    can_delete=True,
)
QuotaStaffFormSet = inlineformset_factory(
    Training,
    TrainingQuota,
    form=QuotaStaffForm,
    formset=QuotaFormSet,
    extra=EXTRA_ROWS,
    can_delete=True,
)
QuestionFormSet = inlineformset_factory(
    Training,
    Question,
    form=QuestionStaffForm,
    formset=KeepsRecordsFormSet,
    extra=EXTRA_ROWS,
    can_delete=True,
)
SignatoryFormSet = inlineformset_factory(
    Training, Signatory, form=SignatoryStaffForm, extra=EXTRA_ROWS, can_delete=True
)

# (prefix, form set class, heading)
PARTS = (
    ("sessions", SessionFormSet, _("Sessions")),
    ("quotas", QuotaStaffFormSet, _("Regional quotas")),
    ("questions", QuestionFormSet, _("Extra questions")),
    ("signatories", SignatoryFormSet, _("Signatories")),
)


def _part_queryset(prefix: str, training: Training):
    if training.pk is None:
        return None
    if prefix == "sessions":
        return training.sessions.prefetch_related("trainers")
    return {
        "quotas": training.quotas.all(),
        "questions": training.questions.all(),
        "signatories": training.signatories.all(),
    }[prefix]


def _share_choices(formsets: dict, training: Training) -> None:
    """Each row's selects list the same options: read them once, not once per row."""
    trainer_q = Q(status=Expert.Status.ACTIVE)
    if training.pk is not None:
        trainer_q |= Q(sessions__training=training)
    trainers = [(e.pk, e.full_name) for e in Expert.objects.filter(trainer_q).distinct()]
    modules = [("", "---------")] + [
        (m.pk, str(m)) for m in Module.objects.order_by("curriculum", "position", "code")
    ]
    regions = [("", "---------")] + [
        (r.pk, str(r)) for r in Region.objects.order_by("position", "name")
    ]
    shared = {
        "sessions": {"trainers": trainers, "module": modules},
        "quotas": {"region": regions},
    }
    for prefix, fields in shared.items():
        for form in formsets[prefix].forms:
            for name, choices in fields.items():
                form.fields[name].choices = choices


def _build(request: HttpRequest, training: Training):
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = TrainingForm(data, files, instance=training)
    formsets = {
        prefix: formset_class(
            data,
            files,
            instance=training,
            prefix=prefix,
            queryset=_part_queryset(prefix, training),
        )
        for prefix, formset_class, _heading in PARTS
    }
    return form, formsets


def _save(request: HttpRequest, training: Training, *, creating: bool) -> HttpResponse | None:
    """Validate and write everything in one transaction; None (nothing written) if refused."""
    form, formsets = _build(request, training)
    with transaction.atomic():
        # The main form first: the parts are judged against the training as being saved.
        valid = form.is_valid()
        # Every part is validated (not stopping at the first refusal): all errors show at once.
        results = [formset.is_valid() for formset in formsets.values()]
        valid = valid and all(results)
        quota_errors = formsets["quotas"].non_form_errors()
        if quota_errors and "capacity" in form.fields:
            # The rule joins the capacity and the quotas: say it beside the capacity too.
            form.add_error("capacity", list(quota_errors))
        if valid:
            try:
                if creating:
                    training.slug = training_unique_slug(training.title)
                saved = form.save()
                for formset in formsets.values():
                    formset.instance = saved
                    formset.save()
                if not user_acts_on_every_training(request.user, action=CHANGE):
                    # They run what they create, and cannot lock themselves out of it.
                    saved.coordinators.add(request.user)
                if not creating:
                    # The capacity may have grown: offer the free seats.
                    training_fill_from_waitlist(training=saved)
            except DomainError as error:
                transaction.set_rollback(True)
                add_domain_error(form, error)
            else:
                return saved
    return form, formsets


def _page(request, *, training, form, formsets, creating, status=200, title=""):
    _share_choices(formsets, training)
    parts = [(heading, formsets[prefix], prefix) for prefix, _cls, heading in PARTS]
    return render(
        request,
        "staff/trainings/edit.html",
        {
            "training": training,
            "title": title or training.title,  # as saved: a refused edit changed nothing
            "form": form,
            "parts": parts,
            "creating": creating,
            "has_errors": status != 200,
        },
        status=status,
    )


def _handle(request: HttpRequest, training: Training, *, creating: bool) -> HttpResponse:
    if request.method == "POST":
        saved_title = training.title
        result = _save(request, training, creating=creating)
        if isinstance(result, Training):
            messages.success(
                request,
                _("The training was created.") if creating else _("The changes were saved."),
            )
            return redirect("staff:training_detail", slug=result.slug)
        form, formsets = result
        if creating:
            training.pk = None  # a refused create wrote nothing (the transaction rolled back)
        return _page(
            request,
            training=training,
            form=form,
            formsets=formsets,
            creating=creating,
            status=400,
            title=saved_title,
        )
    form, formsets = _build(request, training)
    return _page(request, training=training, form=form, formsets=formsets, creating=creating)


@never_cache
@role_required(COORDINATOR)
def training_create(request: HttpRequest) -> HttpResponse:
    """A new draft training: its creator coordinates it."""
    return _handle(request, Training(), creating=True)


@never_cache
@training_staff_required
def training_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Edit a training one coordinates (managers may read it elsewhere: 403 here)."""
    training = training_for_user_or_404(request.user, slug, action=CHANGE)
    return _handle(request, training, creating=False)
