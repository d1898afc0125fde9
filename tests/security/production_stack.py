"""The hostile-input suite against the production-like stack: gunicorn serving
``readiness.settings.production`` (DEBUG off, WhiteNoise's manifest storage) with a Redis cache,
on a PostgreSQL database of its own. CI runs it (``.ci/run``); by hand:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/readiness \\
    STACK_CACHE_URL=redis://127.0.0.1:6379/2 python -m tests.security.production_stack

It drops and re-creates the database ``<name of DATABASE_URL's database>_stack``, migrates it,
collects the static files, builds the security tests' organization (tests/security/org.py),
starts gunicorn on a free port and sends every POST-accepting URL of the hostile suite
(``test_hostile_input.POSTERS``) hostile values as the persona allowed there, signed in through
a real session cookie and CSRF token, plus JSON nested 50,000 deep to every API write and a
CSV with a NUL byte and one with an over-long value to the team import. It fails (exit 1) on
any 5xx, on a refusal that wrote rows, on a debug page, or if gunicorn does not start.
"""

from __future__ import annotations

import json
import os
import random
import re
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES_PER_URL = 3
START_TIMEOUT = 60  # seconds for gunicorn to bind, and for its workers to answer


def fail(message: str) -> None:
    print(f"production stack: {message}", file=sys.stderr)
    sys.exit(1)


def stack_environment() -> dict[str, str]:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        fail("DATABASE_URL must point at PostgreSQL (gunicorn and this script share it)")
    parts = urlsplit(base)
    database = f"{parts.path.lstrip('/') or 'readiness'}_stack"
    return {
        "DJANGO_SETTINGS_MODULE": "readiness.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on the loopback: no TLS proxy in front here.
        "SECURE_SSL_REDIRECT": "False",
        "DATABASE_URL": urlunsplit(parts._replace(path=f"/{database}")),
        "CACHE_URL": os.environ.get("STACK_CACHE_URL", "redis://127.0.0.1:6379/2"),
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "memory://"),
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
    }


