"""The demo organization: a believable company to explore, demonstrate and load-test Readiness.

``demo_organization_create`` builds departments and teams, people with roles, three closed
assessment cycles with self and manager ratings and one open cycle (some people have confirmed
in it, the employee has not), learning plans, concerns, an active
readiness plan and the readiness snapshots of the cycles' close dates (the dashboard's trend),
plus five known logins. Everything is written with ``bulk_create`` in batches
and ratings are generated person by person, so 10,000 people fit in bounded memory.

Modules: ``data`` (what the organization is made of), ``organization`` (teams and people),
``plans`` (the readiness plan, cycles and concerns), ``history`` (ratings, learning and
submissions), ``trend`` (past snapshots), ``builder`` (runs the steps) and ``create`` (the
entry points). A Django app (label ``demo``) installed by the development and test settings only:
this package imports no model, as an app's package is imported while the apps load.
"""
