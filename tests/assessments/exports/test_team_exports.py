"""Exports carry exactly the numbers on the screen; imports are checked row by row and
written all or nothing."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import SkillRating
from assessments.selectors import people_readiness, skill_readiness, skill_states
from readiness.models import Person
from tests.factories import PersonFactory, SkillFactory, UserFactory
from tests.orgs import clear_framework, leadership_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def blank_framework():
    clear_framework(skills=True)


@pytest.fixture
def org(make_team_org):
    return make_team_org(people=4, skills=5, categories=2)


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
        rows.append(
            [
                person.display_name,
                *cells,
                readiness[person.pk].percent,
                readiness[person.pk].total_gap,
            ]
        )
    rows.append(["Required of", *(per_skill[s.pk].required for s in skills)])
    rows.append(["At target", *(per_skill[s.pk].at_target for s in skills)])
    rows.append(["Mean gap", *(round(per_skill[s.pk].mean_gap, 1) for s in skills)])
    rows.append(
        [
            "Wants to grow",
            *(sum(1 for k, st in states.items() if k[1] == s.pk and st.interest) for s in skills),
        ]
    )
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
        if want[0] in ("Required of", "At target", "Mean gap", "Wants to grow"):
            assert [got[0], *got[3 : 3 + skills]] == [str(v) for v in want]
        else:
            assert [got[0], *got[3:]] == [str(v) for v in want]

    # The same numbers are on the screen.
    body = client.get(reverse("assessments:team-detail", args=[org.team.pk])).content.decode()
    screen = [int(v) for v in re.findall(r'data-testid="row-readiness">(\d+)%<', body)]
    assert screen == [row[-2] for row in expected[: len(org.people)]]
    footer = body.split("<tfoot>")[1]
    mean_gaps = re.search(r"Mean gap</th>(.*?)</tr>", footer, re.S).group(1)
    assert re.findall(r'<td class="hm-foot">([^<]*)</td>', mean_gaps) == [
        str(v) for v in expected[-2][1:]
    ]


def test_xlsx_holds_the_same_values_as_numbers(client, org):
    client.force_login(org.manager)
    response = client.get(
        reverse("assessments:team-export", args=[org.team.pk]), {"format": "xlsx"}
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Skill map"]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    expected = expected_table(org)
    skills = len(org.skills)
    for got, want in zip(values[1:], expected, strict=True):
        got = [v if v is not None else "" for v in got]
        want = ["" if v == "not assessed" else v for v in want]  # an empty cell with a note
        if want[0] in ("Required of", "At target", "Mean gap", "Wants to grow"):
            assert [got[0], *got[3 : 3 + skills]] == want
        else:
            assert [got[0], *got[3:]] == want
    assert "Cells" in workbook.sheetnames


def test_exports_follow_the_filters_on_screen(client, org):
    category = org.skills[0].category
    client.force_login(org.manager)
    response = client.get(
        reverse("assessments:team-export", args=[org.team.pk]),
        {"format": "csv", "category": category.pk},
    )
    header = next(csv.reader(io.StringIO(response.content.decode())))
    assert set(header[3:-2]) == {s.name for s in org.skills if s.category_id == category.pk}


def test_unknown_format_is_a_bad_request(client, org):
    client.force_login(org.manager)
    response = client.get(reverse("assessments:team-export", args=[org.team.pk]), {"format": "pdf"})
    assert response.status_code == 400


@pytest.mark.parametrize("shape", ["map", "long"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_queries_do_not_grow_with_the_team(
    make_team_org, client, fmt, shape, django_assert_num_queries
):
    for org in (
        make_team_org(people=3, skills=4),
        make_team_org(people=50, skills=40, categories=5),
    ):
        client.force_login(org.manager)
        url = reverse("assessments:team-export", args=[org.team.pk])
        client.get(url, {"format": fmt, "shape": shape})
        # session, user, persona flags, the team's access (one statement; was managed paths,
        # team, can-edit), the filters' audiences and categories (one statement; was two),
        # members, states (readiness summed from them: no second statement), skills
        with django_assert_num_queries(8):
            client.get(url, {"format": fmt, "shape": shape})


# --- Import ----------------------------------------------------------------------------------


def upload(client, team, text: str):  # noqa: ANN001, ANN201
    file = io.BytesIO(text.encode())
    file.name = "ratings.csv"
    return client.post(reverse("assessments:team-import", args=[team.pk]), {"file": file})


def test_import_preview_shows_row_level_errors_and_writes_nothing(make_team_org, client, org):
    person, skill = org.people[0], org.skills[0]
    stranger = make_team_org(people=1, skills=1, rated=False).people[0]
    csv_text = "\n".join(
        [
            "email,skill,level",
            f"{person.email},{skill.slug},3",  # valid
            f"{stranger.email},{skill.slug},2",  # not a member
            f"{person.email},no-such-skill,2",  # unknown skill
            f"{org.people[1].email},{skill.slug},7",  # bad level
            f"{person.email.upper()},{skill.slug},1",  # same cell twice (email is case-blind)
        ]
    )
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

    response = client.post(
        reverse("assessments:team-import", args=[org.team.pk]), {"payload": payload}, follow=True
    )

    assert "Imported 4 manager ratings" in response.content.decode()
    for person, skill in rows:
        latest = person.ratings.filter(skill=skill, source="manager").first()
        assert latest.level == 4 and latest.rated_by == org.manager


def test_import_confirmation_refuses_a_tampered_payload(client, org):
    client.force_login(org.manager)
    before = SkillRating.objects.count()
    response = client.post(
        reverse("assessments:team-import", args=[org.team.pk]),
        {"payload": "forged:payload"},
        follow=True,
    )
    assert "expired" in response.content.decode()
    assert SkillRating.objects.count() == before


def test_import_stops_when_a_cell_was_rated_since_the_preview(client, org):
    person, skill = org.people[0], org.skills[1]
    client.force_login(org.manager)
    preview = upload(
        client, org.team, f"email,skill,level\n{person.email},{skill.slug},4\n"
    ).content.decode()
    payload = re.search(r'name="payload" value="([^"]+)"', preview).group(1)
    other = UserFactory()
    org.team.managers.add(other)
    SkillRating.objects.create(
        person=person, skill=skill, level=1, source="manager", rated_by=other
    )
    before = SkillRating.objects.count()
    response = client.post(
        reverse("assessments:team-import", args=[org.team.pk]), {"payload": payload}
    )
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
    body = upload(
        client, org.team, f"email,skill,level\n{org.people[0].email},{retired.slug},2\n"
    ).content.decode()
    assert "No active skill has this slug." in body


# --- XLSX map: colours, markers, notes -------------------------------------------------------

HEATMAP_CSS = Path(__file__).resolve().parents[3] / "static" / "css" / "heatmap.css"


def screen_colours() -> dict[str, tuple[str, str]]:
    """(fill, font) of each heatmap class, read from the stylesheet the map page uses."""
    css = HEATMAP_CSS.read_text()

    def var(name: str) -> str:
        return re.search(rf"--{name}:\s*#([0-9a-fA-F]{{6}})", css).group(1).upper()

    not_assessed = re.search(r"\.hm-na\s*\{[^}]*?#([0-9a-fA-F]{6})", css).group(1).upper()
    return {
        "ok": (var("hm-ok-bg"), var("hm-ok-fg")),
        "g1": (var("hm-g1-bg"), var("hm-g1-fg")),
        "g2": (var("hm-g2-bg"), var("hm-g2-fg")),
        "na": (not_assessed, var("hm-na-fg")),
    }


def test_xlsx_map_keeps_the_heatmap_colours_and_markers(client, org):
    person, skills = org.people[0], org.skills
    SkillRating.objects.filter(person=person, skill=skills[1]).delete()  # not assessed
    # Self 2, then manager 0: two levels below target, and a calibration flag.
    SkillRating.objects.create(
        person=person, skill=skills[2], level=0, source="manager", rated_by=org.manager
    )
    states = {
        (s.person_id, s.skill_id): s
        for s in skill_states(people=Person.objects.filter(team=org.team))
    }
    colours = screen_colours()
    client.force_login(org.manager)
    url = reverse("assessments:team-export", args=[org.team.pk])
    sheet = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))["Skill map"]
    header = [cell.value for cell in sheet[1]]
    by_name = {s.name: s for s in skills}
    people = {p.display_name: p for p in org.people}
    seen_bands, seen_markers = set(), set()
    for row in sheet.iter_rows(min_row=2, max_row=1 + len(org.people)):
        member = people[row[0].value]
        for cell, name in zip(row[3 : 3 + len(skills)], header[3 : 3 + len(skills)], strict=True):
            state = states[(member.pk, by_name[name].pk)]
            if state.level is None:
                band = "na"
            else:
                band = "ok" if state.gap == 0 else "g1" if state.gap == 1 else "g2"
            seen_bands.add(band)
            assert cell.fill.fill_type == "solid"
            assert (cell.fill.fgColor.rgb[-6:], cell.font.color.rgb[-6:]) == colours[band]
            if band == "na":
                assert cell.value is None
                assert "not assessed" in cell.comment.text
                continue
            marker = "✓" if state.gap == 0 else f"−{state.gap}"
            marker += "*" * state.awaiting_review + "!" * state.calibration_flag
            seen_markers.update(marker)
            assert cell.value == state.level and cell.comment is None
            assert cell.number_format == f'0" {marker}"'
    assert seen_bands == {"ok", "g1", "g2", "na"}
    assert {"✓", "−", "*", "!"} <= seen_markers
    # The CSV keeps the words.
    rows = list(csv.reader(io.StringIO(client.get(url, {"format": "csv"}).content.decode())))
    assert "not assessed" in next(r for r in rows if r[0] == person.display_name)


# --- Ratings one per line: export, edit, import ----------------------------------------------


def export_url(team) -> str:  # noqa: ANN001
    return reverse("assessments:team-export", args=[team.pk])


def long_export(client, org, fmt: str = "csv") -> bytes:  # noqa: ANN001
    response = client.get(export_url(org.team), {"format": fmt, "shape": "long"})
    assert response.status_code == 200
    assert "-ratings-" in response["Content-Disposition"]
    return response.content


def read_long(content: bytes, fmt: str) -> list[list]:
    if fmt == "csv":
        return list(csv.reader(io.StringIO(content.decode())))
    sheet = load_workbook(io.BytesIO(content))["Ratings"]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def upload_file(client, team, content: bytes, name: str):  # noqa: ANN001, ANN201
    file = io.BytesIO(content)
    file.name = name
    return client.post(reverse("assessments:team-import", args=[team.pk]), {"file": file})


def all_states(org) -> dict:  # noqa: ANN001
    return {
        (s.person_id, s.skill_id): s
        for s in skill_states(people=Person.objects.filter(team=org.team))
    }


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_ratings_export_holds_the_manager_rating_of_every_cell(client, org, fmt):
    SkillRating.objects.filter(person=org.people[0], skill=org.skills[0]).delete()
    states = all_states(org)
    client.force_login(org.manager)
    rows = read_long(long_export(client, org, fmt), fmt)
    skills = sorted(org.skills, key=lambda s: (s.category.order, s.category.name, s.order, s.name))
    members = sorted(org.people, key=lambda p: (p.display_name.casefold(), p.pk))
    expected = []
    for person in members:
        for skill in skills:
            level = states[(person.pk, skill.pk)].manager_level
            if fmt == "csv":
                level = "" if level is None else str(level)
            expected.append([person.email, skill.slug, level])
    assert rows[0] == ["email", "skill", "level"]
    assert rows[1:] == expected
    assert any(row[2] in ("", None) for row in rows[1:])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_ratings_round_trip_records_exactly_the_edited_line(client, org, fmt):
    client.force_login(org.manager)
    before = all_states(org)
    ratings = SkillRating.objects.count()
    content = long_export(client, org, fmt)

    # As it is: nothing to record, self-ratings awaiting review stay in the queue.
    preview = upload_file(client, org.team, content, f"ratings.{fmt}").content.decode()
    assert 'data-testid="import-ready"' in preview and "0 ratings to record" in preview
    assert any(s.awaiting_review for s in before.values())

    # One level changed (a cell the manager rated, no self-rating waiting).
    rows = read_long(content, fmt)
    index = next(
        i
        for i, row in enumerate(rows[1:], start=1)
        if row[2] not in ("", None)
        and not before[
            (
                Person.objects.get(user__email=row[0]).pk,
                next(s.pk for s in org.skills if s.slug == row[1]),
            )
        ].awaiting_review
    )
    email, slug, level = rows[index]
    new_level = (int(level) + 1) % 5
    if fmt == "csv":
        rows[index][2] = str(new_level)
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        edited = buffer.getvalue().encode()
    else:
        book = load_workbook(io.BytesIO(content))
        book["Ratings"].cell(row=index + 1, column=3).value = new_level
        out = io.BytesIO()
        book.save(out)
        edited = out.getvalue()
    preview = upload_file(client, org.team, edited, f"ratings.{fmt}").content.decode()
    assert "1 rating to record" in preview
    # The preview shows that line; the others are folded away.
    shown = preview.split('data-testid="import-preview"')[1].split("</table>")[0]
    assert shown.count("<tr") == 2 and "Will be recorded" in shown and slug in shown
    assert f"{len(rows) - 2} rows that change nothing" in preview
    payload = re.search(r'name="payload" value="([^"]+)"', preview).group(1)
    response = client.post(
        reverse("assessments:team-import", args=[org.team.pk]), {"payload": payload}, follow=True
    )
    assert "Imported 1 manager rating " in response.content.decode()

    assert SkillRating.objects.count() == ratings + 1
    person = Person.objects.get(user__email=email)
    skill = next(s for s in org.skills if s.slug == slug)
    after = all_states(org)
    assert after[(person.pk, skill.pk)].manager_level == new_level
    for key, state in before.items():
        if key != (person.pk, skill.pk):
            assert after[key] == state


def test_ratings_export_leaves_out_the_exporter_and_members_without_email(client, org):
    me = PersonFactory(team=org.team, user=org.manager, role=org.people[0].role)
    org.people[1].user.email = ""
    org.people[1].user.save()
    client.force_login(org.manager)
    emails = {row[0] for row in read_long(long_export(client, org), "csv")[1:]}
    assert emails == {p.email for p in org.people if p != org.people[1]}
    assert me.email not in emails


def test_import_skips_lines_without_a_level(client, org):
    first, second = org.people[:2]
    text = "\n".join(
        [
            "email,skill,level",
            f"{first.email},{org.skills[0].slug},",
            "nobody@example.com,no-such-skill,",
            f"{second.email},{org.skills[1].slug},4",
        ]
    )
    client.force_login(org.manager)
    body = upload(client, org.team, text).content.decode()
    assert 'data-testid="import-ready"' in body and "1 rating to record" in body
    assert body.count("No level (skipped)") == 2


def test_import_of_the_manager_level_leaves_a_newer_self_rating_awaiting_review(client, org):
    person, skill = org.people[0], org.skills[0]  # self 0, then manager 0
    SkillRating.objects.create(
        person=person, skill=skill, level=3, source="self", rated_by=person.user
    )
    client.force_login(org.manager)
    body = upload(
        client, org.team, f"email,skill,level\n{person.email},{skill.slug},0\n"
    ).content.decode()
    assert "0 ratings to record" in body
    assert "stays in" in body and reverse("assessments:team-review", args=[org.team.pk]) in body
    assert all_states(org)[(person.pk, skill.pk)].awaiting_review


def test_import_reads_an_xlsx_workbook(client, org):
    from openpyxl import Workbook

    person, skill = org.people[0], org.skills[1]
    book = Workbook()
    sheet = book.active
    sheet.append(["Email", "Skill slug", "Level", "Note"])
    sheet.append([])
    sheet.append([person.email, skill.slug, 4.0, "promoted"])
    out = io.BytesIO()
    book.save(out)
    client.force_login(org.manager)
    preview = upload_file(client, org.team, out.getvalue(), "ratings.xlsx").content.decode()
    assert "1 rating to record" in preview
    assert '<th scope="row" class="fw-normal">3</th>' in preview  # the sheet's row number
    payload = re.search(r'name="payload" value="([^"]+)"', preview).group(1)
    client.post(reverse("assessments:team-import", args=[org.team.pk]), {"payload": payload})
    assert person.ratings.filter(skill=skill, source="manager").first().level == 4


def test_import_refuses_a_broken_or_oversized_workbook(client, org, monkeypatch):
    client.force_login(org.manager)
    before = SkillRating.objects.count()
    body = upload_file(
        client, org.team, b"PK\x03\x04 not really a zip", "ratings.xlsx"
    ).content.decode()
    assert "not a readable XLSX workbook" in body and 'name="payload"' not in body
    monkeypatch.setattr("assessments.exports.ratings_import.XLSX_MAX_UNPACKED", 100)
    content = long_export(client, org, "xlsx")
    body = upload_file(client, org.team, content, "ratings.xlsx").content.decode()
    assert "too large once unpacked" in body and 'name="payload"' not in body
    assert SkillRating.objects.count() == before


def test_import_stops_reading_a_sheet_of_blank_lines(client, org):
    from openpyxl import Workbook

    from assessments.exports.ratings_import import XLSX_MAX_LINES

    book = Workbook()
    sheet = book.active
    sheet.append(["email", "skill", "level"])
    sheet.cell(row=1_000_000, column=1).value = org.people[0].email  # a million rows apart
    out = io.BytesIO()
    book.save(out)
    client.force_login(org.manager)
    body = upload_file(client, org.team, out.getvalue(), "ratings.xlsx").content.decode()
    assert f"more than {XLSX_MAX_LINES} lines" in body and 'name="payload"' not in body


def test_ratings_export_is_refused_like_the_map(make_team_org, client, org):
    params = {"format": "csv", "shape": "long"}
    url = export_url(org.team)
    client.force_login(make_team_org(people=1, skills=1).manager)
    assert client.get(url, params).status_code == 404
    client.force_login(org.people[0].user)
    assert client.get(url, params).status_code == 404
    client.force_login(leadership_user())  # leadership reads other teams as figures only
    assert client.get(url, params).status_code == 403
    client.logout()
    response = client.get(url, params)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(org.manager)
    assert client.get(url, {"format": "csv", "shape": "wide"}).status_code == 400


def test_team_page_and_import_page_link_to_the_ratings_export(client, org):
    client.force_login(org.manager)
    page = client.get(reverse("assessments:team-detail", args=[org.team.pk])).content.decode()
    assert "?format=csv&amp;shape=long" in page and "?format=xlsx&amp;shape=long" in page
    page = client.get(reverse("assessments:team-import", args=[org.team.pk])).content.decode()
    assert "download the current ratings as a file to edit" in page
    assert f"{export_url(org.team)}?format=csv&amp;shape=long" in page


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
        org.manager,
        str(rating.pk),
        "skillrating",
    )
    assert entry.object_repr == f"{person} · {skill} → Expert (4)"
