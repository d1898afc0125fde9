from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Assessments and learning"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from assessments.models import LearningPlanItem, VerifiedCompletion
        from assessments.signals import effectiveness_moved, plans_holding_resources
        from catalog.models import ResourceSkill
        from catalog.signals import resources_retiring

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
