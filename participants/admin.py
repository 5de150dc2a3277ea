"""Staff admin for participants and registrations.

Status changes go through the services (actions and the "move" form below),
never through a plain edit of the status field: the services take the
training's lock, keep the seat rules, record who did what, and mail the person.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from courses.hooks import training_admin_extend
from participants import services
from participants.forms import ContactDetailsForm, check_latin_name_for_certificate
from participants.models import (
    Answer,
    Attendance,
    Certificate,
    Consent,
    MessageEmail,
    Notification,
    Participant,
    Registration,
    RegistrationEvent,
    TrainingMessage,
)
from rtcm.core.access import (
    CHANGE,
    VIEW,
    TrainingScopedAdminMixin,
    scope_to_trainings,
    user_acts_on_every_training,
)
from rtcm.core.admin import ServiceSavingAdminMixin
from rtcm.core.errors import DomainError


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    # No "view on site": a registration's page is its manage link, the person's own.
    view_on_site = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _registrations_seen_by(request):
    return scope_to_trainings(
        request.user, Registration.objects.all(), action=VIEW, path="training__coordinators"
    )


class ParticipantRegistrationInline(ReadOnlyInline):
    model = Registration
    fk_name = "participant"
    fields = ["training", "status", "submitted_at"]
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        # Only the registrations of trainings the person may view.
        return super().get_queryset(request).filter(pk__in=_registrations_seen_by(request))


class ConsentInline(ReadOnlyInline):
    """What the person agreed to, in the words and version shown: proof, never edited."""

    model = Consent
    fields = ["purpose", "version", "language", "given_at", "withdrawn_at", "text"]
    readonly_fields = fields


class ParticipantAdminForm(forms.ModelForm):
    """The Latin name in Latin letters, and printed only when given: the public forms' rules."""

    class Meta:
        model = Participant
        fields = "__all__"  # noqa: DJ007 -- the admin shows every field, as before

    clean_given_name_latin = ContactDetailsForm.clean_given_name_latin
    clean_family_name_latin = ContactDetailsForm.clean_family_name_latin

    def clean(self):
        cleaned = super().clean()
        check_latin_name_for_certificate(self)
        return cleaned


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    form = ParticipantAdminForm
    # People registered for a training the person may view (``rtcm.core.access``).
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
    search_fields = [
        "given_name",
        "family_name",
        "given_name_latin",
        "family_name_latin",
        "email",
        "organisation",
    ]
    readonly_fields = [
        "consent_given_at",
        "erased_at",
        "data_protection",
        "created_at",
        "updated_at",
    ]
    inlines = [ParticipantRegistrationInline, ConsentInline]

    def has_delete_permission(self, request, obj=None):
        # A person's registrations keep the reports' figures: a person is erased
        # (anonymised) on request from the data-protection page, never deleted.
        return False

    @admin.display(description=_("data-protection request"))
    def data_protection(self, participant):
        if participant.erased_at is not None or participant.pk is None:
            return "—"
        url = reverse("staff:privacy") + "?" + urlencode({"email": participant.email})
        return format_html(
            '<a href="{}">{}</a>',
            url,
            gettext("Export or erase this person's data (managers)"),
        )

    def get_queryset(self, request):
        people = super().get_queryset(request)
        if user_acts_on_every_training(request.user, action=VIEW):
            return people
        return people.filter(pk__in=_registrations_seen_by(request).values("participant"))