def database_recreate(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


class Gunicorn:
    """gunicorn on 127.0.0.1, on the port the system picks; its output kept for a failure."""

    def __init__(self, env: dict[str, str]) -> None:
        self.output: list[str] = []
        self.listening = threading.Event()
        self.port = 0
        self.process = subprocess.Popen(  # noqa: S603 (a fixed command)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "readiness.wsgi:application",
                "--bind",
                "127.0.0.1:0",
                "--workers",
                "2",
                "--timeout",
                "60",
                "--access-logfile",
                "-",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        for line in self.process.stdout:
            self.output.append(line)
            found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", line)
            if found:
                self.port = int(found.group(1))
                self.listening.set()
        self.listening.set()  # the process ended: stop waiting

    def wait_started(self) -> str:
        if not self.listening.wait(START_TIMEOUT) or not self.port:
            self.stop()
            fail("gunicorn did not start:\n" + "".join(self.output[-40:]))
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def main() -> None:  # noqa: C901, PLR0915 (one straight script)
    started = time.monotonic()
    env = stack_environment()
    os.environ.update(env)
    database_recreate(env["DATABASE_URL"])
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    import httpx
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.core.management import call_command
    from django.db import connection, transaction

    from readiness.caching import kept_clear

    assert not settings.DEBUG
    # The static files (hashed and compressed for WhiteNoise) are collected meanwhile: the
    # machine has two cores.
    collect = subprocess.Popen(  # noqa: S603 (a fixed command)
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.monotonic() - started:.0f} s")
    if collect.wait() != 0:
        fail("collectstatic failed")
    kept_clear()

    from importlib import import_module

    from django.apps import apps

    from tests.orgs.security import build_security_org
    from tests.security.matrix_support import post_urls, route_keywords, to_url, url_kwargs
    from tests.security.tables import (
        FIELD_NAME,
        FUZZED,
        GENERIC_FIELDS,
        HOSTILE_NUMBERS,
        HOSTILE_TEXT,
        POSTERS,
        UNCOUNTED_APPS,
    )

    with transaction.atomic():
        org = build_security_org()
    print(f"static files and organization ready at {time.monotonic() - started:.0f} s")

    # A real session for each persona, as the login view would have written it.
    store = import_module(settings.SESSION_ENGINE).SessionStore
    csrf = secrets.token_hex(16)  # 32 characters: a CSRF secret Django accepts as it is
    cookies: dict[str, str] = {}
    for persona, user in org.users.items():
        if user is None:
            cookies[persona] = f"csrftoken={csrf}"
            continue
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        cookies[persona] = f"{settings.SESSION_COOKIE_NAME}={session.session_key}; csrftoken={csrf}"

    quote = connection.ops.quote_name
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models()
            if model._meta.app_label not in UNCOUNTED_APPS
            and not model._meta.proxy
            and model._meta.managed
        }
    )
    count_sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)  # nosec B608 # table names from the models, quoted

    def row_counts() -> tuple:
        with connection.cursor() as cursor:
            cursor.execute(count_sql)
            return cursor.fetchone()

    server = Gunicorn(env)
    problems: list[str] = []
    answered: dict[int, int] = {}
    try:
        base = server.wait_started()
        client = httpx.Client(base_url=base, timeout=START_TIMEOUT, follow_redirects=False)

        def send(persona: str, method: str, url: str, **kwargs: object) -> httpx.Response:
            headers = {"Cookie": cookies[persona], "X-CSRFToken": csrf, **kwargs.pop("headers", {})}
            response = client.request(method, url, headers=headers, **kwargs)
            answered[response.status_code] = answered.get(response.status_code, 0) + 1
            return response

        # DEBUG is off: an unknown page is the plain 404, never the debug page.
        missing = send("anonymous", "GET", "/no-such-page/")
        if missing.status_code != 404 or "URLconf" in missing.text or "Traceback" in missing.text:
            problems.append(f"GET /no-such-page/ answered {missing.status_code} with debug output")

        def check(
            name: str,
            persona: str,
            method: str,
            url: str,
            is_api: bool,
            label: str,
            **kwargs: object,
        ) -> None:
            before = row_counts()
            response = send(persona, method, url, **kwargs)
            status = response.status_code
            if status >= 500:
                problems.append(f"{method} {url} ({name}, {label}): {status}")
                return
            refused = 400 <= status < 500 or (not is_api and status == 200)
            if refused and row_counts() != before:
                problems.append(f"{method} {url} ({name}, {label}): {status} but rows written")

        for name in FUZZED:
            persona = POSTERS[name]
            route, methods = next((r, m) for r, n, m in post_urls() if n == name)
            url = to_url(route, url_kwargs(name, route_keywords(route), org.kwargs))
            is_api = name.startswith("api:")
            method = next(m for m in ("post", "patch", "put") if m in methods).upper()
            # The form's own fields (from the page, or the API's OPTIONS) and the generic ones.
            fields = set(GENERIC_FIELDS)
            if is_api:
                options = send(persona, "OPTIONS", url, headers={"Accept": "application/json"})
                if options.status_code == 200:
                    actions = options.json().get("actions", {})
                    fields |= set(actions.get(method, actions.get("PUT", {})))
            else:
                page = send(persona, "GET", url)
                if page.status_code == 200 and "html" in page.headers.get("content-type", ""):
                    fields |= set(FIELD_NAME.findall(page.text))
            fields.discard("csrfmiddlewaretoken")
            fields = sorted(fields)
            rng = random.Random(name)  # noqa: S311 - reproducible examples, not a secret
            for example in range(EXAMPLES_PER_URL):
                chosen = rng.sample(fields, k=rng.randint(1, len(fields)))
                if is_api:
                    pool = [*HOSTILE_TEXT, *HOSTILE_NUMBERS, None, True, [], {}, ["<script>"]]
                    data = {f: rng.choice(pool) for f in chosen}
                    body = json.dumps(data, allow_nan=True)
                    check(
                        name,
                        persona,
                        method,
                        url,
                        True,
                        f"example {example}",
                        content=body,
                        headers={"Content-Type": "application/json"},
                    )
                else:
                    data = {f: rng.choice(HOSTILE_TEXT) for f in chosen}
                    data["csrfmiddlewaretoken"] = csrf
                    check(name, persona, method, url, False, f"example {example}", data=data)
            if is_api:
                check(
                    name,
                    persona,
                    method,
                    url,
                    True,
                    "JSON nested 50,000 deep",
                    content="[" * 50_000,
                    headers={"Content-Type": "application/json"},
                )
            if name == "assessments:team-import":
                for label, text in (
                    ("NUL byte", "email,skill,level\na@b.c,x\x00y,1\n"),
                    ("over-long value", "email,skill,level\na," + "x" * 140_000 + ",1\n"),
                ):
                    check(
                        name,
                        persona,
                        method,
                        url,
                        False,
                        label,
                        data={"csrfmiddlewaretoken": csrf},
                        files={"file": ("ratings.csv", text.encode(), "text/csv")},
                    )
    finally:
        server.stop()

    total = sum(answered.values())
    print(
        f"{total} requests in {time.monotonic() - started:.0f} s; answers: "
        + ", ".join(f"{status}×{n}" for status, n in sorted(answered.items()))
    )
    if not any(400 <= status < 500 for status in answered) or total < len(FUZZED):
        problems.append("too few requests were refused: the run tested nothing")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        print("".join(server.output[-60:]), file=sys.stderr)
        fail(f"{len(problems)} problem(s)")
    print("production stack: no 5xx, no refused request wrote a row")


if __name__ == "__main__":
    main()
