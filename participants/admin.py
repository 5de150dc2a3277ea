"""Staff admin for participants and registrations.

Status changes go through the services (actions below), never through a
plain edit of the status field: they take the training's lock and send mail.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from courses.admin import TrainingAdmin
from courses.models import Training
from participants import services
from participants.models import Attendance, Participant, Registration
from rtcm.core.errors import DomainError


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = [
        "family_name",
        "given_name",
        "email",
        "nationality",
        "organisation",
        "organisation_type",
        "gender",
    ]
    list_filter = ["gender", "organisation_type", "nationality", "preferred_language"]
    search_fields = ["given_name", "family_name", "email", "organisation"]
    readonly_fields = ["consent_given_at", "created_at", "updated_at"]


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    fields = ["participant", "status", "submitted_at", "waitlisted_at"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False
    ordering = ["status", "waitlisted_at", "submitted_at"]

    def has_add_permission(self, request, obj=None):
        # New registrations go through the service (seat rules, e-mail).
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("participant")


admin.site.unregister(Training)


@admin.register(Training)
class TrainingWithRegistrationsAdmin(TrainingAdmin):
    inlines = [*TrainingAdmin.inlines, RegistrationInline]


def _run_service(modeladmin, request, queryset, service, done_message):
    done = 0
    for registration in queryset:
        try:
            service(registration=registration)
        except DomainError as error:
            modeladmin.message_user(request, f"{registration}: {error.message}", messages.WARNING)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message(done), messages.SUCCESS)


@admin.action(description=_("Approve selected registrations"))
def approve(modeladmin, request, queryset):
    _run_service(
        modeladmin,
        request,
        queryset,
        services.registration_approve,
        lambda n: ngettext("%d registration approved.", "%d registrations approved.", n) % n,
    )


@admin.action(description=_("Reject selected registrations"))
def reject(modeladmin, request, queryset):
    _run_service(
        modeladmin,
        request,
        queryset,
        services.registration_reject,
        lambda n: ngettext("%d registration rejected.", "%d registrations rejected.", n) % n,
    )


@admin.action(description=_("Cancel selected registrations"))
def cancel(modeladmin, request, queryset):
    _run_service(
        modeladmin,
        request,
        queryset,
        services.registration_cancel,
        lambda n: ngettext("%d registration cancelled.", "%d registrations cancelled.", n) % n,
    )


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["participant", "training", "status", "submitted_at", "source"]
    list_filter = ["status", "source", "training__status", "training"]
    search_fields = [
        "participant__given_name",
        "participant__family_name",
        "participant__email",
        "training__title",
    ]
    list_select_related = ["participant", "training"]
    readonly_fields = [
        "participant",
        "training",
        "status",
        "source",
        "submitted_at",
        "status_changed_at",
        "waitlisted_at",
        "token",
    ]
    fields = [*readonly_fields, "decision_reason"]
    actions = [approve, reject, cancel]
    date_hierarchy = "submitted_at"

    def has_add_permission(self, request):
        return False


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["registration", "session", "present", "marked_by", "marked_at"]
    list_filter = ["present", "session__training"]
    search_fields = [
        "registration__participant__family_name",
        "registration__participant__email",
    ]
    list_select_related = ["registration__participant", "registration__training", "session"]
    raw_id_fields = ["registration", "session"]