class RegistrationInline(ReadOnlyInline):
    model = Registration
    fields = ["participant", "status", "region", "seat_region", "submitted_at", "waitlisted_at"]
    readonly_fields = fields
    show_change_link = True
    ordering = ["status", "waitlisted_at", "submitted_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("participant", "region", "seat_region")


@admin.action(description=_("Issue certificates"))
def issue_certificates(modeladmin, request, queryset):
    """Start the bulk job per training (the service's rules decide who gets one)."""
    for training in queryset:
        try:
            job = services.certificates_issue_for_training(training=training, actor=request.user)
        except DomainError as error:
            # Early issue needs a reason: the training's certificates page asks for it.
            modeladmin.message_user(
                request,
                format_html(
                    gettext('{training}: {error} <a href="{url}">Certificates page</a>.'),
                    training=training.title,
                    error=error.message,
                    url=reverse("staff:training_certificates", kwargs={"slug": training.slug}),
                ),
                messages.ERROR,
            )
            continue
        modeladmin.message_user(
            request,
            format_html(
                gettext(
                    '{training}: certificates are being issued: <a href="{url}">see the job</a>.'
                ),
                training=training.title,
                url=reverse("jobs:detail", kwargs={"pk": job.pk}),
            ),
            messages.SUCCESS,
        )


@admin.display(description=_("certificates"))
def certificates_link(training):
    return format_html(
        '<a href="{}">{}</a>',
        reverse("staff:training_certificates", kwargs={"slug": training.slug}),
        _("Certificates"),
    )


def _fill_from_waitlist(training, *, change):
    # Capacity may have grown or quotas changed: offer the free seats.
    if change:
        services.training_fill_from_waitlist(training=training)


# The training admin is courses'; participants adds its parts through the hook
# rather than unregistering and re-registering it.
training_admin_extend(
    inlines=[RegistrationInline],
    actions=[issue_certificates],
    list_display=[certificates_link],
    after_save=[_fill_from_waitlist],
)


def _decide(modeladmin, request, queryset, action, reason=""):
    """The shared bulk decision (submission order, one service call each), and what
    happened to each person as the message."""
    try:
        result = services.registrations_bulk_decide(
            registrations=queryset, action=action, actor=request.user, reason=reason
        )
    except DomainError as error:
        modeladmin.message_user(request, str(error.message), messages.ERROR)
        return
    for line in services.registrations_bulk_summary(result):
        modeladmin.message_user(request, line, messages.INFO)


@admin.action(description=_("Approve selected registrations"), permissions=["change"])
def approve(modeladmin, request, queryset):
    _decide(modeladmin, request, queryset, "approve")


class RejectReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (sent to each person, in their language)"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=2000,
    )


@admin.action(
    description=_("Reject selected registrations (with a reason)"), permissions=["change"]
)
def reject(modeladmin, request, queryset):
    """Ask the one reason first (an intermediate page), then decide through the service."""
    form = RejectReasonForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        _decide(modeladmin, request, queryset, "reject", form.cleaned_data["reason"])
        return None
    return TemplateResponse(
        request,
        "admin/participants/registration/reject_selected.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": gettext("Reject the selected registrations"),
            "opts": modeladmin.model._meta,
            "form": form,
            "registrations": services.registrations_in_submission_order(queryset),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        },
    )


@admin.action(
    description=_("Cancel selected (the seat goes to the next person)"), permissions=["change"]
)
def cancel(modeladmin, request, queryset):
    _decide(modeladmin, request, queryset, "cancel")


class AnswerInline(ReadOnlyInline):
    model = Answer
    fields = ["question", "display_value"]
    readonly_fields = fields

    @admin.display(description=_("answer"))
    def display_value(self, answer):
        return answer.display_value


class EventInline(ReadOnlyInline):
    model = RegistrationEvent
    fields = ["created_at", "from_status", "to_status", "actor_kind", "actor", "note"]
    readonly_fields = fields
    verbose_name_plural = _("status changes (audit trail)")


class NotificationInline(ReadOnlyInline):
    model = Notification
    fields = ["created_at", "kind", "status", "recipient", "language", "sent_at", "attempts"]
    readonly_fields = fields
    verbose_name_plural = _("e-mails to the person")


class MoveForm(forms.Form):
    status = forms.ChoiceField(label=_("Move to"), choices=Registration.Status.choices)
    note = forms.CharField(
        label=_("Why"), required=False, widget=forms.TextInput(attrs={"size": 60})
    )


