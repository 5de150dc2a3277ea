"""An expert's biography in the languages they write it in (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from experts.models import Expert
from rtcm.core.content import install_fallbacks


@register(Expert)
class ExpertTranslation(TranslationOptions):
    fields = ("bio",)


install_fallbacks(Expert)  # reader's language, English, then any the expert wrote
