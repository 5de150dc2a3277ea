from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from courses.access import trainings_for_user
from courses.forms import (
    KeepsRecordsFormSet,
    QuotaFormSet,
    SessionForm,
    SessionInlineForm,
    SessionInlineFormSet,
    TrainingCapacityFormMixin,
)
from courses.hooks import training_admin_extras
from courses.models import (
    Curriculum,
    Indicator,
    Module,
    Organisation,
    Programme,
    ProgrammeOrganisation,
    Question,
    Session,
    Topic,
    Training,
    TrainingQuota,
)
from courses.seats import annotate_seats
from courses.services import (
    TRANSITIONS,
    organisation_logo_check,
    organisation_unique_slug,
    programme_unique_slug,
    training_allowed_actions,
    training_transition,
)
from rtcm.core.access import CHANGE, TrainingScopedAdminMixin, user_acts_on_every_training
from rtcm.core.content import (
    ContentAdmin,
    ContentStackedInline,
    ContentTabularInline,
    localized_fields,
)
from rtcm.core.errors import DomainError
from rtcm.core.uploads import UploadRefused


@admin.register(Topic)
class TopicAdmin(ContentAdmin):
    list_display = ["name", "slug", "position"]
    search_fields = [*localized_fields("name")]
    prepopulated_fields = {"slug": ["name"]}


class ModuleInline(ContentStackedInline):
    model = Module
    extra = 0
    autocomplete_fields = ["topic"]


@admin.register(Curriculum)
class CurriculumAdmin(ContentAdmin):
    list_display = ["title", "version", "status", "approved_on"]
    list_filter = ["status"]
    search_fields = [*localized_fields("title")]
    inlines = [ModuleInline]


@admin.register(Module)
class ModuleAdmin(ContentAdmin):
    list_display = ["code", "title", "topic", "curriculum", "hours"]
    list_filter = ["curriculum", "topic"]
    search_fields = ["code", *localized_fields("title"), *localized_fields("summary")]
    list_select_related = ["topic", "curriculum"]


class SessionInline(ContentTabularInline):
    model = Session
    form = SessionInlineForm
    formset = SessionInlineFormSet
    extra = 0
    fields = ["title", "starts_at", "ends_at", "room", "module", "trainers"]
    autocomplete_fields = ["trainers"]


class TrainingAdminForm(TrainingCapacityFormMixin, forms.ModelForm):
    """The capacity rule of ``courses.forms.TrainingCapacityFormMixin``."""

    # No Meta: the admin builds the form for its fieldsets from this base.


def _transition_action(action: str):
    """An admin action moving the selected trainings along ``courses.services.TRANSITIONS``."""

    def run(modeladmin, request, queryset):
        _apply_transition(modeladmin, request, queryset, action)

    run.__name__ = f"training_{action}"
    return admin.action(description=TRANSITIONS[action].label, permissions=["change"])(run)


def _apply_transition(modeladmin, request, queryset, action: str, reason: str = "") -> None:
    done = []
    for training in queryset.order_by("start_date", "pk"):
        try:
            training_transition(training=training, action=action, actor=request.user, reason=reason)
        except DomainError as error:
            modeladmin.message_user(
                request, f"{training.title}: {error.message}", level=messages.ERROR
            )
        else:
            done.append(training.title)
    if done:
        modeladmin.message_user(
            request,
            gettext("%(action)s: %(trainings)s.")
            % {"action": TRANSITIONS[action].label, "trainings": ", ".join(done)},
            level=messages.SUCCESS,
        )


@admin.action(description=TRANSITIONS["cancel"].label, permissions=["change"])
def training_cancel_action(modeladmin, request, queryset):
    """Cancel after a confirmation page: it says how many people are told, and asks why."""
    if request.POST.get("confirm") == "yes":
        _apply_transition(
            modeladmin, request, queryset, "cancel", reason=request.POST.get("reason", "")
        )
        return None
    trainings = list(annotate_seats(queryset).order_by("start_date", "pk"))
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": gettext("Cancel trainings"),
        "opts": modeladmin.model._meta,
        "trainings": trainings,
        "refused": [t for t in trainings if "cancel" not in training_allowed_actions(t)],
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/courses/training/cancel_confirmation.html", context)


