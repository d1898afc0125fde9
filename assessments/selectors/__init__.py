"""The rules of DESIGN.md, each written once, as set-based SQL over any set of people.

- ``STATES_SQL`` holds effective level, gap, not-assessed, awaiting review and the calibration
  flag for every (person, skill) pair of a set of people, in one statement.
- ``skill_states`` reads those rows; ``people_readiness`` and ``group_readiness`` aggregate them
  in the database; ``people_reassessment`` applies the due rule.

Every page, export, API endpoint and task calls these functions: there is no second copy.

The modules: ``states`` (``STATES_SQL``, ``SkillState``, ``skill_states*``), ``aggregates``
(``Readiness``, ``people_readiness``, ``group_readiness``, ``skill_readiness``,
``readiness_figures``, ``team_rollup``), ``reassessment`` (the due rule), ``scope`` (who a cycle covers) and ``cube``
(``readiness_cube``, the organization at a glance). Import the rules from this package: it
re-exports the public names below. The per-area reads live beside them: ``me``, ``teams``,
``cycles``, ``plans``, ``catalog`` and the ``dashboard`` package.
"""

from assessments.selectors.aggregates import (
    EMPTY_READINESS,
    Readiness,
    audiences_hidden,
    group_readiness,
    people_readiness,
    person_readiness,
    readiness_figures,
    readiness_of_states,
    skill_readiness,
    team_rollup,
)
from assessments.selectors.cube import (
    EMPTY_CALIBRATION,
    Calibration,
    ReadinessCube,
    readiness_add,
    readiness_cube,
)
from assessments.selectors.reassessment import (
    Reassessment,
    people_reassessment,
    person_reassessment,
)
from assessments.selectors.scope import cycle_scope, open_cycles_by_person
from assessments.selectors.states import (
    STATES_SQL,
    SkillState,
    person_skill_states,
    skill_states,
    skill_states_iter,
)

__all__ = [
    "readiness_figures",
    "readiness_of_states",
    "EMPTY_CALIBRATION",
    "EMPTY_READINESS",
    "STATES_SQL",
    "Calibration",
    "Readiness",
    "ReadinessCube",
    "Reassessment",
    "SkillState",
    "cycle_scope",
    "audiences_hidden",
    "group_readiness",
    "open_cycles_by_person",
    "people_readiness",
    "people_reassessment",
    "person_readiness",
    "person_reassessment",
    "person_skill_states",
    "readiness_add",
    "readiness_cube",
    "skill_readiness",
    "skill_states",
    "skill_states_iter",
    "team_rollup",
]
