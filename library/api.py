"""The library through the API.

Reads (list with search, filters and facets; one document by slug) are open to
anyone, within their access level, decided by ``library.selectors`` as on the
pages; a participant passes their manage token as ``?registration=``. The file
itself is never in the API: ``download`` links to the access-checked download
view. Librarians add, change and delete documents (multipart for the file)
through ``library.services``, the same functions the admin calls.
"""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from courses.models import Topic, Training
from library import selectors, services
from library.models import Document
from rtcm.core.permissions import IsLibrarian

LANGUAGE_HELP = "A language code: " + ", ".join(code for code, _name in settings.LANGUAGES) + "."


# The participants' preferred_language has the same choices: one enum name in the
# schema would have to be chosen for both in settings; a plain string avoids the clash.
@extend_schema_field({"type": "string", "description": LANGUAGE_HELP})
class LanguageField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=settings.LANGUAGES, **kwargs)


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
        token = self.context.get("registration_token")
        if token:
            path = f"{path}?registration={token}"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else f"{settings.SITE_URL}{path}"

    def get_url(self, document: Document) -> str:
        return self._absolute(document.get_absolute_url())

    def get_download(self, document: Document) -> str:
        return self._absolute(reverse("library:download", kwargs={"slug": document.slug}))

    @extend_schema_field(OpenApiTypes.STR)
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


class DocumentSearchParamsSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=selectors.MAX_QUERY_LENGTH,
        help_text='Words to find; "a phrase", -word and or work as in web search engines.',
    )
    topic = serializers.SlugField(required=False, help_text="A topic's slug.")
    type = serializers.ChoiceField(choices=Document.Type.choices, required=False)
    language = LanguageField(required=False)
    year_from = serializers.IntegerField(required=False, min_value=0, max_value=9999)
    year_to = serializers.IntegerField(required=False, min_value=0, max_value=9999)
    access = serializers.ChoiceField(choices=Document.Access.choices, required=False)
    sort = serializers.ChoiceField(
        choices=[(sort, sort) for sort in selectors.SORTS], required=False, default="relevance"
    )
    registration = serializers.CharField(
        required=False,
        max_length=64,
        help_text="A confirmed registration's manage token: adds its training's materials.",
    )


class DocumentPagination(PageNumberPagination):
    page_size = 20

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


class DocumentViewSet(viewsets.ModelViewSet):
    """Library documents. Anyone reads those their access level allows; librarians write."""

    lookup_field = "slug"
    pagination_class = DocumentPagination
    filter_backends = []  # the selector filters and searches
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        return [IsLibrarian()]

    def _token(self) -> str | None:
        token = self.request.query_params.get("registration", "").strip()
        return token if 0 < len(token) <= 64 else None

    def get_queryset(self):
        documents = selectors.documents_visible_to(
            user=self.request.user, registration_token=self._token()
        )
        return documents.prefetch_related("topics")

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return DocumentWriteSerializer
        return DocumentDetailSerializer if self.action == "retrieve" else DocumentSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "registration_token": self._token()}

    @extend_schema(parameters=[DocumentSearchParamsSerializer])
    def list(self, request, *args, **kwargs):
        params = DocumentSearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        values = params.validated_data
        results, facets = selectors.document_search(
            user=request.user,
            registration_token=self._token(),
            query=values.get("q", ""),
            topic=values.get("topic"),
            doc_type=values.get("type"),
            language=values.get("language"),
            year_from=values.get("year_from"),
            year_to=values.get("year_to"),
            access=values.get("access"),
            sort=values["sort"],
        )
        page = self.paginate_queryset(results)
        context = {**self.get_serializer_context(), "query": values.get("q", "")}
        serializer = DocumentSerializer(page, many=True, context=context)
        response = self.get_paginated_response(serializer.data)
        response.data["facets"] = facets.as_dict()
        return response

    def _detail(self, document: Document, status_code: int = status.HTTP_200_OK) -> Response:
        document = self.get_queryset().get(pk=document.pk)
        serializer = DocumentDetailSerializer(document, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)

    @extend_schema(request=DocumentWriteSerializer, responses={201: DocumentDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = DocumentWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        arguments = serializer.service_arguments()
        arguments.pop("clear_file")
        document = services.document_create(
            data=arguments["data"],
            uploaded_file=arguments["uploaded_file"],
            topics=arguments["topics"] or (),
            trainings=arguments["trainings"] or (),
            actor=request.user,
        )
        return self._detail(document, status.HTTP_201_CREATED)

    @extend_schema(request=DocumentWriteSerializer, responses=DocumentDetailSerializer)
    def update(self, request, *args, **kwargs):
        document = self.get_object()
        serializer = DocumentWriteSerializer(
            data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        services.document_update(
            document=document, actor=request.user, **serializer.service_arguments()
        )
        return self._detail(document)

    @extend_schema(request=DocumentWriteSerializer, responses=DocumentDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        services.document_delete(document=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
