"""The rules of verified learning (``learning_records.verified``), the same for every path that
proves learning: the same cases run through a Microsoft Learn transcript sync and through an
Open Badge mapped to the resource (and, for certifications, one entered by hand).

A plan item is completed on the date of the earliest proof, marked with its source, whichever
order the proofs arrive in; a later proof does not move it, a source correcting its own date
does; a date set by hand gives way; a dropped item stays dropped; the same proof twice changes
nothing. A certification expires on its proof's expiry, else the earned date plus the curated
validity, else never."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from assessments.learning_records.badges.services import badge_upload
from assessments.learning_records.models import BadgeRule, PersonCertification
from assessments.learning_records.services import (
    person_certification_add,
    transcript_link_set,
    transcript_sync,
)
from assessments.models import LearningPlanItem
from catalog.models import Certification, TrainingResource
from tests.assessments.transcript_server import FULL_URL, client_for
from tests.factories import (
    LearningPlanItemFactory,
    PersonFactory,
    ProviderFactory,
    TrainingResourceFactory,
)

pytestmark = pytest.mark.django_db
EMAIL = "learner@example.com"
UID = "learn.wwl.prompting-101"
EARLY, MIDDLE, LATE = dt.date(2026, 9, 1), dt.date(2026, 9, 20), dt.date(2026, 10, 15)
LEARN, BADGE = "microsoft_learn", "open_badge"
EARNED = "2026-11-02T10:00:00+00:00"  # the test issuer's issue date; the transcript's too


class Proofs:
    """The person, their plan item for the resource, and the two ways to prove it."""

    def __init__(self, transcript_server, badge_issuer) -> None:  # noqa: ANN001
        self.base, self.scenario = transcript_server
        self.issuer = badge_issuer
        self.person = PersonFactory(user__email=EMAIL)
        TrainingResource.objects.filter(external_uid=UID).delete()
        self.resource = TrainingResourceFactory(title="Prompting 101", external_uid=UID)
        self.item = LearningPlanItemFactory(
            person=self.person, resource=self.resource, status="planned"
        )
        self.link = transcript_link_set(person=self.person, url=FULL_URL)
        self.issuer.badge_class("prompting")
        self.rule = BadgeRule.objects.create(
            issuer_id=badge_issuer.url("/issuer"),
            badge_class_id=badge_issuer.url("/badges/prompting"),
            resource=self.resource,
        )

    def learn(self, day: dt.date, *, certifications: list | None = None) -> None:
        """A transcript sync whose transcript says the module was completed on ``day``."""
        body = {
            "modulesCompleted": [
                {"uid": UID, "title": "Prompting 101", "completedOn": f"{day}T10:00:00Z"}
            ],
            "learningPathsCompleted": [],
            "certificationData": {"activeCertifications": certifications or []},
        }
        self.scenario.answers["full-share"] = json.dumps(body).encode()
        with client_for(self.base) as client:
            assert transcript_sync(link_id=self.link.pk, client=client).status == "ok"

    def badge(self, day: dt.date, *, expires: str | None = None) -> None:
        """An Open Badge of the mapped class, issued on ``day``, uploaded and verified."""
        assertion = self.issuer.ob2_hosted(EMAIL, expires=expires)
        assertion["issuedOn"] = f"{day}T10:00:00+00:00"
        self.issuer.publish(assertion["id"].removeprefix(self.issuer.base), assertion)
        award = badge_upload(person=self.person, data=json.dumps(assertion).encode()).award
        assert award.status == "mapped"

    def prove(self, source: str, day: dt.date) -> None:
        (self.learn if source == LEARN else self.badge)(day)

    def item_now(self) -> tuple[str, dt.date | None, str]:
        item = LearningPlanItem.objects.get(pk=self.item.pk)
        day = timezone.localdate(item.completed_at) if item.completed_at else None
        return item.status, day, item.verified_by


@pytest.fixture
def proofs(transcript_server, badge_issuer) -> Proofs:
    return Proofs(transcript_server, badge_issuer)


SOURCES = pytest.mark.parametrize("source", [LEARN, BADGE])


@SOURCES
def test_a_planned_item_is_completed_on_the_proofs_date(proofs, source) -> None:
    proofs.prove(source, EARLY)
    assert proofs.item_now() == ("completed", EARLY, source)


@SOURCES
def test_a_date_set_by_hand_gives_way_to_the_proof(proofs, source) -> None:
    clicked = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
    LearningPlanItem.objects.filter(pk=proofs.item.pk).update(
        status="completed", started_at=clicked, completed_at=clicked
    )
    proofs.prove(source, EARLY)
    assert proofs.item_now() == ("completed", EARLY, source)
    item = LearningPlanItem.objects.get(pk=proofs.item.pk)
    assert item.started_at == item.completed_at  # started no later than completed


@SOURCES
def test_a_dropped_item_stays_dropped(proofs, source) -> None:
    LearningPlanItem.objects.filter(pk=proofs.item.pk).update(status="dropped")
    proofs.prove(source, EARLY)
    assert proofs.item_now() == ("dropped", None, "")


@SOURCES
def test_the_same_proof_again_changes_nothing(proofs, source) -> None:
    proofs.prove(source, EARLY)
    before = list(LearningPlanItem.objects.filter(pk=proofs.item.pk).values())
    proofs.prove(source, EARLY)
    assert list(LearningPlanItem.objects.filter(pk=proofs.item.pk).values()) == before


@pytest.mark.parametrize(
    ("learn_day", "badge_day"),
    [(EARLY, LATE), (LATE, EARLY)],
    ids=["learn-earlier", "badge-earlier"],
)
@pytest.mark.parametrize("learn_first", [True, False], ids=["learn-first", "badge-first"])
def test_the_earliest_proof_wins_whatever_the_order(
    proofs, learn_day, badge_day, learn_first
) -> None:
    steps: list[Callable[[], None]] = [
        lambda: proofs.learn(learn_day),
        lambda: proofs.badge(badge_day),
    ]
    for step in steps if learn_first else reversed(steps):
        step()
    expected = (learn_day, LEARN) if learn_day < badge_day else (badge_day, BADGE)
    assert proofs.item_now() == ("completed", *expected)


def test_a_source_correcting_its_own_date_moves_the_item(proofs) -> None:
    proofs.learn(EARLY)
    proofs.badge(MIDDLE)
    assert proofs.item_now() == ("completed", EARLY, LEARN)
    proofs.learn(LATE)  # Learn now says later: the badge is the earliest proof
    assert proofs.item_now() == ("completed", MIDDLE, BADGE)
    proofs.learn(EARLY)
    assert proofs.item_now() == ("completed", EARLY, LEARN)


# --- Certifications ---------------------------------------------------------------------------


def _by_learn(proofs: Proofs, expires: str | None) -> PersonCertification:
    proofs.learn(
        EARLY,
        certifications=[
            {
                "name": "Agent Builder",
                "status": "Active",
                "dateEarned": EARNED,
                "expiration": expires,
            }
        ],
    )
    return PersonCertification.objects.get(source="transcript")


def _by_badge(proofs: Proofs, expires: str | None) -> PersonCertification:
    BadgeRule.objects.filter(pk=proofs.rule.pk).update(
        resource=None, certification=Certification.objects.get(name="Agent Builder")
    )
    proofs.badge(dt.date(2026, 11, 2), expires=expires)
    return PersonCertification.objects.get(source="badge")


def _by_hand(proofs: Proofs, expires: str | None) -> PersonCertification:
    return person_certification_add(
        person=proofs.person,
        name="agent builder",
        number="AB-1",
        proof_url="",
        earned_on=dt.date(2026, 11, 2),
        expires_on=dt.datetime.fromisoformat(expires).date() if expires else None,
    )


@pytest.mark.parametrize("record", [_by_learn, _by_badge, _by_hand], ids=["learn", "badge", "hand"])
@pytest.mark.parametrize(
    ("expires", "validity", "expected"),
    [
        ("2028-01-31T10:00:00+00:00", 12, dt.date(2028, 1, 31)),  # the proof's expiry
        (None, 12, dt.date(2027, 11, 2)),  # earned + the curated validity
        (None, None, None),  # never
    ],
)
def test_a_certification_expires_by_the_same_rule(
    proofs, record, expires, validity, expected
) -> None:
    Certification.objects.create(
        name="Agent Builder", provider=ProviderFactory(), validity_months=validity
    )
    row = record(proofs, expires)
    assert row.certification is not None and row.certification.name == "Agent Builder"
    assert timezone.localdate(row.earned_at) == dt.date(2026, 11, 2)
    assert (timezone.localdate(row.expires_at) if row.expires_at else None) == expected


@pytest.mark.parametrize("record", [_by_badge, _by_hand], ids=["badge", "hand"])
def test_a_dated_expiry_is_held_to_the_end_of_its_day(proofs, record) -> None:
    """A badge's expiry and one typed by hand are dates: held to the day's last instant in
    the organization's time zone, lapsed at the next midnight (``test_certification_day_end``
    follows it through every reader)."""
    Certification.objects.create(name="Agent Builder", provider=ProviderFactory())
    row = record(proofs, "2028-01-31T10:00:00+00:00")
    paris = ZoneInfo("Europe/Paris")
    last_held = dt.datetime(2028, 1, 31, 23, 59, 59, 999_998, tzinfo=paris)
    midnight = dt.datetime(2028, 2, 1, tzinfo=paris)
    assert row.status_on(last_held, expiring_days=0) == "active"
    assert row.status_on(midnight, expiring_days=0) == "expired"
