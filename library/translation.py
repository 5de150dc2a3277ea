"""Library documents' metadata in several languages (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from library.models import Document
from rtcm.core.content import field_value, install_fallbacks


@register(Document)
class DocumentTranslation(TranslationOptions):
    fields = ("title", "description")


# Reader's language, the document's own language (when it has a column), English, any.
install_fallbacks(Document, working_language=field_value("language"))
