"""Form fields written in one pass: the markup of crispy-forms' Bootstrap 5 field (label, control, errors, help
text), built in Python for the widgets a list's filters use, text-like inputs and single or multiple selects.

Why: crispy-forms renders a field through a dozen nested templates, and Django renders every widget (and every
<option>) through a template of its own. A list's filter form of 19 fields, one of them a center's 500 agents, cost
more than every query of the page (~30 ms of the call list's ~65 ms). `{{ field|one_pass_field }}` writes the same
markup (tests/test_form_fields.py compares the two, field by field, on every filter form) at a fraction of the cost.
Widgets it does not know (checkboxes, radios, files, text areas, multi-widgets) go through crispy-forms unchanged.

In templates: `{% load form_fields %}` (a library registered in settings.TEMPLATES, not an app's).
"""

import html

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# The widgets written here; a subclass counts (crispy-forms names its CSS class after the subclass).
_INPUTS = (forms.TextInput, forms.NumberInput, forms.EmailInput, forms.URLInput, forms.DateInput)
_NOT_HERE = (forms.CheckboxInput, forms.FileInput, forms.HiddenInput, forms.MultiWidget, forms.RadioSelect)


def writes_in_one_pass(widget: forms.Widget) -> bool:
    return isinstance(widget, (*_INPUTS, forms.Select)) and not isinstance(widget, _NOT_HERE)


def _attributes(attrs: dict) -> str:
    """Django's attrs.html, in the attributes' own order (flatatt sorts them): False and None are left out,
    True is a bare attribute."""
    return "".join(
        f" {name}" if value is True else f' {name}="{_escaped(value)}"'
        for name, value in attrs.items()
        if value is not False and value is not None
    )


def _escaped(value) -> str:
    """`{{ value }}`: escaped unless already safe; str() of anything else (a lazy label, a choice's value)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def _options(widget: forms.Select, values: list[str]) -> str:
    """The <option>s (and <optgroup>s) of ChoiceWidget.optgroups and select_option.html, from the choices
    directly: the same selection rule (the first match only, unless several may be chosen)."""
    written, has_selected = [], False
    for option_value, option_label in widget.choices:
        if option_value is None:
            option_value = ""
        grouped = isinstance(option_label, (list, tuple))
        if grouped:
            written.append(f'<optgroup label="{_escaped(option_value)}">')
        for value, label in option_label if grouped else [(option_value, option_label)]:
            selected = (not has_selected or widget.allow_multiple_selected) and str(value) in values
            has_selected |= selected
            written.append(
                f'<option value="{_escaped(value)}"{" selected" if selected else ""}>{_escaped(label)}</option>'
            )
        if grouped:
            written.append("</optgroup>")
    return "".join(written)


def render_widget(widget: forms.Widget, name: str, value, attrs: dict) -> SafeString:
    """The widget's HTML as its own templates write it (django/forms/widgets/input.html, select.html,
    select_option.html, attrs.html), without rendering a template."""
    if isinstance(widget, forms.Select):
        final = widget.build_attrs(widget.attrs, attrs)
        if widget.allow_multiple_selected:
            final["multiple"] = True
        options = _options(widget, widget.format_value(value))
        return mark_safe(  # noqa: S308 (every part escaped as it is written)
            f'<select name="{_escaped(name)}"{_attributes(final)}>{options}</select>'
        )
    context = widget.get_context(name, value, attrs)["widget"]
    value_part = "" if context["value"] is None else f' value="{_escaped(context["value"])}"'
    return mark_safe(  # noqa: S308
        f'<input type="{_escaped(context["type"])}" name="{_escaped(context["name"])}"{value_part}'
        f"{_attributes(context['attrs'])}>"
    )


def _control(bound_field) -> SafeString:
    """The control with crispy-forms' classes (its widget class's name, form-control or form-select, is-invalid)
    and the attributes Django's BoundField.as_widget would give it (id, required, aria-invalid, aria-describedby)."""
    field, widget = bound_field.field, bound_field.field.widget
    classes = widget.attrs.get("class", "")
    own = type(widget).__name__.lower()
    if own not in classes:
        classes = f"{classes} {own}".strip()
    kind = "form-select" if isinstance(widget, forms.Select) else "form-control"
    for extra in (kind, "is-invalid") if bound_field.errors else (kind,):
        if extra not in classes.split():
            classes += f" {extra}"
    attrs = bound_field.build_widget_attrs({}, widget)
    if bound_field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound_field.auto_id)
    # The widget's own attributes first, then these (the order Widget.build_attrs keeps), the class among them.
    base = {**widget.attrs, "class": classes}
    if field.localize:
        widget.is_localized = True
    return render_widget(widget, bound_field.html_name, bound_field.value(), {**base, **attrs})


@register.filter
def one_pass_field(bound_field) -> SafeString:
    """`{{ field|one_pass_field }}`: crispy-forms' `as_crispy_field` markup (Bootstrap 5, labels shown, errors
    as a block under the control, help text below)."""
    widget = bound_field.field.widget
    if not writes_in_one_pass(widget) or bound_field.is_hidden:
        from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

        return as_crispy_field(bound_field)
    auto_id = bound_field.auto_id
    required = bound_field.field.required
    label = ""
    if bound_field.label:
        label = format_html(
            '<label{} class="form-label{}">{}{}</label>',
            format_html(' for="{}"', bound_field.id_for_label) if bound_field.id_for_label else "",
            " requiredField" if required else "",
            bound_field.label,
            mark_safe('<span class="asteriskField">*</span>') if required else "",
        )
    errors = ""
    if bound_field.errors:
        errors = format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            bound_field.errors.field_id,
            format_html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((number, auto_id, error) for number, error in enumerate(bound_field.errors, start=1)),
            ),
        )
    help_text = ""
    if bound_field.help_text:
        # crispy-forms writes the help text as given (|safe): it is the form's own text, never the user's.
        help_text = format_html(
            '<div {}class="form-text">{}</div>',
            format_html('id="{}_helptext" ', auto_id) if auto_id else "",
            mark_safe(bound_field.help_text),  # noqa: S308
        )
    css_classes = bound_field.css_classes()
    return format_html(
        '<div id="div_{}" class="mb-3{}">{}{}{}{}</div>',
        auto_id,
        f" {css_classes}" if css_classes else "",
        label,
        _control(bound_field),
        errors,
        help_text,
    )
