"""Applying a transcript: plan items completed with the real date and marked verified,
completions outside the plan recorded, idempotent, failures recorded loudly, personal fields
nowhere (no table, no log line); the command and the nightly task."""

import datetime as dt
import logging

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from assessments.learning_records.models import (
    SyncStatus,
    TranscriptLink,
    TranscriptSync,
    VerifiedCompletion,
)
from assessments.learning_records.services import transcript_link_set, transcript_sync
from assessments.learning_records.tasks import sync_all_transcripts, sync_transcript
from assessments.models import LearningPlanItem, PlanItemStatus
from catalog.models import TrainingResource
from tests.assessments.transcript_server import (
    FULL_URL,
    PERSONAL_VALUES,
    client_for,
)
from tests.factories import LearningPlanItemFactory, PersonFactory, TrainingResourceFactory

EMBRACE = "learn.wwl.embrace-responsible-ai-principles-practices"
PATH_UID = "learn.wwl.introduction-generative-ai"
EMBRACE_DONE = dt.datetime(2026, 10, 14, 9, 12, 44, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(db):
    person = PersonFactory(user__email="learner@example.com")
    # The seeded catalog may hold the guidance's resources already: the test's own instead.
    TrainingResource.objects.filter(external_uid__in=[EMBRACE, PATH_UID]).delete()
    embrace = TrainingResourceFactory(title="Embrace responsible AI", external_uid=EMBRACE)
    path = TrainingResourceFactory(
        title="AI Fundamentals path", kind="learning_path", external_uid=PATH_UID
    )
    other = TrainingResourceFactory(title="Something else", external_uid="learn.other")
    items = {
        "embrace": LearningPlanItemFactory(person=person, resource=embrace, status="planned"),
        "other": LearningPlanItemFactory(person=person, resource=other, status="in_progress"),
    }
    link = transcript_link_set(person=person, url=FULL_URL)
    return person, link, items, path


def test_sync_completes_plan_items_with_real_date_and_records_the_rest(
    transcript_server, linked
) -> None:
    base, _ = transcript_server
    person, link, items, path = linked
    with client_for(base) as client:
        outcome = transcript_sync(link_id=link.pk, client=client)
    assert outcome.status == SyncStatus.OK
    assert outcome.plan_items_completed == ["Embrace responsible AI"]
    assert len(outcome.added) == 3
    embrace = LearningPlanItem.objects.get(pk=items["embrace"].pk)
    assert embrace.status == PlanItemStatus.COMPLETED
    assert embrace.completed_at == EMBRACE_DONE and embrace.started_at == EMBRACE_DONE
    assert embrace.verified_by == "microsoft_learn"
    other = LearningPlanItem.objects.get(pk=items["other"].pk)
    assert other.status == "in_progress" and other.verified_by == ""
    rows = {v.external_uid: v for v in VerifiedCompletion.objects.filter(person=person)}
    assert set(rows) == {EMBRACE, PATH_UID, "learn.wwl.fundamentals-generative-ai"}
    assert rows[PATH_UID].resource == path  # in the catalog, not in the plan
    assert rows["learn.wwl.fundamentals-generative-ai"].resource is None  # not in the catalog
    sync = TranscriptSync.objects.get(link=link)
    assert (sync.status, sync.completions_added, sync.plan_items_completed) == ("ok", 3, 1)
    assert TranscriptLink.objects.get(pk=link.pk).last_synced_at is not None


def test_a_second_sync_changes_nothing(transcript_server, linked) -> None:
    base, _ = transcript_server
    _person, link, _items, _path = linked
    with client_for(base) as client:
        transcript_sync(link_id=link.pk, client=client)
        before = list(LearningPlanItem.objects.order_by("pk").values())
        completions = list(VerifiedCompletion.objects.order_by("pk").values())
        again = transcript_sync(link_id=link.pk, client=client)
    assert not again.changed and again.summary() == "3 completions read; nothing changed."
    assert list(LearningPlanItem.objects.order_by("pk").values()) == before
    assert list(VerifiedCompletion.objects.order_by("pk").values()) == completions


def test_a_clicked_completion_gets_the_real_date(transcript_server, linked) -> None:
    base, _ = transcript_server
    _person, link, items, _path = linked
    clicked = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
    LearningPlanItem.objects.filter(pk=items["embrace"].pk).update(
        status="completed", started_at=clicked, completed_at=clicked
    )
    with client_for(base) as client:
        transcript_sync(link_id=link.pk, client=client)
    item = LearningPlanItem.objects.get(pk=items["embrace"].pk)
    assert (item.completed_at, item.started_at, item.verified_by) == (
        EMBRACE_DONE,
        EMBRACE_DONE,
        "microsoft_learn",
    )


def test_a_dropped_item_stays_dropped(transcript_server, linked) -> None:
    base, _ = transcript_server
    _person, link, items, _path = linked
    LearningPlanItem.objects.filter(pk=items["embrace"].pk).update(status="dropped")
    with client_for(base) as client:
        outcome = transcript_sync(link_id=link.pk, client=client)
    assert outcome.plan_items_completed == []
    assert LearningPlanItem.objects.get(pk=items["embrace"].pk).status == "dropped"


@pytest.mark.parametrize(
    ("share", "status", "message"),
    [
        ("gone-share", SyncStatus.REVOKED, "link was revoked"),
        ("changed-share", SyncStatus.SHAPE_CHANGED, "unexpected shape"),
    ],
)
def test_failures_are_recorded_on_the_sync_and_change_nothing(
    transcript_server, linked, share, status, message
) -> None:
    base, _ = transcript_server
    _person, link, items, _path = linked
    TranscriptLink.objects.filter(pk=link.pk).update(share_id=share)
    with client_for(base) as client:
        outcome = transcript_sync(link_id=link.pk, client=client)
    assert outcome.status == status
    sync = TranscriptSync.objects.get(link=link)
    assert sync.status == status and message in sync.message
    assert not VerifiedCompletion.objects.exists()
    assert LearningPlanItem.objects.get(pk=items["embrace"].pk).status == "planned"
    assert TranscriptLink.objects.get(pk=link.pk).last_synced_at is None


def test_dry_run_writes_nothing(transcript_server, linked) -> None:
    base, _ = transcript_server
    _person, link, items, _path = linked
    with client_for(base) as client:
        outcome = transcript_sync(link_id=link.pk, client=client, dry_run=True)
    assert outcome.changed and len(outcome.added) == 3
    assert not VerifiedCompletion.objects.exists() and not TranscriptSync.objects.exists()
    assert LearningPlanItem.objects.get(pk=items["embrace"].pk).status == "planned"


def _tables_holding(*values: str) -> list[str]:
    """Every column of every table, cast to text, searched for any of ``values``."""
    found = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = connection.introspection.get_table_description(cursor, table)
            for column in columns:
                text = f"CAST({quote(column.name)} AS TEXT)"
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quote(table)} WHERE "  # noqa: S608 - introspected
                    + " OR ".join([f"{text} LIKE %s"] * len(values)),
                    [f"%{value}%" for value in values],
                )
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column.name}")
    return found


