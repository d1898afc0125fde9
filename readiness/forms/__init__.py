"""Forms: the form helpers every app uses (here), and the readiness app's forms by area
(``concerns``, ``tokens``)."""

from collections.abc import Iterable, Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Refuses ids outside the database's 64-bit integer range as invalid choices: Django
    looks the chosen ids up with ``pk__in``, where SQLite raises OverflowError on them (a 500)."""

    def _check_values(self, value: Iterable[object]) -> QuerySet:
        for pk in value:
            try:
                number = int(str(pk))
            except ValueError:
                continue  # not a number: Django's own check refuses it
            if not -(2**63) <= number < 2**63:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]  # Django's, not in the stubs


def length_hints(fields: Mapping[str, forms.Field]) -> None:
    """Every text area with a length limit says it ("2,000 characters max." after its help
    text): the browser's maxlength stops typing and cuts a long paste without a word. A longer
    text posted anyway gets Django's message at the field, never a silent cut."""
    for field in fields.values():
        if (
            isinstance(field, forms.CharField)
            and field.max_length
            and isinstance(field.widget, forms.Textarea)
        ):
            hint = f"{field.max_length:,} characters max."
            field.help_text = f"{field.help_text} {hint}" if field.help_text else hint
