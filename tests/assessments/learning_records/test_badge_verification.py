"""Open Badges uploaded and verified against a local issuer: each outcome (valid hosted PNG,
SVG and JSON, signed OB 2.0, OB 3.0 VC-JWT with the key in its header or published;
tampered, revoked, expired, wrong recipient, unreachable issuer, private addresses refused),
nothing saved on a refusal, the same badge twice recorded once."""

import json

import pytest
from django.core.exceptions import ValidationError

from assessments.learning_records.badges.fetch import FetchError, url_check
from assessments.learning_records.badges.selectors import badges_waiting
from assessments.learning_records.badges.services import badge_upload
from assessments.learning_records.models import BadgeAward, BadgeStatus
from tests.assessments.badge_issuer import (
    bake_png,
    bake_png_ob3,
    bake_svg,
    bake_svg_ob3,
    blank_png,
    tamper_jws,
)
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
EMAIL = "learner@example.com"


@pytest.fixture
def person(db):
    return PersonFactory(user__email=EMAIL)


def _refused(person, data: bytes, reason: str) -> str:
    with pytest.raises(ValidationError) as caught:
        badge_upload(person=person, data=data)
    assert caught.value.error_dict["file"][0].code == reason
    assert not BadgeAward.objects.exists()  # nothing saved
    return caught.value.error_dict["file"][0].message


def test_a_baked_hosted_png_is_verified_and_waits_for_a_rule(badge_issuer, person) -> None:
    assertion = badge_issuer.ob2_hosted(EMAIL)
    upload = badge_upload(person=person, data=bake_png(json.dumps(assertion)))
    award = upload.award
    assert upload.created
    assert (award.spec_version, award.verification, award.status) == ("2.0", "hosted", "waiting")
    assert award.name == "Prompt Engineering Basics" and award.issuer_name == "Example Academy"
    assert award.issuer_id == badge_issuer.url("/issuer")
    assert award.badge_class_id == badge_issuer.url("/badges/prompting")
    assert award.assertion_id == assertion["id"]
    assert award.recipient_matched and str(award.issued_on) == "2026-11-02"
    assert assertion["id"].removeprefix(badge_issuer.base) in badge_issuer.requests


def test_the_recipient_is_kept_nowhere(badge_issuer, person) -> None:
    assertion = badge_issuer.ob2_hosted(EMAIL)
    award = badge_upload(person=person, data=json.dumps(assertion).encode()).award
    stored = json.dumps(list(BadgeAward.objects.filter(pk=award.pk).values()), default=str)
    assert EMAIL not in stored and assertion["recipient"]["identity"] not in stored


def test_a_baked_svg_and_a_plain_recipient(badge_issuer, person) -> None:
    assertion = badge_issuer.ob2_hosted(EMAIL.upper(), hashed=False)
    award = badge_upload(person=person, data=bake_svg(json.dumps(assertion))).award
    assert award.verification == "hosted"


def test_the_same_badge_twice_is_recorded_once(badge_issuer, person) -> None:
    data = bake_png(json.dumps(badge_issuer.ob2_hosted(EMAIL)))
    first = badge_upload(person=person, data=data)
    second = badge_upload(person=person, data=data)
    assert first.created and not second.created
    assert second.award.pk == first.award.pk and BadgeAward.objects.count() == 1


def test_a_tampered_hosted_badge_is_refused(badge_issuer, person) -> None:
    assertion = badge_issuer.ob2_hosted(EMAIL)
    assertion["issuedOn"] = "2020-01-01T00:00:00+00:00"
    message = _refused(person, bake_png(json.dumps(assertion)), "tampered")
    assert "altered" in message


def _elsewhere(url: str) -> str:
    """The same local issuer reached by another host name (another host to the checks)."""
    return url.replace("127.0.0.1", "localhost")


def test_a_badge_naming_another_hosts_issuer_is_refused(badge_issuer, person) -> None:
    """The hosting policy is read from the profile the issuer publishes at its id, never from
    one the badge embeds: a badge hosted here cannot claim an issuer elsewhere by embedding a
    profile that allows this host."""
    assertion = badge_issuer.ob2_hosted(EMAIL)
    issuer_id = _elsewhere(badge_issuer.url("/issuer"))
    assertion["badge"] = {
        "id": badge_issuer.url("/badges/forged"),
        "type": "BadgeClass",
        "name": "Forged",
        "issuer": {
            "id": issuer_id,
            "type": "Profile",
            "name": "Real Issuer",
            "verification": {"allowedOrigins": ["127.0.0.1"]},
        },
    }
    badge_issuer.publish(assertion["id"].removeprefix(badge_issuer.base), assertion)
    _refused(person, json.dumps(assertion).encode(), "tampered")


