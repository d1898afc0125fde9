"""``manage.py seed_demo``: the demo organization and its five logins."""

from datetime import date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from assessments.models import (
    AssessmentCycle,
    AssessmentSubmission,
    LearningPlanItem,
    ReadinessSnapshot,
    SkillRating,
)
from assessments.snapshots import snapshots_write
from demo.trend import snapshots_backfill
from readiness.models import (
    Audience,
    AudienceRequirement,
    Concern,
    Person,
    PlanGoal,
    PlanPartner,
    ReadinessPlan,
    RoleRequirement,
    Team,
)
from readiness.permissions import CURATORS_GROUP, LEADERSHIP_GROUP
from tests.factories import (
    PersonFactory,
    RoleFactory,
    RoleRequirementFactory,
    SkillFactory,
    SkillRatingFactory,
)
from tests.orgs import clear_framework

# At a fixed mid-day: the demo's dates (cycles, snapshots, due dates) hang on "today".
pytestmark = pytest.mark.usefixtures("seed_content", "fixed_midday")

PEOPLE = 30
PASSWORD = "demo-pass-123"


def _seed(password: str = PASSWORD) -> str:
    out = StringIO()
    call_command("seed_demo", people=PEOPLE, password=password, seed=7, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo() -> str:
    return _seed()


def _counts() -> dict[str, int]:
    User = get_user_model()
    models = [
        User,
        Person,
        Team,
        Team.managers.through,
        AssessmentCycle,
        SkillRating,
        LearningPlanItem,
        Concern,
        ReadinessPlan,
        PlanGoal,
        PlanPartner,
        ReadinessSnapshot,
    ]
    return {model.__name__: model.objects.count() for model in models}


def test_the_five_logins(demo):
    users = get_user_model().objects.in_bulk(
        ["admin", "lead", "curator", "manager", "employee"], field_name="username"
    )

    assert len(users) == 5
    assert all(
        u.check_password(PASSWORD) and u.email.endswith("@example.com") and u.get_full_name()
        for u in users.values()
    )
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert not any(users[name].is_superuser for name in ("lead", "curator", "manager", "employee"))
    assert list(users["lead"].groups.values_list("name", flat=True)) == [LEADERSHIP_GROUP]
    assert list(users["curator"].groups.values_list("name", flat=True)) == [CURATORS_GROUP]
    assert ReadinessPlan.objects.get(status="active").owner == users["lead"]
    for name in ("admin", "lead", "curator", "manager", "employee"):
        assert name in demo


def test_the_manager_manages_the_employee_in_a_team_of_at_least_six(demo):
    manager = get_user_model().objects.get(username="manager")
    employee = Person.objects.get(user__username="employee")
    team = manager.managed_teams.annotate(n=Count("members")).get()

    assert hasattr(manager, "person")
    assert manager.person.team != team  # a manager is not their own manager
    assert team.n >= 6
    assert employee.team == team
    assert employee.role.requirements.count() >= 4


def test_an_organization_every_audience_is_represented_in(demo):
    represented = set(Person.objects.values_list("role__audience__slug", flat=True))

    assert Person.objects.count() == PEOPLE
    assert represented >= {"leadership", "tech-specialists", "end-users"}
    assert Audience.objects.filter(is_everyone=True).exists()
    assert Team.objects.filter(parent=None).count() == 3
    assert Team.objects.annotate(n=Count("managers")).filter(n=0).count() == 0
    assert not Team.objects.filter(path="").exists()


def test_three_closed_cycles_with_self_and_manager_ratings(demo):
    today = timezone.localdate()
    cycles = list(AssessmentCycle.objects.filter(status="closed").order_by("opens_on"))

    assert len(cycles) == 3
    assert all(c.status == "closed" and c.due_on < today for c in cycles)
    assert cycles[0].opens_on >= today - timedelta(days=300)
    assert all(c.ratings.filter(source="self").exists() for c in cycles)
    assert all(c.ratings.filter(source="manager").exists() for c in cycles)
    assert not SkillRating.objects.filter(created_at__gt=timezone.now()).exists()
    assert SkillRating.objects.filter(level=0).exists()
    assert SkillRating.objects.filter(level=4).exists()


def test_the_plan_learning_and_concerns(demo):
    plan = ReadinessPlan.objects.get()
    statuses = set(LearningPlanItem.objects.values_list("status", flat=True))

    assert plan.goals.count() == 2
    assert plan.partners.exists()
    assert {"planned", "in_progress", "completed"} <= statuses
    assert not LearningPlanItem.objects.filter(status="completed", completed_at=None).exists()
    assert not LearningPlanItem.objects.filter(status="in_progress", started_at=None).exists()
    assert Concern.objects.filter(plan=plan).exists()


def _latest(person: Person) -> dict[int, SkillRating]:
    latest: dict[int, SkillRating] = {}
    # Oldest first, manager after self at the same instant: the last one seen wins.
    for rating in person.ratings.order_by("created_at", "-source"):
        latest[rating.skill_id] = rating
    return latest


def test_the_employee_has_gaps_a_calibration_flag_and_a_rating_awaiting_review(demo):
    employee = Person.objects.get(user__username="employee")
    targets: dict[int, int] = {}
    for skill_id, target in [
        *RoleRequirement.objects.filter(role=employee.role).values_list("skill_id", "target_level"),
        *AudienceRequirement.objects.filter(audience__in=[employee.role.audience_id]).values_list(
            "skill_id", "target_level"
        ),
        *AudienceRequirement.objects.filter(audience__is_everyone=True).values_list(
            "skill_id", "target_level"
        ),
    ]:
        targets[skill_id] = max(targets.get(skill_id, 0), target)
    latest = _latest(employee)
    gaps = {s: t - (latest[s].level if s in latest else 0) for s, t in targets.items()}

    assert any(gap > 0 for gap in gaps.values())
    assert any(s not in latest for s in targets)  # a required skill never assessed
    assert any(s in latest and gap <= 0 for s, gap in gaps.items())  # and some at target
    by_source = {(r.skill_id, r.source): r for r in employee.ratings.order_by("created_at")}
    assert any(
        abs(r.level - by_source[(s, "manager")].level) >= 2
        for (s, source), r in by_source.items()
        if source == "self" and (s, "manager") in by_source
    )
    assert any(latest[s].source == "self" and (s, "manager") in by_source for s in latest)


def test_one_cycle_is_open_some_have_submitted_and_the_employee_sees_the_banner(demo, client):
    cycle = AssessmentCycle.objects.get(status="open")
    today = timezone.localdate()
    assert cycle.opens_on <= today <= cycle.due_on
    assert cycle.opens_on > AssessmentCycle.objects.filter(status="closed").latest("due_on").due_on
    submitted = AssessmentSubmission.objects.filter(cycle=cycle)
    assert 0 < submitted.values("person").distinct().count() < Person.objects.count()
    # Confirmations: nothing changed, so no rating belongs to the open cycle.
    assert not SkillRating.objects.filter(cycle=cycle).exists()
    assert not submitted.filter(person__user__username="employee").exists()
    client.force_login(get_user_model().objects.get(username="employee"))
    assert cycle.name in client.get(reverse("assessments:my-readiness")).content.decode()


def test_the_employee_has_one_manager_adjustment_since_their_last_submission(demo):
    employee = Person.objects.get(user__username="employee")
    last_submission = employee.submissions.latest("submitted_at").submitted_at
    latest = {}
    for rating in employee.ratings.order_by("created_at", "pk"):
        latest[(rating.skill_id, rating.source)] = rating
    pending_their_look = [
        rating
        for (skill, source), rating in latest.items()
        if source == "manager"
        and rating.created_at > last_submission
        and (skill, "self") in latest
        and latest[(skill, "self")].level != rating.level
    ]
    assert len(pending_their_look) == 1
    assert pending_their_look[0].note  # the manager says why


def test_some_people_await_review_and_some_disagree_with_their_manager(demo):
    awaiting = disagreeing = 0
    for person in Person.objects.prefetch_related("ratings"):
        self_latest: dict[int, SkillRating] = {}
        manager_latest: dict[int, SkillRating] = {}
        for rating in sorted(person.ratings.all(), key=lambda r: r.created_at):
            (self_latest if rating.source == "self" else manager_latest)[rating.skill_id] = rating
        awaiting += any(
            s in manager_latest
            and r.created_at > manager_latest[s].created_at
            and r.level != manager_latest[s].level
            for s, r in self_latest.items()
        )
        disagreeing += any(
            abs(r.level - manager_latest[s].level) >= 2
            for s, r in self_latest.items()
            if s in manager_latest
        )

    assert awaiting >= 2
    assert disagreeing >= 2


def test_running_it_again_adds_nothing_and_resets_the_passwords(demo):
    before = _counts()

    out = _seed(password="another-pass-456")

    assert _counts() == before
    assert "already exists" in out
    assert get_user_model().objects.get(username="employee").check_password("another-pass-456")


def test_too_few_people_is_refused():
    with pytest.raises(CommandError, match="at least"):
        call_command("seed_demo", people=5, stdout=StringIO())
    assert not Person.objects.exists()


def _organization_snapshots() -> list[ReadinessSnapshot]:
    return list(
        ReadinessSnapshot.objects.filter(team=None, audience=None, skill=None).order_by("date")
    )


def test_a_snapshot_at_the_close_of_each_cycle_with_readiness_rising(demo):
    closes = [
        timezone.localdate(c.closed_at)
        for c in AssessmentCycle.objects.filter(status="closed").order_by("opens_on")
    ]
    totals = _organization_snapshots()
    readiness = [t.pairs_at_target / t.pairs_in_scope for t in totals]

    assert [t.date for t in totals] == closes and len(set(closes)) >= 3
    assert all(t.date < timezone.localdate() for t in totals)
    assert readiness == sorted(readiness) and readiness[0] < readiness[-1]
    assert [t.people_in_scope for t in totals] == sorted(t.people_in_scope for t in totals)
    # Rows for teams, audiences and skills too, as the nightly task writes them.
    assert ReadinessSnapshot.objects.filter(date=closes[0], team__isnull=False).exists()
    assert ReadinessSnapshot.objects.filter(date=closes[0], skill__isnull=False).exists()
    assert all(Person.objects.values_list("is_active", flat=True))


def test_the_dashboard_trend_draws_the_demo_snapshots(demo, client):
    client.force_login(get_user_model().objects.get(username="lead"))
    response = client.get(reverse("assessments:dashboard"))
    body = response.content.decode()
    totals = _organization_snapshots()

    assert response.status_code == 200
    chart = body[body.index('id="chart-trend-title"') :]
    chart = chart[: chart.index("</svg>")]
    # Three series, a full marker per snapshot (today's live one is hollow).
    assert chart.count('class="marker"') == 3 * len(totals) >= 9
    for total in totals:
        percent = round(100 * total.pairs_at_target / total.pairs_in_scope)
        assert f"Skills at target: {percent}% on {date_format(total.date, 'j M Y')}" in chart


def test_a_past_snapshot_counts_only_the_ratings_and_people_of_that_day():
    """Ratings and submissions stamped after the day (its end in the organization's time
    zone) and people who joined after it are left out; the database is the same afterwards."""
    day, today = date(2026, 3, 10), date(2026, 6, 1)
    zone = timezone.get_default_timezone()

    def at(when: date, hour: int, minute: int = 0) -> datetime:
        return datetime(when.year, when.month, when.day, hour, minute, tzinfo=zone)

    clear_framework()  # only the requirement below
    skill, role = SkillFactory(), RoleFactory()
    RoleRequirementFactory(role=role, skill=skill, target_level=2)
    long_ago = date(2025, 1, 6)
    rated = PersonFactory(role=role, start_date=long_ago)
    SkillRatingFactory(
        person=rated, skill=skill, level=1, created_at=at(day, 9) - timedelta(days=5)
    )
    SkillRatingFactory(person=rated, skill=skill, level=2, created_at=at(day, 23, 30))
    SkillRatingFactory(
        person=rated, skill=skill, level=0, created_at=at(day + timedelta(days=1), 0, 30)
    )
    late = PersonFactory(role=role, start_date=long_ago)  # assessed only after the day
    SkillRatingFactory(person=late, skill=skill, level=3, created_at=at(day, 9) + timedelta(days=9))
    AssessmentSubmission.objects.create(
        person=late, kind="full", changed_skills=1, submitted_at=at(day, 9) + timedelta(days=9)
    )
    joiner = PersonFactory(role=role, start_date=day + timedelta(days=1))
    SkillRatingFactory(
        person=joiner, skill=skill, level=2, created_at=at(day, 9) + timedelta(days=20)
    )

    def everything() -> tuple:
        return (
            sorted(SkillRating.objects.values_list()),
            sorted(AssessmentSubmission.objects.values_list()),
            sorted(Person.objects.values_list("pk", "is_active")),
        )

    before = everything()
    with time_machine.travel(at(today, 12), tick=False):
        [result] = snapshots_backfill([day])
        snapshots_write(date=today)
    then, now = (
        ReadinessSnapshot.objects.get(date=d, team=None, audience=None, skill=None)
        for d in (day, today)
    )

    assert everything() == before
    assert (result.date, result.people) == (day, 2)  # not the joiner
    # rated: level 2 on the day (the 0 came after midnight); late: not assessed yet.
    assert (then.people_in_scope, then.people_at_target, then.mean_gap) == (2, 1, 1.0)
    assert then.people_assessed_within_cadence == 1
    # Today the nightly task counts all three: rated is at 0, late and joiner at target.
    assert (now.people_in_scope, now.people_at_target) == (3, 2)
    assert now.people_assessed_within_cadence == 3
