"""The project's URLs plus the two floors of the page timings.

``/bench/trivial/`` is the framework floor the issue names: an authenticated view that does
nothing. ``/bench/layout/`` renders the site's layout (navigation, cycle banner, messages,
footer) around an empty page: what any page of the app costs before its own content.
"""

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from readiness.urls import urlpatterns as project_urlpatterns

EMPTY_PAGE = engines["django"].from_string(
    '{% extends "base.html" %}{% block title %}Empty{% endblock %}'
    "{% block content %}<h1>Empty page</h1>{% endblock %}"
)


def trivial(request: HttpRequest) -> HttpResponse:
    """An authenticated (LoginRequiredMiddleware) view that does nothing."""
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


def layout(request: HttpRequest) -> HttpResponse:
    """The site's layout around an empty page."""
    return HttpResponse(EMPTY_PAGE.render({}, request))


urlpatterns = [
    path("bench/trivial/", trivial, name="bench-trivial"),
    path("bench/layout/", layout, name="bench-layout"),
    *project_urlpatterns,
]
