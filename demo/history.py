"""The demo's history: ratings over the closed cycles, learning between them, submissions."""

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.db.models import Count, Max

from assessments.models import (
    AssessmentCycle,
    AssessmentSubmission,
    LearningPlanItem,
    PlanItemStatus,
    RatingSource,
    SkillRating,
    SubmissionKind,
)
from catalog.models import TrainingResource
from demo.data import (
    BATCH_SIZE,
    CALIBRATION_NOTES,
    CYCLE_LENGTH_DAYS,
    MANAGER_REVIEW,
    OPEN_CYCLE_SUBMITTED,
    PARTICIPATION,
    RATING_BATCH_SIZE,
    SELF_BIAS,
    SELF_BIAS_WEIGHTS,
)
from demo.organization import _aware, _PersonSpec
from demo.state import DemoState


class HistorySteps(DemoState):
    """The history steps of ``DemoBuilder``: ratings, learning and submissions."""

    def _flush(self, rows: Iterator[SkillRating | LearningPlanItem]) -> None:
        """Write generated ratings and plan items in batches, never holding them all."""
        ratings: list[SkillRating] = []
        items: list[LearningPlanItem] = []
        for row in rows:
            if isinstance(row, SkillRating):
                ratings.append(row)
            else:
                items.append(row)
            if len(ratings) >= RATING_BATCH_SIZE:
                SkillRating.objects.bulk_create(ratings, batch_size=RATING_BATCH_SIZE)
                ratings.clear()
        SkillRating.objects.bulk_create(ratings, batch_size=RATING_BATCH_SIZE)
        LearningPlanItem.objects.bulk_create(items, batch_size=BATCH_SIZE)

    def _at(self, cycle: AssessmentCycle, low_days: float, high_days: float) -> datetime:
        moment = _aware(cycle.opens_on, self.rng.uniform(low_days, high_days) * 86400)
        return min(moment, self.now - timedelta(hours=1))

    # Over 60 lines: a straight-line recipe of one person's three cycles, read top to bottom;
    # split, the pieces would pass the same rng, spec and cycle state around.
    def _history(self, spec: _PersonSpec) -> Iterator[SkillRating | LearningPlanItem]:
        """One person's ratings over the three cycles, and the learning they did in between."""
        rng = self.rng
        targets, optional = self.targets[spec.role], self.optional[spec.role]
        rated = list(targets) + rng.sample(optional, k=min(len(optional), rng.choice((0, 1, 2))))
        aptitude = rng.gauss(0, 0.7)
        level = {
            s: max(0, min(4, round(targets.get(s, 1) - 1 + aptitude + rng.gauss(0, 0.8))))
            for s in rated
        }
        never = {s for s in rated if rng.random() < 0.08}  # some skills stay unassessed
        disengaged = rng.random() < 0.04
        leads_by_example = spec.username in ("lead", "manager", "curator")
        if leads_by_example:
            # The demo logins take part in every cycle and mostly meet their targets.
            disengaged = False
            level = {
                s: max(v, targets.get(s, 1) - (i % 4 == 0))
                for i, (s, v) in enumerate(level.items())
            }
        manager = spec.team.manager_user_id
        boosts: dict[int, tuple[datetime, int]] = {}  # skill → (training completed, level)
        for index, cycle in enumerate(self.cycles):
            if index:
                for skill in level:
                    if rng.random() < 0.2:
                        level[skill] = min(4, level[skill] + 1)
                for skill, (done, brings) in list(boosts.items()):
                    if done < _aware(cycle.opens_on):
                        level[skill] = max(level[skill], min(brings, level[skill] + 1))
                        del boosts[skill]
            skips = rng.random() > PARTICIPATION[index]
            if disengaged or spec.start_date > cycle.opens_on or (skips and not leads_by_example):
                continue
            reviewed = manager and rng.random() < MANAGER_REVIEW[index]
            for skill in rated:
                if skill in never:
                    continue
                self_level = max(
                    0, min(4, level[skill] + rng.choices(SELF_BIAS, SELF_BIAS_WEIGHTS)[0])
                )
                self_at = self._at(cycle, 0, CYCLE_LENGTH_DAYS - 3)
                yield SkillRating(
                    person_id=spec.person_id,
                    skill_id=skill,
                    level=self_level,
                    source=RatingSource.SELF,
                    rated_by_id=spec.user_id,
                    cycle_id=cycle.pk,
                    interest=rng.choices((0, 1, 2), (3, 4, 3))[0],
                    created_at=self_at,
                )
                if not reviewed:
                    continue
                manager_level = level[skill]
                manager_at = min(
                    self_at + timedelta(days=rng.uniform(1, 8)), self.now - timedelta(minutes=30)
                )
                far_apart = abs(self_level - manager_level) >= 2
                yield SkillRating(
                    person_id=spec.person_id,
                    skill_id=skill,
                    level=manager_level,
                    source=RatingSource.MANAGER,
                    rated_by_id=manager,
                    cycle_id=cycle.pk,
                    note=rng.choice(CALIBRATION_NOTES) if far_apart else "",
                    created_at=manager_at,
                )
                if index == len(self.cycles) - 1 and rng.random() < 0.08:
                    # Updated after the review: awaits the manager again.
                    yield SkillRating(
                        person_id=spec.person_id,
                        skill_id=skill,
                        level=min(4, level[skill] + 1),
                        source=RatingSource.SELF,
                        rated_by_id=spec.user_id,
                        cycle=None,
                        interest=2,
                        created_at=min(manager_at + timedelta(days=rng.uniform(2, 20)), self.now),
                    )
            if index == 0:
                yield from self._learning(spec, targets, level, manager, boosts)

    def _learning(
        self,
        spec: _PersonSpec,
        targets: dict[int, int],
        level: dict[int, int],
        manager: int | None,
        boosts: dict,
    ) -> Iterator[LearningPlanItem]:
        """Learning picked after the baseline for up to two gaps; some of it done by now."""
        rng = self.rng
        gaps = [s for s, t in targets.items() if level.get(s, 0) < t]
        if not gaps or rng.random() > 0.45:
            return
        audiences = {self.roles[spec.role].audience_id, self.everyone.pk}
        chosen: set[int] = set()
        after = _aware(self.cycles[0].due_on)
        for skill in rng.sample(gaps, k=min(2, len(gaps))):
            options = [
                (r, lv)
                for r, lv, aud in self.resources.get(skill, [])
                if lv > level.get(skill, 0) and aud & audiences and r not in chosen
            ]
            if not options:
                continue
            resource, brings = rng.choice(options)
            chosen.add(resource)
            status = rng.choices(
                [
                    PlanItemStatus.COMPLETED,
                    PlanItemStatus.IN_PROGRESS,
                    PlanItemStatus.PLANNED,
                    PlanItemStatus.DROPPED,
                    PlanItemStatus.SUGGESTED,
                ],
                (40, 25, 25, 5, 5),
            )[0]
            created = after + timedelta(days=rng.uniform(0, 20))
            item = LearningPlanItem(
                person_id=spec.person_id,
                resource_id=resource,
                skill_id=skill,
                status=status,
                created_at=created,
                assigned_by_id=manager
                if status != PlanItemStatus.SUGGESTED and rng.random() < 0.5
                else None,
            )
            if status == PlanItemStatus.COMPLETED:
                item.started_at = created + timedelta(days=rng.uniform(0, 10))
                item.completed_at = item.started_at + timedelta(days=rng.uniform(5, 40))
                item.due_date = (item.completed_at + timedelta(days=rng.randint(0, 20))).date()
                boosts[skill] = (item.completed_at, brings)
            elif status in (PlanItemStatus.IN_PROGRESS, PlanItemStatus.DROPPED):
                item.started_at = self._at(self.cycles[-1], -30, 20)
                item.due_date = self.today + timedelta(days=rng.randint(-10, 60))
            else:
                item.due_date = self.today + timedelta(days=rng.randint(20, 90))
            yield item

    # Over 60 lines: a scripted story of the demo employee, one state of the product per step;
    # read as a recipe top to bottom, splitting it would scatter the script.
    def _employee_history(self, spec: _PersonSpec) -> Iterator[SkillRating | LearningPlanItem]:
        """A scripted history so the demo employee shows every state the product knows."""
        manager = spec.team.manager_user_id
        script = [  # skill, cycle, source, level, day in the cycle, note
            ("ai-literacy", 0, "self", 2, 2, ""),
            ("ai-literacy", 0, "manager", 2, 6, ""),
            ("ai-literacy", 2, "self", 3, 3, ""),
            ("ai-literacy", 2, "manager", 3, 8, ""),
            # Training between the first two cycles moved responsible AI from 1 to 2.
            ("responsible-ai", 0, "self", 1, 2, ""),
            ("responsible-ai", 0, "manager", 1, 6, ""),
            ("responsible-ai", 1, "self", 2, 4, ""),
            ("responsible-ai", 1, "manager", 2, 9, ""),
            ("data-privacy-ai", 0, "self", 1, 2, ""),
            ("data-privacy-ai", 0, "manager", 1, 6, ""),
            # Raised after the manager's review: awaiting review.
            ("prompt-engineering", 0, "self", 2, 2, ""),
            ("prompt-engineering", 2, "manager", 2, 8, ""),
            ("prompt-engineering", 2, "self", 3, 16, ""),
            # Self and manager two levels apart: a calibration flag, and a gap of 2.
            ("llm-apis", 1, "self", 2, 4, ""),
            ("llm-apis", 1, "manager", 1, 9, ""),
            ("llm-apis", 2, "self", 3, 3, ""),
            (
                "llm-apis",
                2,
                "manager",
                1,
                8,
                "Let's get a feature on the API shipped end to "
                "end first; pairing with Data & AI on the summarization service.",
            ),
            ("rag", 1, "self", 1, 4, ""),
            ("rag", 1, "manager", 1, 9, ""),
            ("llmops", 2, "self", 2, 3, ""),
            ("llmops", 2, "manager", 2, 8, ""),
            ("securing-ai-apps", 0, "self", 1, 2, ""),
            ("securing-ai-apps", 2, "self", 1, 3, ""),
            ("securing-ai-apps", 2, "manager", 1, 8, ""),
            ("evaluating-ai-output", 0, "self", 2, 2, ""),
            ("evaluating-ai-output", 2, "manager", 3, 8, ""),
            ("copilots-daily-work", 2, "self", 3, 3, ""),
            # ai-agents is required (desirable) and never assessed.
        ]
        # Since their last submission the manager adjusted one level: pending the employee's
        # look (and "Nothing changed — confirm my ratings" keeps it counting).
        if "data-privacy-ai" in self.skills:
            yield SkillRating(
                person_id=spec.person_id,
                skill=self.skills["data-privacy-ai"],
                level=2,
                source=RatingSource.MANAGER,
                rated_by_id=manager,
                note="You led the data-handling review of the support bot: that is "
                "practitioner level.",
                created_at=self.now - timedelta(days=2),
            )
        for slug, index, source, level, day, note in script:
            if slug not in self.skills:  # a curator retired it
                continue
            cycle = self.cycles[index]
            is_self = source == "self"
            yield SkillRating(
                person_id=spec.person_id,
                skill=self.skills[slug],
                level=level,
                source=source,
                rated_by_id=spec.user_id if is_self else manager,
                cycle=cycle,
                note=note,
                interest=(2 if slug in ("llm-apis", "rag", "copilots-daily-work") else 1)
                if is_self
                else None,
                created_at=_aware(cycle.opens_on, day * 86400 + 3600),
            )
        plan = [  # skill, resource url fragment, status
            ("responsible-ai", "embrace-responsible-ai", PlanItemStatus.COMPLETED),
            ("llm-apis", "develop-ai-solutions-azure-openai", PlanItemStatus.IN_PROGRESS),
            ("securing-ai-apps", "generative-ai-for-beginners", PlanItemStatus.PLANNED),
        ]
        links = dict(TrainingResource.objects.filter(is_active=True).values_list("url", "id"))
        first_due = _aware(self.cycles[0].due_on)
        for slug, fragment, status in plan:
            resource = next((r for url, r in links.items() if fragment in url), None)
            if resource is None or slug not in self.skills:
                continue
            item = LearningPlanItem(
                person_id=spec.person_id,
                resource_id=resource,
                skill=self.skills[slug],
                status=status,
                assigned_by_id=manager,
                created_at=first_due,
            )
            if status == PlanItemStatus.COMPLETED:
                item.started_at = first_due + timedelta(days=3)
                item.completed_at = first_due + timedelta(days=24)
                item.due_date = (first_due + timedelta(days=30)).date()
            elif status == PlanItemStatus.IN_PROGRESS:
                item.created_at = _aware(self.cycles[2].due_on)
                item.started_at = self.now - timedelta(days=20)
                item.due_date = self.today + timedelta(days=30)
            else:
                item.created_at = _aware(self.cycles[2].due_on)
                item.due_date = self.today + timedelta(days=60)
            yield item

    def _create_submissions(self) -> None:
        """One submission per person and cycle they self-assessed in, at their last self rating
        of that cycle: what the self-assessment form would have recorded."""
        per_cycle = (
            SkillRating.objects.filter(source=RatingSource.SELF, cycle__isnull=False)
            .order_by()
            .values_list("person_id", "cycle_id")
            .annotate(at=Max("created_at"), changed=Count("id"))
        )
        batch: list[AssessmentSubmission] = []
        for person_id, cycle_id, at, changed in per_cycle.iterator(chunk_size=BATCH_SIZE):
            batch.append(
                AssessmentSubmission(
                    person_id=person_id,
                    cycle_id=cycle_id,
                    kind=SubmissionKind.FULL,
                    changed_skills=min(changed, 32767),
                    submitted_at=at,
                )
            )
            if len(batch) >= BATCH_SIZE:
                AssessmentSubmission.objects.bulk_create(batch)
                batch = []
        AssessmentSubmission.objects.bulk_create(batch)
        self._open_cycle_submissions()

    def _open_cycle_submissions(self) -> None:
        """Some people have already confirmed their ratings in the open cycle (a submission,
        no rating: nothing changed); the demo employee has not, so they see the banner."""
        cycle, rng = self.open_cycle, self.rng
        opened = _aware(cycle.opens_on)
        people = (
            SkillRating.objects.filter(source=RatingSource.SELF)
            .exclude(person__user__username="employee")
            .order_by("person_id")
            .values_list("person_id", flat=True)
            .distinct()
        )
        batch = [
            AssessmentSubmission(
                person_id=person_id,
                cycle=cycle,
                kind=SubmissionKind.QUICK_REVIEW,
                submitted_at=min(
                    opened + timedelta(days=rng.uniform(0, 5)), self.now - timedelta(hours=1)
                ),
            )
            for person_id in people.iterator(chunk_size=BATCH_SIZE)
            if rng.random() < OPEN_CYCLE_SUBMITTED
        ]
        AssessmentSubmission.objects.bulk_create(batch, batch_size=BATCH_SIZE)
