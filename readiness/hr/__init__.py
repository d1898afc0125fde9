"""HR-system integration: upsert teams and people from one payload, all or nothing.

Teams are known by their path of names from the top ("Engineering/Platform"); people by their
email — or both by their ``external_id`` when the entry gives one (the HR system's or the
directory's immutable id): then a renamed or moved team stays the same team, and a person whose
email changed stays the same person. SCIM provisioning (``readiness.scim``) writes through
this same function, so both follow one set of rules.

- ``paths``   team paths of names ("Engineering/Platform") and their normal form;
- ``plan``    reads what is there and checks every entry: the plan of what would change, or
  ``HrUpsertInvalid`` with the errors of each entry (nothing written);
- ``accounts`` which account a person entry names (part of the plan);
- ``changes`` what the plan changes: each entry's ``Change``, the ``HrUpsertResult``;
- ``apply``   applies a plan in one transaction with bulk statements, with its audit history;
- ``upsert``  ``hr_upsert``: plan, then (unless a dry run) apply.

The number of queries depends on the depth of the team tree, never on the number of teams or
people (renaming or moving a team found by its external id costs a few statements per renamed
team).
"""
