from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from rtcm.core import identity
from rtcm.core.errors import DomainError
from rtcm.core.forms import add_domain_error
from rtcm.core.models import CountryRegion, Identity, Region
from rtcm.core.reauth import authentication_is_recent, reauthentication_redirect
from rtcm.core.two_factor import StaffAuthenticationForm
from rtcm.core.uploads import UploadRefused

_REFUSAL = "_rtcm_service_refusal"


class _ServiceRefused(Exception):
    def __init__(self, error: DomainError | ValidationError):
        super().__init__(str(error))
        self.error = error


class ServiceSavingAdminMixin:
    """An admin that saves (and deletes) through a service, so the admin obeys its rules.

    Write ``save_through_service(request, obj, form, change)``: it calls the
    service with the form's cleaned data and returns the saved row. The admin then
    goes on with ``obj`` (inlines, history, messages, redirect), reloaded from that
    row. A ``DomainError`` (or a ``ValidationError`` of the service's
    ``full_clean()``) rolls the change back (the admin's view is atomic) and the
    form comes back with the person's input and the refusal beside its field, as
    any other invalid form. The service sets the many-to-many fields itself: the
    form's ``save_m2m`` does not run. ``delete_through_service`` is the service's
    delete, for one row and for the changelist's delete action alike.
    """

    def save_through_service(self, request, obj, form, change: bool) -> models.Model:
        raise NotImplementedError

    def delete_through_service(self, request, obj) -> None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        try:
            saved = self.save_through_service(request, obj, form, change)
        except (DomainError, ValidationError) as error:
            raise _ServiceRefused(error) from error
        obj.pk = saved.pk
        obj._state.adding = False  # Model._state is documented
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _ServiceRefused as refused:
            # Nothing was written: show the same form again, invalid with the refusal.
            setattr(request, _REFUSAL, refused.error)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, _REFUSAL, None)
        if refusal is None:
            return form_class

        class RefusedForm(form_class):
            def full_clean(self):
                super().full_clean()
                if self.is_bound:
                    add_domain_error(self, refusal)

        RefusedForm.__name__ = form_class.__name__
        return RefusedForm

    def delete_model(self, request, obj):
        self.delete_through_service(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_through_service(request, obj)


class CountryRegionInline(admin.TabularInline):
    model = CountryRegion
    extra = 1


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "position"]
    inlines = [CountryRegionInline]


@admin.register(CountryRegion)
class CountryRegionAdmin(admin.ModelAdmin):
    list_display = ["country", "region"]
    list_filter = ["region"]
    search_fields = ["country"]
    list_select_related = ["region"]


# --- staff accounts: the sign-in with its second factor, re-authentication -------------
# The admin's sign-in asks for the two-factor code of those who have an authenticator
# (rtcm.core.two_factor). Creating an API token and changing roles (a user's groups,
# staff and superuser flags, permissions, password; any group) need a recent sign-in
# (rtcm.core.reauth): these admins are Django's and DRF's, re-registered with that check.

admin.site.login_form = StaffAuthenticationForm
admin.site.login_template = "core/admin_login.html"

ROLE_FIELDS = ("groups", "is_staff", "is_superuser", "user_permissions")
NOT_SAVED = _("Nothing was saved: confirm your password, then make the change again.")


def _stale(request) -> bool:
    return request.method == "POST" and not authentication_is_recent(request)


def _refuse_until_confirmed(request, next_url: str | None = None):
    messages.warning(request, NOT_SAVED)
    return reauthentication_redirect(request, next_url)


admin.site.unregister(User)


@admin.register(User)
class RTCMUserAdmin(UserAdmin):
    def _changes_roles(self, request, object_id) -> bool:
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        if object_id and obj is None:
            return False  # the admin answers that itself
        form = self.get_form(request, obj, change=obj is not None)(
            request.POST, request.FILES, instance=obj
        )
        return any(name in form.changed_data for name in ROLE_FIELDS if name in form.fields)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if _stale(request) and self._changes_roles(request, object_id):
            return _refuse_until_confirmed(request)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def user_change_password(self, request, id, form_url=""):
        if _stale(request):
            return _refuse_until_confirmed(request)
        return super().user_change_password(request, id, form_url)


admin.site.unregister(Group)


@admin.register(Group)
class RTCMGroupAdmin(GroupAdmin):
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if _stale(request):
            return _refuse_until_confirmed(request)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        if _stale(request):
            return _refuse_until_confirmed(request)
        return super().delete_view(request, object_id, extra_context)


admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class RTCMTokenAdmin(TokenAdmin):
    """Adding a token (a credential that skips the sign-in) needs a recent sign-in,
    asked before the form is shown."""

    def add_view(self, request, form_url="", extra_context=None):
        if not authentication_is_recent(request):
            return reauthentication_redirect(request)
        return super().add_view(request, form_url, extra_context)


# django-otp's own admins show the devices' keys and QR codes: superusers see here who
# has a second factor, and remove one (after a recent sign-in) for a colleague who lost
# their phone; the keys, the codes and the adding stay with the person (/staff/security/).
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


class _DeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed"]
    list_filter = ["confirmed"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    fields = ["user", "name", "confirmed"]
    readonly_fields = fields
    actions = None  # one at a time, through delete_view and its re-authentication

    def has_add_permission(self, request):
        return False

    def delete_view(self, request, object_id, extra_context=None):
        if _stale(request):
            return _refuse_until_confirmed(request)
        return super().delete_view(request, object_id, extra_context)

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(TOTPDevice, _DeviceAdmin)
admin.site.register(StaticDevice, _DeviceAdmin)


class IdentityForm(forms.ModelForm):
    """The colours as ``#rrggbb`` and the logo checked by its content, each refusal
    beside its field; the logo is stored re-encoded as a PNG."""

    class Meta:
        model = Identity
        fields = ["logo", "primary_colour", "accent_colour"]
        # Text, not <input type="color">: a colour picker always sends a colour, and an
        # empty field must stay empty (the settings' or the default colour then).
        widgets = {
            "primary_colour": forms.TextInput(attrs={"placeholder": "#12355b", "size": 8}),
            "accent_colour": forms.TextInput(attrs={"placeholder": "#8a6d1e", "size": 8}),
        }

    def _clean_colour(self, field: str) -> str:
        value = (self.cleaned_data.get(field) or "").strip()
        return identity.colour_validate(value) if value else ""

    def clean_primary_colour(self):
        return self._clean_colour("primary_colour")

    def clean_accent_colour(self):
        return self._clean_colour("accent_colour")

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not isinstance(logo, UploadedFile):
            return logo  # unchanged or cleared
        try:
            return identity.identity_logo_check(logo)
        except UploadRefused as error:
            raise ValidationError(str(error.message)) from error


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    """One row (``pk=1``): offered for adding only while there is none; never deleted
    (clearing its fields brings the settings' or the default identity back)."""

    form = IdentityForm
    readonly_fields = ["updated_at"]

    def has_add_permission(self, request):
        # From the cached row: the admin's menu asks this on every admin page.
        return super().has_add_permission(request) and not identity.identity_row_exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.pk = 1
        super().save_model(request, obj, form, change)
