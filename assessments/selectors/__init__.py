"""The rules of DESIGN.md, each written once, as set-based SQL over any set of people.

- ``STATES_SQL`` holds effective level, gap, not-assessed, awaiting review and the calibration
  flag for every (person, skill) pair of a set of people, in one statement.
- ``skill_states`` reads those rows; ``people_readiness`` and ``group_readiness`` aggregate them
  in the database; ``people_reassessment`` applies the due rule.

Every page, export, API endpoint and task calls these functions: there is no second copy.

The modules: ``states`` (``STATES_SQL``, ``SkillState``, ``skill_states*``), ``aggregates``
(``Readiness``, ``people_readiness``, ``group_readiness``, ``skill_readiness``,
``readiness_figures``, ``team_rollup``), ``reassessment`` (the due rule), ``scope`` (who a cycle covers) and ``cube``
(``readiness_cube``, the organization at a glance). Import from this package: it re-exports
the public names below and, under their old names, the building blocks (``_with_people``,
``_ASSESSED_SQL``…) that lived in the one ``selectors.py`` before.
"""

from assessments.selectors.aggregates import _GROUP_KEYS as _GROUP_KEYS
from assessments.selectors.aggregates import _PER_PERSON_SQL as _PER_PERSON_SQL
from assessments.selectors.aggregates import (
    EMPTY_READINESS,
    Readiness,
    audiences_hidden,
    group_readiness,
    people_readiness,
    person_readiness,
    readiness_figures,
    skill_readiness,
    team_rollup,
)
from assessments.selectors.cube import _CUBE_SQL as _CUBE_SQL
from assessments.selectors.cube import (
    EMPTY_CALIBRATION,
    Calibration,
    ReadinessCube,
    readiness_add,
    readiness_cube,
)
from assessments.selectors.cube import _cadence_cutoffs as _cadence_cutoffs
from assessments.selectors.cube import _overdue_cycle_people as _overdue_cycle_people
from assessments.selectors.reassessment import _ASSESSED_SQL as _ASSESSED_SQL
from assessments.selectors.reassessment import _DUE_SQL as _DUE_SQL
from assessments.selectors.reassessment import (
    Reassessment,
    people_reassessment,
    person_reassessment,
)
from assessments.selectors.reassessment import _due_timestamp as _due_timestamp
from assessments.selectors.scope import cycle_scope, open_cycles_by_person
from assessments.selectors.states import _STATE_COLUMNS as _STATE_COLUMNS
from assessments.selectors.states import (
    STATES_SQL,
    SkillState,
    person_skill_states,
    skill_states,
    skill_states_iter,
)
from assessments.selectors.states import _as_datetime as _as_datetime
from assessments.selectors.states import _run as _run
from assessments.selectors.states import _states as _states
from assessments.selectors.states import _with_people as _with_people

__all__ = [
    "readiness_figures",
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
