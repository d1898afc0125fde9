"""/me/assessment/ — the self-assessment form — and the "Nothing changed" quick review."""

import re

import pytest
from django.urls import reverse

from assessments.models import AssessmentSubmission, SkillRating, SubmissionKind
from assessments.selectors import person_readiness, person_skill_states
from assessments.services.me import self_assessment_version
from tests.factories import AssessmentCycleFactory, SkillFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("assessments:my-assessment")
CONFIRM = reverse("assessments:my-assessment-confirm")


def form_data(person, levels: dict, **extra) -> dict:
    """What the browser posts: the current version and a level per skill (skill → level)."""
    data = {"version": self_assessment_version(person=person)}
    for skill, level in levels.items():
        data[f"s{skill.pk}-level"] = level
    data.update(extra)
    return data


def test_paths_are_part_of_the_contract():
    assert URL == "/me/assessment/"


def test_anonymous_is_sent_to_login(client):
    for response in (client.get(URL), client.post(URL, {}), client.post(CONFIRM)):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_user_without_person_is_refused(client):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 404
    assert client.post(CONFIRM).status_code == 404


def test_form_groups_required_skills_prefilled_with_descriptors(make_employee_org, client):
    org = make_employee_org(skills=2)
    skill = org.skills[0]
    skill.descriptor_3 = "Designs prompt patterns the team reuses."
    skill.save()
    optional = SkillFactory(name="Optional skill nobody requires")
    client.force_login(org.person.user)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    # one fieldset per skill, legend = the skill name
    assert re.search(r"<legend[^>]*>\s*" + re.escape(skill.name), body)
    # every level: its name and the skill's descriptor (or the scale's meaning)
    assert "3 · Advanced" in body and "Designs prompt patterns the team reuses." in body
    assert "Knows the concepts." in body
    # pre-filled with the current self level (1)
    assert re.search(
        rf'name="s{skill.pk}-level" id="id_s{skill.pk}-level_1" value="1" checked', body
    )
    # optional skills wait behind "Add another skill"
    more = body.index("Add another skill")
    assert body.index(optional.name) > more > body.index(skill.name)
    assert 'role="switch"' in body and "I want to grow this" in body
    assert 'name="version"' in body


def test_saving_appends_changed_skills_and_returns_to_me(make_employee_org, client):
    org = make_employee_org(skills=3)
    person = org.person
    client.force_login(person.user)
    before = SkillRating.objects.filter(person=person).count()
    readiness_before = person_readiness(person=person).percent
    data = form_data(person, {org.skills[0]: 2, org.skills[1]: 2, org.skills[2]: 1})
    data[f"s{org.skills[0].pk}-grow"] = "on"
    data[f"s{org.skills[1].pk}-evidence_url"] = "https://example.com/demo"
    response = client.post(URL, data)
    assert response.status_code == 302 and response["Location"] == reverse(
        "assessments:my-readiness"
    )
    # two changed skills → two new rows; the unchanged third one adds nothing
    assert SkillRating.objects.filter(person=person).count() == before + 2
    states = person_skill_states(person=person)
    assert states[org.skills[0].pk].self_level == 2 and states[org.skills[0].pk].interest == 2
    newest = SkillRating.objects.filter(person=person, skill=org.skills[1]).first()
    assert newest.evidence_url == "https://example.com/demo"
    assert person_readiness(person=person).percent > readiness_before
    submission = AssessmentSubmission.objects.get(person=person)
    assert submission.kind == SubmissionKind.FULL and submission.changed_skills == 2
    follow = client.get(response["Location"]).content.decode()
    assert "Your self-assessment is saved: 2 skills recorded." in follow


def test_saving_inside_an_open_cycle_records_only_changes_and_counts_for_it(
    make_employee_org, client
):
    org = make_employee_org(skills=3)
    cycle = AssessmentCycleFactory()
    client.force_login(org.person.user)
    body = client.get(URL).content.decode()
    assert cycle.name in body
    # The banner says what a save does since "a confirmation is not a rating": the submission
    # counts for the cycle; only changed skills become ratings.
    banner = re.search(r'<div class="alert alert-info">(.*?)</div>', body, re.S)
    assert banner and cycle.name in banner[1]
    text = re.sub(r"\s+", " ", banner[1])
    assert "counts as your submission for the cycle, even if nothing changed" in text
    assert "only the skills you change get a new rating" in text
    assert "changed or not" not in body and "records every skill" not in body
    levels = dict.fromkeys(org.skills, 1) | {org.skills[0]: 2}
    assert client.post(URL, form_data(org.person, levels)).status_code == 302
    recorded = SkillRating.objects.filter(person=org.person, cycle=cycle)
    assert [(r.skill_id, r.level) for r in recorded] == [(org.skills[0].pk, 2)]
    assert AssessmentSubmission.objects.get(person=org.person).cycle == cycle


