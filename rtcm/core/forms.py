from django import forms


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
