"""Exports carry exactly the numbers on the screen; imports are checked row by row and
written all or nothing."""

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import SkillRating
from assessments.selectors import people_readiness, skill_readiness, skill_states
from readiness.models import Person
from tests.assessments.team_org import build_team, clear_framework
from tests.factories import SkillFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def blank_framework():
    clear_framework()


@pytest.fixture
def org():
    return build_team(people=4, skills=5, categories=2)


def expected_table(org) -> list[list]:  # noqa: ANN001
    """The grid computed straight from the rules, in the map's order (name; skills by
    category), independently of the view code."""
    people = Person.objects.filter(team=org.team)
    states = {(s.person_id, s.skill_id): s for s in skill_states(people=people)}
    readiness = people_readiness(people=people)
    per_skill = skill_readiness(people=people)
    skills = sorted(org.skills, key=lambda s: (s.category.order, s.category.name, s.order, s.name))
    members = sorted(org.people, key=lambda p: (p.display_name.casefold(), p.pk))
    rows = []
    for person in members:
        cells = []
        for skill in skills:
            state = states.get((person.pk, skill.pk))
            if state is not None and state.not_assessed:
                cells.append("not assessed")
            else:
                cells.append("" if state is None or state.level is None else state.level)
        rows.append([person.display_name, *cells, readiness[person.pk].percent,
                     readiness[person.pk].total_gap])
    rows.append(["Required of", *(per_skill[s.pk].required for s in skills)])
    rows.append(["At target", *(per_skill[s.pk].at_target for s in skills)])
    rows.append(["Mean gap", *(round(per_skill[s.pk].mean_gap, 1) for s in skills)])
    rows.append(["Interested", *(sum(1 for k, st in states.items()
                                     if k[1] == s.pk and st.interest) for s in skills)])
    return rows


