"""Signal handlers of the audit app."""

from django.contrib.auth import get_user_model
from django.dispatch import receiver
from django.utils import timezone

from assessments.privacy import person_erased


def record_last_login(sender, user, **kwargs) -> None:  # noqa: ANN001, ARG001
    get_user_model().objects.filter(pk=user.pk).update(last_login=timezone.now())


@receiver(person_erased, dispatch_uid="audit_anonymize_erased_user")
def anonymize_user_history(sender, user_id: int, **kwargs) -> None:  # noqa: ANN001, ARG001
    """The user's past versions named them: an erased person is erased from the audit too
    (the rows stay, so the audit still shows that the account changed and when)."""
    get_user_model().history.model.objects.filter(id=user_id).update(
        username=f"erased-{user_id}", first_name="", last_name="", email=""
    )