def test_an_issuer_may_let_another_host_host_its_badges(badge_issuer, person) -> None:
    assertion = badge_issuer.ob2_hosted(EMAIL)
    issuer_id = _elsewhere(badge_issuer.url("/partner-issuer"))
    badge_issuer.publish(
        "/partner-issuer",
        {
            "id": issuer_id,
            "type": "Profile",
            "name": "Partner Academy",
            "verification": {"allowedOrigins": ["127.0.0.1"]},
        },
    )
    assertion["badge"] = {
        "id": badge_issuer.url("/badges/partner"),
        "type": "BadgeClass",
        "name": "Partner badge",
        "issuer": issuer_id,
    }
    badge_issuer.publish(assertion["id"].removeprefix(badge_issuer.base), assertion)
    award = badge_upload(person=person, data=json.dumps(assertion).encode()).award
    assert (award.issuer_id, award.verification) == (issuer_id, "hosted")


def test_a_revoked_hosted_badge_is_refused(badge_issuer, person) -> None:
    assertion = badge_issuer.ob2_hosted(EMAIL, revoked=True)
    assert "revoked" in _refused(person, bake_png(json.dumps(assertion)), "revoked")


def test_a_withdrawn_hosted_badge_is_refused_as_revoked(badge_issuer, person) -> None:
    assertion = badge_issuer.ob2_hosted(EMAIL)
    badge_issuer.docs.pop(assertion["id"].removeprefix(badge_issuer.base))
    _refused(person, json.dumps(assertion).encode(), "revoked")


def test_an_expired_badge_is_refused(badge_issuer, person) -> None:
    assertion = badge_issuer.ob2_hosted(EMAIL, expires="2026-01-01T00:00:00Z")
    assert "expired on 01 Jan 2026" in _refused(person, bake_png(json.dumps(assertion)), "expired")


def test_a_badge_of_someone_else_is_refused(badge_issuer, person) -> None:
    assertion = badge_issuer.ob2_hosted("someone.else@example.com")
    assert "issued to someone else" in _refused(
        person, bake_png(json.dumps(assertion)), "recipient"
    )


def test_an_unreachable_issuer_is_refused(badge_issuer, person) -> None:
    assertion = badge_issuer.ob2_hosted(EMAIL)
    assertion["id"] = "http://127.0.0.1:9/assertions/1"  # nothing listens on port 9
    _refused(person, json.dumps(assertion).encode(), "unreachable")


def test_an_image_without_a_badge_is_refused(person) -> None:
    assert "carries no Open Badge" in _refused(person, blank_png(), "invalid")
    _refused(person, b"not a badge at all", "invalid")
    _refused(person, b"<svg><rect/></svg>", "invalid")


def test_a_signed_ob2_badge_is_verified_with_the_issuers_key(badge_issuer, person) -> None:
    token = badge_issuer.ob2_signed(EMAIL)
    award = badge_upload(person=person, data=bake_png(token)).award
    assert (award.verification, award.spec_version) == ("signed", "2.0")
    assert award.assertion_id.startswith("urn:uuid:assertion-")


def test_a_tampered_signed_badge_is_refused(badge_issuer, person) -> None:
    token = tamper_jws(badge_issuer.ob2_signed(EMAIL), ("issuedOn",), "2020-01-01")
    _refused(person, token.encode(), "tampered")


def test_a_signed_badge_on_the_revocation_list_is_refused(badge_issuer, person) -> None:
    badge_issuer.revoked_assertions.append(f"urn:uuid:assertion-{badge_issuer.counter + 1}")
    token = badge_issuer.ob2_signed(EMAIL)
    _refused(person, token.encode(), "revoked")