def test_unticking_grow_says_not_now_and_mild_interest_is_kept(make_employee_org, client):
    org = make_employee_org(skills=2)
    person = org.person
    client.force_login(person.user)
    strong = form_data(person, {org.skills[0]: 1, org.skills[1]: 1})
    strong[f"s{org.skills[0].pk}-grow"] = "on"
    client.post(URL, strong)
    # the second skill had interest 1 from before: unchanged, no row
    states = person_skill_states(person=person)
    assert states[org.skills[0].pk].interest == 2 and states[org.skills[1].pk].interest == 1
    client.post(URL, form_data(person, {org.skills[0]: 1, org.skills[1]: 1}))
    assert person_skill_states(person=person)[org.skills[0].pk].interest == 0


def assert_nothing_saved(person, before):
    assert SkillRating.objects.filter(person=person).count() == before
    assert not AssessmentSubmission.objects.filter(person=person).exists()


def field_error(body: str, skill, message: str) -> bool:
    """The message sits in the skill's own block, at the field."""
    start = body.index(f'id="skill-{skill.slug}"')
    end = body.find('<fieldset class="sk', start + 1)
    return message in body[start : end if end != -1 else None]


def test_level_outside_the_scale_is_refused_at_the_field(make_employee_org, client):
    org = make_employee_org(skills=2)
    client.force_login(org.person.user)
    before = SkillRating.objects.filter(person=org.person).count()
    response = client.post(URL, form_data(org.person, {org.skills[0]: 7, org.skills[1]: 2}))
    assert response.status_code == 200
    body = response.content.decode()
    assert field_error(body, org.skills[0], "Choose one of the levels 0 (None) to 4 (Expert).")
    assert "Nothing was saved." in body
    assert_nothing_saved(org.person, before)


def test_malformed_url_is_refused_at_the_field(make_employee_org, client):
    org = make_employee_org(skills=2)
    client.force_login(org.person.user)
    before = SkillRating.objects.filter(person=org.person).count()
    data = form_data(org.person, {org.skills[0]: 2, org.skills[1]: 3})
    data[f"s{org.skills[1].pk}-evidence_url"] = "not a url"
    body = client.post(URL, data).content.decode()
    assert field_error(body, org.skills[1], "Enter a valid URL.")
    # the note and evidence section is open where the error is
    assert_nothing_saved(org.person, before)


def test_retired_skill_is_refused_at_its_field(make_employee_org, client):
    org = make_employee_org(skills=2)
    retired = SkillFactory(is_active=False)
    client.force_login(org.person.user)
    before = SkillRating.objects.filter(person=org.person).count()
    body = client.post(URL, form_data(org.person, {org.skills[0]: 2, retired: 2})).content.decode()
    assert field_error(body, retired, "This skill is not in the skills framework.")
    assert_nothing_saved(org.person, before)


def test_unknown_skill_is_refused(make_employee_org, client):
    org = make_employee_org(skills=1)
    client.force_login(org.person.user)
    before = SkillRating.objects.filter(person=org.person).count()
    data = form_data(org.person, {org.skills[0]: 2})
    data["s987654-level"] = "2"
    body = client.post(URL, data).content.decode()
    assert "not in the skills framework (id 987654)" in body
    assert_nothing_saved(org.person, before)


def test_interest_without_a_level_is_refused_at_the_field(make_employee_org, client):
    org = make_employee_org(skills=1)
    new = SkillFactory()
    client.force_login(org.person.user)
    data = form_data(org.person, {org.skills[0]: 1}, **{f"s{new.pk}-note": "I used it once."})
    body = client.post(URL, data).content.decode()
    assert field_error(body, new, "Choose a level too")
    assert not AssessmentSubmission.objects.exists()


