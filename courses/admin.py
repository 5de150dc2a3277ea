from django import forms
from django.contrib import admin
from django.db import models, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext
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


def _session_time(starts_at, ends_at) -> str:
    starts, ends = timezone.localtime(starts_at), timezone.localtime(ends_at)
    return f"{formats.date_format(starts, 'DATE_FORMAT')}, {starts:%H:%M}–{ends:%H:%M}"


class SessionAdminForm(forms.ModelForm):
    """A session whose trainers are checked as the booking service checks them.

    Each trainer newly booked (or every trainer, when the times change) must be
    an active expert free at that time: ``experts.services.trainer_problem``
    says why not, naming the clash, and the error shows on the trainers field.
    """

    # In a training's inline the training's own sessions are being edited too:
    # their clashes are judged on the formset's data (``SessionInlineFormSet``),
    # not on the rows as they were.
    own_training_in_formset = False

    class Meta:
        model = Session
        fields = ["training", "title", "starts_at", "ends_at", "room", "module", "trainers"]

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        trainers = cleaned.get("trainers")
        if not trainers or not starts or not ends or ends <= starts:
            return cleaned
        session = self.instance
        _lock_experts(trainers)
        current = set(session.trainers.values_list("pk", flat=True)) if session.pk else set()
        times_changed = "starts_at" in self.changed_data or "ends_at" in self.changed_data
        problems = [
            problem
            for expert in trainers
            if (expert.pk not in current or times_changed)
            and (problem := self._trainer_problem(expert, starts, ends))
        ]
        if problems:
            self.add_error("trainers", problems)
        return cleaned

    def _trainer_problem(self, expert, starts, ends) -> str | None:
        # experts sits above courses: imported here, when the admin validates.
        from experts.models import Expert
        from experts.services import trainer_problem

        session = self.instance
        problem = trainer_problem(expert, starts, ends, exclude_session_id=session.pk)
        if (
            problem
            and self.own_training_in_formset
            and session.training_id
            and expert.status == Expert.Status.ACTIVE
        ):
            # Busy only in a session of this very training? The formset judges that.
            elsewhere = (
                Session.objects.filter(trainers=expert, starts_at__lt=ends, ends_at__gt=starts)
                .exclude(training_id=session.training_id)
                .exclude(training__status=Training.Status.CANCELLED)
                .exists()
            )
            if not elsewhere:
                return None
        return problem


def _lock_experts(experts) -> None:
    """Lock the experts' rows until the admin's transaction commits, as the booking
    service does: two people booking one expert at once cannot both pass the check."""
    from experts.models import Expert

    if transaction.get_connection().in_atomic_block:  # the admin saves in one transaction
        list(
            Expert.objects.select_for_update()
            .filter(pk__in=[expert.pk for expert in experts])
            .order_by("pk")
            .values_list("pk", flat=True)
        )


class SessionInlineForm(SessionAdminForm):
    own_training_in_formset = True


class SessionInlineFormSet(forms.BaseInlineFormSet):
    """Nobody teaches two sessions of the training at once (as the formset will save them)."""

    def clean(self):
        super().clean()
        seen = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or self._should_delete_form(form):
                continue
            starts, ends = data.get("starts_at"), data.get("ends_at")
            trainers = list(data.get("trainers") or [])
            if not (starts and ends and trainers):
                continue
            problems = [
                gettext(
                    "%(name)s also teaches “%(session)s” of this training "
                    "at an overlapping time (%(when)s)."
                )
                % {
                    "name": expert.full_name,
                    "session": other_title,
                    "when": _session_time(other_starts, other_ends),
                }
                for other_title, other_starts, other_ends, other_trainers in seen
                if starts < other_ends and ends > other_starts
                for expert in trainers
                if expert in other_trainers
            ]
            if problems:
                form.add_error("trainers", problems)
            seen.append((data.get("title") or "", starts, ends, trainers))


class SessionInline(admin.TabularInline):
    model = Session
    form = SessionInlineForm
    formset = SessionInlineFormSet
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
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "status",
                    "description",
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
    readonly_fields = ["suggested_experts"]

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

    @admin.display(description=_("trainers"))
    def suggested_experts(self, training):
        if not training.pk:
            return gettext("Save the training first: then the expert network suggests trainers.")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("experts_staff:matching", kwargs={"slug": training.slug}),
            gettext("Suggested experts"),
        )

    @admin.display(description=_("confirmed"), ordering="confirmed_count")
    def confirmed(self, obj):
        return obj.confirmed_count

    @admin.display(description=_("waiting"), ordering="waitlisted_count")
    def waitlisted(self, obj):
        return obj.waitlisted_count


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    form = SessionAdminForm
    list_display = ["title", "training", "starts_at", "ends_at", "room"]
    list_filter = ["training__status"]
    search_fields = ["title", "training__title"]
    list_select_related = ["training"]
    autocomplete_fields = ["trainers", "training"]
    date_hierarchy = "starts_at"
