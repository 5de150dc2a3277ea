"""The staff's admin for the Migration Volunteers: vetting, assignments, certificates of service.

Every change goes through ``volunteers.services``: the forms' saves and the
actions call them, so the rules hold here as everywhere (only active volunteers
are assigned, never twice at once; hours within the assignment; a certificate
only for hours served). Who may look and who may change is Django's model
permissions, given to the role groups by ``rtcm.core.roles.ROLE_PERMISSIONS``:
network officers keep the volunteers, coordinators see them and assign them.
Nothing here is public.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from rtcm.core.admin import ServiceSavingAdminMixin
from rtcm.core.errors import DomainError
from rtcm.core.storage import stored_file_response
from volunteers import services
from volunteers.forms import language_choices
from volunteers.models import (
    Assignment,
    ServiceCertificate,
    Volunteer,
    VolunteerConsent,
    VolunteerMessage,
)

# --- volunteers -----------------------------------------------------------------------


class VolunteerAdminForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("languages"),
        choices=language_choices,
        required=False,
        widget=FilteredSelectMultiple(_("languages"), is_stacked=False),
    )
    skills = forms.MultipleChoiceField(
        label=_("skills"),
        choices=Volunteer.Skill.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Volunteer
        fields = [*services.EDITABLE_FIELDS, "languages", "skills"]

    def clean_email(self):
        email = (self.cleaned_data.get("email") or "").strip()
        taken = services.selectors.volunteer_with_email(email, exclude_pk=self.instance.pk)
        if email and taken is not None:
            raise forms.ValidationError(
                str(services.DuplicateVolunteer.default_message), code="duplicate_email"
            )
        return email


class SkillFilter(admin.SimpleListFilter):
    title = _("skills")
    parameter_name = "skill"

    def lookups(self, request, model_admin):
        return Volunteer.Skill.choices

    def queryset(self, request, queryset):
        if self.value() in Volunteer.Skill.values:
            # The JSON list's text holds the quoted value: works on every database.
            return queryset.filter(skills__icontains=f'"{self.value()}"')
        return queryset


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AssignmentInline(ReadOnlyInline):
    """The volunteer's assignments; they are made and changed on the assignments' pages."""

    model = Assignment
    fields = ["link", "role", "starts_at", "ends_at", "status", "hours"]
    readonly_fields = fields
    ordering = ["-starts_at", "-pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("training")

    @admin.display(description=_("activity"))
    def link(self, assignment):
        url = reverse("admin:volunteers_assignment_change", args=[assignment.pk])
        return format_html('<a href="{}">{}</a>', url, assignment.activity_title)


class VolunteerConsentInline(ReadOnlyInline):
    """What the volunteer agreed to, in the words and version shown: proof, never edited."""

    model = VolunteerConsent
    fields = ["purpose", "version", "language", "given_at", "withdrawn_at", "text"]
    readonly_fields = fields


class VolunteerMessageInline(ReadOnlyInline):
    model = VolunteerMessage
    fields = ["kind", "status", "recipient", "subject", "created_at", "sent_at"]
    readonly_fields = fields
    ordering = ["-created_at", "-pk"]


def _run(modeladmin, request, queryset, service, done_message, *, order=("pk",)) -> None:
    """``service`` for each row; successes counted, refusals reported one by one."""
    done = 0
    for obj in queryset.order_by(*order):
        try:
            service(obj)
        except DomainError as error:
            modeladmin.message_user(request, str(error.message), messages.WARNING)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message(done), messages.SUCCESS)


@admin.action(description=_("Accept selected applicants"), permissions=["change"])
def accept(modeladmin, request, queryset):
    _run(
        modeladmin,
        request,
        queryset,
        lambda v: services.volunteer_accept(volunteer=v, actor=request.user),
        lambda n: (
            ngettext(
                "%(count)d applicant accepted; they are mailed a welcome.",
                "%(count)d applicants accepted; they are mailed a welcome.",
                n,
            )
            % {"count": n}
        ),
    )


@admin.action(description=_("Decline selected applicants"), permissions=["change"])
def decline(modeladmin, request, queryset):
    _run(
        modeladmin,
        request,
        queryset,
        lambda v: services.volunteer_decline(volunteer=v, actor=request.user),
        lambda n: (
            ngettext(
                "%(count)d applicant declined; they are mailed.",
                "%(count)d applicants declined; they are mailed.",
                n,
            )
            % {"count": n}
        ),
    )


@admin.action(description=_("Deactivate selected volunteers"), permissions=["change"])
def deactivate(modeladmin, request, queryset):
    _run(
        modeladmin,
        request,
        queryset,
        lambda v: services.volunteer_deactivate(volunteer=v, actor=request.user),
        lambda n: (
            ngettext("%(count)d volunteer deactivated.", "%(count)d volunteers deactivated.", n)
            % {"count": n}
        ),
    )


@admin.action(description=_("Reactivate selected volunteers"), permissions=["change"])
def reactivate(modeladmin, request, queryset):
    _run(
        modeladmin,
        request,
        queryset,
        lambda v: services.volunteer_reactivate(volunteer=v, actor=request.user),
        lambda n: (
            ngettext("%(count)d volunteer reactivated.", "%(count)d volunteers reactivated.", n)
            % {"count": n}
        ),
    )


@admin.register(Volunteer)
class VolunteerAdmin(ServiceSavingAdminMixin, admin.ModelAdmin):
    form = VolunteerAdminForm
    list_display = ["full_name", "email", "country", "status", "skill_list", "created_at"]
    list_filter = ["status", SkillFilter, "country"]
    search_fields = [
        "given_name",
        "family_name",
        "given_name_latin",
        "family_name_latin",
        "email",
        "city",
    ]
    date_hierarchy = "created_at"
    actions = [accept, decline, deactivate, reactivate]
    inlines = [AssignmentInline, VolunteerConsentInline, VolunteerMessageInline]
    readonly_fields = [
        "status",
        "status_changed_at",
        "status_changed_by",
        "created_at",
        "updated_at",
    ]
    list_select_related = ["status_changed_by"]

    def get_fieldsets(self, request, obj=None):
        details = [
            ("given_name", "family_name"),
            ("given_name_latin", "family_name_latin"),
            ("email", "phone"),
            ("country", "city"),
            "date_of_birth",
            "languages",
            "skills",
            "availability",
            "motivation",
            "correspondence_language",
        ]
        sets = [(None, {"fields": details}), (_("Staff notes"), {"fields": ["staff_notes"]})]
        if obj is not None:
            sets.append(
                (
                    _("Status"),
                    {
                        "fields": [
                            ("status", "status_changed_at", "status_changed_by"),
                            ("created_at", "updated_at"),
                        ]
                    },
                )
            )
        return sets

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    @admin.display(description=_("full name"), ordering="family_name")
    def full_name(self, volunteer: Volunteer) -> str:
        return volunteer.full_name

    @admin.display(description=_("skills"))
    def skill_list(self, volunteer: Volunteer) -> str:
        labels = dict(Volunteer.Skill.choices)
        return ", ".join(str(labels.get(skill, skill)) for skill in volunteer.skills) or "—"

    def save_through_service(self, request, obj, form, change):
        data = {
            name: form.cleaned_data.get(name)
            for name in services.EDITABLE_FIELDS
            if name in form.fields
        }
        languages = form.cleaned_data.get("languages") or []
        skills = form.cleaned_data.get("skills") or []
        if change:
            return services.volunteer_update(
                volunteer=Volunteer.objects.get(pk=obj.pk),
                data=data,
                languages=languages,
                skills=skills,
            )
        return services.volunteer_create(
            data=data, languages=languages, skills=skills, actor=request.user
        )

    def delete_through_service(self, request, obj):
        obj.delete()


# --- assignments ----------------------------------------------------------------------


class AssignmentAdminForm(forms.ModelForm):
    """A new assignment: a training (its times by default) or a named event with its times.
    Saved by ``services.assignment_create``: the clash check holds here too."""

    class Meta:
        model = Assignment
        fields = [
            "volunteer",
            "training",
            "event",
            "programme",
            "role",
            "starts_at",
            "ends_at",
            "notes",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            if name in self.fields:
                self.fields[name].required = False
                self.fields[name].help_text = _("Leave empty for a training: its own times.")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("training") and not (
            cleaned.get("starts_at") and cleaned.get("ends_at")
        ):
            self.add_error("starts_at", _("An event needs its start and end."))
        return cleaned

    def _post_clean(self):
        # The model's clean needs the times the service fills in from the training.
        pass


class AssignmentChangeForm(forms.ModelForm):
    """An existing assignment: its notes, and the hours served (which complete it)."""

    class Meta:
        model = Assignment
        fields = ["hours", "notes"]


@admin.action(description=_("Mark selected assignments completed"), permissions=["change"])
def mark_completed(modeladmin, request, queryset):
    _run(
        modeladmin,
        request,
        queryset.select_related("training", "volunteer"),
        lambda a: services.assignment_complete(
            assignment=a, hours=a.hours if a.hours > 0 else None, actor=request.user
        ),
        lambda n: (
            ngettext("%(count)d assignment completed.", "%(count)d assignments completed.", n)
            % {"count": n}
        ),
    )


@admin.action(description=_("Cancel selected assignments"), permissions=["change"])
def cancel_assignments(modeladmin, request, queryset):
    _run(
        modeladmin,
        request,
        queryset,
        lambda a: services.assignment_cancel(assignment=a, actor=request.user),
        lambda n: (
            ngettext(
                "%(count)d assignment cancelled; the volunteer is mailed.",
                "%(count)d assignments cancelled; the volunteers are mailed.",
                n,
            )
            % {"count": n}
        ),
    )


@admin.register(Assignment)
class AssignmentAdmin(ServiceSavingAdminMixin, admin.ModelAdmin):
    list_display = ["volunteer", "activity", "role", "starts_at", "ends_at", "status", "hours"]
    list_filter = ["status", "role", "starts_at"]
    search_fields = [
        "volunteer__given_name",
        "volunteer__family_name",
        "volunteer__email",
        "event",
        "training__title",
    ]
    list_select_related = ["volunteer", "training"]
    autocomplete_fields = ["volunteer", "training"]
    date_hierarchy = "starts_at"
    actions = [mark_completed, cancel_assignments]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = AssignmentChangeForm if obj is not None else AssignmentAdminForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return AssignmentAdminForm.Meta.fields
        return [
            "volunteer",
            "activity",
            "programme",
            "role",
            "starts_at",
            "ends_at",
            "status",
            "hours",
            "notes",
            "created_by",
            "created_at",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        fields = self.get_fields(request, obj)
        return [name for name in fields if name not in ("hours", "notes")]

    @admin.display(description=_("activity"))
    def activity(self, assignment: Assignment) -> str:
        return assignment.activity_title

    def save_through_service(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            return services.assignment_create(
                volunteer=data["volunteer"],
                role=data["role"],
                training=data.get("training"),
                event=data.get("event") or "",
                programme=data.get("programme"),
                starts_at=data.get("starts_at"),
                ends_at=data.get("ends_at"),
                notes=data.get("notes") or "",
                actor=request.user,
            )
        current = Assignment.objects.get(pk=obj.pk)
        if "notes" in form.changed_data:
            Assignment.objects.filter(pk=obj.pk).update(notes=(data.get("notes") or "").strip())
        if "hours" in form.changed_data:
            services.assignment_complete(
                assignment=current, hours=data["hours"], actor=request.user
            )
        return Assignment.objects.get(pk=obj.pk)

    def delete_through_service(self, request, obj):
        # An assignment is cancelled (the volunteer is told), not erased, unless it never
        # mattered: a cancelled one may go.
        if obj.status != Assignment.Status.CANCELLED:
            raise PermissionDenied
        obj.delete()


# --- certificates of service ----------------------------------------------------------


class ServiceCertificateAddForm(forms.ModelForm):
    language = forms.ChoiceField(
        label=_("language"),
        choices=lambda: [("", _("The volunteer's language")), *settings.LANGUAGES],
        required=False,
    )

    class Meta:
        model = ServiceCertificate
        fields = ["volunteer", "period_start", "period_end", "language"]

    def _post_clean(self):
        pass  # the service checks and fills in the rest


class ServiceCertificateChangeForm(forms.ModelForm):
    revoke = forms.BooleanField(label=_("revoke this certificate"), required=False)

    class Meta:
        model = ServiceCertificate
        fields = ["revoked_reason"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("revoke") and not (cleaned.get("revoked_reason") or "").strip():
            self.add_error("revoked_reason", _("Give the reason for revoking it."))
        return cleaned


@admin.register(ServiceCertificate)
class ServiceCertificateAdmin(ServiceSavingAdminMixin, admin.ModelAdmin):
    list_display = [
        "code",
        "volunteer",
        "period_start",
        "period_end",
        "hours",
        "issued_at",
        "valid",
        "pdf_link",
    ]
    list_filter = ["issued_at", "revoked_at"]
    search_fields = ["code", "volunteer__given_name", "volunteer__family_name", "volunteer__email"]
    list_select_related = ["volunteer"]
    autocomplete_fields = ["volunteer"]
    date_hierarchy = "issued_at"

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ServiceCertificateAddForm
        else:
            kwargs["form"] = ServiceCertificateChangeForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["volunteer", "period_start", "period_end", "language"]
        fields = [
            "code",
            "volunteer",
            "period_start",
            "period_end",
            "hours",
            "assignment_count",
            "language",
            "pdf_link",
            "issued_at",
            "issued_by",
            "revoked_at",
            "revoked_reason",
        ]
        if obj.revoked_at is None:
            fields.append("revoke")
        return fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        editable = {"revoke", "revoked_reason"} if obj.revoked_at is None else set()
        return [name for name in self.get_fields(request, obj) if name not in editable]

    @admin.display(description=_("valid"), boolean=True)
    def valid(self, certificate: ServiceCertificate) -> bool:
        return certificate.is_valid

    @admin.display(description=_("PDF"))
    def pdf_link(self, certificate: ServiceCertificate) -> str:
        if not certificate.pdf:
            return "—"
        url = reverse("admin:volunteers_servicecertificate_pdf", args=[certificate.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Download the PDF"))

    def get_urls(self):
        return [
            path(
                "<int:pk>/pdf/",
                self.admin_site.admin_view(self.pdf_view),
                name="volunteers_servicecertificate_pdf",
            ),
            *super().get_urls(),
        ]

    def pdf_view(self, request, pk):
        certificate = get_object_or_404(ServiceCertificate, pk=pk)
        if not self.has_view_permission(request, certificate):
            raise PermissionDenied
        return stored_file_response(
            certificate.pdf, filename=f"{certificate.code}.pdf", content_type="application/pdf"
        )

    def save_through_service(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            return services.service_certificate_issue(
                volunteer=data["volunteer"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                language=data.get("language") or None,
                actor=request.user,
            )
        current = ServiceCertificate.objects.get(pk=obj.pk)
        if data.get("revoke"):
            return services.service_certificate_revoke(
                certificate=current, reason=data.get("revoked_reason") or "", actor=request.user
            )
        return current

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: its code must keep answering

    def delete_through_service(self, request, obj):
        raise PermissionDenied


@admin.register(VolunteerMessage)
class VolunteerMessageAdmin(admin.ModelAdmin):
    """The log of e-mails to volunteers: written by the services, read here."""

    list_display = ["volunteer", "kind", "status", "recipient", "created_at", "sent_at"]
    list_filter = ["kind", "status", "created_at"]
    search_fields = ["recipient", "volunteer__given_name", "volunteer__family_name"]
    list_select_related = ["volunteer"]
    date_hierarchy = "created_at"
    fields = [
        "volunteer",
        "assignment",
        "kind",
        "status",
        "recipient",
        "language",
        "subject",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
