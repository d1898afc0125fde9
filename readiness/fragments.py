"""Jinja2 fragments inside Django pages: the one place a fragment becomes safe HTML.

The few hot loops of the heaviest pages, and the layout every page pays for (its navigation),
are drawn by Jinja2 templates (``templates/jinja2/``) several times faster than by Django
templates; the page around them stays a Django template."""

import secrets
from typing import Any, NewType

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe


def jinja2_fragment(template_name: str, **context: object) -> SafeString:
    """``template_name`` (``templates/jinja2/``) rendered with ``context`` only, as HTML for a
    Django page. The bare Jinja2 template renders only the values given (no request context);
    the environment autoescapes (``settings.TEMPLATES``), so every value is escaped unless a
    template says otherwise — the team grids' cell loops, which say why in their own header."""
    html = jinja2_template(template_name).render(**context)
    return mark_safe(html)  # noqa: S308 - rendered by an autoescaping Jinja2 template  # nosec B308 B703


def jinja2_template(template_name: str) -> Any:  # noqa: ANN401
    """The bare Jinja2 template ``template_name`` (its macros: ``.module``); the stubs do not
    know the backend's ``template`` attribute."""
    return engines["jinja2"].get_template(template_name).template  # type: ignore[attr-defined]


#: A page's whole content drawn by an autoescaping Jinja2 template (``jinja2_page_content``),
#: encoded as the response is: the only HTML ``page_around`` writes out as it is, so that no
#: other text can be given.
PageContent = NewType("PageContent", bytes)


def jinja2_page_content(template_name: str, **context: object) -> PageContent:
    """``template_name`` rendered as ``jinja2_fragment`` renders it, for ``page_around`` only
    (a page's whole content, put in its layout as it is), encoded in the response's charset a
    piece of the template's output at a time. A Python string takes the size of its widest
    character: one en dash or check mark made the whole 690 KB of the grid editor two bytes a
    character, encoded at ~0.9 ms a MB; most pieces, a grid row's cells (~12 KB) among them,
    are ASCII, which encodes as a copy (the bench's editor: rendered and encoded 1.16 -> 0.79
    ms of CPU). Not marked safe, which copied the string."""
    charset = settings.DEFAULT_CHARSET
    pieces = jinja2_template(template_name).generate(**context)
    return PageContent(b"".join([piece.encode(charset) for piece in pieces]))


#: What stands for the content while the layout is rendered (``page_around``): a NUL and a
#: secret of the process, which no text of a request or of the data can hold by chance.
_CONTENT_SLOT = f"\x00content-{secrets.token_hex(16)}\x00"


def page_around(
    request: HttpRequest, template_name: str, context: dict[str, object], *, content: PageContent
) -> HttpResponse:
    """The page ``template_name`` (a Django template showing ``{{ content }}`` once) rendered
    with ``context``, ``content`` in its place: HTML drawn by ``jinja2_page_content``, escaped
    and encoded there. The layout is rendered around a slot, and the response joins its two
    halves and the content once, as bytes. Passed through the layout's blocks, a map's 460 KB (an editor's
    690 KB) were copied about five times (each block's and the page's join, each marked safe
    again) before being encoded."""
    html = render_to_string(
        template_name,
        {**context, "content": mark_safe(_CONTENT_SLOT)},  # noqa: S308 - a constant of this module  # nosec B308 B703
        request=request,
    )
    if html.count(_CONTENT_SLOT) != 1:  # none, or a second one written out as it is
        raise ValueError(f"{template_name} must show its content exactly once")
    before, _, after = html.partition(_CONTENT_SLOT)
    return HttpResponse([before, content, after])
