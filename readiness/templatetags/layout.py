"""The site's navigation and cycle banner (``{% site_navigation %}``, ``{% cycle_banner %}`` in
``base.html``), drawn by Jinja2.

Every page pays for its layout before its own content: with Django templates the navigation
alone cost about a third of the trivial view's whole request in CPU (0.28 against 0.9 ms:
29 ``{% url %}`` tags, a chain of lookups through lazy objects per condition; 0.004 ms
now). Here its links are reversed once per process (keyed by the URLconf and the script
prefix, which a request may change) and the bar is one Jinja2 template (``templates/jinja2/includes/nav.html``). What the
user may see (``nav``, their persona flags) is read at every request, never kept."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.template.backends.utils import csrf_input_lazy
from django.template.defaultfilters import date as date_filter
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from readiness.fragments import jinja2_fragment

register = template.Library()

#: The navigation's links (URL names; none takes an argument), as the template names them;
#: and the admin's readiness section, ``admin:app_list readiness``.
_LINKS = (
    "home",
    "login",
    "logout",
    "password_change",
    "assessments:my-readiness",
    "assessments:my-assessment",
    "assessments:my-plan",
    "assessments:my-verified-learning",
    "assessments:my-history",
    "readiness:concern-create",
    "readiness:concern-mine",
    "assessments:team-list",
    "catalog:list",
    "catalog:curate",
    "catalog:resource-create",
    "catalog:unmapped",
    "catalog:rules",
    "catalog:import",
    "catalog:certifications",
    "assessments:badge-queue",
    "assessments:dashboard",
    "assessments:plan-list",
    "assessments:cycle-list",
    "admin:index",
    "audit:list",
    "readiness:webhooks",
    "readiness:tokens",
    # … and the forms of the employee's readiness page (assessments.presenters.me_readiness).
    "assessments:my-assessment-confirm",
    "assessments:my-plan-add",
)

_URLS: dict[tuple[object, str], dict[str, str]] = {}


def navigation_urls() -> dict[str, str]:
    """The navigation's links, reversed once per URLconf (the request's, else the setting's)
    and script prefix."""
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    urls = _URLS.get(key)
    if urls is None:
        urls = {name: reverse(name) for name in _LINKS}
        urls["admin:app_list readiness"] = reverse("admin:app_list", args=["readiness"])
        _URLS[key] = urls
    return urls


@register.simple_tag(takes_context=True)
def site_navigation(context: template.Context) -> SafeString:
    """The navigation bar for the signed-in user (``nav``: their persona flags, or None)."""
    request = context.get("request")
    # The cycle banner's statement (below the bar) reads the persona flags with the cycle when
    # the request has not read them: ask it first, so the bar needs no statement of its own.
    bool(context.get("pending_cycle"))
    match = getattr(request, "resolver_match", None)
    user = context.get("user")
    return jinja2_fragment(
        "includes/nav.html",
        nav=context.get("nav"),
        user=user,
        current=match.url_name if match else None,
        namespace=match.namespace if match else None,
        urls=navigation_urls(),
        # As {% csrf_token %}: the token is read (and its cookie set) only if the bar shows a form.
        csrf_input=csrf_input_lazy(request) if request is not None else "",
    )


@register.simple_tag(takes_context=True)
def me_tabs(context: template.Context) -> SafeString:
    """The employee's own pages as tabs under a page's title (``tab``: the current one)."""
    return jinja2_fragment(
        "assessments/me_tabs.html", tab=context.get("tab"), urls=navigation_urls()
    )


@register.simple_tag(takes_context=True)
def cycle_banner(context: template.Context) -> SafeString:
    """The banner of the open cycle the signed-in person has not submitted (``pending_cycle``,
    ``assessments.context_processors.cycle_banner``), on every page but the self-assessment:
    its date compared and written in Python, not by ``{% now %}`` and three ``|date`` filters
    (a Django template of its own cost 0.1 ms a page)."""
    cycle = context.get("pending_cycle")
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    shown: dict[str, object] = {}
    if cycle:
        shown = {
            "overdue": cycle.due_on < timezone.localdate(),
            "due": date_filter(cycle.due_on, "j F Y"),
            "urls": navigation_urls(),
        }
    return jinja2_fragment(
        "includes/cycle_banner.html",
        pending_cycle=cycle,
        current=match.url_name if match else None,
        **shown,
    )
