"""The librarians' admin for library documents.

Saving goes through ``library.services`` (``document_create`` /
``document_update``): the upload is checked, the file stored under a random
name and its text extraction queued, as from the API. The form checks the file
with the same ``validate_upload`` first, so a refusal shows beside the field
and nothing is stored.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat, truncatechars
from django.utils.translation import gettext_lazy as _

from library import services
from library.models import Document
from rtcm.core.admin import ServiceSavingAdminMixin
from rtcm.core.content import ContentAdmin, localized_fields
from rtcm.core.uploads import (
    ALLOWED_TYPES,
    UploadRefused,
    allowed_extensions_text,
    validate_upload,
)

TEXT_PREVIEW_CHARS = 2000


class DocumentAdminForm(forms.ModelForm):
    external_url = forms.URLField(
        label=_("external link"),
        required=False,
        max_length=Document._meta.get_field("external_url").max_length,
        assume_scheme="https",
    )

    class Meta:
        model = Document
        fields = [
            *localized_fields("title"),
            *localized_fields("description"),
            "authors",
            "publisher",
            "year",
            "language",
            "doc_type",
            "topics",
            "access",
            "trainings",
            "file",
            "external_url",
        ]
        widgets = {"file": forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_TYPES)})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("Allowed types: %(types)s.") % {
            "types": allowed_extensions_text()
        }

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if isinstance(uploaded, UploadedFile):  # a new upload (not the file already there)
            try:
                validate_upload(uploaded)
            except UploadRefused as error:
                raise ValidationError(str(error.message), code=error.code) from error
        return uploaded

    def clean(self):
        cleaned = super().clean()
        if "file" in cleaned and not cleaned.get("file") and not cleaned.get("external_url"):
            self.add_error(
                "file",
                _("Upload a file or give an external link: a document needs one of them."),
            )
        return cleaned


@admin.register(Document)
class DocumentAdmin(ServiceSavingAdminMixin, ContentAdmin):
    form = DocumentAdminForm
    list_display = [
        "title",
        "doc_type",
        "language",
        "year",
        "access",
        "download_count",
        "created_at",
    ]
    list_filter = ["doc_type", "language", "access", "topics", "year"]
    search_fields = [*localized_fields("title"), "authors", *localized_fields("description")]
    filter_horizontal = ["topics", "trainings"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "slug",
        "original_name",
        "file_size",
        "content_type",
        "download_count",
        "page_count",
        "text_extracted_at",
        "text_preview",
        "uploaded_by",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "description",
                    "authors",
                    "publisher",
                    "year",
                    "language",
                    "doc_type",
                    "topics",
                ]
            },
        ),
        (_("Access"), {"fields": ["access", "trainings"]}),
        (
            _("File or link"),
            {"fields": ["file", "original_name", "file_size", "content_type", "external_url"]},
        ),
        (
            _("Text and use"),
            {
                "classes": ["collapse"],
                "fields": [
                    "page_count",
                    "text_extracted_at",
                    "text_preview",
                    "download_count",
                    "uploaded_by",
                    "created_at",
                    "updated_at",
                ],
            },
        ),
    ]

    # Librarians edit, other staff may look: Django's model permissions, given to the
    # role groups by ``rtcm.core.roles.ROLE_PERMISSIONS``.

    @admin.display(description=_("size"))
    def file_size(self, document: Document) -> str:
        return filesizeformat(document.size) if document.file else "—"

    @admin.display(description=_("text of the file (start)"))
    def text_preview(self, document: Document) -> str:
        return truncatechars(document.extracted_text, TEXT_PREVIEW_CHARS) or "—"

    def save_through_service(self, request, obj, form, change):
        data = {
            name: form.cleaned_data.get(name)
            for name in services.EDITABLE_FIELDS
            if name in form.fields  # each language's title, not the reader's ``title``
        }
        uploaded = form.cleaned_data.get("file")
        new_file = uploaded if isinstance(uploaded, UploadedFile) else None
        topics = form.cleaned_data.get("topics")
        trainings = form.cleaned_data.get("trainings")
        if change:
            return services.document_update(
                document=Document.objects.get(pk=obj.pk),
                data=data,
                uploaded_file=new_file,
                topics=topics,
                trainings=trainings,
                actor=request.user,
                clear_file=uploaded is False,
            )
        return services.document_create(
            data=data,
            uploaded_file=new_file,
            topics=topics or (),
            trainings=trainings or (),
            actor=request.user,
        )

    def delete_through_service(self, request, obj):
        services.document_delete(document=obj)
