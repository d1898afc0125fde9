from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from django.contrib.auth import user_logged_in
        from django.contrib.auth.models import update_last_login

        from audit import signals, unchanged
        from audit.models import TRACKED

        # Connected after simple-history's receivers (registered in audit.models): its
        # post_save has read the skip flag by the time ours clears it.
        unchanged.connect(TRACKED)

        # Django records a sign-in with user.save(), which would add a history row of the
        # user at every login; record it without signals instead, so the user's history
        # shows changes made to the account only.
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(signals.record_last_login, dispatch_uid="audit_record_last_login")
