"""The transcript adapter against a local server playing the share API: the full answer, an
empty one, a revoked link, throttling; the share-link parser; the strict shape check."""

import datetime as dt

import pytest

from assessments.learning_records.transcript import (
    ShareLink,
    TranscriptError,
    TranscriptRevoked,
    TranscriptShapeError,
    share_link_parse,
    transcript_parse,
)
from tests.assessments.transcript_server import (
    PATH,
    client_for,
    full_transcript,
)

FULL = ShareLink(share_id="full-share", locale="en-us")


def test_full_answer_gives_completions_and_certifications(transcript_server) -> None:
    base, scenario = transcript_server
    with client_for(base) as client:
        transcript = client.fetch(FULL)
    assert scenario.requests == [(f"{PATH}full-share", {"locale": "en-us"})]
    uids = [(c.uid, c.kind) for c in transcript.completions]
    assert uids == [
        ("learn.wwl.embrace-responsible-ai-principles-practices", "module"),
        ("learn.wwl.fundamentals-generative-ai", "module"),
        ("learn.wwl.introduction-generative-ai", "learning_path"),
    ]
    first = transcript.completions[0]
    assert first.completed_at == dt.datetime(2026, 10, 14, 9, 12, 44, tzinfo=dt.UTC)
    assert first.duration_minutes == 36
    engineer = transcript.certifications[1]
    assert engineer.name == "Microsoft Certified: Azure AI Engineer Associate"
    assert engineer.expires_at == dt.datetime(2027, 1, 15, 23, 59, 59, tzinfo=dt.UTC)
    assert transcript.certifications[0].expires_at is None  # fundamentals do not expire


def test_the_parsed_transcript_holds_no_personal_field() -> None:
    transcript = transcript_parse(full_transcript())
    text = repr(transcript)
    for value in ("pii-username-zq81", "pii.mail.zq81@example.org", "Piilegal Zqname", "987650123"):
        assert value not in text


def test_empty_answer_is_an_empty_transcript(transcript_server) -> None:
    base, _ = transcript_server
    with client_for(base) as client:
        transcript = client.fetch(ShareLink(share_id="empty-share", locale="de-de"))
    assert transcript.completions == () and transcript.certifications == ()


def test_revoked_link_says_so(transcript_server) -> None:
    base, _ = transcript_server
    with client_for(base) as client, pytest.raises(TranscriptRevoked, match="revoked"):
        client.fetch(ShareLink(share_id="gone-share", locale="en-us"))


def test_throttling_is_retried_honouring_retry_after_capped(transcript_server) -> None:
    base, scenario = transcript_server
    scenario.throttle = [(429, "7"), (503, None), (429, "3600")]
    sleeps: list[float] = []
    with client_for(base, sleeps) as client:
        transcript = client.fetch(FULL)
    assert len(transcript.completions) == 3
    assert sleeps == [7.0, 2.0, 30.0]  # Retry-After; back-off 2**1; capped at retry_max_wait
    assert len(scenario.requests) == 4


def test_throttled_beyond_the_retries_fails_clearly(transcript_server) -> None:
    base, scenario = transcript_server
    scenario.throttle = [(429, "1")] * 4
    sleeps: list[float] = []
    with client_for(base, sleeps) as client, pytest.raises(TranscriptError, match="HTTP 429"):
        client.fetch(FULL)
    assert sleeps == [1.0, 1.0, 1.0]


def test_changed_shape_fails_loudly(transcript_server) -> None:
    base, _ = transcript_server
    with client_for(base) as client, pytest.raises(TranscriptShapeError, match="changed"):
        client.fetch(ShareLink(share_id="changed-share", locale="en-us"))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "not a JSON object"),
        ({"modulesCompleted": {"uid": "x"}}, "not a list"),
        (
            {"modulesCompleted": [{"title": "no uid", "completedOn": "2026-01-01T00:00:00Z"}]},
            "no uid",
        ),
        ({"learningPathsCompleted": [{"uid": "p", "completedOn": "yesterday"}]}, "not a date-time"),
        ({"modulesCompleted": [], "certificationData": []}, "not an object"),
    ],
)
def test_shape_errors_name_what_is_wrong(body, message) -> None:
    with pytest.raises(TranscriptShapeError, match=message):
        transcript_parse(body)


def test_missing_optional_fields_are_tolerated() -> None:
    transcript = transcript_parse(
        {"modulesCompleted": [{"uid": "m", "completedOn": "2026-01-02T03:04:05"}]}
    )
    (completion,) = transcript.completions
    assert completion.title == "m" and completion.duration_minutes is None
    assert completion.completed_at.tzinfo is not None


@pytest.mark.parametrize(
    ("url", "share", "locale"),
    [
        (
            "https://learn.microsoft.com/en-us/users/someone/transcript/abc123XYZ",
            "abc123XYZ",
            "en-us",
        ),
        (" https://learn.microsoft.com/fr-FR/users/x.y/transcript/d9-k_2/ ", "d9-k_2", "fr-fr"),
    ],
)
def test_share_link_keeps_only_id_and_locale(url, share, locale) -> None:
    assert share_link_parse(url) == ShareLink(share_id=share, locale=locale)


@pytest.mark.parametrize(
    "url",
    [
        "http://learn.microsoft.com/en-us/users/someone/transcript/abc123",
        "https://evil.example.com/en-us/users/someone/transcript/abc123",
        "https://learn.microsoft.com/en-us/users/someone/achievements",
        "https://learn.microsoft.com/en-us/users/someone/transcript/a%2F..",
        "not a url",
    ],
)
def test_other_links_are_refused(url) -> None:
    with pytest.raises(ValueError, match="link"):
        share_link_parse(url)
