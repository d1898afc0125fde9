"""A form body larger than its view's bound, measured and not parsed
(``readiness.uploads.FormMeasureMiddleware``): only for a signed-in user, at most as many
parts as Django takes in a form, nothing kept but the CSRF token."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import TooManyFieldsSent
from django.http import HttpResponse
from django.http.multipartparser import MAX_TOTAL_HEADER_SIZE, MultiPartParserError
from django.test import RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.views import View

from readiness import uploads
from readiness.uploads import CSRF_FIELD, FormMeasureMiddleware, multipart_parts

TOKEN = "t" * 64


class BoundedView(View):
    @classmethod
    def form_body_bound(cls) -> int:
        return 100

    def post(self, request):  # noqa: ANN001, ANN201
        return HttpResponse()


class SignedIn:
    is_authenticated = True


def measured(data: dict | str, *, user: object = None, **extra: object):  # noqa: ANN201
    request = RequestFactory().post("/form/", data, **extra)
    request.user = user or SignedIn()
    FormMeasureMiddleware(lambda r: HttpResponse()).process_view(
        request, BoundedView.as_view(), (), {}
    )
    return request


def test_a_large_body_keeps_the_token_only_and_says_each_parts_size() -> None:
    request = measured(
        {CSRF_FIELD: TOKEN, "text": "é" * 1000, "note": "n" * 3000, "file": io.BytesIO(b"x" * 500)}
    )
    assert request.form_parts_measured == {CSRF_FIELD: 64, "text": 2000, "note": 3000, "file": 500}
    assert dict(request.POST) == {CSRF_FIELD: [TOKEN]}  # not the note, not the text
    assert not request.FILES


def test_a_token_longer_than_a_token_is_not_kept() -> None:
    request = measured({CSRF_FIELD: "t" * 5000, "text": "x" * 200})
    assert request.form_parts_measured == {CSRF_FIELD: 5000, "text": 200}
    assert not request.POST


def test_more_parts_than_django_takes_are_refused(settings) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS, settings.DATA_UPLOAD_MAX_NUMBER_FILES = 5, 2
    within = {f"f{i}": "x" * 30 for i in range(7)}
    assert len(measured(within).form_parts_measured) == 7
    with pytest.raises(TooManyFieldsSent):
        measured({**within, "f7": "x"})


def test_an_anonymous_body_is_not_measured(monkeypatch) -> None:
    monkeypatch.setattr(uploads, "form_parts_measure", pytest.fail)
    request = measured({"text": "x" * 200}, user=AnonymousUser())
    assert not hasattr(request, "form_parts_measured")
    assert not request._read_started  # nothing read: left to Django (the CSRF check, sign-in)


def test_a_body_within_the_bound_or_not_multipart_is_left_to_django() -> None:
    assert not hasattr(measured({"text": "x"}), "form_parts_measured")
    request = measured("text=" + "x" * 200, content_type="application/x-www-form-urlencoded")
    assert request.form_parts_measured is None and not request._read_started


def test_djangos_multipart_reader_still_reads_parts_as_uploads_expects() -> None:
    """``multipart_parts`` rests on classes of ``django.http.multipartparser`` that are not
    public API (Parser, LazyStream, ChunkIter, FIELD): this fails when Django changes them."""
    body = encode_multipart(
        BOUNDARY, {"a": "1", "big": "x" * 200_000, "file": io.BytesIO(b"\xff" * 70_000)}
    )
    parts = [
        (is_field, name, b"".join(part))
        for is_field, name, part in multipart_parts(io.BytesIO(body), BOUNDARY.encode())
    ]
    assert [(is_field, name, len(data)) for is_field, name, data in parts] == [
        (False, "", 0),  # the preamble
        (True, "a", 1),
        (True, "big", 200_000),
        (False, "file", 70_000),
        (False, "", 4),  # the epilogue
    ]
    assert parts[3][2] == b"\xff" * 70_000
    assert MULTIPART_CONTENT.endswith(BOUNDARY)
    # A part's headers stay bounded (so is a name the sizes are kept by).
    huge_name = encode_multipart(BOUNDARY, {"n" * (MAX_TOTAL_HEADER_SIZE * 2): "x"})
    with pytest.raises(MultiPartParserError):
        list(multipart_parts(io.BytesIO(huge_name), BOUNDARY.encode()))
