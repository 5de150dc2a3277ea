from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from courses.models import Curriculum, Module, Question, Session, Topic, Training, TrainingQuota


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class ModuleInline(admin.StackedInline):
    model = Module
    extra = 0
    autocomplete_fields = ["topic"]


@admin.register(Curriculum)
class CurriculumAdmin(admin.ModelAdmin):
    list_display = ["title", "version", "status", "approved_on"]
    list_filter = ["status"]
    search_fields = ["title"]
    inlines = [ModuleInline]


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "topic", "curriculum", "hours"]
    list_filter = ["curriculum", "topic"]
    search_fields = ["code", "title", "summary"]
    list_select_related = ["topic", "curriculum"]


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ["title", "starts_at", "ends_at", "room", "module", "trainers"]
    autocomplete_fields = ["trainers"]


class QuotaFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        total = sum(
            form.cleaned_data.get("seats") or 0
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        )
        capacity = self.instance.capacity or 0
        if total > capacity:
            raise forms.ValidationError(
                _(
                    "The regional quotas add up to %(total)s seats, "
                    "more than the capacity (%(capacity)s)."
                )
                % {"total": total, "capacity": capacity}
            )


class QuotaInline(admin.TabularInline):
    model = TrainingQuota
    formset = QuotaFormSet
    extra = 0
    verbose_name_plural = _("regional quotas (seats beyond them are open to everyone)")


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    fields = [("position", "kind", "required"), "label", "help_text", "choices"]


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
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
    list_filter = ["status", "format", "requires_approval", "target_regions", "start_date"]
    search_fields = ["title", "slug", "description", "venue_city"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "start_date"
    filter_horizontal = ["modules", "target_regions", "coordinators"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "description", "modules", "coordinators"]}),
        (
            _("When and where"),
            {
                "fields": [
                    ("start_date", "end_date"),
                    "format",
                    ("venue_city", "venue_country"),
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
        (_("Certificates"), {"fields": [("min_attendance_percent", "min_hours")]}),
    ]

    # participants.admin adds the registrations inline: it sits above courses.
    inlines = [SessionInline, QuotaInline, QuestionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                confirmed_count=Count("registrations", filter=Q(registrations__status="confirmed")),
                waitlisted_count=Count(
                    "registrations", filter=Q(registrations__status="waitlisted")
                ),
            )
        )

    @admin.display(description=_("confirmed"), ordering="confirmed_count")
    def confirmed(self, obj):
        return obj.confirmed_count

    @admin.display(description=_("waiting"), ordering="waitlisted_count")
    def waitlisted(self, obj):
        return obj.waitlisted_count


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "training", "starts_at", "ends_at", "room"]
    list_filter = ["training__status"]
    search_fields = ["title", "training__title"]
    list_select_related = ["training"]
    autocomplete_fields = ["trainers", "training"]
    date_hierarchy = "starts_at"
