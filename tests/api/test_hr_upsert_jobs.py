"""HR upserts too large to answer while the caller waits (issue 21: "the HR upsert accepts at
least 100,000 people"): queued for a worker, answered 202 with the job's Location, applied once,
all or nothing, read back at the job's URL."""

import datetime as dt
import html
from unittest import mock

import pytest
import time_machine
from billiard.exceptions import WorkerLostError
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from celery.signals import task_failure
from django.db import DatabaseError, OperationalError, connection
from django.db.models.functions import Now
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from assessments.tasks import refresh_effectiveness
from readiness.celery import app as celery_app
from readiness.hr.jobs import (
    FAILED_DETAIL,
    HR_JOB_TIME_LIMIT,
    INTERRUPTED_DETAIL,
    LAPSED_AFTER,
    TIME_LIMIT_DETAIL,
    hr_upsert_job_interrupt,
    hr_upsert_job_run,
)
from readiness.hr.models import HrUpsertJob, HrUpsertJobStatus
from readiness.hr.upsert import hr_upsert
from readiness.models import Person, Team
from readiness.tasks import run_hr_upsert_job
from tests.api.conftest import field_errors, problem_of
from tests.api.test_hr_upsert import UPSERT, payload, service_client, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def eager_celery():
    """The queued task runs through Celery, in this process, when the transaction commits."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


ASYNC = {"HTTP_PREFER": "respond-async"}


def post_async(client, body, capture, **extra):  # noqa: ANN001, ANN201
    """POST the upsert; the worker's task runs when the transaction commits (captured)."""
    with capture(execute=True) as callbacks:
        response = client.post(UPSERT, body, format="json", **extra)
    return response, callbacks


def test_respond_async_queues_answers_202_and_the_job_tells_the_outcome(
    api, org, django_capture_on_commit_callbacks
):
    admin = api("admin")
    response, callbacks = post_async(
        admin, payload(org), django_capture_on_commit_callbacks, **ASYNC
    )
    assert response.status_code == 202, response.content
    assert response["Preference-Applied"] == "respond-async"
    job = HrUpsertJob.objects.get()
    assert response["Location"].endswith(f"/api/v1/hr/upsert-jobs/{job.pk}/")
    body = response.json()
    assert body["status"] == "queued" and body["people_count"] == 5 and body["teams_count"] == 3
    # The job's task was queued on commit and ran; its writes queued the dashboard's refresh.
    assert len(callbacks) == 2 and callbacks[1].task == "refresh_dashboard_figures"

    read = admin.get(response["Location"])
    assert read.status_code == 200
    outcome = read.json()
    assert outcome["status"] == "succeeded", outcome
    assert outcome["summary"]["people"] == {"created": 4, "updated": 1, "unchanged": 0}
    assert outcome["summary"]["teams"]["created"] == 2
    assert {change["key"] for change in outcome["changes"]["people"]} >= {"new0@example.com"}
    assert outcome["errors"] == [] and outcome["finished_at"] and outcome["created_by"] is None
    assert outcome["created_by_name"] == f"{org.admin.get_full_name()} (no person record)"
    assert Person.objects.filter(user__email="new2@example.com", team__name="Dashboards").exists()
    # The names and emails it carried are not kept once applied.
    assert HrUpsertJob.objects.get().payload is None


def test_a_dry_run_job_writes_nothing(api, org, django_capture_on_commit_callbacks):
    before = snapshot()
    response, _ = post_async(
        api("admin"),
        payload(org),
        django_capture_on_commit_callbacks,
        QUERY_STRING="dry_run=1",
        **ASYNC,
    )
    assert response.status_code == 202
    job = HrUpsertJob.objects.get()
    assert job.status == HrUpsertJobStatus.SUCCEEDED and job.dry_run
    assert job.summary["people"]["created"] == 4
    assert snapshot() == before


def test_a_wrong_entry_fails_the_job_with_its_errors_and_writes_nothing(
    api, org, django_capture_on_commit_callbacks
):
    body = payload(org)
    body["people"][2]["team"] = "Engineering/Nowhere"
    before = snapshot()
    response, _ = post_async(api("admin"), body, django_capture_on_commit_callbacks, **ASYNC)
    assert response.status_code == 202  # well-formed: the team path is checked by the rules
    outcome = api("admin").get(response["Location"]).json()
    assert outcome["status"] == "failed" and outcome["summary"] is None
    assert [error["pointer"] for error in outcome["errors"]] == ["#/people/2/team"]
    assert "nothing was written" in outcome["detail"]
    assert snapshot() == before