def test_personal_fields_are_in_no_table_and_no_log_line(transcript_server, linked, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    base, scenario = transcript_server
    _person, link, _items, _path = linked
    scenario.throttle = [(429, "0")]  # a retry logs too
    call_command("sync_transcripts", stdout=_Sink())
    sync_transcript.run(link.pk)
    assert VerifiedCompletion.objects.count() == 3  # the sync did run
    assert _tables_holding("Embrace responsible") != []  # the scan does find stored text
    assert _tables_holding(*PERSONAL_VALUES) == []
    for value in PERSONAL_VALUES:
        assert value not in caplog.text, value
    assert "Learn transcript: HTTP 429" in caplog.text  # the logs were captured


class _Sink:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def write(self, text: str) -> None:
        self.lines.append(text)

    def flush(self) -> None:
        pass


def test_command_prints_what_changed_and_dry_run(transcript_server, linked) -> None:
    out = _Sink()
    call_command("sync_transcripts", "--person", "LEARNER@example.com", "--dry-run", stdout=out)
    text = "".join(out.lines)
    assert (
        "learner@example.com: 3 completions read: 3 new completions, 1 plan item verified, 2 new certifications."
        in text
    )
    assert "✓ plan item verified: Embrace responsible AI" in text
    assert "Dry run: would change 1 of 1 transcript(s)." in text
    assert not VerifiedCompletion.objects.exists()
    out = _Sink()
    call_command("sync_transcripts", stdout=out)
    call_command("sync_transcripts", stdout=(again := _Sink()))
    assert "Changed 1 of 1" in "".join(out.lines)
    assert "nothing changed" in "".join(again.lines) and "Changed 0 of 1" in "".join(again.lines)


def test_command_refuses_an_unknown_person(db) -> None:
    with pytest.raises(CommandError, match="No linked transcript"):
        call_command("sync_transcripts", "--person", "nobody@example.com")


def test_nightly_task_spreads_the_links(settings, linked, monkeypatch) -> None:
    settings.LEARN_TRANSCRIPT_SYNC_SPREAD = 3600
    second = transcript_link_set(person=PersonFactory(), url=FULL_URL)
    queued = []
    monkeypatch.setattr(
        sync_transcript, "apply_async", lambda args, countdown: queued.append((args, countdown))
    )
    assert sync_all_transcripts.run() == 2
    assert queued == [([linked[1].pk], 0), ([second.pk], 1800)]


def test_task_for_an_unlinked_person_does_nothing(db) -> None:
    assert sync_transcript.run(987654) is None
