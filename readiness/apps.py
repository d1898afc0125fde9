from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    name = "readiness"
    verbose_name = "Organization and skills framework"

    def ready(self) -> None:
        from pathlib import Path

        from django.conf import settings

        # A change of a person's login (name, email, active) is a change of the person, for
        # ``?updated_since=``; a sign-in (only ``last_login``) is not.
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save

        from readiness.signals import person_touch_on_user_save

        post_save.connect(
            person_touch_on_user_save,
            sender=get_user_model(),
            dispatch_uid="readiness-person-touch",
        )

        # The filesystem broker of a local run needs its folders before the first message.
        options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
        for key in ("data_folder_in", "data_folder_out", "processed_folder"):
            if key in options:
                Path(options[key]).mkdir(parents=True, exist_ok=True)
