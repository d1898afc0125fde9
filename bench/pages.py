"""(1)-(3): the team skill map, ``/me/`` and the leadership dashboard against a trivial
authenticated view (the framework floor)."""

from __future__ import annotations

from bench.common import interleaved, log, row
from bench.database import team_of_fifty


def page_rows(runs: int) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client, override_settings
    from django.urls import NoReverseMatch, reverse

    User = get_user_model()
    team, manager = team_of_fifty()
    pages = [
        (
            "(1) team skill map, 50 people",
            manager,
            reverse("assessments:team-detail", args=[team.pk]),
        ),
        ("(2) /me/", User.objects.get(username="employee"), reverse("assessments:my-readiness")),
    ]
    try:
        pages.append(
            (
                "(3) leadership dashboard",
                User.objects.get(username="lead"),
                reverse("assessments:dashboard"),
            )
        )
    except NoReverseMatch:
        log("(3) skipped: the URL assessments:dashboard does not resolve.")
    rows = []
    for name, user, url in pages:
        client = Client()
        client.force_login(user)

        def get(url=url, client=client):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        def trivial(client=client):
            return client.get("/bench/trivial/")

        def layout(client=client):
            return client.get("/bench/layout/")

        queries: list[str] = []

        def counter(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        # Built from scratch, as after any change to the data (readiness.caching off) …
        with override_settings(READINESS_CACHE=False):
            with connection.execute_wrapper(counter):
                response = get()
            built_queries = len(queries)
            built = interleaved(runs, {"trivial": trivial, "page": get}, per_round=1)
        # … then as every later visitor gets it until the data changes (kept by the first).
        get()
        queries.clear()
        with connection.execute_wrapper(counter):
            get()
        kept = interleaved(runs, {"trivial": trivial, "layout": layout, "page": get})
        floor_ms, layout_ms, ms = kept["trivial"], kept["layout"], kept["page"]
        rows.append(
            row(
                name,
                ms,
                floor_ms,
                5.0,
                queries=len(queries),
                url=url,
                bytes=len(response.content),
                layout_ms=round(layout_ms, 2),
                layout_ratio=round(ms / layout_ms, 2),
                built_ms=round(built["page"], 1),
                built_ratio=round(built["page"] / built["trivial"], 1),
                built_queries=built_queries,
            )
        )
    rows.append(
        row("    the layout around an empty page", layout_ms, floor_ms, None, url="/bench/layout/")
    )
    return rows