def test_a_failed_job_lists_the_same_errors_as_the_synchronous_400(
    api, org, django_capture_on_commit_callbacks
):
    """One builder of the errors: the same wrong entries give the same pointers, codes and
    messages, in the same order, answered at once or kept on a failed job."""
    body = payload(org)
    body["people"][2]["team"] = "Engineering/Nowhere"
    body["people"][2]["role"] = "astronaut"
    body["people"][3]["first_name"] = "x" * 151
    body["teams"][2]["parent"] = "Nowhere/At all"
    body["teams"][0]["managers"] = ["nobody@example.com", "noone@example.com"]
    answered = problem_of(api("admin").post(UPSERT, body, format="json"), 400)["errors"]
    response, _ = post_async(api("admin"), body, django_capture_on_commit_callbacks, **ASYNC)
    kept = api("admin").get(response["Location"]).json()
    assert kept["status"] == "failed"
    assert kept["errors"] == answered
    assert [error["pointer"] for error in answered] == [
        "#/teams/0/managers",
        "#/teams/0/managers",
        "#/teams/2/parent",
        "#/people/2/team",
        "#/people/2/role",
        "#/people/3/first_name",
    ]


def test_a_job_failed_before_jobs_kept_the_400s_list_reads_the_same(api, org):
    """A job that failed before jobs kept the built list holds the errors' detail instead:
    read through the same builder."""
    job = HrUpsertJob.objects.create(
        status=HrUpsertJobStatus.FAILED,
        errors={"people": {"1": {"team/path": ["No team “A”: list it in teams first."]}}},
    )
    outcome = api("admin").get(f"/api/v1/hr/upsert-jobs/{job.pk}/").json()
    assert outcome["errors"] == [
        {
            "pointer": "#/people/1/team~1path",
            "code": "invalid",
            "detail": "No team “A”: list it in teams first.",
        }
    ]


def test_a_malformed_request_is_refused_at_once_and_nothing_is_queued(api, org):
    body = payload(org)
    body["people"][1]["employee_id"] = "E-1"
    response = api("admin").post(UPSERT, body, format="json", **ASYNC)
    assert "employee_id" in field_errors(response)["people"]["1"]
    assert not HrUpsertJob.objects.exists()


@override_settings(HR_UPSERT_SYNC_MAX_PEOPLE=4)
def test_more_people_than_the_synchronous_limit_are_queued_without_asking(
    api, org, django_capture_on_commit_callbacks
):
    response, _ = post_async(api("admin"), payload(org), django_capture_on_commit_callbacks)
    assert response.status_code == 202 and "Preference-Applied" not in response
    assert HrUpsertJob.objects.get().status == HrUpsertJobStatus.SUCCEEDED
    # At the limit it is still answered at once.
    small = api("admin").post(UPSERT, payload(org, people=2, prefix="few"), format="json")
    assert small.status_code == 200 and small.json()["summary"]["people"]["created"] == 3


@override_settings(HR_UPSERT_MAX_PEOPLE=4, HR_UPSERT_MAX_TEAMS=2)
def test_more_entries_than_the_limits_are_a_400_at_the_list(api, org):
    response = api("admin").post(UPSERT, payload(org), format="json", **ASYNC)
    problem = problem_of(response, 400)
    assert {(e["pointer"], e["code"]) for e in problem["errors"]} == {
        ("#/people", "max_length"),
        ("#/teams", "max_length"),
    }
    assert "At most 4 entries" in field_errors(response)["people"][0]
    assert not HrUpsertJob.objects.exists()


@override_settings(HR_UPSERT_MAX_PEOPLE=2)
def test_a_list_too_long_is_refused_before_its_entries_are_checked(api, org):
    """The limit is counted first: wrong entries in a list too long are not listed, and the
    message says the limit and the count."""
    body = {"people": [{"email": "not an email", "colour": "red"}] * 3}
    response = api("admin").post(UPSERT, body, format="json")
    assert field_errors(response) == {
        "people": ["At most 2 entries in one request (this one has 3)."]
    }
    with override_settings(HR_UPSERT_MAX_PEOPLE=3):  # read on each request
        again = field_errors(api("admin").post(UPSERT, body, format="json"))
    assert set(again["people"]) == {"0", "1", "2"}


