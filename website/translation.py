"""The website's texts in several languages (see ``courses.translation``)."""

from modeltranslation.translator import TranslationOptions, register

from rtcm.core.content import install_fallbacks
from website.models import NewsItem, Page


@register(NewsItem)
class NewsItemTranslation(TranslationOptions):
    fields = ("title", "summary", "body", "image_alt")


@register(Page)
class PageTranslation(TranslationOptions):
    fields = ("title", "summary", "body")


for _model in (NewsItem, Page):
    install_fallbacks(_model)  # reader's language, English, then any
