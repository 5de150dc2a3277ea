"""The catalogue's texts in several languages (django-modeltranslation: a column per
language, ``title_en``, ``title_ru`` …; ``title`` reads the reader's language with the
fallbacks of ``rtcm.core.content``)."""

from modeltranslation.translator import TranslationOptions, register

from courses.models import (
    Curriculum,
    Indicator,
    Module,
    Organisation,
    Programme,
    Session,
    Topic,
    Training,
)
from rtcm.core.content import install_fallbacks, loaded_attribute, through_loaded_relation


@register(Topic)
class TopicTranslation(TranslationOptions):
    fields = ("name", "description")
    empty_values = {"name": None}  # unique: a language left empty is NULL, not ""


@register(Curriculum)
class CurriculumTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Module)
class ModuleTranslation(TranslationOptions):
    fields = ("title", "summary", "learning_outcomes")


@register(Training)
class TrainingTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Session)
class SessionTranslation(TranslationOptions):
    fields = ("title",)


@register(Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("name", "short_name", "description")
    empty_values = {"name": None}  # unique: a language left empty is NULL, not ""


@register(Programme)
class ProgrammeTranslation(TranslationOptions):
    fields = ("title", "summary", "description")


@register(Indicator)
class IndicatorTranslation(TranslationOptions):
    fields = ("name",)


# Reader's language, then the training's working language, then English, then any.
# A session uses its training's only when the training is loaded already (no query).
_training_language = loaded_attribute("working_language", needs="languages")
install_fallbacks(Training, working_language=_training_language)
install_fallbacks(Session, working_language=through_loaded_relation("training", _training_language))
for _model in (Topic, Curriculum, Module, Organisation, Programme, Indicator):
    install_fallbacks(_model)  # reader's language, English, then any