def test_a_job_runs_once_however_often_it_is_delivered(
    api, org, django_capture_on_commit_callbacks
):
    response, _ = post_async(
        api("admin"), payload(org), django_capture_on_commit_callbacks, **ASYNC
    )
    job = HrUpsertJob.objects.get()
    finished = job.finished_at
    teams = Team.objects.count()
    again = hr_upsert_job_run(job_id=job.pk)  # the task delivered a second time
    assert again.status == HrUpsertJobStatus.SUCCEEDED and again.finished_at == finished
    assert Team.objects.count() == teams


def _queued(api, org, capture) -> HrUpsertJob:  # noqa: ANN001
    """A job queued, its task not run (the worker has not taken it yet)."""
    with capture(execute=False):
        api("admin").post(UPSERT, payload(org), format="json", **ASYNC)
    return HrUpsertJob.objects.get()


def _claimed(job: HrUpsertJob, *, ago: dt.timedelta = dt.timedelta(0)) -> None:
    """A worker took the job ``ago`` (by the database's clock, as a claim writes it), and then
    said nothing more (killed, or its machine gone)."""
    HrUpsertJob.objects.filter(pk=job.pk).update(status="running", started_at=Now() - ago)


def test_a_job_whose_worker_vanished_is_shown_interrupted_past_the_time_limit(
    api, org, django_capture_on_commit_callbacks
):
    """Nothing tells that a worker vanished: a job "running" longer than the hard time limit
    cannot be (its worker would have killed it). The API and the admin say so at once; a
    delivery coming back later finds it failed and runs nothing. Claim and rule read the
    database's clock: a reader's (or a worker's) clock running ahead changes nothing."""
    job = _queued(api, org, django_capture_on_commit_callbacks)
    _claimed(job, ago=LAPSED_AFTER - dt.timedelta(seconds=30))
    before = snapshot()
    url = f"/api/v1/hr/upsert-jobs/{job.pk}/"
    with time_machine.travel(timezone.now() + dt.timedelta(hours=5)):
        assert api("admin").get(url).json()["status"] == "running"
    _claimed(job, ago=LAPSED_AFTER + dt.timedelta(seconds=1))
    read = api("admin").get(url).json()
    assert (read["status"], read["detail"]) == ("failed", INTERRUPTED_DETAIL)
    assert "nothing was written. Send it again." in read["detail"]
    listed = api("admin").get("/api/v1/hr/upsert-jobs/").json()["results"][0]
    assert (listed["status"], listed["detail"]) == ("failed", INTERRUPTED_DETAIL)
    client = Client()
    client.force_login(org.admin)
    admin_list = client.get(reverse("admin:readiness_hrupsertjob_changelist")).content.decode()
    assert '<td class="field-shown_status">Failed (nothing written)</td>' in admin_list
    admin_page = client.get(reverse("admin:readiness_hrupsertjob_change", args=[job.pk]))
    assert INTERRUPTED_DETAIL in html.unescape(admin_page.content.decode())

    again = hr_upsert_job_run(job_id=job.pk)  # the task delivered again, later
    assert (again.status, again.detail) == (HrUpsertJobStatus.FAILED, INTERRUPTED_DETAIL)
    assert again.payload is None and again.finished_at > again.started_at + LAPSED_AFTER
    assert snapshot() == before


def test_a_job_within_the_time_limit_is_running_and_a_second_delivery_leaves_it(
    api, org, django_capture_on_commit_callbacks
):
    job = _queued(api, org, django_capture_on_commit_callbacks)
    _claimed(job)
    assert hr_upsert_job_run(job_id=job.pk).status == HrUpsertJobStatus.RUNNING
    assert api("admin").get(f"/api/v1/hr/upsert-jobs/{job.pk}/").json()["status"] == "running"


def test_a_worker_whose_clock_runs_ahead_claims_by_the_databases_clock(
    api, org, django_capture_on_commit_callbacks
):
    job = _queued(api, org, django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=5), tick=False):
        ran = hr_upsert_job_run(job_id=job.pk)
        assert ran.status == HrUpsertJobStatus.SUCCEEDED
        assert ran.started_at < timezone.now() - dt.timedelta(hours=4)
        assert ran.started_at <= ran.finished_at < timezone.now() - dt.timedelta(hours=4)


def test_queueing_a_job_marks_the_lapsed_ones_failed_and_drops_their_payload(
    api, org, django_capture_on_commit_callbacks
):
    lost = _queued(api, org, django_capture_on_commit_callbacks)
    _claimed(lost, ago=LAPSED_AFTER + dt.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=False):
        api("admin").post(UPSERT, payload(org, prefix="other"), format="json", **ASYNC)
    lost.refresh_from_db()
    assert (lost.status, lost.detail, lost.payload) == (
        HrUpsertJobStatus.FAILED,
        INTERRUPTED_DETAIL,
        None,
    )
    assert HrUpsertJob.objects.exclude(pk=lost.pk).get().status == HrUpsertJobStatus.QUEUED


