"""Content in several languages: which language a translated text is read in.

django-modeltranslation keeps a column per interface language (``title_en``,
``title_ru``, ``title_az``, ``title_ar``); the plain attribute (``training.title``)
reads the reader's language. When that column is empty the text falls back, in
order, to the record's own working language (a training's first working language
the interface speaks; a session's training's, when the training is already
loaded: never a query for it), then English, then any language the text has.

``install_fallbacks`` puts this order on a registered model's fields; each app's
``translation.py`` calls it right after registering. Lookups (``filter(title=…)``)
and ``values()`` keep modeltranslation's own rewriting (the reader's column, and
for ``values()`` reader → en → the others); searches that must find a text in any
language name every column (``localized_fields``, ``contains_q_any_language``).
"""

from collections.abc import Callable, Iterable

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.db.models import F, Model, Q, TextField, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)
from modeltranslation.fields import NONE, TranslationFieldDescriptor
from modeltranslation.manager import MultilingualQuerySet, rewrite_order_lookup_key
from modeltranslation.thread_context import fallbacks_enabled
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname, get_language

from rtcm.core.search import contains_q

WorkingLanguage = Callable[[Model], str | None]

_MISSING = object()


def content_languages() -> tuple[str, ...]:
    """The languages content has a column in: the interface's (``settings.LANGUAGES``)."""
    return tuple(code for code, _name in settings.LANGUAGES)


def fallback_order(reader: str, working: str | None = None) -> tuple[str, ...]:
    """Reader's language, the working language, English, then the others (each once)."""
    order = [reader, working, settings.MODELTRANSLATION_DEFAULT_LANGUAGE, *content_languages()]
    languages = set(content_languages())
    seen: list[str] = []
    for code in order:
        if code in languages and code not in seen:
            seen.append(code)
    return tuple(seen)


def localized_fields(field: str) -> tuple[str, ...]:
    """``title`` → ``("title_en", "title_ru", …)``: every language's column of a text."""
    return tuple(build_localized_fieldname(field, code) for code in content_languages())


def translated_fields(model: type[Model]) -> frozenset[str]:
    """Names of ``model``'s translated fields (``title``, not ``title_en``)."""
    return frozenset(translator.get_options_for_model(model).all_fields)


def localized_values(instance: Model, field: str) -> dict[str, object]:
    """Every language's column of ``field`` and its value (to copy a text whole)."""
    return {column: getattr(instance, column) for column in localized_fields(field)}


def localized_expression(field: str) -> Coalesce:
    """The text of ``field`` in the reader's language with the fallbacks (SQL: to sort by,
    to cut a snippet from): the first non-empty of the reader's column, English, the others."""
    columns = [
        NullIf(F(build_localized_fieldname(field, code)), Value(""))
        for code in fallback_order(get_language())
    ]
    return Coalesce(*columns, Value(""), output_field=TextField())


def contains_q_any_language(fields: Iterable[str], term: str) -> Q:
    """Rows where any language of any of ``fields`` contains ``term`` (any case)."""
    columns = tuple(column for field in fields for column in localized_fields(field))
    return contains_q(columns, term)


def field_value(name: str) -> WorkingLanguage:
    """The working language kept in the record's own field ``name`` (when loaded)."""

    def working(instance: Model) -> str | None:
        value = instance.__dict__.get(name)
        return value if isinstance(value, str) else None

    return working


def loaded_attribute(name: str, *, needs: str) -> WorkingLanguage:
    """The record's property ``name``, read only when its field ``needs`` is loaded."""

    def working(instance: Model) -> str | None:
        if needs not in instance.__dict__:
            return None
        return getattr(instance, name)

    return working


def through_loaded_relation(relation: str, working: WorkingLanguage) -> WorkingLanguage:
    """The working language of the related record ``relation``, if it is already loaded."""

    def through(instance: Model) -> str | None:
        field = instance._meta.get_field(relation)
        if not field.is_cached(instance):
            return None
        related = field.get_cached_value(instance)
        return working(related) if related is not None else None

    return through


class ContentFieldDescriptor(TranslationFieldDescriptor):
    """modeltranslation's descriptor, reading in ``fallback_order``.

    Columns a query deferred are skipped while a loaded one has the text, so that a
    fallback never costs a query; if none of the loaded ones has it, the deferred
    ones are read as Django reads any deferred field.
    """

    def __init__(self, field, *, working_language: WorkingLanguage | None = None, **kwargs):
        super().__init__(field, **kwargs)
        self.working_language = working_language

    def __get__(self, instance, owner):
        if instance is None:
            return self
        undefined = self.fallback_undefined
        if undefined is NONE:
            undefined = self.field.get_default()
        reader = get_language()
        if fallbacks_enabled():
            # values() rows come as stand-in objects, not records: no working language.
            record = isinstance(instance, Model)
            working = self.working_language(instance) if record and self.working_language else None
            order = fallback_order(reader, working)
        else:
            order = (reader,)
        deferred = []
        for code in order:
            column = build_localized_fieldname(self.field.name, code)
            value = instance.__dict__.get(column, _MISSING)
            if value is _MISSING:
                deferred.append(column)
            elif self.meaningful_value(value, undefined):
                return value
        for column in deferred:
            value = getattr(instance, column, None)
            if self.meaningful_value(value, undefined):
                return value
        if fallbacks_enabled() and self.fallback_value is not NONE:
            return self.fallback_value
        return self.field.get_default()


