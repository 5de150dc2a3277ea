"""The network officers' admin for experts and the e-mails sent to them.

Saving goes through ``experts.services`` (``expert_create`` / ``expert_update``):
the CV and the photo are checked by their content, the photo re-encoded and
the slug made by the service. The form runs the same checks first, so that a
refused file shows its message beside the field and nothing is stored.
Status, consent, slug and the CV's details are read-only here: the status
changes through the actions (approve, deactivate, reactivate) or, to decline
with the reason the applicant is owed, on the staff review page.

Who may look and who may edit is Django's model permissions, given to the
role groups by ``rtcm.core.roles.ROLE_PERMISSIONS``: network officers (and
superusers) edit; coordinators may look, which is also what lets them pick
trainers from the sessions' autocomplete — where only active experts are offered.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from courses.hooks import training_admin_extend
from experts import services
from experts.models import (
    WORKING_LANGUAGES,
    Expert,
    ExpertConsent,
    ExpertMessage,
    TrainerRating,
)
from rtcm.core.access import (
    READ_EVERY_TRAINING_MATCHING,
    TrainingScopedAdminMixin,
    user_has_any_role,
)
from rtcm.core.admin import ServiceSavingAdminMixin
from rtcm.core.content import ContentAdmin, localized_fields
from rtcm.core.errors import DomainError
from rtcm.core.roles import EXPERT_NETWORK_ROLES
from rtcm.core.uploads import UploadRefused, allowed_extensions_text

PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"


class ExpertAdminForm(forms.ModelForm):
    """The editable profile, working languages, CV and photo (checked as the service checks)."""

    languages = forms.MultipleChoiceField(
        label=_("working languages"),
        choices=WORKING_LANGUAGES,
        required=False,
        widget=FilteredSelectMultiple(_("working languages"), is_stacked=False),
    )
    cv = forms.FileField(
        label=_("CV"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ",".join(services.CV_EXTENSIONS)}),
        help_text=_("A new file replaces the CV on file. Allowed types: %(types)s.")
        % {"types": allowed_extensions_text(services.CV_EXTENSIONS)},
    )
    remove_cv = forms.BooleanField(label=_("remove the CV"), required=False)
    photo = forms.FileField(
        label=_("photo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": PHOTO_ACCEPT}),
        help_text=_(
            "JPEG, PNG or WebP; stored as a JPEG of at most 800 pixels, without its metadata."
        ),
    )
    remove_photo = forms.BooleanField(label=_("remove the photo"), required=False)
    public_profile_consent = forms.BooleanField(
        label=_("consents to a public profile"),
        required=False,
        help_text=_("Only if the expert gave their consent (they can withdraw it at any time)."),
    )

    class Meta:
        model = Expert
        fields = [*services.EDITABLE_FIELDS, "expertise"]
        widgets = {"expertise": FilteredSelectMultiple(_("expertise"), is_stacked=False)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        expert = self.instance
        if expert.pk:
            self.fields["languages"].initial = expert.language_codes()
            # Consent is the expert's to give: on file, it changes on the review page only.
            del self.fields["public_profile_consent"]
            if not expert.cv:
                del self.fields["remove_cv"]
            if not expert.photo:
                del self.fields["remove_photo"]
        else:
            del self.fields["remove_cv"]
            del self.fields["remove_photo"]

    def clean_email(self):
        email = (self.cleaned_data.get("email") or "").strip()
        taken = (
            Expert.objects.annotate(lower_email=Lower("email"))
            .filter(lower_email=email.lower())
            .exclude(pk=self.instance.pk)
            .exists()
        )
        if email and taken:
            raise ValidationError(
                _("Another expert (or applicant) has this e-mail address."), code="duplicate_email"
            )
        return email

    def clean_cv(self):
        uploaded = self.cleaned_data.get("cv")
        if uploaded:
            # The check ``services`` makes before storing a CV (type by content, size).
            try:
                services.cv_check(uploaded)
            except UploadRefused as error:
                raise ValidationError(str(error.message), code=error.code) from error
        return uploaded

    def clean_photo(self):
        uploaded = self.cleaned_data.get("photo")
        if uploaded:
            try:
                services.photo_check(uploaded)  # decodes it as the service will; stores nothing
            except UploadRefused as error:
                raise ValidationError(str(error.message), code=error.code) from error
        return uploaded


class ExpertMessageInline(admin.TabularInline):
    model = ExpertMessage
    extra = 0
    can_delete = False
    fields = ["kind", "status", "recipient", "note", "created_by", "created_at", "sent_at"]
    readonly_fields = fields
    ordering = ["-created_at", "-pk"]

    # The messages are the services' log: nobody adds or edits them here.
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")


class ExpertConsentInline(admin.TabularInline):
    """What the expert agreed to, in the words and version shown: proof, never edited."""

    model = ExpertConsent
    extra = 0
    can_delete = False
    fields = ["purpose", "version", "language", "given_at", "withdrawn_at", "text"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _run_service(modeladmin, request, queryset, service, done_message) -> None:
    """``service`` for each expert; successes counted, refusals reported one by one."""
    done = 0
    for expert in queryset.order_by("family_name", "given_name", "pk"):
        try:
            service(expert=expert, actor=request.user)
        except DomainError as error:
            # The services' refusals name the expert.
            modeladmin.message_user(request, str(error.message), messages.WARNING)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message(done), messages.SUCCESS)


@admin.action(description=_("Approve selected applicants"), permissions=["change"])
def approve(modeladmin, request, queryset):
    _run_service(
        modeladmin,
        request,
        queryset,
        services.expert_approve,
        lambda n: (
            ngettext(
                "%(count)d applicant approved; they are mailed a welcome.",
                "%(count)d applicants approved; they are mailed a welcome.",
                n,
            )
            % {"count": n}
        ),
    )


@admin.action(description=_("Deactivate selected experts"), permissions=["change"])
def deactivate(modeladmin, request, queryset):
    _run_service(
        modeladmin,
        request,
        queryset,
        services.expert_deactivate,
        lambda n: (
            ngettext("%(count)d expert deactivated.", "%(count)d experts deactivated.", n)
            % {"count": n}
        ),
    )


@admin.action(description=_("Reactivate selected experts"), permissions=["change"])
def reactivate(modeladmin, request, queryset):
    _run_service(
        modeladmin,
        request,
        queryset,
        services.expert_reactivate,
        lambda n: (
            ngettext("%(count)d expert reactivated.", "%(count)d experts reactivated.", n)
            % {"count": n}
        ),
    )


@admin.register(Expert)
class ExpertAdmin(ServiceSavingAdminMixin, ContentAdmin):
    form = ExpertAdminForm
    list_display = [
        "full_name",
        "country",
        "organisation",
        "status",
        "public",
        "created_at",
        "review_link",
    ]
    list_filter = ["status", "expertise", "country"]
    search_fields = ["given_name", "family_name", "email", "organisation"]
    date_hierarchy = "created_at"
    actions = [approve, deactivate, reactivate]
    inlines = [ExpertMessageInline, ExpertConsentInline]
    readonly_fields = [
        "review_link",
        "slug",
        "status",
        "status_changed_at",
        "status_changed_by",
        "public_profile_consent_at",
        "public_profile_consent_withdrawn_at",
        "cv_file",
        "photo_on_file",
        "working_languages",
        "created_at",
        "updated_at",
    ]

    @staticmethod
    def _opens_review_page(request) -> bool:
        return user_has_any_role(request.user, EXPERT_NETWORK_ROLES)

    def get_list_display(self, request):
        if self._opens_review_page(request):
            return self.list_display
        return [name for name in self.list_display if name != "review_link"]

    def get_fieldsets(self, request, obj=None):
        # Those who may only look see the languages and files as read-only displays.
        editable = obj is None or self.has_change_permission(request, obj)
        profile = [
            ("given_name", "family_name"),
            ("email", "phone"),
            "country",
            ("organisation", "position"),
            "expertise",
            "languages" if editable else "working_languages",
            *localized_fields("bio"),  # each language's, side by side
            "correspondence_language",
        ]
        if obj is None:
            return [
                (None, {"fields": profile}),
                (_("CV and photo"), {"fields": ["cv", "photo"]}),
                (_("Consent and notes"), {"fields": ["public_profile_consent", "staff_notes"]}),
            ]
        files = [
            *(["cv_file", "cv", "remove_cv"] if obj.cv else ["cv"]),
            *(["photo_on_file", "photo", "remove_photo"] if obj.photo else ["photo"]),
        ]
        if not editable:
            files = ["cv_file", "photo_on_file"]
        review = ["review_link"] if self._opens_review_page(request) else []
        return [
            (None, {"fields": [*review, "slug", *profile]}),
            (_("CV and photo"), {"fields": files}),
            (
                _("Status and consent"),
                {
                    "fields": [
                        ("status", "status_changed_at", "status_changed_by"),
                        ("public_profile_consent_at", "public_profile_consent_withdrawn_at"),
                        ("created_at", "updated_at"),
                    ]
                },
            ),
            (_("Staff notes"), {"fields": ["staff_notes"]}),
        ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("status_changed_by")

    @admin.display(description=_("public"), boolean=True)
    def public(self, expert: Expert) -> bool:
        return expert.is_public

    @admin.display(description=_("review"))
    def review_link(self, expert: Expert) -> str:
        if not expert.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("experts_staff:detail", kwargs={"pk": expert.pk}),
            gettext("Review page (status changes, decline with a message)"),
        )

    @admin.display(description=_("working languages"))
    def working_languages(self, expert: Expert) -> str:
        return ", ".join(expert.language_names()) or "—"

    @admin.display(description=_("CV on file"))
    def cv_file(self, expert: Expert) -> str:
        if not expert.cv:
            return "—"
        return format_html(
            '<a href="{}">{}</a> ({}, {})',
            reverse("experts_staff:cv", kwargs={"pk": expert.pk}),
            expert.cv_original_name or gettext("Download"),
            expert.cv_content_type,
            filesizeformat(expert.cv_size),
        )

    @admin.display(description=_("photo on file"))
    def photo_on_file(self, expert: Expert) -> str:
        if not expert.photo:
            return "—"
        return gettext("Yes (shown on the review page and, while public, on the profile).")

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # The sessions' trainer autocomplete offers active experts only.
        if (
            request.path == reverse("admin:autocomplete")
            and request.GET.get("model_name") == "session"
            and request.GET.get("field_name") == "trainers"
        ):
            queryset = queryset.filter(status=Expert.Status.ACTIVE)
        return queryset, may_have_duplicates

    def save_through_service(self, request, obj, form, change):
        data = {
            name: form.cleaned_data.get(name)
            for name in services.EDITABLE_FIELDS
            if name in form.fields  # each language's bio, not the reader's ``bio``
        }
        expertise = form.cleaned_data.get("expertise") or []
        languages = form.cleaned_data.get("languages") or []
        cv = form.cleaned_data.get("cv") or None
        photo = form.cleaned_data.get("photo") or None
        if change:
            return services.expert_update(
                expert=Expert.objects.get(pk=obj.pk),
                data=data,
                expertise=expertise,
                languages=languages,
                cv=cv,
                photo=photo,
                clear_cv=bool(form.cleaned_data.get("remove_cv")),
                clear_photo=bool(form.cleaned_data.get("remove_photo")),
            )
        return services.expert_create(
            data=data,
            expertise=expertise,
            languages=languages,
            cv=cv,
            photo=photo,
            public_profile_consent=bool(form.cleaned_data.get("public_profile_consent")),
            actor=request.user,
        )

    def delete_through_service(self, request, obj):
        services.expert_delete(expert=obj)


@admin.register(ExpertMessage)
class ExpertMessageAdmin(admin.ModelAdmin):
    """The log of e-mails to experts: written by the services, read here."""

    list_display = ["expert", "kind", "status", "recipient", "created_at", "sent_at"]
    list_filter = ["kind", "status", "created_at"]
    search_fields = ["recipient", "expert__given_name", "expert__family_name", "note"]
    list_select_related = ["expert"]
    date_hierarchy = "created_at"
    fields = [
        "expert",
        "kind",
        "status",
        "recipient",
        "language",
        "subject",
        "note",
        "attempts",
        "last_error",
        "created_by",
        "created_at",
        "sent_at",
    ]
    readonly_fields = fields

    # The services' log of e-mails: read-only for everyone (viewing is a model permission).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TrainerRating)
class TrainerRatingAdmin(TrainingScopedAdminMixin, admin.ModelAdmin):
    """Participants' ratings of their trainers, as they gave them (from their manage page).

    Nothing here is edited: a rating is the participant's word, written by
    ``experts.ratings.trainer_rate``. A superuser may delete an abusive one. Network
    officers keep the experts, so they read every training's ratings, but not who
    gave them (they see no participant anywhere).
    """

    training_path = "session__training__coordinators"
    training_readers = READ_EVERY_TRAINING_MATCHING

    list_display = ["expert", "session", "score", "created_at", "participant"]
    list_filter = ["score", "created_at", "expert"]
    search_fields = [
        "expert__given_name",
        "expert__family_name",
        "session__title",
        "session__training__title",
        "registration__participant__given_name",
        "registration__participant__family_name",
        "comment",
    ]
    list_select_related = ["expert", "session__training", "registration__participant"]
    date_hierarchy = "created_at"
    fields = ["expert", "session", "score", "comment", "registration_link", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    @staticmethod
    def _shows_participants(request) -> bool:
        return request.user.has_perm("participants.view_registration")

    def get_list_display(self, request):
        if self._shows_participants(request):
            return self.list_display
        return [name for name in self.list_display if name != "participant"]

    def get_search_fields(self, request):
        if self._shows_participants(request):
            return self.search_fields
        return [name for name in self.search_fields if "participant" not in name]

    def get_fields(self, request, obj=None):
        if self._shows_participants(request):
            return self.fields
        return [name for name in self.fields if name != "registration_link"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("expert", "session__training", "registration__participant")
        )

    @admin.display(description=_("participant"), ordering="registration__participant")
    def participant(self, rating):
        return rating.registration.participant

    @admin.display(description=_("registration"))
    def registration_link(self, rating):
        url = reverse("admin:participants_registration_change", args=[rating.registration_id])
        return format_html('<a href="{}">{}</a>', url, rating.registration)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Nothing to save: every field is read-only.
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)


# --- the training admin (courses') ------------------------------------------------------


def suggested_experts_link(training) -> str:
    """The "trainers" row of the training admin: the network's suggestions page."""
    if not training.pk:
        return gettext("Save the training first: then the expert network suggests trainers.")
    return format_html(
        '<a href="{}">{}</a>',
        reverse("experts_staff:matching", kwargs={"slug": training.slug}),
        gettext("Suggested experts"),
    )


training_admin_extend(trainer_links=[suggested_experts_link])