def stopped(exception: BaseException, *, args: tuple = (), kwargs: dict | None = None) -> None:
    """What the worker sends when a delivery of the task ends in failure."""
    task_failure.send(
        sender=run_hr_upsert_job,
        task_id="task-id",
        exception=exception,
        args=args,
        kwargs=kwargs or {},
        traceback=None,
        einfo=None,
    )


def test_the_hard_time_limit_marks_the_job_failed(api, org, django_capture_on_commit_callbacks):
    """At the hard limit the worker kills its child and sends ``task_failure`` from its main
    process (celery.worker.request.Request.on_timeout), then acknowledges the message: no
    delivery comes back, the job says why it stopped."""
    job = _queued(api, org, django_capture_on_commit_callbacks)
    _claimed(job)
    stopped(TimeLimitExceeded(HR_JOB_TIME_LIMIT), args=(job.pk,))
    read = api("admin").get(f"/api/v1/hr/upsert-jobs/{job.pk}/").json()
    assert (read["status"], read["detail"]) == ("failed", TIME_LIMIT_DETAIL)
    assert read["finished_at"] and HrUpsertJob.objects.get().payload is None
    # A lost child process (WorkerLostError: Request.on_failure sends the signal) is said as
    # interrupted.
    other = HrUpsertJob.objects.create(payload={}, status="running", started_at=timezone.now())
    stopped(WorkerLostError("lost"), kwargs={"job_id": other.pk})
    # Another task's failure is not the HR job's.
    third = HrUpsertJob.objects.create(payload={}, status="running", started_at=timezone.now())
    task_failure.send(sender=refresh_effectiveness, exception=RuntimeError(), args=(third.pk,))
    third.refresh_from_db()
    assert third.status == HrUpsertJobStatus.RUNNING
    other.refresh_from_db()
    assert (other.status, other.detail) == (HrUpsertJobStatus.FAILED, INTERRUPTED_DETAIL)


def test_a_failure_after_the_job_finished_changes_nothing(
    api, org, django_capture_on_commit_callbacks
):
    post_async(api("admin"), payload(org), django_capture_on_commit_callbacks, **ASYNC)
    job = HrUpsertJob.objects.get()
    stopped(RuntimeError("late"), args=(job.pk,))
    assert HrUpsertJob.objects.get().status == HrUpsertJobStatus.SUCCEEDED


def test_a_duplicate_delivery_failing_before_its_claim_leaves_the_running_job(
    api, org, django_capture_on_commit_callbacks
):
    """The task delivered twice: the first delivery runs the job; the second fails before
    its claim (here the database refuses it). Its failure is not the job's."""
    job = _queued(api, org, django_capture_on_commit_callbacks)
    _claimed(job)
    with mock.patch("readiness.hr.jobs._claim", side_effect=OperationalError("gone")):
        delivery = run_hr_upsert_job.apply(args=(job.pk,))
    assert isinstance(delivery.result, OperationalError)  # task_failure was sent
    job.refresh_from_db()
    assert (job.status, job.detail) == (HrUpsertJobStatus.RUNNING, "")
    stopped(RuntimeError("before its claim"), kwargs={"job_id": job.pk})
    assert HrUpsertJob.objects.get().status == HrUpsertJobStatus.RUNNING


def test_the_soft_time_limit_stops_the_upsert_and_says_so(
    api, org, django_capture_on_commit_callbacks
):
    job = _queued(api, org, django_capture_on_commit_callbacks)
    before = snapshot()
    with mock.patch("readiness.hr.jobs.hr_upsert", side_effect=SoftTimeLimitExceeded()):
        ran = hr_upsert_job_run(job_id=job.pk)
    assert (ran.status, ran.detail, ran.payload) == (
        HrUpsertJobStatus.FAILED,
        TIME_LIMIT_DETAIL,
        None,
    )
    assert snapshot() == before


