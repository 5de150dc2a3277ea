from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from rtcm.core.errors import DomainError
from rtcm.core.people import (
    normalise_person_name,
    normalise_phone_number,
    validate_person_name,
    validate_phone_number,
)


def style_fields(form: forms.BaseForm) -> None:
    """Give each widget its Bootstrap class, marking invalid ones for screen readers too.

    Forms call it at the end of ``__init__`` and again after ``full_clean``.
    """
    errors = form._errors or {}  # not .errors: that would validate an unbound form
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            css = "list-unstyled"
        elif isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = css
        direction = text_direction(widget)
        if direction:
            widget.attrs.setdefault("dir", direction)
        widget.attrs.pop("aria-invalid", None)
        widget.attrs.pop("aria-describedby", None)
        if name in errors:
            widget.attrs["class"] += " is-invalid"
            widget.attrs["aria-invalid"] = "true"
            # The ids ``includes/field.html`` gives the help text and the errors
            # (prefixed forms included: ``auto_id`` carries the prefix).
            auto_id = form[name].auto_id
            described_by = [f"{auto_id}_helptext"] if field.help_text else []
            widget.attrs["aria-describedby"] = " ".join([*described_by, f"{auto_id}-errors"])


def text_direction(widget: forms.Widget) -> str | None:
    """The ``dir`` an input people type into needs on a page of either direction.

    Names, titles and free text may be in any script: ``auto`` lets the browser follow
    what is typed (an Arabic name in an English page, a Latin title in an Arabic one).
    Addresses are always left to right, or an Arabic page reverses their parts.
    """
    input_type = getattr(widget, "input_type", None)
    if input_type in ("email", "url", "tel"):
        return "ltr"
    if isinstance(widget, forms.Textarea) or input_type in ("text", "search"):
        return "auto"
    return None


class StyledFormMixin:
    """Bootstrap classes on every widget, set again after validation (``style_fields``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def full_clean(self):
        super().full_clean()
        style_fields(self)


def add_domain_error(
    form: forms.BaseForm,
    error: DomainError | ValidationError,
    *,
    default_field: str | None = None,
) -> None:
    """A service's refusal shown on ``form``: the one way from a domain error to a form error.

    A ``DomainError`` goes beside the field it names when the form has that field;
    one that names no field goes beside ``default_field`` (when given), and any
    other at the top of the form. A ``ValidationError`` (``full_clean()`` in a
    service) goes beside each of its fields the form has, the rest at the top.
    """
    if isinstance(error, DomainError):
        if error.field in form.fields:
            field = error.field
        elif error.field is None and default_field in form.fields:
            field = default_field
        else:
            field = None
        form.add_error(field, str(error.message))
        return
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(
                name if name in form.fields and name != NON_FIELD_ERRORS else None, messages
            )
    else:
        form.add_error(None, error.messages)


def clean_person_name(value: str) -> str:
    """A name tidied and checked (the rule: ``rtcm.core.people.validate_person_name``)."""
    value = normalise_person_name(value)
    validate_person_name(value)
    return value


def clean_phone_number(value: str) -> str:
    """A phone tidied and checked (the rule: ``rtcm.core.people.validate_phone_number``)."""
    phone = normalise_phone_number(value)
    validate_phone_number(phone)
    return phone