def test_csv_equals_the_rules_and_the_screen(client, org):
    client.force_login(org.manager)
    response = client.get(reverse("assessments:team-export", args=[org.team.pk]), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    expected = expected_table(org)
    skills = len(org.skills)
    for got, want in zip(rows[1:], expected, strict=True):
        if want[0] in ("Required of", "At target", "Mean gap", "Interested"):
            assert [got[0], *got[3:3 + skills]] == [str(v) for v in want]
        else:
            assert [got[0], *got[3:]] == [str(v) for v in want]

    # The same numbers are on the screen.
    body = client.get(reverse("assessments:team-detail", args=[org.team.pk])).content.decode()
    screen = [int(v) for v in re.findall(r'data-testid="row-readiness">(\d+)%<', body)]
    assert screen == [row[-2] for row in expected[:len(org.people)]]
    footer = body.split("<tfoot>")[1]
    mean_gaps = re.search(r"Mean gap</th>(.*?)</tr>", footer, re.S).group(1)
    assert re.findall(r'<td class="hm-foot">([^<]*)</td>', mean_gaps) == [
        str(v) for v in expected[-2][1:]
    ]


def test_xlsx_holds_the_same_values_as_numbers(client, org):
    client.force_login(org.manager)
    response = client.get(reverse("assessments:team-export", args=[org.team.pk]),
                          {"format": "xlsx"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Skill map"]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    expected = expected_table(org)
    skills = len(org.skills)
    for got, want in zip(values[1:], expected, strict=True):
        got = [v if v is not None else "" for v in got]
        if want[0] in ("Required of", "At target", "Mean gap", "Interested"):
            assert [got[0], *got[3:3 + skills]] == want
        else:
            assert [got[0], *got[3:]] == want
    assert "Cells" in workbook.sheetnames


def test_exports_follow_the_filters_on_screen(client, org):
    category = org.skills[0].category
    client.force_login(org.manager)
    response = client.get(reverse("assessments:team-export", args=[org.team.pk]),
                          {"format": "csv", "category": category.pk})
    header = next(csv.reader(io.StringIO(response.content.decode())))
    assert set(header[3:-2]) == {s.name for s in org.skills if s.category_id == category.pk}


def test_unknown_format_is_a_bad_request(client, org):
    client.force_login(org.manager)
    response = client.get(reverse("assessments:team-export", args=[org.team.pk]),
                          {"format": "pdf"})
    assert response.status_code == 400


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_queries_do_not_grow_with_the_team(client, fmt, django_assert_num_queries):
    for org in (build_team(people=3, skills=4), build_team(people=50, skills=40, categories=5)):
        client.force_login(org.manager)
        url = reverse("assessments:team-export", args=[org.team.pk])
        client.get(url, {"format": fmt})
        # session, user, persona flags, managed paths, team, can-edit, audiences, categories,
        # members, states, readiness (per person, per skill, the team's: one statement), skills
        with django_assert_num_queries(12):
            client.get(url, {"format": fmt})


# --- Import ----------------------------------------------------------------------------------


def upload(client, team, text: str):  # noqa: ANN001, ANN201
    file = io.BytesIO(text.encode())
    file.name = "ratings.csv"
    return client.post(reverse("assessments:team-import", args=[team.pk]), {"file": file})


def test_import_preview_shows_row_level_errors_and_writes_nothing(client, org):
    person, skill = org.people[0], org.skills[0]
    stranger = build_team(people=1, skills=1, rated=False).people[0]
    csv_text = "\n".join([
        "email,skill,level",
        f"{person.email},{skill.slug},3",             # valid
        f"{stranger.email},{skill.slug},2",           # not a member
        f"{person.email},no-such-skill,2",            # unknown skill
        f"{org.people[1].email},{skill.slug},7",      # bad level
        f"{person.email.upper()},{skill.slug},1",     # same cell twice (email is case-blind)
    ])
    client.force_login(org.manager)
    before = SkillRating.objects.count()

    response = upload(client, org.team, csv_text)

    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="import-errors"' in body
    assert "4 of 5 rows have errors" in body
    assert "No active member of" in body
    assert "No active skill has this slug." in body
    assert "whole number from 0 to 4" in body
    assert "already on line 2" in body
    assert 'name="payload"' not in body  # no way to confirm
    assert SkillRating.objects.count() == before


def test_import_of_a_valid_file_records_every_row_after_confirmation(client, org):
    rows = [(p, s) for p in org.people[:2] for s in org.skills[:2]]
    csv_text = "email;skill;level\n" + "\n".join(f"{p.email};{s.slug};4" for p, s in rows)
    client.force_login(org.manager)
    before = SkillRating.objects.count()

    preview = upload(client, org.team, csv_text).content.decode()
    assert 'data-testid="import-ready"' in preview
    assert SkillRating.objects.count() == before  # the preview writes nothing
    payload = re.search(r'name="payload" value="([^"]+)"', preview).group(1)

    response = client.post(reverse("assessments:team-import", args=[org.team.pk]),
                           {"payload": payload}, follow=True)

    assert "Imported 4 manager ratings" in response.content.decode()
    for person, skill in rows:
        latest = person.ratings.filter(skill=skill, source="manager").first()
        assert latest.level == 4 and latest.rated_by == org.manager


def test_import_confirmation_refuses_a_tampered_payload(client, org):
    client.force_login(org.manager)
    before = SkillRating.objects.count()
    response = client.post(reverse("assessments:team-import", args=[org.team.pk]),
                           {"payload": "forged:payload"}, follow=True)
    assert "expired" in response.content.decode()
    assert SkillRating.objects.count() == before


def test_import_stops_when_a_cell_was_rated_since_the_preview(client, org):
    person, skill = org.people[0], org.skills[1]
    client.force_login(org.manager)
    preview = upload(client, org.team,
                     f"email,skill,level\n{person.email},{skill.slug},4\n").content.decode()
    payload = re.search(r'name="payload" value="([^"]+)"', preview).group(1)
    other = UserFactory()
    org.team.managers.add(other)
    SkillRating.objects.create(person=person, skill=skill, level=1, source="manager",
                               rated_by=other)
    before = SkillRating.objects.count()
    response = client.post(reverse("assessments:team-import", args=[org.team.pk]),
                           {"payload": payload})
    assert "nothing was imported" in response.content.decode()
    assert SkillRating.objects.count() == before


def test_import_needs_the_header_and_utf8(client, org):
    client.force_login(org.manager)
    body = upload(client, org.team, "a,b,c\n1,2,3\n").content.decode()
    assert "The first line must name the columns" in body
    file = io.BytesIO("email,skill,level\nzoë@example.com,x,1\n".encode("latin-1"))
    file.name = "ratings.csv"
    response = client.post(reverse("assessments:team-import", args=[org.team.pk]), {"file": file})
    assert "not UTF-8" in response.content.decode()


def test_import_refuses_a_retired_skill(client, org):
    retired = SkillFactory(is_active=False)
    client.force_login(org.manager)
    body = upload(client, org.team,
                  f"email,skill,level\n{org.people[0].email},{retired.slug},2\n").content.decode()
    assert "No active skill has this slug." in body


def test_a_csv_import_leaves_one_audit_entry_per_rating(client, org):
    from django.contrib.admin.models import LogEntry

    person, skill = org.people[0], org.skills[0]
    client.force_login(org.manager)
    preview = upload(client, org.team, f"email,skill,level\n{person.email},{skill.slug},4\n")
    payload = re.search(r'name="payload" value="([^"]+)"', preview.content.decode()).group(1)
    client.post(reverse("assessments:team-import", args=[org.team.pk]), {"payload": payload})

    rating = person.ratings.filter(skill=skill, source="manager").first()
    entry = LogEntry.objects.get(change_message="via CSV import")
    assert (entry.user, entry.object_id, entry.content_type.model) == (
        org.manager, str(rating.pk), "skillrating")
    assert entry.object_repr == f"{person} · {skill} → Expert (4)"
