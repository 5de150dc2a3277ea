"""The website in the admin: news, pages and the contact messages (read-only).

The communications officer's role (``rtcm.core.roles.COMMUNICATIONS``) edits news and
pages and reads the contact messages. A news image is checked by decoding it and
stored re-encoded (``website.services.news_image_check``); publishing an item without
a date dates it now. Texts are Markdown, sanitised when shown (``rtcm.core.richtext``).
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from rtcm.core.content import ContentAdmin, localized_fields
from website import services
from website.forms import NewsItemAdminForm
from website.models import ContactMessage, NewsItem, Page


@admin.register(NewsItem)
class NewsItemAdmin(ContentAdmin):
    form = NewsItemAdminForm
    list_display = ["title", "status", "published_at", "programme", "updated_at"]
    list_filter = ["status", "programme"]
    search_fields = [*localized_fields("title"), *localized_fields("summary"), "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title_en"]}
    list_select_related = ["programme"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body"]}),
        (_("Image"), {"fields": ["image", "image_alt"]}),
        (
            _("Publication"),
            {"fields": ["status", "published_at", "programme", "created_at", "updated_at"]},
        ),
    ]
    actions = ["publish_now"]

    def save_model(self, request, obj, form, change):
        services.news_item_prepare(obj)
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish the selected news items"), permissions=["change"])
    def publish_now(self, request, queryset):
        count = 0
        for item in queryset.exclude(status=NewsItem.Status.PUBLISHED):
            item.status = NewsItem.Status.PUBLISHED
            services.news_item_prepare(item)
            item.save(update_fields=["status", "published_at", "updated_at"])
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d news item published.", "%(count)d news items published.", count)
            % {"count": count},
        )


@admin.register(Page)
class PageAdmin(ContentAdmin):
    list_display = ["title", "slug", "status", "menu", "position", "updated_at"]
    list_editable = ["position"]
    list_filter = ["status", "menu"]
    search_fields = [*localized_fields("title"), "slug"]
    prepopulated_fields = {"slug": ["title_en"]}
    readonly_fields = ["updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body"]}),
        (_("Publication"), {"fields": ["status", "menu", "position", "updated_at"]}),
    ]


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "name", "email", "topic", "is_copy", "recipient", "status"]
    list_filter = ["is_copy", "status"]
    search_fields = ["name", "email", "topic", "message"]
    date_hierarchy = "created_at"
    fields = [
        "created_at",
        "name",
        "email",
        "topic",
        "message",
        "is_copy",
        "recipient",
        "language",
        "status",
        "attempts",
        "sent_at",
        "last_error",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
