from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Assessments and learning"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from assessments.models import (
            AssessmentCycle,
            AssessmentSubmission,
            LearningPlanItem,
            VerifiedCompletion,
        )
        from assessments.selectors.catalog import (
            plan_add_choices,
            resource_effectiveness,
            resource_team_plan_items,
        )
        from assessments.signals import (
            dashboard_figures_moved,
            effectiveness_moved,
            plans_holding_resources,
        )
        from catalog.models import ResourceSkill
        from catalog.person_side import PersonSide, person_side_register
        from catalog.signals import resources_retiring
        from readiness.models import AudienceRequirement, Person, Role, RoleRequirement, Skill, Team
        from readiness.signals import organization_changed

        # What the catalog's pages show of the person side (catalog may not import us).
        person_side_register(
            PersonSide(
                plan_add_choices=plan_add_choices,
                resource_effectiveness=resource_effectiveness,
                resource_team_plan_items=resource_team_plan_items,
            )
        )

        resources_retiring.connect(
            plans_holding_resources, dispatch_uid="assessments_plans_holding_resources"
        )
        for model in (LearningPlanItem, VerifiedCompletion, ResourceSkill):
            for signal in (post_save, post_delete):
                signal.connect(
                    effectiveness_moved,
                    sender=model,
                    dispatch_uid=f"assessments_effectiveness_{model.__name__}_{signal is post_save}",
                )
        # What moves the dashboard's figures (ratings: services.me; the HR upsert's bulk
        # writes: readiness.signals.organization_changed; other bulk writes: nightly).
        organization_changed.connect(
            dashboard_figures_moved, dispatch_uid="assessments_dashboard_organization"
        )
        for moving in (
            AssessmentSubmission,
            AssessmentCycle,
            Person,
            Team,
            Role,
            Skill,
            RoleRequirement,
            AudienceRequirement,
        ):
            for signal in (post_save, post_delete):
                signal.connect(
                    dashboard_figures_moved,
                    sender=moving,
                    dispatch_uid=f"assessments_dashboard_{moving.__name__}_{signal is post_save}",
                )
