"""Organization readiness for leadership (``/dashboard/``), and the same figures for the plan
report and the XLSX export.

Every "now" figure comes from the readiness cube (the rules of ``assessments.selectors``
aggregated in the database) as the worker keeps it (``kept``: ``services.dashboard``), or
computed live by ``readiness_cube``; trends come from the nightly ``ReadinessSnapshot`` rows
written by the same rules; training effectiveness from the kept ``ResourceEffectiveness``.
Nothing here walks people one by one: the Python adds up groups (teams × roles, at most a few
thousand rows for 10,000 people).

Privacy: ``readiness.privacy_floor`` decides: every aggregate over fewer than
``settings.MIN_AGGREGATE_PEOPLE`` people is marked ``hidden`` and shown as "fewer than 5", and
so is one that subtracting shown figures would reveal it from (complementary suppression over
audiences, the team tree and each heatmap row). Concern counts are hidden only on managers'
dashboards: leadership read the register itself.

The modules: ``scope`` (who sees what), ``figures`` (the rows, cells and points shown, and the
privacy threshold), ``build`` (the figures computed from the cube and the snapshots) and
``tables`` (learning activity, effectiveness and concerns), ``kept`` (the worker's cube). Import from this package.
"""

from assessments.selectors.dashboard.build import (
    audience_of_roles,
    audience_rows,
    calibration_rows,
    dashboard_build,
    department_rows,
    group_chart,
    groups_suppress,
    heatmap_build,
    snapshot_points,
    total_row,
    trend_build,
)
from assessments.selectors.dashboard.figures import (
    DELTA_DAYS,
    NO_ROLE,
    NO_TEAM,
    OPEN_CONCERN_STATUSES,
    TOP_TEAMS,
    TREND_DAYS,
    ActivityRow,
    CalibrationRow,
    ConcernRow,
    Dashboard,
    Delta,
    EffectivenessRow,
    GroupRow,
    HeatCell,
    Heatmap,
    HeatRow,
    Trend,
    TrendPoint,
    min_people,
)
from assessments.selectors.dashboard.figures import _group_row as _group_row
from assessments.selectors.dashboard.figures import _percent as _percent
from assessments.selectors.dashboard.scope import (
    DashboardScope,
    dashboard_scope,
    organization_scope,
)
from assessments.selectors.dashboard.scope import _scope as _scope
from assessments.selectors.dashboard.tables import (
    activity_rows,
    concern_rows,
    effectiveness_chart,
    effectiveness_rows,
)

__all__ = [
    "DELTA_DAYS",
    "NO_ROLE",
    "NO_TEAM",
    "OPEN_CONCERN_STATUSES",
    "TOP_TEAMS",
    "TREND_DAYS",
    "ActivityRow",
    "CalibrationRow",
    "ConcernRow",
    "Dashboard",
    "DashboardScope",
    "Delta",
    "EffectivenessRow",
    "GroupRow",
    "HeatCell",
    "HeatRow",
    "Heatmap",
    "Trend",
    "TrendPoint",
    "activity_rows",
    "audience_of_roles",
    "audience_rows",
    "calibration_rows",
    "concern_rows",
    "dashboard_build",
    "dashboard_scope",
    "department_rows",
    "groups_suppress",
    "effectiveness_chart",
    "effectiveness_rows",
    "group_chart",
    "heatmap_build",
    "min_people",
    "organization_scope",
    "snapshot_points",
    "total_row",
    "trend_build",
]
