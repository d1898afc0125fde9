"""What the steps of ``DemoBuilder`` share: the builder sets it, each step mixin reads it."""

from __future__ import annotations

import random
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from assessments.models import AssessmentCycle
    from demo.organization import _TeamSpec
    from readiness.models import Audience, ReadinessPlan, Role, Skill


class DemoState:
    """The attributes of ``DemoBuilder`` (declared only: ``DemoBuilder.__init__`` and the steps
    assign them)."""

    rng: random.Random
    #: How many people to generate.
    people: int
    #: The five demo logins by username.
    users: dict[str, User]
    password_hash: str
    now: datetime
    today: date
    roles: dict[str, Role]
    #: Active skills by slug.
    skills: dict[str, Skill]
    everyone: Audience
    #: role slug → skill id → target level.
    targets: dict[str, dict[int, int]]
    #: role slug → ids of the skills not required of the role.
    optional: dict[str, list[int]]
    #: skill id → [(resource id, level it brings, audience ids)].
    resources: dict[int, list[tuple[int, int, set[int]]]]
    tree: list[_TeamSpec]
    plan: ReadinessPlan
    #: The closed cycles (the history and the trend); ``open_cycle`` is the one open now.
    cycles: list[AssessmentCycle]
    open_cycle: AssessmentCycle
