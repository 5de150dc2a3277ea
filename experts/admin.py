from django.contrib import admin

from experts.models import Expert


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ["full_name", "country", "organisation", "status"]
    list_filter = ["status", "expertise"]
    search_fields = ["given_name", "family_name", "email", "organisation"]
    prepopulated_fields = {"slug": ["given_name", "family_name"]}
    filter_horizontal = ["expertise"]
