"""The demo's readiness plan with its goals and partners, its cycles, and concerns."""

from datetime import timedelta

from assessments.models import AssessmentCycle, CycleStatus
from demo.data import (
    BATCH_SIZE,
    CONCERNS,
    CYCLE_LENGTH_DAYS,
    CYCLE_OFFSETS_DAYS,
    OPEN_CYCLE_OPENED_DAYS,
    PLAN_NAME,
)
from demo.organization import _aware, _PersonSpec
from demo.state import DemoState
from readiness.models import Audience, Concern, PlanGoal, PlanPartner, PlanStatus, ReadinessPlan


class PlanSteps(DemoState):
    """The plan steps of ``DemoBuilder``: the plan and its cycles, concerns."""

    # Over 60 lines: a straight-line recipe (plan, partners, goals, cycles) in creation order;
    # the steps share the same objects, so splitting would only pass them around.
    def _create_plan_and_cycles(self) -> None:
        lead = self.users["lead"]
        start = self.today - timedelta(days=CYCLE_OFFSETS_DAYS[0] + 14)
        self.plan = ReadinessPlan.objects.create(
            name=PLAN_NAME,
            business_scenario="Answer customers faster and free people from routine work with "
            "generative AI: Copilot for every knowledge worker, an AI assistant for the customer "
            "service team, and AI features built on Azure OpenAI in our products, responsibly.",
            owner=lead,
            start_date=start,
            target_date=self.today + timedelta(days=180),
            status=PlanStatus.ACTIVE,
        )
        tech = Audience.objects.filter(slug="tech-specialists").first()
        goals = [
            PlanGoal(
                plan=self.plan,
                audience=self.everyone,
                skill=self.skills.get("responsible-ai"),
                target_share=90,
                due_date=self.today + timedelta(days=90),
            )
        ]
        if tech:
            goals.append(
                PlanGoal(
                    plan=self.plan, audience=tech, target_share=70, due_date=self.plan.target_date
                )
            )
        PlanGoal.objects.bulk_create(goals)
        learning = next(t for t in self.tree if t.profile == "learning")
        security = next((t for t in self.tree if t.profile == "security"), None)
        partners = [
            PlanPartner(
                plan=self.plan,
                name=learning.name,
                team=learning.team,
                contribution="Runs the learning sessions and Copilot clinics, and "
                "curates the training catalog.",
                due_date=self.today + timedelta(days=60),
            ),
            PlanPartner(
                plan=self.plan,
                name="Microsoft account team",
                contribution="Funds an adoption workshop and Azure OpenAI "
                "proof-of-concept credits.",
                due_date=self.today + timedelta(days=30),
            ),
        ]
        if security:
            partners.append(
                PlanPartner(
                    plan=self.plan,
                    name=security.name,
                    team=security.team,
                    contribution="Sets the rules for data use with AI tools and reviews new AI use "
                    "cases.",
                )
            )
        PlanPartner.objects.bulk_create(partners)
        self.cycles = []
        for index, offset in enumerate(CYCLE_OFFSETS_DAYS):
            opens = self.today - timedelta(days=offset)
            label = "Baseline skills assessment" if index == 0 else "Skills check-in"
            due = opens + timedelta(days=CYCLE_LENGTH_DAYS)
            cycle = AssessmentCycle.objects.create(
                name=f"{label} ({opens:%B %Y})",
                plan=self.plan,
                opens_on=opens,
                due_on=due,
                status=CycleStatus.CLOSED,
                closed_at=_aware(due + timedelta(days=1)),
            )
            cycle.audiences.set(Audience.objects.all())
            self.cycles.append(cycle)
        # One cycle open now, so that the banner and live completion can be seen; not in
        # ``self.cycles`` (the closed ones the history and the trend are built from).
        opens = self.today - timedelta(days=OPEN_CYCLE_OPENED_DAYS)
        self.open_cycle = AssessmentCycle.objects.create(
            name=f"Skills check-in ({opens:%B %Y})",
            plan=self.plan,
            opens_on=opens,
            due_on=opens + timedelta(days=CYCLE_LENGTH_DAYS),
            status=CycleStatus.OPEN,
        )
        self.open_cycle.audiences.set(Audience.objects.all())

    def _create_concerns(self, specs: list[_PersonSpec]) -> None:
        rng, lead = self.rng, self.users["lead"]
        count = max(len(CONCERNS), min(200, self.people // 50))
        statuses = ["open", "open", "in_review", "addressed", "closed"]
        concerns = []
        for index in range(count):
            category, text, impact, area = CONCERNS[index % len(CONCERNS)]
            author = rng.choice(specs)
            status = statuses[index % len(statuses)] if index else "open"
            answered = status in ("addressed", "closed")
            concerns.append(
                Concern(
                    plan=self.plan if index % 6 else None,
                    raised_by_id=author.user_id,
                    team=author.team.team,
                    anonymous_to_manager=index % 4 == 3,
                    category=category,
                    text=text,
                    impact=impact,
                    addressable_by=area,
                    status=status,
                    owner=lead if status != "open" else None,
                    response="Answered at the all-hands; the FAQ on the intranet has the details."
                    if answered
                    else "",
                    created_at=self.now - timedelta(days=rng.uniform(5, 250)),
                )
            )
        Concern.objects.bulk_create(concerns, batch_size=BATCH_SIZE)
