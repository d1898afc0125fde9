"""Remove the self ratings that confirmations and cycle submissions repeated.

Before this release "Nothing changed — confirm my ratings" (and a save inside an open cycle)
wrote a fresh self rating for every skill, repeating the person's level. As the most recent
rating counts, such a row silently undid a later manager adjustment and put an unchanged level
back in the manager's review queue. The rule is now "a rating is a change, a confirmation is
not" (DESIGN.md): only an ``AssessmentSubmission`` is recorded.

What is removed: a self rating with no note and no evidence link whose level and interest are
those of the person's previous self rating of the same skill, written at the very instant of
one of the person's submissions (the service stamped both with the same ``now``). Such a row
says nothing the previous one did not; removing it leaves:

- the cadence and cycle completion as they were (they read the submission, which stays);
- every effective level the same, except where the repeat had overridden a later manager
  rating — there the manager's level counts again, which is the point;
- the rest of the history untouched (ratings stay append-only otherwise).

Why delete rather than flag: a flag would have to be ignored by every rule that reads ratings
(effective level, due rule, training effectiveness, exports, the API's rating list), each a
chance to forget it; deleted, the history is exactly what the corrected rule would have
written. A rating with a note or evidence, or with a changed interest, is a change and stays.

Batched by person (``BATCH`` people per read, deletes in chunks) and re-runnable: a second run
finds nothing to remove. Not reversible (the rows repeated data that is still there); the
reverse is a no-op so that the migration can be unapplied.
"""

from django.db import migrations

BATCH = 500


def drop_confirmation_repeats(apps, schema_editor) -> int:
    """Delete the repeated self ratings; returns how many were deleted (for tests)."""
    SkillRating = apps.get_model("assessments", "SkillRating")
    AssessmentSubmission = apps.get_model("assessments", "AssessmentSubmission")
    person_ids = list(
        AssessmentSubmission.objects.order_by("person_id")
        .values_list("person_id", flat=True)
        .distinct()
    )
    deleted = 0
    for start in range(0, len(person_ids), BATCH):
        batch = person_ids[start : start + BATCH]
        instants = set(
            AssessmentSubmission.objects.filter(person_id__in=batch).values_list(
                "person_id", "submitted_at"
            )
        )
        rows = (
            SkillRating.objects.filter(person_id__in=batch, source="self")
            .order_by("person_id", "skill_id", "created_at", "id")
            .values_list(
                "id", "person_id", "skill_id", "level", "interest", "note", "evidence_url",
                "created_at",
            )
        )
        doomed, previous = [], None
        for pk, person_id, skill_id, level, interest, note, evidence, created_at in rows.iterator(
            chunk_size=5000
        ):
            key = (person_id, skill_id)
            if (
                previous is not None
                and previous[0] == key
                and previous[1] == (level, interest)
                and not note
                and not evidence
                and (person_id, created_at) in instants
            ):
                doomed.append(pk)
                continue  # the previous self rating stays the one this row repeated
            previous = (key, (level, interest))
        for chunk in range(0, len(doomed), 1000):
            deleted += SkillRating.objects.filter(pk__in=doomed[chunk : chunk + 1000]).delete()[0]
    return deleted


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_periodic_tasks")]

    operations = [
        migrations.RunPython(drop_confirmation_repeats, migrations.RunPython.noop, elidable=True)
    ]