@admin.register(Registration)
class RegistrationAdmin(TrainingScopedAdminMixin, admin.ModelAdmin):
    list_display = ["participant", "training", "status", "region", "submitted_at", "source"]
    list_filter = ["status", "source", "region", "training__status", "training"]
    search_fields = [
        "participant__given_name",
        "participant__family_name",
        "participant__given_name_latin",
        "participant__family_name_latin",
        "participant__email",
        "training__title",
    ]
    list_select_related = ["participant", "training", "region"]
    readonly_fields = [
        "participant",
        "training",
        "status",
        "region",
        "seat_region",
        "source",
        "submitted_at",
        "status_changed_at",
        "waitlisted_at",
        # Decided on the staff certificates page, through the service.
        "certificate_override",
        "certificate_override_reason",
        "certificate_override_by",
        "certificate_override_at",
    ]
    fields = [*readonly_fields, "decision_reason"]
    actions = [approve, reject, cancel]
    date_hierarchy = "submitted_at"
    inlines = [AnswerInline, EventInline, NotificationInline]
    # The manage links are stored hashed and belong to the person's inbox:
    # staff change a registration here, not through a link.
    view_on_site = False
    change_form_template = "admin/participants/registration/change_form.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting would free a seat without promoting anyone, telling the person or
        # leaving a trail: registrations are cancelled (an action, through the
        # service), never deleted.
        return False

    def get_urls(self):
        move = self.admin_site.admin_view(self.move_view)
        return [
            path("<int:pk>/move/", move, name="participants_registration_move"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "move_form": MoveForm()}
        return super().change_view(request, object_id, form_url, extra_context)

    def move_view(self, request, pk):
        """Staff move a person between statuses, through the service, with a reason."""
        # Through the admin's queryset: another training's registration is a 404.
        registration = get_object_or_404(self.get_queryset(request), pk=pk)
        if request.method != "POST" or not self.has_change_permission(request, registration):
            return redirect(reverse("admin:participants_registration_change", args=[pk]))
        form = MoveForm(request.POST)
        if form.is_valid():
            try:
                services.registration_move(
                    registration=registration,
                    status=form.cleaned_data["status"],
                    actor=request.user,
                    note=form.cleaned_data["note"],
                )
            except DomainError as error:
                self.message_user(request, str(error.message), messages.ERROR)
            else:
                self.message_user(request, _("Status changed."), messages.SUCCESS)
        else:
            self.message_user(request, _("Choose a status."), messages.ERROR)
        return redirect(reverse("admin:participants_registration_change", args=[pk]))


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why"), widget=forms.TextInput(attrs={"size": 60}), max_length=500
    )


class RevokedFilter(admin.SimpleListFilter):
    title = _("revoked")
    parameter_name = "revoked"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(revoked_at__isnull=True)
        return queryset


