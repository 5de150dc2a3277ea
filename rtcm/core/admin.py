from django.contrib import admin

from rtcm.core.models import CountryRegion, Region


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
