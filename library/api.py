"""The library through the API.

Reads (list with search, filters and facets; one document by slug) are open to
anyone, within their access level, decided by ``library.selectors`` as on the
pages; a participant opens one training material by the scoped token of its link
(``?material=``, ``library.materials``) on that document's detail. The file
itself is never in the API: ``download`` links to the access-checked download
view. Librarians add, change and delete documents (multipart for the file)
through ``library.services``, the same functions the admin calls.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny

from courses.models import Topic, Training
from library import selectors, services
from library.filters import LibraryFilter
from library.materials import MATERIAL_PARAM, TOKEN_MAX_LENGTH
from library.models import Document
from rtcm.core.permissions import IsLibrarian
from rtcm.core.viewsets import ServiceModelViewSet

LANGUAGE_HELP = (
    "A language code: " + ", ".join(code for code, _name in settings.RTCM_CONTENT_LANGUAGES) + "."
)


# The participants' preferred_language has the same choices: one enum name in the
# schema would have to be chosen for both in settings; a plain string avoids the clash.
@extend_schema_field({"type": "string", "description": LANGUAGE_HELP})
class LanguageField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=settings.RTCM_CONTENT_LANGUAGES, **kwargs)


class DocumentSerializer(serializers.ModelSerializer):
    type = serializers.CharField(source="doc_type", read_only=True)
    language = serializers.CharField(read_only=True, help_text=LANGUAGE_HELP)
    topics = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    url = serializers.SerializerMethodField(help_text="The document's public page.")
    download = serializers.SerializerMethodField(
        help_text="The access-checked download (the file, or a redirect to the external link)."
    )
    snippet = serializers.SerializerMethodField(
        help_text="For a search: HTML of the passage found, the words in <mark>, "
        "everything else escaped."
    )

    class Meta:
        model = Document
        fields = [
            "slug",
            "title",
            "authors",
            "publisher",
            "year",
            "language",
            "type",
            "topics",
            "access",
            "page_count",
            "download_count",
            "external_url",
            "url",
            "download",
            "snippet",
        ]

    def _absolute(self, path: str) -> str:
        token = self.context.get("material_token")
        if token:
            path = f"{path}?{urlencode({MATERIAL_PARAM: token})}"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else f"{settings.SITE_URL}{path}"

    def get_url(self, document: Document) -> str:
        return self._absolute(document.get_absolute_url())

    def get_download(self, document: Document) -> str:
        return self._absolute(reverse("library:download", kwargs={"slug": document.slug}))

    @extend_schema_field(serializers.CharField(allow_null=True))  # null unless searching
    def get_snippet(self, document: Document) -> str | None:
        query = self.context.get("query")
        return str(selectors.document_snippet(document, query)) if query else None


class DocumentDetailSerializer(DocumentSerializer):
    class Meta(DocumentSerializer.Meta):
        fields = [
            *DocumentSerializer.Meta.fields,
            "description",
            "original_name",
            "content_type",
            "size",
            "created_at",
            "updated_at",
        ]


class DocumentWriteSerializer(serializers.Serializer):
    """What a librarian sends (multipart with ``file``, or JSON with ``external_url``)."""

    title = serializers.CharField(max_length=300)
    slug = serializers.SlugField(max_length=300, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    authors = serializers.CharField(max_length=500, required=False, allow_blank=True)
    publisher = serializers.CharField(max_length=300, required=False, allow_blank=True)
    year = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=9999)
    language = LanguageField()
    type = serializers.ChoiceField(choices=Document.Type.choices, source="doc_type")
    access = serializers.ChoiceField(choices=Document.Access.choices, required=False)
    external_url = serializers.URLField(required=False, allow_blank=True)
    # The upload's own checks (type, bytes, size, name, scripts) are the service's:
    # one rule, one place, one message — so even an empty file reaches them.
    file = serializers.FileField(required=False, allow_empty_file=True, use_url=False)
    clear_file = serializers.BooleanField(
        required=False, default=False, help_text="On update: remove the file (needs a link)."
    )
    topics = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Topic.objects.all(),
        many=True,
        required=False,
        help_text="Topic slugs.",
    )
    trainings = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Training.objects.all(),
        many=True,
        required=False,
        help_text="Slugs of the trainings this document is a material of.",
    )

    def service_arguments(self) -> dict:
        data = dict(self.validated_data)
        return {
            "uploaded_file": data.pop("file", None),
            "topics": data.pop("topics", None),
            "trainings": data.pop("trainings", None),
            "clear_file": data.pop("clear_file", False),
            "data": data,
        }


class DocumentPagination(PageNumberPagination):
    """Pages of documents, with the facets the search counted (``LibraryFilter``)."""

    page_size = 20

    def paginate_queryset(self, queryset, request, view=None):
        self.facets = getattr(queryset, "facets", None)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        if self.facets is not None:
            response.data["facets"] = self.facets.as_dict()
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        facet_list = {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "value": {"type": "string"},
                    "label": {"type": "string"},
                    "count": {"type": "integer"},
                },
            },
        }
        schema["properties"]["facets"] = {
            "type": "object",
            "description": "Counts over all the documents found (not only this page).",
            "properties": dict.fromkeys(("doc_type", "language", "topic", "access"), facet_list),
        }
        return schema


@extend_schema_view(
    create=extend_schema(responses={201: DocumentDetailSerializer}),
    update=extend_schema(responses=DocumentDetailSerializer),
    partial_update=extend_schema(responses=DocumentDetailSerializer),
)
class DocumentViewSet(ServiceModelViewSet):
    """Library documents. Anyone reads those their access level allows; librarians write."""

    lookup_field = "slug"
    pagination_class = DocumentPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = LibraryFilter  # the page's search and filters, same parameters
    response_serializer_class = DocumentDetailSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        return [IsLibrarian()]

    def _token(self) -> str | None:
        """A material link's scoped token, on one document's detail only."""
        if self.action != "retrieve":
            return None
        token = self.request.query_params.get(MATERIAL_PARAM, "").strip()
        return token if 0 < len(token) <= TOKEN_MAX_LENGTH else None

    def get_queryset(self):
        documents = selectors.documents_visible_to(user=self.request.user)
        return documents.prefetch_related("topics")

    def get_object(self):
        token = self._token()
        if token:
            document = (
                Document.objects.filter(slug=self.kwargs[self.lookup_field])
                .prefetch_related("topics")
                .first()
            )
            if document is not None and selectors.document_is_visible(
                document, self.request.user, token
            ):
                return document
        return super().get_object()

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return DocumentWriteSerializer
        return DocumentDetailSerializer if self.action == "retrieve" else DocumentSerializer

    def get_serializer_context(self):
        context = {**super().get_serializer_context(), "material_token": self._token()}
        if self.action == "list":  # the words searched, for the snippets
            context["query"] = self.request.query_params.get("q", "")
        return context

    def filter_queryset(self, queryset):
        # The search (and its facets) is the list's: one document is found by its slug.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def perform_create(self, serializer) -> Document:
        arguments = serializer.service_arguments()
        return services.document_create(
            data=arguments["data"],
            uploaded_file=arguments["uploaded_file"],
            topics=arguments["topics"] or (),
            trainings=arguments["trainings"] or (),
            actor=self.request.user,
        )

    def perform_update(self, serializer) -> Document:
        return services.document_update(
            document=serializer.instance,
            actor=self.request.user,
            **serializer.service_arguments(),
        )

    def perform_destroy(self, instance: Document) -> None:
        services.document_delete(document=instance)
