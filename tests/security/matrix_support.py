"""Walking the site's URLs, filling their keywords from the security org, and naming what a
response amounts to."""

import re
from typing import Any

from django.apps import apps
from django.conf import settings
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.tables import UNCOUNTED_APPS

# Which org object each URL name points at (by name; "*" patterns match name prefixes).
OBJECT_OF_NAME = {
    "api:audience-detail": "audience",
    "api:skill-category-detail": "category",
    "api:skill-detail": "skill",
    "api:role-detail": "role",
    "api:role-requirement-detail": "role_requirement",
    "api:audience-requirement-detail": "audience_requirement",
    "api:team-detail": "team",
    "api:person-detail": "person",
    "api:plan-detail": "plan",
    "api:concern-detail": "concern",
    "api:provider-detail": "provider",
    "api:resource-detail": "resource",
    "api:rating-detail": "rating",
    "api:plan-item-detail": "item",
    "api:plan-item-transition": "item",
    "api:cycle-detail": "cycle",
    "api:token-detail": "token",
    "api:service-token-detail": "service_token",
    "api:cycle-open": "cycle",
    "api:cycle-close": "cycle",
    "api:cycle-completion": "cycle",
    "api:mapping-rule-detail": "rule",
    "api:import-run-detail": "import",
    "catalog:rule-edit": "rule",
    "catalog:import-detail": "import",
    "catalog:certification-edit": "certification",
    "api:certification-detail": "certification",
    "catalog:import-status": "import",
    "readiness:token-revoke": "token",
    "readiness:service-token-revoke": "service_token",
    "assessments:my-plan-item-action": "item",
    "api:webhook-detail": "webhook",
    "api:hr-upsert-job-detail": "hr_job",
    "api:webhook-deliveries": "webhook",
    "api:webhook-send-test": "webhook",
    "readiness:webhook-detail": "webhook",
    "readiness:webhook-test": "webhook",
    "readiness:webhook-active": "webhook",
    "readiness:webhook-delete": "webhook",
}
OBJECT_OF_PREFIX = {
    "catalog:": "resource",
    "assessments:team-": "team",
    "assessments:person-": "person",
    "assessments:cycle-": "cycle",
    "assessments:plan-": "plan",
    "api:plan-": "plan",
}
OBJECT_OF_KEYWORD = {
    "person_id": "person",
    "team_id": "team",
    "audience_id": "audience",
    "goal_pk": "goal",
    "partner_pk": "partner",
    "skill_pk": "skill",
    "concern_pk": "concern",
}
FIXED_KEYWORDS = {
    "uidb64": "MQ",
    "token": "set-password",
    "app_label": "readiness",
    "url": "no-such-page/",
    "action": "start",
    "object_id": "999999",
    "content_type_id": "1",
    "id": "999999",
    "name": "User",
    "cert_pk": "999999",
}
# The pages the admin makes for every registered model: one row covers them all.
ADMIN_MODEL_PAGE = re.compile(
    r"^admin:(\w+?_\w+_(changelist|add|change|delete|history)"
    r"|<unnamed admin/\w+/\w+/<path:object_id>/>)$"
)


def to_url(route: str, kwargs: dict[str, Any]) -> str:
    """The URL of ``route`` (the concatenated route text of path() and re_path()) with its
    keywords filled in; reverse() cannot do it for unnamed patterns."""

    def fill(match: re.Match) -> str:
        return str(kwargs[match.group("name")])

    route = re.sub(r"\(\?P<(?P<name>\w+)>[^)]*\)", fill, route)
    route = re.sub(r"<(?:\w+:)?(?P<name>\w+)>", fill, route)
    return "/" + route.replace("^", "").replace("$", "")


def route_keywords(route: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", route.replace("(?P<", "<"))


def url_kwargs(name: str, keywords: list[str], objects: dict[str, Any]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for keyword in keywords:
        if keyword in OBJECT_OF_KEYWORD:
            kwargs[keyword] = objects[OBJECT_OF_KEYWORD[keyword]]
        elif keyword in ("pk", "token_key"):
            kind = OBJECT_OF_NAME.get(name, "missing")
            if kind == "missing":
                kind = next((k for p, k in OBJECT_OF_PREFIX.items() if name.startswith(p)), None)
            kwargs[keyword] = objects[kind] if kind else 999999
        else:
            kwargs[keyword] = FIXED_KEYWORDS[keyword]
    return kwargs


def outcome(response: HttpResponse) -> str | int:
    """What a response amounts to, for the table."""
    if response.status_code == 200:
        return "ok"
    if response.status_code in (301, 302, 303):
        location = response.headers["Location"]
        if location.startswith(reverse("admin:login")):
            return "admin-login"
        if location.startswith(reverse(settings.LOGIN_URL)):
            return "login"
        return "redirect"
    return response.status_code


def walk_urls(patterns=None, prefix: str = "", namespace: str = ""):
    """Every URL pattern of the site as (route text, full name, pattern)."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk_urls(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = (
                f"{namespace}:{pattern.name}"
                if namespace and pattern.name
                else (pattern.name or f"{namespace}:<unnamed {prefix}{pattern.pattern}>")
            )
            yield prefix + str(pattern.pattern), name, pattern


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in UNCOUNTED_APPS and not model._meta.proxy
    }


def post_urls():
    for route, name, pattern in walk_urls():
        if name.startswith("admin:"):
            continue
        callback = pattern.callback
        actions = getattr(callback, "actions", None)
        view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
        if actions is not None:
            methods = [m for m in ("post", "put", "patch", "delete") if m in actions]
        elif view is not None:
            methods = [
                m
                for m in ("post", "put", "patch", "delete")
                if m in view.http_method_names and hasattr(view, m)
            ]
        else:
            methods = ["post"]  # function views: the table decides
        if methods:
            yield route, name, methods
