import re

from django import forms
from django.utils.translation import gettext_lazy as _


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


PHONE_PATTERN = re.compile(r"\+?[0-9 ()\-.]{5,30}")


def clean_person_name(value: str) -> str:
    """Names in any script; refuse only text that cannot be a name (digits, markup)."""
    value = " ".join(value.split())
    if any(ch.isdigit() for ch in value) or any(ch in value for ch in "<>{}[]@/\\"):
        raise forms.ValidationError(_("Please enter a name without digits or symbols."))
    return value


def clean_phone_number(value: str) -> str:
    """A phone number as people write it: digits, spaces, + ( ) - ., 5 to 30 of them."""
    phone = value.strip()
    if phone and not PHONE_PATTERN.fullmatch(phone):
        raise forms.ValidationError(
            _("Please enter a phone number with digits only, e.g. +998 71 123 45 67.")
        )
    return phone