@admin.register(Certificate)
class CertificateAdmin(TrainingScopedAdminMixin, admin.ModelAdmin):
    training_path = "registration__training__coordinators"
    """Certificates are issued by the services and never edited; they may be revoked."""

    list_display = ["serial", "participant", "training", "issued_at", "revoked"]
    list_filter = ["year", RevokedFilter, "registration__training"]
    search_fields = [
        "serial",
        "code",
        "registration__participant__given_name",
        "registration__participant__family_name",
        "registration__participant__given_name_latin",
        "registration__participant__family_name_latin",
    ]
    list_select_related = ["registration__participant", "registration__training"]
    date_hierarchy = "issued_at"
    fields = [
        "serial",
        "participant",
        "training",
        "registration_link",
        "code",
        "verification_link",
        "issued_at",
        "pdf_link",
        "rendered_at",
        "revoked_at",
        "revoked_reason",
        "revoked_by",
    ]
    readonly_fields = fields
    change_form_template = "admin/participants/certificate/change_form.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("participant"), ordering="registration__participant")
    def participant(self, certificate):
        return certificate.registration.participant

    @admin.display(description=_("training"), ordering="registration__training")
    def training(self, certificate):
        return certificate.registration.training

    @admin.display(description=_("revoked"), boolean=True, ordering="revoked_at")
    def revoked(self, certificate):
        return certificate.is_revoked

    @admin.display(description=_("registration"))
    def registration_link(self, certificate):
        url = reverse("admin:participants_registration_change", args=[certificate.registration_id])
        return format_html('<a href="{}">{}</a>', url, certificate.registration)

    @admin.display(description=_("verification page"))
    def verification_link(self, certificate):
        url = certificate.get_verification_url()
        return format_html('<a href="{}" rel="noopener">{}</a>', url, url)

    @admin.display(description=_("PDF"))
    def pdf_link(self, certificate):
        if not certificate.pdf:
            return _("not yet rendered")
        url = reverse(
            "staff:certificate_pdf",
            kwargs={"slug": certificate.registration.training.slug, "pk": certificate.pk},
        )
        return format_html('<a href="{}">{}.pdf</a>', url, certificate.serial)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("registration__participant", "registration__training", "revoked_by")
        )

    def get_urls(self):
        revoke = self.admin_site.admin_view(self.revoke_view)
        return [
            path("<int:pk>/revoke/", revoke, name="participants_certificate_revoke"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "revoke_form": RevokeForm(),
            # Nothing to save: every field is read-only.
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def revoke_view(self, request, pk):
        """Staff revoke a certificate, through the service, with a reason."""
        # Through the admin's queryset: another training's certificate is a 404.
        certificate = get_object_or_404(self.get_queryset(request), pk=pk)
        change_url = reverse("admin:participants_certificate_change", args=[pk])
        if request.method != "POST" or not self.has_change_permission(request, certificate):
            return redirect(change_url)
        form = RevokeForm(request.POST)
        if form.is_valid():
            try:
                services.certificate_revoke(
                    certificate=certificate,
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except DomainError as error:
                self.message_user(request, str(error.message), messages.ERROR)
            else:
                self.message_user(request, _("Certificate revoked."), messages.SUCCESS)
        else:
            self.message_user(request, _("Say why the certificate is revoked."), messages.ERROR)
        return redirect(change_url)


@admin.register(Notification)
class NotificationAdmin(TrainingScopedAdminMixin, admin.ModelAdmin):
    training_path = "registration__training__coordinators"
    list_display = ["created_at", "kind", "recipient", "status", "sent_at", "attempts"]
    list_filter = ["status", "kind", "language"]
    search_fields = ["recipient", "registration__training__title"]
    list_select_related = ["registration"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MessageEmailInline(ReadOnlyInline):
    model = MessageEmail
    fields = ["recipient", "language", "status", "sent_at", "attempts", "last_error"]
    readonly_fields = fields
    show_change_link = True


@admin.register(TrainingMessage)
class TrainingMessageAdmin(TrainingScopedAdminMixin, admin.ModelAdmin):
    """Read-only: messages are sent from the training's staff page (``training_message_send``)."""

    list_display = ["created_at", "subject", "training", "recipient_count", "created_by"]
    list_filter = ["created_at"]
    search_fields = ["subject", "training__title"]
    list_select_related = ["training", "created_by"]
    date_hierarchy = "created_at"
    inlines = [MessageEmailInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MessageEmail)
class MessageEmailAdmin(TrainingScopedAdminMixin, admin.ModelAdmin):
    training_path = "message__training__coordinators"
    list_display = ["created_at", "message", "recipient", "status", "sent_at", "attempts"]
    list_filter = ["status", "language"]
    search_fields = ["recipient", "message__subject", "message__training__title"]
    list_select_related = ["message"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Attendance)
class AttendanceAdmin(ServiceSavingAdminMixin, TrainingScopedAdminMixin, admin.ModelAdmin):
    """Power use; marks go through ``attendance_mark`` as on the sheet (confirmed people
    only, sessions that have started), and a mark's person and session stay fixed."""

    training_path = "registration__training__coordinators"
    list_display = ["registration", "session", "present", "marked_by", "marked_at"]
    list_filter = ["present", "session__training"]
    search_fields = [
        "registration__participant__family_name",
        "registration__participant__email",
    ]
    list_select_related = [
        "registration__participant",
        "registration__training",
        "session__training",
        "marked_by",
    ]
    raw_id_fields = ["registration", "session"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A typed-in id of another coordinator's person or session is "not a valid choice".
        if db_field.name in ("registration", "session"):
            kwargs["queryset"] = scope_to_trainings(
                request.user,
                db_field.remote_field.model._default_manager.all(),
                action=CHANGE,
                path="training__coordinators",
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        fields = [*fields, "marked_by"]
        return [*fields, "registration", "session"] if obj is not None else fields

    def save_through_service(self, request, obj, form, change):
        return services.attendance_mark(
            session=obj.session,
            registration=obj.registration,
            present=form.cleaned_data["present"],
            actor=request.user,
        )

    def delete_through_service(self, request, obj):
        obj.delete()  # no rule guards removing a mark (coordinators hold no delete right)
