"""The Learn upload never holds an oversized file in memory (issue 15, item 8).

The request is served as gunicorn would: the body is a file on disk read through ``wsgi.input``,
so what tracemalloc sees is what the app allocates, not the test's own copy of the body."""

import tracemalloc
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.test.client import ClientHandler
from django.urls import reverse

from catalog.learn.errors import LearnFormatError
from catalog.learn.parse import load_json
from catalog.models import ImportRun
from catalog.services.imports import IMPORT_MAX_BYTES

pytestmark = pytest.mark.django_db

BOUNDARY = "----readiness-upload-boundary"
#: What serving a refused upload may allocate besides the bounded upload buffers: the page,
#: the session, the queries.
SMALL_CONSTANT = 4 * 2**20


def _multipart_on_disk(path: Path, *, file_size: int) -> int:
    """A form body with one ``file`` field of ``file_size`` bytes, written to ``path`` in
    1 MB pieces; its length."""
    head = (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="file"; filename="learn.json"\r\n'
        "Content-Type: application/json\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    piece = b" " * 2**20
    with path.open("wb") as out:
        out.write(head)
        left = file_size
        while left:
            out.write(piece[: min(left, len(piece))])
            left -= min(left, len(piece))
        out.write(tail)
    return path.stat().st_size


def _post_from_disk(client: Client, body: Path, length: int):  # noqa: ANN202
    """POST the body on disk to the import page as the signed-in client, measuring the peak of
    memory allocated while the app serves it."""
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    with body.open("rb") as stream:
        environ = RequestFactory()._base_environ(
            PATH_INFO=reverse("catalog:import"),
            REQUEST_METHOD="POST",
            CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
            CONTENT_LENGTH=str(length),
            HTTP_COOKIE=f"{cookie.key}={cookie.value}",
            **{"wsgi.input": stream},
        )
        tracemalloc.start()
        try:
            response = ClientHandler(enforce_csrf_checks=False)(environ)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return response, peak


def test_a_100_mb_upload_is_refused_before_it_is_read(client, curator, tmp_path) -> None:
    client.force_login(curator)
    body = tmp_path / "body"
    length = _multipart_on_disk(body, file_size=100 * 2**20)

    response, peak = _post_from_disk(client, body, length)

    assert response.status_code == 413
    assert "larger than 65 MB" in response.content.decode()
    assert peak < settings.FILE_UPLOAD_MAX_MEMORY_SIZE + SMALL_CONSTANT, f"peak {peak:,} bytes"
    assert not ImportRun.objects.exists()


def test_a_file_just_over_the_limit_is_refused_by_its_size_unread(
    client, curator, tmp_path
) -> None:
    """Within the request bound, over the file's: streamed to a temporary file by Django, then
    refused at the field by its size without being read into memory."""
    client.force_login(curator)
    body = tmp_path / "body"
    length = _multipart_on_disk(body, file_size=IMPORT_MAX_BYTES + 1)
    assert length <= settings.REQUEST_MAX_BYTES

    response, peak = _post_from_disk(client, body, length)

    assert response.status_code == 400
    assert "The file is larger than 64 MB." in response.content.decode()
    assert peak < settings.FILE_UPLOAD_MAX_MEMORY_SIZE + SMALL_CONSTANT, f"peak {peak:,} bytes"
    assert not ImportRun.objects.exists()


def test_the_upload_buffers_are_bounded() -> None:
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 2.5 * 2**20
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2.5 * 2**20
    assert settings.REQUEST_MAX_BYTES <= IMPORT_MAX_BYTES + 2**20


def test_an_api_body_over_the_bound_is_a_413_problem(client) -> None:
    response = client.generic(
        "POST",
        "/api/v1/hr/upsert/",
        b"",
        content_type="application/json",
        CONTENT_LENGTH=str(settings.REQUEST_MAX_BYTES + 1),
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "request_too_large"
    assert "larger than" in response.json()["detail"]


def test_a_catalog_nested_too_deeply_is_a_format_error_not_a_crash() -> None:
    with pytest.raises(LearnFormatError, match="nested too deeply"):
        load_json(b"[" * 50_000)
