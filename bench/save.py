"""(12): what one save costs — the self-assessment API's ``POST`` with one rating, the write
the mixed load makes one request in twenty — beside the trivial view measured in the same
rounds, and beside the same rating saved through the self-assessment form (its ``POST`` with
one level given: the form's own fixed cost), so that the API costs no more than the page.

Each save commits, as a real one does (its data-version move, its webhook and refresh hooks
run on commit); the ratings carry the run's mark and are deleted afterwards with their
submissions, as the mixed load's are.
"""

from __future__ import annotations

import json
import secrets

from bench.common import counted_queries, interleaved, row, saved_ratings_delete

API_URL = "/api/v1/ratings/self-assessment/"
#: The API's save at most this multiple of the form's, measured in the same rounds (the
#: form's POST with one level given is the page's floor for the same write).
FORM_BUDGET = 1.0


def save_rows(runs: int) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from assessments.models import Interest
    from assessments.selectors import person_skill_states
    from assessments.services.me import self_assessment_version
    from readiness.models import Skill

    user = get_user_model().objects.get(username="employee")
    person = user.person
    form_url = reverse("assessments:my-assessment")
    # A browser posts the whole form: its "wants to grow" switches stay on where they are on
    # (a switch left out would be a change, which needs a level). The saves rate the other
    # skills, whose interest neither kind of save moves.
    states = person_skill_states(person=person)
    growing = {f"s{pk}-grow": "on" for pk, s in states.items() if s.interest == Interest.STRONG}
    skills = sorted(
        pk
        for pk in Skill.objects.filter(is_active=True).values_list("pk", flat=True)
        if f"s{pk}-grow" not in growing
    )
    mark = f"save-{secrets.token_hex(4)}"
    client = Client()
    client.force_login(user)
    count = iter(range(10**9))

    def rating() -> tuple[int, int, str]:
        # A note makes every save a change (a rating row), whatever the level held before.
        n = next(count)
        return skills[n % len(skills)], n % 5, f"{mark}-{n}"

    def api():
        skill, level, note = rating()
        body = {"ratings": [{"skill": skill, "level": level, "note": note}]}
        response = client.post(API_URL, json.dumps(body), content_type="application/json")
        assert response.status_code == 201, response.content[:2000]
        return response

    def form(current: int | None = None):
        skill, level, note = rating()
        data = {
            **growing,
            "version": version() if current is None else current,
            f"s{skill}-level": level,
            f"s{skill}-note": note,
        }
        response = client.post(form_url, data)
        assert response.status_code == 302, response.content[:2000]
        return response

    def version() -> int:
        # The bench's own read of the version each form POST sends (a browser has it from the
        # page): counted and timed apart, and taken off the form's figure.
        return self_assessment_version(person=person)

    def trivial():
        return client.get("/bench/trivial/")

    started = timezone.now()
    try:
        with counted_queries() as queries:
            api()
        api_queries = len(queries)
        current = version()
        with counted_queries() as queries:
            form(current)
        form_queries = len(queries)
        timed = interleaved(
            runs,
            {"trivial": trivial, "api": api, "form": form, "version": version},
            per_round=3,
        )
    finally:
        saved_ratings_delete(mark=mark, person_ids=[person.pk], since=started)
    floor = timed["trivial"]
    timed["form"] -= timed["version"]
    return [
        row(
            "(12) save: API POST, 1 rating",
            timed["api"],
            floor,
            None,
            queries=api_queries,
            url=API_URL,
            form_ratio=round(timed["api"] / timed["form"], 2),
        ),
        row(
            "(12b) the same rating through the form POST",
            timed["form"],
            floor,
            None,
            queries=form_queries,
            url=form_url,
        ),
        row(
            "(12c) the API's save against the form's",
            timed["api"],
            timed["form"],
            FORM_BUDGET,
            unit="ms, floor = the form's POST",
        ),
    ]