class QuotaInline(admin.TabularInline):
    model = TrainingQuota
    formset = QuotaFormSet
    extra = 0
    verbose_name_plural = _("regional quotas (seats beyond them are open to everyone)")


class QuestionInline(admin.StackedInline):
    model = Question
    formset = KeepsRecordsFormSet
    extra = 0
    fields = [("position", "kind", "required"), "label", "help_text", "choices"]


@admin.register(Training)
class TrainingAdmin(TrainingScopedAdminMixin, ContentAdmin):
    training_path = "coordinators"
    form = TrainingAdminForm
    # The status moves only through the life-cycle service (``courses.services``):
    # read-only on the form, changed with these actions of the list.
    actions = [
        _transition_action("publish"),
        _transition_action("close"),
        _transition_action("complete"),
        training_cancel_action,
    ]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "title",
        "start_date",
        "end_date",
        "format",
        "status",
        "capacity",
        "confirmed",
        "waitlisted",
    ]
    list_filter = [
        "status",
        "format",
        "requires_approval",
        "programme",
        "target_regions",
        "start_date",
    ]
    # A training is found by its title or description in any of its languages.
    search_fields = [
        *localized_fields("title"),
        "slug",
        *localized_fields("description"),
        "venue_city",
    ]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "start_date"
    autocomplete_fields = ["programme"]
    filter_horizontal = ["modules", "target_regions", "coordinators"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "status",
                    "description",
                    "programme",
                    "modules",
                    "coordinators",
                    "suggested_experts",
                ]
            },
        ),
        (
            _("When and where"),
            {
                "fields": [
                    ("start_date", "end_date"),
                    "format",
                    ("venue_city", "venue_country"),
                    "time_zone",
                    "online_url",
                    "languages",
                ]
            },
        ),
        (
            _("Registration"),
            {
                "fields": [
                    ("capacity", "waitlist_enabled", "requires_approval"),
                    ("registration_opens_at", "registration_closes_at"),
                    "target_regions",
                    "quota_release_at",
                ]
            },
        ),
        (
            _("Certificates"),
            {"fields": [("min_attendance_percent", "min_hours"), "certificate_language"]},
        ),
    ]

    # Apps above courses add theirs (participants: registrations, certificates)
    # through ``courses.hooks.training_admin_extend``; read in the get_* methods below.
    inlines = [SessionInline, QuotaInline, QuestionInline]
    readonly_fields = ["status", "suggested_experts"]

    def get_queryset(self, request):
        # Seats come from the registered counter (``courses.seats``): courses does not
        # count registrations itself.
        return annotate_seats(super().get_queryset(request))

    def get_inlines(self, request, obj):
        return [*super().get_inlines(request, obj), *training_admin_extras.inlines]

    def get_list_display(self, request):
        return [*super().get_list_display(request), *training_admin_extras.list_display]

    def _get_base_actions(self):
        # The one place Django gathers a ModelAdmin's actions (the changelist and the
        # system checks both read it): the registered ones join ``actions`` here.
        extra = (self.get_action(action) for action in training_admin_extras.actions)
        return [*super()._get_base_actions(), *extra]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change and not user_acts_on_every_training(request.user, action=CHANGE):
            # A coordinator who creates a training runs it: without this they could not
            # open what they just saved (``rtcm.core.access``).
            form.instance.coordinators.add(request.user)
        for step in training_admin_extras.after_save:
            step(form.instance, change=change)

    @admin.display(description=_("trainers"))
    def suggested_experts(self, training):
        # Where to pick trainers is the expert network's page: it registers the link
        # (``courses.hooks``), so courses names no URL of an app above it.
        return format_html_join(
            mark_safe("<br>"),
            "{}",
            ((link(training),) for link in training_admin_extras.trainer_links),
        )

    @admin.display(description=_("confirmed"), ordering="seats_taken")
    def confirmed(self, obj):
        return obj.seats_taken

    @admin.display(description=_("waiting"), ordering="waitlist_length")
    def waitlisted(self, obj):
        return obj.waitlist_length


