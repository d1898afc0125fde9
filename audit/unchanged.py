"""No history row for a save that changes nothing.

django-simple-history records a version on every ``save()``; an identical ``PUT`` or an empty
``PATCH`` through the API (or a form saved unchanged) would add a row that says nothing
changed. The tracked fields' values are noted when a row is loaded (``post_init``) and
compared before it is saved (``pre_save``): if none differs, simple-history's own switch,
``skip_history_when_saving``, is set for that one save. No query is added. A new object, or
one that was not loaded from the database, is always recorded.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db import models
from django.db.models.signals import post_init, post_save, pre_save

_LOADED = "_audit_loaded_values"
_SKIP = "skip_history_when_saving"


@cache
def _tracked(model: type[models.Model]) -> tuple[str, ...]:
    # Kept per model: simple-history's ``model.history`` builds a manager class on every read,
    # and this runs for every row loaded (164 skills: ~0.3 ms each, most of a page's time).
    return tuple(field.attname for field in model.history.model.tracked_fields)  # type: ignore[attr-defined]


def _values(instance: models.Model) -> dict[str, Any]:
    # Only what is loaded: reading a deferred field would query the database.
    return {
        name: instance.__dict__[name]
        for name in _tracked(type(instance))
        if name in instance.__dict__
    }


def _note_loaded(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:  # noqa: ANN401
    # (``_state.adding`` is still True here for a loaded row: from_db sets it after __init__;
    # pre_save checks it.)
    setattr(instance, _LOADED, _values(instance))


def _skip_if_unchanged(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:  # noqa: ANN401
    loaded = getattr(instance, _LOADED, None)
    if instance._state.adding or not loaded or kwargs.get("update_fields") is not None:
        return
    if _values(instance) == loaded and len(loaded) == len(_tracked(sender)):
        setattr(instance, _SKIP, True)


def _after_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:  # noqa: ANN401
    instance.__dict__.pop(_SKIP, None)
    setattr(instance, _LOADED, _values(instance))  # the next save compares with this one


def connect(models_: list[type[models.Model]]) -> None:
    """Record only saves that change a tracked field of these (history-tracked) models."""
    for model in models_:
        uid = f"audit-unchanged-{model._meta.label_lower}"
        post_init.connect(_note_loaded, sender=model, dispatch_uid=uid, weak=False)
        pre_save.connect(_skip_if_unchanged, sender=model, dispatch_uid=uid, weak=False)
        post_save.connect(_after_save, sender=model, dispatch_uid=uid, weak=False)
