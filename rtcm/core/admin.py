from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models

from rtcm.core.errors import DomainError
from rtcm.core.forms import add_domain_error
from rtcm.core.models import CountryRegion, Region

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