@admin.register(Session)
class SessionAdmin(TrainingScopedAdminMixin, ContentAdmin):
    form = SessionForm
    list_display = ["title", "training", "starts_at", "ends_at", "room"]
    list_filter = ["training__status"]
    search_fields = [
        *localized_fields("title"),
        *(f"training__{name}" for name in localized_fields("title")),
    ]
    list_select_related = ["training"]
    autocomplete_fields = ["trainers", "training"]
    date_hierarchy = "starts_at"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "training":  # a session is added to a training one runs
            kwargs["queryset"] = trainings_for_user(request.user, action=CHANGE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- programmes and their organisations ------------------------------------------------


def _first_text(cleaned_data: dict, field: str) -> str:
    """The first language's text of a translated field the form holds (for a slug)."""
    return next(
        (cleaned_data[name] for name in localized_fields(field) if cleaned_data.get(name)), ""
    )


class AutoSlugFormMixin:
    """The slug may be left empty: it is made from the name or title (``slug_source``)."""

    slug_source = "title"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _("Left empty, it is made from the name.")

    def make_slug(self, text: str) -> str:
        raise NotImplementedError

    def clean(self):
        cleaned_data = super().clean()
        if "slug" in self.fields and not cleaned_data.get("slug"):
            cleaned_data["slug"] = self.make_slug(_first_text(cleaned_data, self.slug_source))
        return cleaned_data


class OrganisationAdminForm(AutoSlugFormMixin, forms.ModelForm):
    """A logo is checked by content and stored re-encoded (``organisation_logo_check``);
    a refused one is named beside the field."""

    slug_source = "name"

    # No Meta: the admin builds the form for its fields from this base.

    def make_slug(self, text: str) -> str:
        return organisation_unique_slug(text, exclude_pk=self.instance.pk)

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not isinstance(logo, UploadedFile):
            return logo  # unchanged or cleared
        try:
            return organisation_logo_check(logo)
        except UploadRefused as error:
            raise ValidationError(str(error.message)) from error


class ProgrammeAdminForm(AutoSlugFormMixin, forms.ModelForm):
    slug_source = "title"

    def make_slug(self, text: str) -> str:
        return programme_unique_slug(text, exclude_pk=self.instance.pk)


@admin.register(Organisation)
class OrganisationAdmin(ContentAdmin):
    form = OrganisationAdminForm
    list_display = ["name", "short_name", "kind", "country", "show_in_header", "position"]
    list_filter = ["kind", "country", "show_in_header"]
    search_fields = [*localized_fields("name"), *localized_fields("short_name"), "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    fields = [
        "name",
        "short_name",
        "slug",
        "kind",
        "country",
        "website",
        "logo",
        "description",
        "show_in_header",
        "position",
    ]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class ProgrammeOrganisationInline(admin.TabularInline):
    model = ProgrammeOrganisation
    extra = 0
    fields = ["organisation", "role", "position"]
    autocomplete_fields = ["organisation"]


class IndicatorInline(ContentTabularInline):
    model = Indicator
    extra = 0
    fields = ["position", "name", "metric", "target", "achieved_manual"]


@admin.register(Programme)
class ProgrammeAdmin(ContentAdmin):
    form = ProgrammeAdminForm
    list_display = [
        "title",
        "start_date",
        "end_date",
        "grant_code",
        "is_published",
        "training_count",
        "position",
    ]
    list_filter = ["is_published", "parts__role", "organisations", "start_date"]
    search_fields = [*localized_fields("title"), "slug", "grant_code"]
    prepopulated_fields = {"slug": ["title_en"]}
    date_hierarchy = "start_date"
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "description"]}),
        (
            _("Dates and reporting"),
            {"fields": [("start_date", "end_date"), "grant_code", "is_published", "position"]},
        ),
    ]
    inlines = [ProgrammeOrganisationInline, IndicatorInline]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(training_total=Count("trainings", distinct=True))
        )

    @admin.display(description=_("trainings"), ordering="training_total")
    def training_count(self, programme):
        return programme.training_total