def test_an_ob3_jwt_with_its_key_in_the_header(badge_issuer, person) -> None:
    credential = badge_issuer.ob3_credential(EMAIL, valid_until="2030-01-01T00:00:00Z")
    award = badge_upload(person=person, data=badge_issuer.ob3_jwt(credential).encode()).award
    assert (award.spec_version, award.verification, award.name) == (
        "3.0",
        "embedded",  # not altered since signed; who signed it is not proven
        "Building AI Agents",
    )
    assert award.badge_class_id == badge_issuer.url("/achievements/agents")
    assert str(award.expires_on) == "2030-01-01"
    (waiting,) = badges_waiting()
    assert (waiting.awards, waiting.key_in_credential) == (1, 1)


def test_an_ob3_jwt_with_its_key_published_by_the_issuer(badge_issuer, person) -> None:
    credential = badge_issuer.ob3_credential(EMAIL, with_status=True)
    token = badge_issuer.ob3_jwt(credential, key_in_header=False)
    award = badge_upload(person=person, data=bake_png(token)).award
    assert (award.status, award.verification) == (BadgeStatus.WAITING, "signed")
    assert "/keys/ec" in badge_issuer.requests


def test_an_ob3_json_credential_with_a_jwt_proof(badge_issuer, person) -> None:
    credential = badge_issuer.ob3_credential(EMAIL)
    document = dict(
        credential, proof={"type": "JwtProof2020", "jwt": badge_issuer.ob3_jwt(credential)}
    )
    assert (
        badge_upload(person=person, data=json.dumps(document).encode()).award.spec_version == "3.0"
    )
    document["name"] = "Something grander"
    document["id"] = "urn:uuid:other"
    _refused_after = pytest.raises(ValidationError)
    with _refused_after as caught:
        badge_upload(person=person, data=json.dumps(document).encode())
    assert caught.value.error_dict["file"][0].code == "tampered"


def test_a_tampered_ob3_jwt_is_refused(badge_issuer, person) -> None:
    token = badge_issuer.ob3_jwt(badge_issuer.ob3_credential(EMAIL))
    forged = tamper_jws(token, ("vc", "credentialSubject", "achievement", "name"), "Anything")
    assert "altered" in _refused(person, forged.encode(), "tampered")


def test_a_revoked_ob3_credential_is_refused(badge_issuer, person) -> None:
    badge_issuer.revoked_credentials.append(f"urn:uuid:credential-{badge_issuer.counter + 1}")
    credential = badge_issuer.ob3_credential(EMAIL, with_status=True)
    _refused(person, badge_issuer.ob3_jwt(credential).encode(), "revoked")


def test_an_expired_ob3_credential_is_refused(badge_issuer, person) -> None:
    credential = badge_issuer.ob3_credential(EMAIL, valid_until="2026-06-30T00:00:00Z")
    _refused(person, badge_issuer.ob3_jwt(credential).encode(), "expired")


def test_an_ob3_credential_of_someone_else_is_refused(badge_issuer, person) -> None:
    credential = badge_issuer.ob3_credential("other@example.com")
    _refused(person, badge_issuer.ob3_jwt(credential).encode(), "recipient")


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.8/assertion",
        "https://192.168.1.4/a",
        "https://169.254.169.254/latest/meta-data",
        "ftp://example.com/a",
        "https://user:pw@example.com/a",
    ],
)
def test_private_addresses_and_other_schemes_are_never_fetched(url) -> None:
    with pytest.raises(FetchError):
        url_check(url)


def test_loopback_only_when_the_setting_allows_it(settings) -> None:
    assert url_check("http://127.0.0.1:8000/a")
    settings.BADGE_ALLOW_HTTP_LOOPBACK = False
    with pytest.raises(FetchError):
        url_check("http://127.0.0.1:8000/a")
    with pytest.raises(FetchError):
        url_check("https://localhost/a")


def test_ob3_credentials_baked_under_their_own_names(badge_issuer, person) -> None:
    token = badge_issuer.ob3_jwt(badge_issuer.ob3_credential(EMAIL))
    assert badge_upload(person=person, data=bake_png_ob3(token)).award.spec_version == "3.0"
    other = badge_issuer.ob3_jwt(badge_issuer.ob3_credential(EMAIL, slug="rag"))
    assert badge_upload(person=person, data=bake_svg_ob3(other)).award.spec_version == "3.0"
    assert BadgeAward.objects.filter(person=person).count() == 2


def test_a_hostile_svg_is_refused_not_parsed(person) -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><svg>&b;</svg>'
    )
    assert "could not be read" in _refused(person, bomb, "invalid")
