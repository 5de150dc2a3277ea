"""The Regional Expert Network's public directory through the API.

The directory (list with search and filters; one profile by slug) is open to
anyone and shows public profiles only — active experts who consent — whoever
asks, staff included: it starts from ``experts.selectors`` like the public
pages, and carries neither e-mail, phone, CV, notes nor status. The staff's
endpoints (records, vetting, consent, trainer bookings, suggestions) are
``experts.staff_api``'s.
"""

from django.conf import settings
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from courses.models import Session
from experts import selectors
from experts.filters import ExpertDirectoryFilter
from experts.models import Expert
from rtcm.core.api import country_choices

LANGUAGE_HELP = "A language code: " + ", ".join(code for code, _name in settings.LANGUAGES) + "."
WORKING_LANGUAGE_HELP = "Working language codes (ISO 639-1, as Django names them: en, ru, ar…)."


def absolute_url(request, path: str) -> str:
    return request.build_absolute_uri(path) if request else f"{settings.SITE_URL}{path}"


# The participants' preferred_language and the library's language have the same
# choices: one enum in the schema would need one name for all in the settings;
# a plain string avoids the clash (as ``library.api.LanguageField`` does).
@extend_schema_field({"type": "string", "description": LANGUAGE_HELP})
class CorrespondenceLanguageField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=settings.LANGUAGES, **kwargs)


class CountryChoiceField(serializers.ChoiceField):
    """A country code. Its choices are made as each serializer is, in the language of
    the request, so that the schema's ``CountryEnum`` (``rtcm.core.api.country_choices``,
    in that language) is recognised: names frozen at import would make a second enum."""

    def __init__(self, **kwargs):
        super().__init__(choices=country_choices(), **kwargs)


# --- the public directory -------------------------------------------------------------


class ExpertSerializer(serializers.ModelSerializer):
    """A public profile: what the directory page shows, nothing more."""

    full_name = serializers.CharField(read_only=True)
    region = serializers.CharField(
        source="region_code", read_only=True, help_text="The region code of the country."
    )
    expertise = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True, help_text="Topic slugs."
    )
    languages = serializers.SerializerMethodField(help_text=WORKING_LANGUAGE_HELP)
    photo = serializers.SerializerMethodField(help_text="The photo, or null.")
    url = serializers.SerializerMethodField(help_text="The public profile page.")

    class Meta:
        model = Expert
        fields = [
            "slug",
            "given_name",
            "family_name",
            "full_name",
            "country",
            "region",
            "organisation",
            "position",
            "expertise",
            "languages",
            "bio",
            "photo",
            "url",
        ]
        read_only_fields = fields

    def get_languages(self, expert: Expert) -> list[str]:
        return expert.language_codes()

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_photo(self, expert: Expert) -> str | None:
        if not expert.photo:
            return None
        path = reverse("experts:photo", kwargs={"slug": expert.slug})
        return absolute_url(self.context.get("request"), path)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, expert: Expert) -> str:
        return absolute_url(self.context.get("request"), expert.get_absolute_url())


class ExpertEngagementSessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Session
        fields = ["title", "starts_at", "ends_at"]


class ExpertEngagementSerializer(serializers.Serializer):
    """A training the expert teaches (or taught), with their sessions in it."""

    slug = serializers.CharField(source="training.slug")
    title = serializers.CharField(source="training.title")
    start_date = serializers.DateField(source="training.start_date")
    end_date = serializers.DateField(source="training.end_date")
    sessions = ExpertEngagementSessionSerializer(many=True)


class ExpertDetailSerializer(ExpertSerializer):
    engagements = serializers.SerializerMethodField(
        help_text="Trainings of the center the expert teaches, newest first."
    )

    class Meta(ExpertSerializer.Meta):
        fields = [*ExpertSerializer.Meta.fields, "engagements"]
        read_only_fields = fields

    @extend_schema_field(ExpertEngagementSerializer(many=True))
    def get_engagements(self, expert: Expert) -> list[dict]:
        engagements = selectors.expert_engagements(expert, public=True)
        return ExpertEngagementSerializer(engagements, many=True).data


class ExpertPagination(PageNumberPagination):
    page_size = 20


class ExpertViewSet(viewsets.ReadOnlyModelViewSet):
    """The public expert directory: public profiles only, for everyone (staff included)."""

    lookup_field = "slug"
    permission_classes = [AllowAny]
    pagination_class = ExpertPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = ExpertDirectoryFilter  # the page's filters, same parameters

    def get_queryset(self):
        return selectors.expert_directory()

    def get_serializer_class(self):
        return ExpertDetailSerializer if self.action == "retrieve" else ExpertSerializer

    def retrieve(self, request, *args, **kwargs):
        expert = selectors.public_profile(kwargs["slug"])
        if expert is None:
            raise NotFound
        return Response(ExpertDetailSerializer(expert, context=self.get_serializer_context()).data)
