"""(7)-(9): the self-assessment at the size of the peer DIRECT's framework (164 required
skills), each figure beside the trivial view measured in the same run (issue 18).

The framework is built inside a transaction that is rolled back at the end (``bench.framework164``):
the bench organization is left as it was. Budgets: GET ≤ 15× the trivial view, HTML ≤ 1.5 KB a
skill (1,536 bytes), POST with every skill changed ≤ 15×. READINESS_CACHE is off: the page is
built on every visit, as after any change to the data.
"""

from __future__ import annotations

from urllib.parse import urlencode

from bench.common import _Rollback, counted_queries, interleaved, log, row, vacuum

SKILLS = 164
GET_BUDGET = 15.0
POST_BUDGET = 15.0
BYTES_PER_SKILL_BUDGET = 1536
FORM = "application/x-www-form-urlencoded"


def _measure(runs: int) -> list[dict]:
    from django.test import Client
    from django.urls import reverse

    from assessments.services.me import self_assessment_version
    from bench.framework164 import build_framework

    user = build_framework(skills=SKILLS)
    person = user.person
    skills = list(person.role.requirements.values_list("skill_id", flat=True))
    url = reverse("assessments:my-assessment")
    client = Client()
    client.force_login(user)

    def trivial():
        return client.get("/bench/trivial/")

    def get():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    levels = iter(range(10**9))

    def post():
        # Every skill to a level none of them holds now (3 and 4 in turn): 164 changes each time.
        level = 3 + next(levels) % 2
        data = {"version": self_assessment_version(person=person)}
        data.update({f"s{pk}-level": level for pk in skills})
        # Form-encoded, as a browser sends a form without files (the test client's default,
        # multipart, costs the server more to parse).
        response = client.post(url, urlencode(data), content_type=FORM)
        assert response.status_code == 302, response.content[:2000]
        return response

    with counted_queries() as queries:
        body = get().content
    get_queries = len(queries)
    with counted_queries() as queries:
        post()
    post_queries = len(queries)
    timed = interleaved(runs, {"trivial": trivial, "get": get, "post": post}, per_round=1)
    floor = timed["trivial"]
    per_skill = len(body) / SKILLS
    return [
        row(
            f"(7) self-assessment GET, {SKILLS} skills",
            timed["get"],
            floor,
            GET_BUDGET,
            queries=get_queries,
            url=url,
            bytes=len(body),
        ),
        row(
            f"(8) self-assessment HTML a skill (bytes; {SKILLS} skills)",
            per_skill,
            BYTES_PER_SKILL_BUDGET,
            1.0,
            unit="bytes, floor = budget 1.5 KB",
        ),
        row(
            f"(9) self-assessment POST, {SKILLS} skills changed",
            timed["post"],
            floor,
            POST_BUDGET,
            queries=post_queries,
            url=url,
        ),
    ]


def selfassess_rows(runs: int) -> list[dict]:
    from django.db import transaction
    from django.test import override_settings

    rows: list[dict] = []
    try:
        with override_settings(READINESS_CACHE=False), transaction.atomic():
            rows = _measure(runs)
            raise _Rollback
    except _Rollback:
        pass
    vacuum("assessments_skillrating", "readiness_skill")
    for item in rows:
        verdict = "PASS" if item["ok"] else "FAIL"
        log(f"  budget {verdict}: {item['name']}: {item['ratio']:.2f}x of {item['target']:g}x")
    return rows