def test_stale_form_submitted_twice_saves_once(make_employee_org, client):
    org = make_employee_org(skills=2)
    client.force_login(org.person.user)
    data = form_data(org.person, {org.skills[0]: 2, org.skills[1]: 2})
    assert client.post(URL, data).status_code == 302
    after_first = SkillRating.objects.filter(person=org.person).count()
    data[f"s{org.skills[0].pk}-level"] = 4
    response = client.post(URL, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Your ratings changed since this form was opened" in body
    assert SkillRating.objects.filter(person=org.person).count() == after_first
    assert AssessmentSubmission.objects.filter(person=org.person).count() == 1
    # the page shows what is saved now (2), with a fresh version to save again
    assert re.search(rf'id="id_s{org.skills[0].pk}-level_2" value="2" checked', body)
    assert f'value="{self_assessment_version(person=org.person)}"' in body


def test_highlight_marks_the_skills_to_reassess(make_employee_org, client):
    org = make_employee_org(skills=3)
    client.force_login(org.person.user)
    body = client.get(URL + f"?highlight={org.skills[1].pk},x").content.decode()
    assert "Time to reassess" in body
    assert body.count("Reassess after your learning") == 1
    block = body.index(f'id="skill-{org.skills[1].slug}"')
    assert "skill-highlight" in body[block - 120 : block]


def test_quick_review_records_a_submission_and_no_rating(make_employee_org, client):
    org = make_employee_org(skills=3)
    cycle = AssessmentCycleFactory()
    client.force_login(org.person.user)
    assert "Nothing changed — confirm my ratings" in client.get(URL).content.decode()
    before = list(SkillRating.objects.values_list("pk", flat=True))
    response = client.post(CONFIRM)
    assert response.status_code == 302 and response["Location"] == reverse(
        "assessments:my-readiness"
    )
    submission = AssessmentSubmission.objects.get(person=org.person)
    assert (submission.kind, submission.cycle) == (SubmissionKind.QUICK_REVIEW, cycle)
    assert list(SkillRating.objects.values_list("pk", flat=True)) == before


def test_quick_review_without_ratings_sends_to_the_form(make_employee_org, client):
    org = make_employee_org(skills=1, ratings_per_skill=0)
    client.force_login(org.person.user)
    response = client.post(CONFIRM)
    assert response.status_code == 302 and response["Location"] == URL
    assert not AssessmentSubmission.objects.exists()


def test_confirm_needs_post(make_employee_org, client):
    org = make_employee_org(skills=1)
    client.force_login(org.person.user)
    assert client.get(CONFIRM).status_code == 405


def test_only_the_person_edits_their_assessment(make_employee_org, client):
    """The form and its writes act on the signed-in user's own person: there is no URL that
    names another person, so a teammate or manager posting writes only to their own record."""
    org = make_employee_org(skills=1)
    client.force_login(org.manager)
    # the manager has no person record: refused
    assert client.post(URL, form_data(org.person, {org.skills[0]: 4})).status_code == 404
    client.force_login(org.teammate.user)
    client.post(URL, form_data(org.teammate, {org.skills[0]: 4}))
    assert person_skill_states(person=org.person)[org.skills[0].pk].self_level == 1


# --- query counts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "employee_org",
    [{"skills": 2, "ratings_per_skill": 1}, {"skills": 12, "ratings_per_skill": 4}],
    indirect=True,
    ids=["small", "large"],
)
def test_get_query_count_is_independent_of_skills_and_ratings(
    employee_org, client, django_assert_num_queries
):
    org = employee_org
    client.force_login(org.person.user)
    # 1 session, 2 user, 3 person (with the persona flags the navigation reads), 4 skill
    # states, 5 skills (with categories), 6 version, 7 open cycles (the page's cycle is also
    # the banner's)
    with django_assert_num_queries(7):
        assert client.get(URL).status_code == 200


@pytest.mark.parametrize(
    "employee_org",
    [{"skills": 2, "ratings_per_skill": 1}, {"skills": 12, "ratings_per_skill": 4}],
    indirect=True,
    ids=["small", "large"],
)
def test_post_query_count_is_independent_of_skills_and_ratings(
    employee_org, client, django_assert_num_queries
):
    org = employee_org
    client.force_login(org.person.user)
    data = form_data(org.person, dict.fromkeys(org.skills, 3))
    # 1 session, 2 user, 3 person, 4 skill states (the form's, also the service's changed
    # skills), 5 skills, 6 open cycles, 7 savepoint, 8 version (stale check), 9 active skills
    # (validation), 10 ratings (one bulk insert), 11 webhook endpoints ("rating.recorded"),
    # 12 submission, 13 release savepoint
    with django_assert_num_queries(13):
        assert client.post(URL, data).status_code == 302
    assert SkillRating.objects.filter(person=org.person, level=3).count() == len(org.skills)


@pytest.mark.parametrize(
    "employee_org",
    [{"skills": 2, "ratings_per_skill": 1}, {"skills": 12, "ratings_per_skill": 4}],
    indirect=True,
    ids=["small", "large"],
)
def test_an_open_cycle_is_read_once_for_the_page_and_the_banner(
    employee_org, client, django_assert_num_queries, settings
):
    settings.READINESS_CACHE = False  # the banner's cycle is not kept: this page reads it
    org = employee_org
    cycle = AssessmentCycleFactory()
    client.force_login(org.person.user)
    # 1 session, 2 user, 3 person (with the persona flags), 4 skill states, 5 skills,
    # 6 version, 7 the pending cycle (one statement: ``submission_cycle``) — and not the cycle
    # again for the banner
    with django_assert_num_queries(7):
        body = client.get(URL).content.decode()
    # The page's own cycle box; the layout's banner, which would repeat it, is not shown here.
    assert body.count(cycle.name) == 1 and 'data-testid="cycle-banner"' not in body
