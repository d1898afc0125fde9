from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Assessments and learning"

    def ready(self) -> None:
        from assessments.signals import plans_holding_resources
        from catalog.signals import resources_retiring

        resources_retiring.connect(
            plans_holding_resources, dispatch_uid="assessments_plans_holding_resources"
        )
