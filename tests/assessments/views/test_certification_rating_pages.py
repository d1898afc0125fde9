"""Where a level comes from a certification that counts as a rating, the pages say so: the team
map cell's tooltip, /me/ and the person page ("by certification <name>, earned <date>, until
<date>"); a certification kept as evidence only is shown beside the ratings as such. The map
keeps its query count with certifications in it."""

import datetime as dt
import html
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from assessments.learning_records.models import PersonCertification
from catalog.certifications.models import Certification, CertificationSkill
from tests.factories import ProviderFactory, SkillRatingFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)
EARNED = NOW - dt.timedelta(days=10)
EXPIRES = NOW + dt.timedelta(days=355)


@pytest.fixture(autouse=True)
def _at_now():
    with time_machine.travel(NOW, tick=True):
        yield


def _certify(person, skill, *, counts: bool = True, name: str = "AI-102 Engineer"):
    certification = Certification.objects.create(
        name=name, provider=ProviderFactory(), counts_as_rating=counts, validity_months=12
    )
    CertificationSkill.objects.create(certification=certification, skill=skill, level=4)
    return PersonCertification.objects.create(
        person=person,
        certification=certification,
        name=name,
        source="transcript",
        earned_at=EARNED,
        expires_at=EXPIRES,
    )


def _day(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%-d %b %Y}"


def test_the_team_map_cell_says_the_level_is_by_certification(make_team_org, client) -> None:
    org = make_team_org(people=1, skills=1, rated=False)
    person, skill = org.people[0], org.skills[0]
    _certify(person, skill, name="AI-102 <Engineer> | Azure")
    client.force_login(org.manager)
    body = client.get(reverse("assessments:team-detail", args=[org.team.pk])).content.decode()
    cell = re.search(
        rf'<td class="hm [^"]*"[^>]*data-cell="{person.pk}-{skill.pk}"[^>]*>.*?</td>', body
    )
    assert cell
    assert ">4<" in cell.group(0)
    # The tip's detail (team_map.js writes "manager 4 by certification <name>, earned <day>,
    # until <day>" from it): the manager level, its moment, then the certification's name,
    # escaped and without the field separator, and its expiry.
    detail = html.unescape(re.search(r'data-d="([^"]*)"', cell.group(0)).group(1)).split("|")
    assert detail[4] == "4" and detail[5] == str(int(EARNED.timestamp()))
    assert detail[7:] == ["AI-102 <Engineer> / Azure", str(int(EXPIRES.timestamp()))]
    assert "<Engineer>" not in cell.group(0)


def test_me_and_the_person_page_say_by_certification(make_team_org, client) -> None:
    org = make_team_org(people=1, skills=1, rated=False)
    person, skill = org.people[0], org.skills[0]
    _certify(person, skill)
    expected = f"by certification AI-102 Engineer, earned {_day(EARNED)}, until {_day(EXPIRES)}"
    client.force_login(person.user)
    assert expected in client.get(reverse("assessments:my-readiness")).content.decode()
    client.force_login(org.manager)
    page = client.get(reverse("assessments:person-detail", args=[person.pk])).content.decode()
    assert expected in page
    assert "Counts as a manager rating of its skills while active" in page


def test_a_certification_kept_as_evidence_is_shown_beside_the_ratings(
    make_team_org, client
) -> None:
    org = make_team_org(people=1, skills=1, rated=False)
    person, skill = org.people[0], org.skills[0]
    _certify(person, skill, counts=False)
    client.force_login(org.manager)
    page = client.get(reverse("assessments:person-detail", args=[person.pk])).content.decode()
    assert "AI-102 Engineer" in page and "Evidence beside the ratings" in page
    assert "by certification" not in page


def test_the_map_keeps_its_query_count_with_certifications(
    make_team_org, client, django_assert_num_queries
) -> None:
    for people, skills in ((3, 4), (20, 10)):
        org = make_team_org(people=people, skills=skills)
        for index, person in enumerate(org.people):
            _certify(person, org.skills[index % skills], name=f"Cert {people}-{index}")
        client.force_login(org.manager)
        client.get(reverse("assessments:team-detail", args=[org.team.pk]))  # warm
        # As test_team_map.py pins it: the certifications ride the states' one statement.
        with django_assert_num_queries(9):
            client.get(reverse("assessments:team-detail", args=[org.team.pk]))


def test_the_review_queue_shows_the_certification_the_self_level_differs_from(
    make_team_org, client
) -> None:
    from tests.factories import SkillRatingFactory

    org = make_team_org(people=1, skills=1, rated=False)
    person, skill = org.people[0], org.skills[0]
    _certify(person, skill)
    SkillRatingFactory(person=person, skill=skill, level=2, created_at=NOW - dt.timedelta(days=1))
    client.force_login(org.manager)
    page = client.get(reverse("assessments:team-review", args=[org.team.pk])).content.decode()
    cell = re.search(r'data-testid="manager-rating">.*?</td>', page, re.S)
    assert cell and "<strong>4</strong>" in cell.group(0)
    assert "by certification AI-102 Engineer" in cell.group(0)


def test_the_editor_cells_carry_the_same_detail_as_the_map(make_team_org, client) -> None:
    """The map and the editor spell each cell's detail in their own loop (each drawn straight
    from the states, for speed): for the same states they must say the same thing — a
    certification's level, a self rating awaiting review, a manager rating, nothing."""
    org = make_team_org(people=2, skills=3, rated=False)
    first, second = org.people
    certified, reviewed, unrated = org.skills
    _certify(first, certified, name="AI-102 <Engineer> | Azure")
    day = NOW - dt.timedelta(days=3)
    SkillRatingFactory(person=first, skill=reviewed, level=1, source="manager", created_at=day)
    SkillRatingFactory(
        person=first, skill=reviewed, level=4, source="self", created_at=NOW, interest=True
    )
    SkillRatingFactory(person=second, skill=certified, level=2, source="self")
    client.force_login(org.manager)

    def details(name: str, pattern: str) -> dict[str, str]:
        body = client.get(reverse(name, args=[org.team.pk])).content.decode()
        return {f"{p}-{s}": d for p, s, d in re.findall(pattern, body)}

    shown = details("assessments:team-detail", r'data-cell="(\d+)-(\d+)" data-d="([^"]*)"')
    edited = {
        f"{p}-{s}": d
        for d, p, s in re.findall(
            r'data-d="([^"]*)"[^>]*><select name="c-(\d+)-(\d+)"',
            client.get(reverse("assessments:team-edit", args=[org.team.pk])).content.decode(),
        )
    }
    # Every cell with a detail: the certified one, the one awaiting review, a self rating of a
    # skill not required, the required ones nobody rated (their target only).
    assert "AI-102 &lt;Engineer&gt; / Azure" in shown[f"{first.pk}-{certified.pk}"]
    assert shown[f"{first.pk}-{reviewed.pk}"].endswith("|acg")
    assert edited == shown
