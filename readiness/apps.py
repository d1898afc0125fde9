from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    name = "readiness"
    verbose_name = "Organization and skills framework"

    def ready(self) -> None:
        from pathlib import Path

        from django.conf import settings
        from django.db.models.signals import post_migrate

        from readiness.data_version import install_after_migrate

        # The triggers that move the data version, on every tracked table (data_version.py).
        post_migrate.connect(install_after_migrate, dispatch_uid="readiness-data-version")

        # The filesystem broker of a local run needs its folders before the first message.
        options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
        for key in ("data_folder_in", "data_folder_out", "processed_folder"):
            if key in options:
                Path(options[key]).mkdir(parents=True, exist_ok=True)
