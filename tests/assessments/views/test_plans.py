"""Readiness plans: create and edit a plan, its goals (with their current value and trend),
partner teams, the gap register and the concerns register with its triage — every figure
compared with the hand-built organization's."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.models import ReadinessSnapshot
from assessments.services.plans import (
    concern_triage,
    gap_remedy_set,
    plan_create,
    plan_goal_create,
    plan_partner_create,
    plan_update,
)
from readiness.models import (
    Audience,
    Concern,
    GapRemedy,
    PlanGoal,
    PlanPartner,
    ReadinessPlan,
)
from readiness.services import concern_raise
from tests.factories import ReadinessPlanFactory, SkillFactory, TeamFactory, UserFactory
from tests.orgs import leadership_user
from tests.orgs.leadership import NOW, TODAY

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _today(settings):
    settings.REASSESSMENT_INTERVAL_DAYS = 90
    settings.MIN_AGGREGATE_PEOPLE = 5
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def org(leadership_org):
    return leadership_org


@pytest.fixture
def lead():
    return leadership_user(username="lead", first_name="Leila", last_name="Haddad")


@pytest.fixture
def plan(lead):
    return ReadinessPlanFactory(
        owner=lead,
        name="Copilot for everyone",
        start_date=TODAY - 30 * DAY,
        target_date=TODAY + 30 * DAY,
        status="active",
    )


def detail(client, plan, **params) -> str:  # noqa: ANN001, ANN003
    response = client.get(reverse("assessments:plan-detail", args=[plan.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def goal_card(body: str, goal: PlanGoal) -> str:
    start = body.index(f'data-goal="{goal.pk}"')
    return body[start : body.index("</article>", start)]


# --- The plan itself -------------------------------------------------------------------------


def test_leadership_creates_a_plan_and_is_sent_to_its_goals(client, lead):
    client.force_login(lead)
    assert "Leila Haddad" in client.get(reverse("assessments:plan-create")).content.decode()
    response = client.post(
        reverse("assessments:plan-create"),
        {
            "name": "  Copilot rollout  ",
            "business_scenario": "Answer customers faster.",
            "owner": lead.pk,
            "start_date": "2026-06-01",
            "target_date": "2026-12-31",
            "status": "active",
        },
    )
    plan = ReadinessPlan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:plan-detail", args=[plan.pk]) + "#goals"
    assert (plan.name, plan.owner, plan.status) == ("Copilot rollout", lead, "active")
    body = client.get(response["Location"]).content.decode()
    assert "Answer customers faster." in body and "Now set its goals" in body


def test_a_plan_cannot_end_before_it_starts(client, lead):
    client.force_login(lead)
    response = client.post(
        reverse("assessments:plan-create"),
        {
            "name": "Backwards",
            "business_scenario": "x",
            "owner": lead.pk,
            "start_date": "2026-06-01",
            "target_date": "2026-05-01",
            "status": "draft",
        },
    )
    assert response.status_code == 400
    assert "The target date must not precede the start." in response.content.decode()
    with pytest.raises(ValidationError):
        plan_create(
            name="x",
            business_scenario="x",
            owner=lead,
            start_date=TODAY,
            target_date=TODAY - DAY,
            status="draft",
        )
    assert not ReadinessPlan.objects.exists()


def test_concerns_raised_while_no_plan_was_active_join_the_next_active_plan(lead):
    waiting = concern_raise(user=UserFactory(), category="ethics", text="Anyone listening?")
    assert waiting.plan is None
    draft = plan_create(
        name="Draft",
        business_scenario="x",
        owner=lead,
        start_date=TODAY,
        target_date=TODAY,
        status="draft",
    )
    waiting.refresh_from_db()
    assert waiting.plan is None  # a draft plan runs no register yet
    plan_update(plan=draft, status="active")
    waiting.refresh_from_db()
    assert waiting.plan == draft
    assert concern_raise(user=UserFactory(), category="ethics", text="Later").plan == draft


def test_the_owner_edits_the_plan_and_hands_it_over(client, plan, lead):
    successor = leadership_user(first_name="Sam", last_name="Successor")
    client.force_login(lead)
    url = reverse("assessments:plan-edit", args=[plan.pk])
    assert 'value="Copilot for everyone"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "name": "Copilot for all",
            "business_scenario": "New scenario",
            "owner": successor.pk,
            "start_date": plan.start_date,
            "target_date": plan.target_date,
            "status": "completed",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.name, plan.owner, plan.status) == ("Copilot for all", successor, "completed")
    # No longer the owner: the former owner reads it (Leadership) but cannot change it.
    assert client.get(url).status_code == 403


def test_the_plan_list_counts_goals_and_open_concerns(client, plan, lead, org):
    audience = org.devs[0].role.audience
    PlanGoal.objects.create(plan=plan, audience=audience, target_share=50, due_date=TODAY)
    Concern.objects.create(plan=plan, category="ethics", text="a")
    Concern.objects.create(plan=plan, category="ethics", text="b", status="in_review")
    Concern.objects.create(plan=plan, category="ethics", text="c", status="closed")
    client.force_login(leadership_user())
    body = client.get(reverse("assessments:plan-list")).content.decode()
    row = body.split(f'data-plan="{plan.pk}"')[1].split("</tr>")[0]
    assert "Copilot for everyone" in row and "Leila Haddad" in row
    assert re.findall(r'<td class="text-end">(\d+)</td>', row) == ["1", "2"]


# --- Goals -----------------------------------------------------------------------------------


def test_goals_show_their_current_value_from_the_rules(client, plan, lead, org):
    tech = org.devs[0].role.audience
    users = org.analysts[0].role.audience
    client.force_login(lead)
    url = reverse("assessments:plan-goal-create", args=[plan.pk])
    assert (
        client.post(
            url,
            {
                "audience": tech.pk,
                "skill": org.prompting.pk,
                "target_share": 50,
                "due_date": "2026-06-20",
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            url, {"audience": tech.pk, "skill": "", "target_share": 60, "due_date": "2026-07-01"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            url, {"audience": users.pk, "skill": "", "target_share": 60, "due_date": "2026-07-01"}
        ).status_code
        == 302
    )
    everyone, _ = Audience.objects.get_or_create(  # seeded, unless a browser test flushed it
        is_everyone=True, defaults={"name": "Everyone", "slug": "everyone"}
    )
    assert (
        client.post(
            url,
            {
                "audience": everyone.pk,
                "skill": org.rag.pk,
                "target_share": 80,
                "due_date": "2026-05-01",
            },
        ).status_code
        == 302
    )
    prompting, ready, small, rag = PlanGoal.objects.order_by("pk")
    body = detail(client, plan)
    # 4 of the 6 developers are at target on Prompting: 67 % ≥ 50 %.
    card = goal_card(body, prompting)
    assert 'data-testid="goal-current">67%<' in card and "4 of 6 people" in card
    assert ">Met<" in card
    # Fully ready: dev1 and dev5, 2 of 6 = 33 %; no snapshot, so no line to be behind on.
    card = goal_card(body, ready)
    assert 'data-testid="goal-current">33%<' in card and ">Not met yet<" in card
    # Three analysts: hidden.
    assert "Fewer than 5 people: not shown." in goal_card(body, small)
    # Everyone on RAG: the 6 people it is required of, 3 at target; due date passed.
    card = goal_card(body, rag)
    assert 'data-testid="goal-current">50%<' in card and ">Missed<" in card
    assert "80% of Everyone at target on RAG by 1 May 2026" in card


def test_a_goal_is_behind_when_below_the_straight_line_from_its_baseline(client, plan, lead, org):
    tech = org.devs[0].role.audience
    goal = plan_goal_create(
        plan=plan, audience=tech, skill=None, target_share=80, due_date=TODAY + 30 * DAY
    )
    # At the plan's start nobody was fully ready; the goal expects 80 % in 60 days, so 40 %
    # today; 33 % is behind.
    ReadinessSnapshot.objects.create(
        date=plan.start_date,
        audience=tech,
        people_in_scope=6,
        people_at_target=0,
        pairs_in_scope=12,
        pairs_at_target=3,
        mean_gap=1.0,
        people_assessed_within_cadence=2,
    )
    ReadinessSnapshot.objects.create(
        date=TODAY - 10 * DAY,
        audience=tech,
        people_in_scope=6,
        people_at_target=1,
        pairs_in_scope=12,
        pairs_at_target=5,
        mean_gap=1.0,
        people_assessed_within_cadence=3,
    )
    ReadinessSnapshot.objects.create(  # another team's row: not the goal's
        date=TODAY - 10 * DAY,
        audience=tech,
        team=org.platform,
        people_in_scope=6,
        people_at_target=6,
        pairs_in_scope=12,
        pairs_at_target=12,
        mean_gap=0,
        people_assessed_within_cadence=6,
    )
    client.force_login(lead)
    card = goal_card(detail(client, plan), goal)
    assert ">Behind<" in card and "Expected by now on a straight line to the goal: 40%." in card
    # The chart: two snapshot points and today's live one, and the goal line.
    assert card.count('class="marker"') == 2 and card.count('class="marker live"') == 1
    assert "At target: 0% on 2 May 2026" in card and "At target: 17% on 22 May 2026" in card
    assert "At target: 33% on today (live)" in card
    assert 'class="goal-line"' in card
    # The same figures as a table.
    rows = re.findall(r'fw-normal">([^<]+)</th><td class="text-end">([^<]+)<', card)
    assert rows == [("2 May 2026", "0%"), ("22 May 2026", "17%"), ("1 Jun 2026 (live)", "33%")]


def test_goals_are_edited_and_removed(client, plan, lead, org):
    tech = org.devs[0].role.audience
    goal = plan_goal_create(
        plan=plan, audience=tech, skill=org.rag, target_share=50, due_date=TODAY
    )
    client.force_login(lead)
    url = reverse("assessments:plan-goal-edit", args=[plan.pk, goal.pk])
    assert (
        client.post(
            url,
            {
                "audience": tech.pk,
                "skill": org.rag.pk,
                "target_share": 75,
                "due_date": "2026-09-01",
            },
        ).status_code
        == 302
    )
    goal.refresh_from_db()
    assert (goal.target_share, goal.due_date) == (75, dt.date(2026, 9, 1))
    response = client.post(
        url, {"audience": tech.pk, "skill": "", "target_share": 150, "due_date": "2026-09-01"}
    )
    assert response.status_code == 400
    client.post(reverse("assessments:plan-goal-delete", args=[plan.pk, goal.pk]))
    assert not PlanGoal.objects.exists()


def test_the_same_goal_twice_is_refused(plan, org):
    tech = org.devs[0].role.audience
    plan_goal_create(plan=plan, audience=tech, skill=None, target_share=50, due_date=TODAY)
    with pytest.raises(ValidationError):
        plan_goal_create(plan=plan, audience=tech, skill=None, target_share=60, due_date=TODAY)


# --- Partner teams ---------------------------------------------------------------------------


def test_partner_teams_with_contribution_and_due_date(client, plan, lead):
    learning = TeamFactory(name="People & Learning")
    client.force_login(lead)
    url = reverse("assessments:plan-partner-create", args=[plan.pk])
    assert (
        client.post(
            url,
            {
                "team": learning.pk,
                "name": "",
                "contribution": "Runs clinics",
                "due_date": "2026-07-01",
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            url,
            {
                "team": "",
                "name": "Microsoft account team",
                "contribution": "Workshop credits",
                "due_date": "",
            },
        ).status_code
        == 302
    )
    response = client.post(url, {"team": "", "name": "", "contribution": "?"})
    assert response.status_code == 400
    assert "Name the partner, or choose one of our teams." in response.content.decode()
    ours, vendor = PlanPartner.objects.order_by("pk")
    assert (ours.name, ours.team, ours.due_date) == (
        "People & Learning",
        learning,
        dt.date(2026, 7, 1),
    )
    body = detail(client, plan).split('data-testid="partners"')[1]
    assert "Runs clinics" in body and "1 Jul 2026" in body and "Workshop credits" in body
    client.post(
        reverse("assessments:plan-partner-edit", args=[plan.pk, vendor.pk]),
        {"team": "", "name": "Microsoft", "contribution": "Credits", "due_date": "2026-08-01"},
    )
    vendor.refresh_from_db()
    assert (vendor.name, vendor.due_date) == ("Microsoft", dt.date(2026, 8, 1))
    client.post(reverse("assessments:plan-partner-delete", args=[plan.pk, vendor.pk]))
    assert list(PlanPartner.objects.all()) == [ours]
    with pytest.raises(ValidationError):
        plan_partner_create(plan=plan, name="x", team=None, contribution="  ", due_date=None)


# --- Gap register ----------------------------------------------------------------------------


def gap_row(body: str, skill) -> str:  # noqa: ANN001
    start = body.index(f'data-skill="{skill.pk}"')
    return body[start : body.index("</tr>", start)]


def test_the_gap_register_counts_people_short_per_skill_and_role(client, plan, lead, org, settings):
    settings.MIN_AGGREGATE_PEOPLE = 2
    client.force_login(lead)
    body = detail(client, plan).split('data-testid="gaps"')[1]
    # Prompting: dev4, dev6 and ana2, ana3 are short (dev4 and ana3 not assessed).
    row = gap_row(body, org.prompting)
    assert re.search(r'data-value="short">\s*4<', row)
    assert "of 9 · 2 not assessed" in row
    assert "Platform developer (2)" in row and "Sales analyst (2)" in row
    # RAG: dev2 (1 < 2), dev3 and dev4 (not assessed).
    row = gap_row(body, org.rag)
    assert re.search(r'data-value="short">\s*3<', row) and "of 6 · 2 not assessed" in row
    assert "Platform developer (3)" in row and "Sales analyst" not in row
    assert body.index(f'data-skill="{org.prompting.pk}"') < body.index(
        f'data-skill="{org.rag.pk}"'
    )  # most people short first
    settings.MIN_AGGREGATE_PEOPLE = 5
    row = gap_row(detail(client, plan).split('data-testid="gaps"')[1], org.rag)
    assert "fewer than 5" in row and "Fewer than 5 each: Platform developer" in row


def test_a_remedy_is_chosen_changed_and_removed(client, plan, lead, org):
    owner = org.manager
    client.force_login(lead)
    url = reverse("assessments:plan-remedy-edit", args=[plan.pk, org.rag.pk])
    page = client.get(url).content.decode()
    assert "Remedy for the gap on RAG" in page and 'value="hire"' in page
    assert (
        client.post(
            url,
            {
                "remedy": "train",
                "owner": owner.pk,
                "deadline": "2026-09-30",
                "notes": "Azure OpenAI path",
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            url, {"remedy": "partner", "owner": "", "deadline": "2026-10-31", "notes": ""}
        ).status_code
        == 302
    )
    remedy = GapRemedy.objects.get()
    assert (remedy.remedy, remedy.owner, remedy.deadline) == (
        "partner",
        None,
        dt.date(2026, 10, 31),
    )
    row = gap_row(detail(client, plan), org.rag)
    assert ">Partner<" in row and "31 Oct 2026" in row
    assert client.post(url, {"remedy": "outsource", "deadline": "2026-10-31"}).status_code == 400
    client.post(reverse("assessments:plan-remedy-delete", args=[plan.pk, org.rag.pk]))
    assert not GapRemedy.objects.exists()


def test_one_remedy_per_plan_and_skill(plan, org):
    gap_remedy_set(plan=plan, skill=org.rag, remedy="train", deadline=TODAY)
    gap_remedy_set(plan=plan, skill=org.rag, remedy="hire", deadline=TODAY)
    other = ReadinessPlanFactory()
    gap_remedy_set(plan=other, skill=org.rag, remedy="partner", deadline=TODAY)
    assert sorted(GapRemedy.objects.values_list("remedy", flat=True)) == ["hire", "partner"]


def test_a_skill_nobody_is_short_on_keeps_its_remedy_in_the_register(client, plan, lead, org):
    closed = SkillFactory(name="Closed gap")
    gap_remedy_set(plan=plan, skill=closed, remedy="hire", deadline=TODAY)
    client.force_login(lead)
    row = gap_row(detail(client, plan), closed)
    assert ">Hire<" in row and re.search(r'data-value="short">\s*0<', row)


# --- Concerns register -----------------------------------------------------------------------


@pytest.fixture
def concerns(plan, org):
    sub = TeamFactory(name="Platform tools", parent=org.platform)
    a = concern_raise(
        user=org.devs[0].user,
        category="ethics",
        text="Who checks answers?",
        anonymous_to_manager=True,
    )
    b = concern_raise(user=org.analysts[0].user, category="job_impact", text="My job?")
    c = Concern.objects.create(
        plan=plan, category="ethics", text="Sub-team worry", team=sub, status="in_review"
    )
    Concern.objects.create(
        plan=ReadinessPlanFactory(status="draft"), category="ethics", text="Another plan's concern"
    )
    return a, b, c


def concern_ids(body: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-concern="(\d+)"', body)]


def test_the_register_filters_by_category_status_and_team(client, plan, lead, org, concerns):
    a, b, c = concerns
    client.force_login(lead)
    assert concern_ids(detail(client, plan)) == [b.pk, a.pk, c.pk]  # open first, then newest
    assert concern_ids(detail(client, plan, category="ethics")) == [a.pk, c.pk]
    assert concern_ids(detail(client, plan, status="in_review")) == [c.pk]
    # A team includes its sub-teams.
    assert concern_ids(detail(client, plan, team=org.engineering.pk)) == [a.pk, c.pk]
    assert concern_ids(detail(client, plan, team=org.sales.pk)) == [b.pk]
    assert concern_ids(detail(client, plan, category="ethics", team=org.sales.pk)) == []
    summary = detail(client, plan).split('data-testid="concern-summary"')[1].split("</table>")[0]
    ethics = summary.split("Ethics and responsible AI")[1].split("</tr>")[0]
    assert re.findall(r">(\d+)<", ethics) == ["1", "1", "0", "0", "2"]


def test_leadership_sees_who_raised_even_anonymous_concerns(client, plan, lead, org, concerns):
    a, b, c = concerns
    client.force_login(lead)
    body = detail(client, plan)
    row = body.split(f'data-concern="{a.pk}"')[1].split("</tr>")[0]
    assert org.devs[0].user.get_full_name() in row and "hidden from managers" in row


def test_an_owner_outside_leadership_does_not_see_anonymous_names(client, org, concerns):
    a, b, c = concerns
    outsider = UserFactory()
    plan = a.plan
    plan.owner = outsider
    plan.save()
    client.force_login(outsider)
    body = detail(client, plan)
    row = body.split(f'data-concern="{a.pk}"')[1].split("</tr>")[0]
    assert org.devs[0].user.get_full_name() not in row and "name hidden" in row
    row = body.split(f'data-concern="{b.pk}"')[1].split("</tr>")[0]
    assert org.analysts[0].user.get_full_name() in row


def test_triage_sets_status_owner_area_and_the_response_the_raiser_reads(
    client, plan, lead, org, concerns
):
    a, b, c = concerns
    client.force_login(lead)
    url = reverse("assessments:plan-concern-triage", args=[plan.pk, b.pk])
    page = client.get(url).content.decode()
    assert "My job?" in page and "Triage a concern" in page
    response = client.post(
        url,
        {
            "status": "addressed",
            "owner": org.sales_manager.pk,
            "addressable_by": "hr",
            "response": "",
        },
    )
    assert response.status_code == 400
    assert "Write the response the person who raised it will read" in response.content.decode()
    response = client.post(
        url,
        {
            "status": "addressed",
            "owner": org.sales_manager.pk,
            "addressable_by": "hr",
            "response": "  Roles change, jobs stay: see the HR FAQ.  ",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#concerns")
    b.refresh_from_db()
    assert (b.status, b.owner, b.addressable_by, b.response) == (
        "addressed",
        org.sales_manager,
        "hr",
        "Roles change, jobs stay: see the HR FAQ.",
    )
    # The person who raised it reads the response on /concerns/mine/.
    client.force_login(org.analysts[0].user)
    mine = client.get(reverse("readiness:concern-mine")).content.decode()
    assert "Roles change, jobs stay: see the HR FAQ." in mine and "Addressed" in mine


def test_triage_keeps_in_review_without_a_response(plan, lead, concerns):
    a, b, c = concerns
    concern = concern_triage(
        concern=a, status="in_review", owner=lead, addressable_by="legal", response=""
    )
    assert concern.status == "in_review" and concern.owner == lead
    with pytest.raises(ValidationError):
        concern_triage(concern=a, status="bogus", owner=None, addressable_by="", response="")


# --- Report and page cost --------------------------------------------------------------------


def test_the_report_holds_the_figures_and_prints_cleanly(client, plan, lead, org, concerns):
    a, b, c = concerns
    tech = org.devs[0].role.audience
    plan_goal_create(
        plan=plan, audience=tech, skill=org.prompting, target_share=50, due_date=TODAY + DAY
    )
    plan_partner_create(plan=plan, name="Vendor", team=None, contribution="Credits", due_date=None)
    gap_remedy_set(plan=plan, skill=org.rag, remedy="train", deadline=TODAY + 60 * DAY)
    concern_triage(
        concern=a,
        status="addressed",
        owner=lead,
        addressable_by="leadership",
        response="A person reviews every answer.",
    )
    client.force_login(lead)
    body = client.get(reverse("assessments:plan-report", args=[plan.pk])).content.decode()
    assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in body
    assert 'data-testid="report-date">Live figures as of 1 Jun 2026, 12:00' in body
    assert 'data-testid="goal-current">67%<' in body  # the same goal figure as the plan page
    assert 'data-testid="report-readiness">53%<' in body  # the organization today
    assert "Vendor" in body and "Credits" in body and ">Train<" in body
    assert "A person reviews every answer." in body
    # The report is for circulation: nobody's name next to a concern, no buttons or forms.
    report = body.split('data-testid="report-concerns"')[1].split("</table>")[0]
    assert org.devs[0].user.get_full_name() not in report
    assert "<form" not in body.split('<main id="main"')[1].split("</main>")[0]
    assert "Triage" not in body


def test_the_plan_page_costs_the_same_queries_however_big_the_register(
    client, plan, lead, org, django_assert_num_queries
):
    tech = org.devs[0].role.audience
    plan_goal_create(plan=plan, audience=tech, skill=None, target_share=50, due_date=TODAY)
    Concern.objects.create(
        plan=plan,
        category="ethics",
        text="x",
        raised_by=org.devs[0].user,
        team=org.platform,
        owner=lead,
    )
    client.force_login(lead)
    url = reverse("assessments:plan-detail", args=[plan.pk])
    client.get(url)
    # session, user, groups; plan; goals; cube (cadences, cycles past due, statement); roles;
    # snapshots of the goals; gap register: roles, remedies, skills; concerns: count, page;
    # concern summary; partners; filter form's teams; the open-cycle banner
    with django_assert_num_queries(19):
        client.get(url)
    report = reverse("assessments:plan-report", args=[plan.pk])
    client.get(report)
    # as above, without the register's page and filters, with the organization's teams,
    # audiences, the heatmap's skills and the organization's snapshots
    with django_assert_num_queries(21):
        client.get(report)
    for index in range(30):
        Concern.objects.create(
            plan=plan,
            category="skills",
            text=f"c{index}",
            raised_by=org.devs[index % 6].user,
            team=org.platform,
            owner=org.manager,
        )
    for skill in (org.prompting, org.rag):
        plan_goal_create(plan=plan, audience=tech, skill=skill, target_share=50, due_date=TODAY)
    plan_partner_create(plan=plan, name="Vendor", team=None, contribution="x", due_date=None)
    TeamFactory(parent=org.sales)
    with django_assert_num_queries(19):
        client.get(url)
    with django_assert_num_queries(21):
        client.get(report)


@pytest.mark.parametrize("managed", ["platform", "engineering"])
def test_a_leader_in_the_raisers_chain_does_not_see_an_anonymous_name(
    client, plan, lead, org, concerns, managed
):
    # The raiser's team (platform) or the team above it: a manager of the raiser, whatever
    # else they are.
    a, b, c = concerns
    getattr(org, managed).managers.add(lead)
    name = org.devs[0].user.get_full_name()
    client.force_login(lead)
    row = detail(client, plan).split(f'data-concern="{a.pk}"')[1].split("</tr>")[0]
    assert name not in row and "name hidden" in row
    # A concern raised openly still shows its raiser to them.
    row = detail(client, plan).split(f'data-concern="{b.pk}"')[1].split("</tr>")[0]
    assert org.analysts[0].user.get_full_name() in row
    triage = client.get(reverse("assessments:plan-concern-triage", args=[plan.pk, a.pk]))
    assert triage.status_code == 200
    assert name not in triage.content.decode()


def test_an_admin_in_the_raisers_chain_does_not_see_an_anonymous_name(client, plan, org, concerns):
    a, b, c = concerns
    admin = UserFactory(is_superuser=True, is_staff=True)
    org.engineering.managers.add(admin)
    client.force_login(admin)
    row = detail(client, plan).split(f'data-concern="{a.pk}"')[1].split("</tr>")[0]
    assert org.devs[0].user.get_full_name() not in row


def test_a_leader_managing_the_raisers_new_team_does_not_see_the_name(
    client, plan, lead, org, concerns
):
    # Raised from Platform; the raiser has since moved to Sales, which the leader manages.
    a, b, c = concerns
    mover = org.devs[0]
    mover.team = org.sales
    mover.save()
    org.sales.managers.add(lead)
    client.force_login(lead)
    row = detail(client, plan).split(f'data-concern="{a.pk}"')[1].split("</tr>")[0]
    assert mover.user.get_full_name() not in row and "name hidden" in row


def test_a_leader_managing_another_team_still_sees_the_name(client, plan, lead, org, concerns):
    a, b, c = concerns
    org.sales.managers.add(lead)
    client.force_login(lead)
    row = detail(client, plan).split(f'data-concern="{a.pk}"')[1].split("</tr>")[0]
    assert org.devs[0].user.get_full_name() in row