def test_a_job_interrupted_while_it_ran_keeps_nothing_it_wrote(
    api, org, django_capture_on_commit_callbacks
):
    """Marked interrupted while its upsert ran (the time limit's handler, a reader's
    correction, both on another connection): the outcome is not kept, and the upsert's writes
    are undone with it, so "nothing was written" stays true. (Here the interruption is written
    on the test's own connection: undone too, the job is left as its claim left it.)"""
    job = _queued(api, org, django_capture_on_commit_callbacks)
    before = snapshot()

    def upsert_then_interrupted(**kwargs):  # noqa: ANN003, ANN202
        result = hr_upsert(**kwargs)
        assert hr_upsert_job_interrupt(job_id=job.pk)
        return result

    with mock.patch("readiness.hr.jobs.hr_upsert", side_effect=upsert_then_interrupted):
        ran = hr_upsert_job_run(job_id=job.pk)
    assert (ran.status, ran.summary) == (HrUpsertJobStatus.RUNNING, None)
    assert snapshot() == before


def test_a_service_token_with_the_right_queues_and_reads_jobs(
    org, django_capture_on_commit_callbacks
):
    client = service_client(org, can_hr_upsert=True)
    response, _ = post_async(client, payload(org), django_capture_on_commit_callbacks, **ASYNC)
    assert response.status_code == 202
    assert client.get(response["Location"]).json()["status"] == "succeeded"
    assert client.get("/api/v1/hr/upsert-jobs/").json()["count"] == 1
    refused = service_client(org, can_hr_upsert=False)
    assert refused.post(UPSERT, payload(org), format="json", **ASYNC).status_code == 403
    assert refused.get(response["Location"]).status_code == 403


@pytest.mark.parametrize("persona", ["employee", "manager", "curator", "lead"])
def test_people_other_than_admins_may_neither_queue_nor_read_jobs(api, org, persona):
    job = HrUpsertJob.objects.create(payload={"teams": [], "people": []})
    client = api(persona)
    assert client.post(UPSERT, payload(org), format="json", **ASYNC).status_code == 403
    assert client.get(f"/api/v1/hr/upsert-jobs/{job.pk}/").status_code == 403
    assert client.get("/api/v1/hr/upsert-jobs/").status_code == 403
    assert api(None).get("/api/v1/hr/upsert-jobs/").status_code == 401
    assert HrUpsertJob.objects.count() == 1


@pytest.mark.parametrize("jobs", [1, 6])
def test_the_job_list_costs_the_same_queries_whatever_its_length(
    api, org, jobs, django_assert_num_queries
):
    for _ in range(jobs):
        counts = {"created": 1, "updated": 0, "unchanged": 0}
        HrUpsertJob.objects.create(
            created_by=org.admin, summary={"teams": counts, "people": counts}
        )
    client = api("admin")
    # the token with its user, its last-used write, the count, the page with its senders
    with django_assert_num_queries(4):
        response = client.get("/api/v1/hr/upsert-jobs/")
    assert response.json()["count"] == jobs


REFUSE_SUCCESS = {
    "postgresql": [
        "CREATE FUNCTION refuse_success() RETURNS trigger LANGUAGE plpgsql AS"
        " $$ BEGIN RAISE EXCEPTION 'the outcome cannot be written'; END $$",
        "CREATE TRIGGER refuse_success BEFORE UPDATE ON readiness_hrupsertjob FOR EACH ROW"
        " WHEN (NEW.status = 'succeeded') EXECUTE FUNCTION refuse_success()",
    ],
    "sqlite": [
        "CREATE TRIGGER refuse_success BEFORE UPDATE ON readiness_hrupsertjob"
        " WHEN NEW.status = 'succeeded'"
        " BEGIN SELECT RAISE(ABORT, 'the outcome cannot be written'); END",
    ],
}


def test_a_job_whose_outcome_cannot_be_written_fails_at_once_and_writes_nothing(
    api, org, django_capture_on_commit_callbacks
):
    """The database refuses the job's final write (here a trigger does): the upsert's writes
    roll back with it, and the job says it failed at once — not "running" until it lapses
    half an hour later. The task fails too (the worker logs it)."""
    job = _queued(api, org, django_capture_on_commit_callbacks)
    before = snapshot()
    with connection.cursor() as cursor:
        for statement in REFUSE_SUCCESS[connection.vendor]:
            cursor.execute(statement)
    delivery = run_hr_upsert_job.apply(args=(job.pk,))
    assert isinstance(delivery.result, DatabaseError)
    job.refresh_from_db()
    assert (job.status, job.detail, job.payload) == (HrUpsertJobStatus.FAILED, FAILED_DETAIL, None)
    assert job.finished_at is not None
    assert snapshot() == before
    shown = api("admin").get(f"/api/v1/hr/upsert-jobs/{job.pk}/").json()
    assert (shown["status"], shown["detail"]) == ("failed", FAILED_DETAIL)
