"""(1)-(3): the team skill map, its grid editor, ``/me/`` and the leadership dashboard, each
measured BUILT (``READINESS_CACHE=False``: as after any change to the data) beside the trivial
authenticated view (the framework floor) in the same interleaved run, against the budgets of
issue 18; then as kept (the page cache on), for comparison; and the layout around an empty page,
kept and built (what every page pays before its own content)."""

from __future__ import annotations

from bench.common import counted_queries, interleaved, log, row
from bench.database import team_of_fifty

#: Built, as a multiple of the trivial view (issue 18). None: measured, no budget here.
BUDGETS = {
    "(1) team skill map, 50 people": 10.0,
    "(1b) team grid editor, 50 people": 10.0,
    "(2) /me/": 5.0,
    "(3) leadership dashboard": 25.0,
}


def _pages() -> list[tuple[str, object, str]]:
    from django.contrib.auth import get_user_model
    from django.urls import NoReverseMatch, reverse

    User = get_user_model()
    team, manager = team_of_fifty()
    pages = [
        (
            "(1) team skill map, 50 people",
            manager,
            reverse("assessments:team-detail", args=[team.pk]),
        ),
        (
            "(1b) team grid editor, 50 people",
            manager,
            reverse("assessments:team-edit", args=[team.pk]),
        ),
        ("(2) /me/", User.objects.get(username="employee"), reverse("assessments:my-readiness")),
    ]
    try:
        lead = User.objects.get(username="lead")
        pages.append(("(3) leadership dashboard", lead, reverse("assessments:dashboard")))
    except NoReverseMatch:
        log("(3) skipped: the URL assessments:dashboard does not resolve.")
    return pages


def page_rows(runs: int) -> list[dict]:
    from django.test import Client, override_settings

    from assessments.services.dashboard import dashboard_figures_refresh
    from assessments.services.effectiveness import effectiveness_refresh

    # The figures the worker keeps (after writes and nightly): /me/ and the dashboard read them.
    log(f"  effectiveness kept for {effectiveness_refresh()} resources")
    figures = dashboard_figures_refresh()
    log(f"  dashboard figures kept for {figures.people} people in {figures.duration_ms} ms")
    rows = []
    layout_ms = floor_ms = 0.0
    for name, user, url in _pages():
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

        # Built from scratch, as after any change to the data (readiness.caching off): the
        # figure the budget holds, beside the trivial view measured in the same rounds.
        with override_settings(READINESS_CACHE=False):
            with counted_queries() as queries:
                response = get()
            built_queries = len(queries)
            built = interleaved(runs, {"trivial": trivial, "page": get}, per_round=1)
        # … then as every later visitor gets it until the data changes (kept by the first).
        get()
        with counted_queries() as queries:
            get()
        kept = interleaved(runs, {"trivial": trivial, "layout": layout, "page": get})
        floor_ms, layout_ms = kept["trivial"], kept["layout"]
        rows.append(
            row(
                f"{name}, built",
                built["page"],
                built["trivial"],
                BUDGETS.get(name),
                queries=built_queries,
                url=url,
                bytes=len(response.content),
                kept_ms=round(kept["page"], 2),
                kept_ratio=round(kept["page"] / floor_ms, 1),
                kept_queries=len(queries),
                layout_ratio=round(kept["page"] / layout_ms, 2),
            )
        )
    rows.append(
        row("    the layout around an empty page", layout_ms, floor_ms, None, url="/bench/layout/")
    )
    rows.append(_layout_built_row(runs))
    return rows


def _layout_built_row(runs: int) -> dict:
    """The layout around an empty page BUILT, for the employee (a person with the bench's open
    cycle: the navigation's persona flags and the cycle banner are both read): what every
    built page pays before its own content, beside the trivial view in the same rounds."""
    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings

    client = Client()
    client.force_login(get_user_model().objects.get(username="employee"))
    counts = {}
    with override_settings(READINESS_CACHE=False):
        for url in ("/bench/layout/", "/bench/trivial/"):
            with counted_queries() as queries:
                client.get(url)
            counts[url] = len(queries)
        built = interleaved(
            runs,
            {
                "trivial": lambda: client.get("/bench/trivial/"),
                "layout": lambda: client.get("/bench/layout/"),
            },
        )
    return row(
        "    the layout around an empty page, built",
        built["layout"],
        built["trivial"],
        None,
        url="/bench/layout/",
        queries=counts["/bench/layout/"],
        trivial_queries=counts["/bench/trivial/"],
    )
