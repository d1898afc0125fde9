"""Jinja2 fragments inside Django pages: the one place a fragment becomes safe HTML.

The few hot loops of the heaviest pages, and the layout every page pays for (its navigation),
are drawn by Jinja2 templates (``templates/jinja2/``) several times faster than by Django
templates; the page around them stays a Django template."""

from django.template import engines
from django.utils.safestring import SafeString, mark_safe


def jinja2_fragment(template_name: str, **context: object) -> SafeString:
    """``template_name`` (``templates/jinja2/``) rendered with ``context`` only, as HTML for a
    Django page. The bare Jinja2 template renders only the values given (no request context;
    the stubs do not know the backend's ``template`` attribute); the environment autoescapes
    (``settings.TEMPLATES``), so every value is escaped unless a template says otherwise — the
    team grids' cell loops, which say why in their own header."""
    template = engines["jinja2"].get_template(template_name)
    html = template.template.render(**context)  # type: ignore[attr-defined]
    return mark_safe(html)  # noqa: S308 - rendered by an autoescaping Jinja2 template  # nosec B308 B703