def _post_init(self) -> None:
    """``MultilingualQuerySet._post_init``, making a model's ``Meta.ordering`` explicit only
    when it names a translated field (to rewrite ``name`` into ``name_ru``).

    modeltranslation makes every registered model's default ordering explicit, and an
    explicit ordering joins the GROUP BY of ``values().annotate(Count())``: counts by
    region of experts came back split per expert. Django leaves the implicit one out.
    """
    self._rewrite = True
    self._populate = None
    model = self.model
    if not (model and self.query.default_ordering and not self.query.order_by):
        return
    ordering = model._meta.ordering
    translated = translated_fields(model) if model in translator.get_registered_models() else ()
    if any(key.lstrip("-").split("__")[0] in translated for key in ordering):
        self.query.add_ordering(*(rewrite_order_lookup_key(model, key) for key in ordering))


def install_fallbacks(model: type[Model], *, working_language: WorkingLanguage | None = None):
    """Give ``model``'s translated fields the fallback order above (after ``register``)."""
    MultilingualQuerySet._post_init = _post_init
    options = translator.get_options_for_model(model)
    for name in options.local_fields:
        current = model.__dict__[name]
        descriptor = ContentFieldDescriptor(
            current.field,
            working_language=working_language,
            fallback_languages=current.fallback_languages,
            fallback_value=current.fallback_value,
            fallback_undefined=current.fallback_undefined,
        )
        setattr(model, name, descriptor)


def fill_any_language(instance: Model, field: str) -> bool:
    """Whether ``field`` has a text in at least one language (for "required" checks)."""
    return any(getattr(instance, column, None) for column in localized_fields(field))


# --- Forms: staff enter each language ------------------------------------------------


def language_label(label, code: str) -> str:
    """A column's label: the field's, then the language in its own name ("title (Русский)")."""
    name = translation.get_language_info(code)["name_local"]
    return _("%(field)s (%(language)s)") % {"field": capfirst(label), "language": name}


def localize_form_field(field: forms.Field, code: str, label) -> None:
    """Label a language's form field and let its input take the language's direction.

    Every language is optional on its own: ``check_required_texts`` asks for one.
    """
    field.label = language_label(label, code)
    field.required = False
    widget = field.widget
    if isinstance(widget, RelatedFieldWidgetWrapper):
        widget = widget.widget
    widget.attrs["lang"] = code
    widget.attrs["dir"] = "rtl" if translation.get_language_info(code)["bidi"] else "ltr"


def localize_form(form: forms.BaseForm, model: type[Model]) -> None:
    """Label each translated column of ``form`` with its language (see above)."""
    for name in translated_fields(model):
        label = model._meta.get_field(name).verbose_name
        for code, column in zip(content_languages(), localized_fields(name), strict=True):
            if column in form.fields:
                localize_form_field(form.fields[column], code, label)


def check_required_texts(form: forms.BaseForm, model: type[Model]) -> None:
    """A required text (a title) must be given in at least one language.

    The error stands beside the text's first column on the form.
    """
    cleaned = getattr(form, "cleaned_data", {})
    for name in sorted(translated_fields(model)):
        if model._meta.get_field(name).blank:
            continue
        columns = [column for column in localized_fields(name) if column in form.fields]
        if not columns or any(column in form.errors for column in columns):
            continue
        if not any((cleaned.get(column) or "").strip() for column in columns):
            form.add_error(columns[0], _("Required in at least one language."))


class ContentFormMixin:
    """A ModelForm with a field per language: labelled, one language required."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        localize_form(self, self._meta.model)

    def clean(self):
        cleaned = super().clean()
        check_required_texts(self, self._meta.model)
        return cleaned


def _requiring_one_language(form: type[forms.BaseForm], model: type[Model]):
    def clean(self):
        cleaned = form.clean(self)
        check_required_texts(self, model)
        return cleaned

    return type(form.__name__, (form,), {"clean": clean})


class ContentFieldsMixin:
    """For modeltranslation's admin classes, side by side (its tabbed variant loads
    jQuery UI from a CDN, which the CSP forbids): a field per language, labelled with
    the language, written in its direction; one language of a required text needed."""

    def patch_translation_field(self, db_field, field, request, **kwargs):
        super().patch_translation_field(db_field, field, request, **kwargs)
        original = getattr(db_field, "translated_field", None)
        if original is not None:
            localize_form_field(field, db_field.language, original.verbose_name)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return _requiring_one_language(form, self.model)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = _requiring_one_language(formset.form, self.model)
        return formset


class ContentAdmin(ContentFieldsMixin, TranslationAdmin):
    """A model admin for a model with translated fields."""


class ContentTabularInline(ContentFieldsMixin, TranslationTabularInline):
    """An inline of a model with translated fields, a column per language."""


class ContentStackedInline(ContentFieldsMixin, TranslationStackedInline):
    """A stacked inline of a model with translated fields."""
