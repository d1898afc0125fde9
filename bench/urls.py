"""The project's URLs plus ``/bench/trivial/``: the framework floor of the page timings."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from readiness.urls import urlpatterns as project_urlpatterns


def trivial(request: HttpRequest) -> HttpResponse:
    """An authenticated (LoginRequiredMiddleware) view that does nothing."""
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial, name="bench-trivial"), *project_urlpatterns]
