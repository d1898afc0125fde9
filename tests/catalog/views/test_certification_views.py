"""The curated certification catalog: a curator lists, adds and edits certifications with
the skills and levels each evidences (one transaction); bad input is refused at the field
with nothing saved; everyone else is refused (the whole matrix is in tests/security)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from catalog.models import Certification, CertificationSkill
from readiness.permissions import LEADERSHIP_GROUP
from tests.factories import ProviderFactory, SkillFactory, UserFactory

LIST = reverse("catalog:certifications")
CREATE = reverse("catalog:certification-create")

pytestmark = pytest.mark.django_db


def _data(provider, skill, **overrides) -> dict:
    data = {
        "name": "Microsoft Certified: Azure AI Engineer Associate",
        "provider": provider.pk,
        "exam_codes": "ai-102 , ",
        "validity_months": "12",
        "renewal_url": "https://learn.microsoft.com/credentials/renew",
        "is_active": "on",
        "skill_links-TOTAL_FORMS": "3",
        "skill_links-INITIAL_FORMS": "0",
        "skill_links-MIN_NUM_FORMS": "0",
        "skill_links-MAX_NUM_FORMS": "30",
        "skill_links-0-skill": skill.pk,
        "skill_links-0-level": "3",
    }
    return {**data, **overrides}


def test_a_curator_finds_the_page_from_the_navigation_and_adds_one(client, curator) -> None:
    provider, skill = ProviderFactory(name="Cert provider"), SkillFactory(name="LLM APIs")
    client.force_login(curator)
    home = client.get(reverse("catalog:curate")).content.decode()
    assert f'href="{LIST}"' in home
    response = client.post(CREATE, _data(provider, skill))
    assert response.status_code == 302
    certification = Certification.objects.get()
    assert certification.exam_codes == "AI-102" and certification.validity_months == 12
    assert [(link.skill, link.level) for link in certification.skill_links.all()] == [(skill, 3)]
    page = client.get(LIST).content.decode()
    assert "Azure AI Engineer Associate" in page and "12 months" in page and "LLM APIs 3" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"validity_months": "0"}, "validity_months", "greater than or equal to 1"),
        ({"name": ""}, "name", "required"),
        ({"skill_links-0-level": "5"}, None, "less than or equal to 4"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(client, curator, overrides, field, message):
    provider, skill = ProviderFactory(), SkillFactory()
    client.force_login(curator)
    response = client.post(CREATE, _data(provider, skill, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    if field:
        assert response.context["form"].errors[field]
    assert not Certification.objects.exists() and not CertificationSkill.objects.exists()


def test_editing_changes_the_skills_and_validity(client, curator) -> None:
    provider, skill, other = ProviderFactory(), SkillFactory(), SkillFactory()
    certification = Certification.objects.create(
        name="Fundamentals", provider=provider, validity_months=12
    )
    link = CertificationSkill.objects.create(certification=certification, skill=skill, level=1)
    client.force_login(curator)
    url = reverse("catalog:certification-edit", args=[certification.pk])
    assert client.get(url).status_code == 200
    data = _data(
        provider,
        other,
        name="Fundamentals",
        validity_months="",
        **{"skill_links-TOTAL_FORMS": "4", "skill_links-INITIAL_FORMS": "1"},
    )
    data.update(
        {
            "skill_links-0-id": link.pk,
            "skill_links-0-skill": skill.pk,
            "skill_links-0-level": "1",
            "skill_links-0-DELETE": "on",
            "skill_links-1-skill": other.pk,
            "skill_links-1-level": "2",
        }
    )
    assert client.post(url, data).status_code == 302
    certification.refresh_from_db()
    assert certification.validity_months is None  # does not expire
    assert [(link.skill, link.level) for link in certification.skill_links.all()] == [(other, 2)]


def test_people_who_are_not_curators_are_refused(client, employee, manager) -> None:
    for user in (employee, manager):
        client.force_login(user)
        assert client.get(LIST).status_code == 403
        assert client.post(CREATE, {}).status_code == 403


# --- Counts as a rating: the curator's switch ------------------------------------------------


def test_a_curator_makes_a_certification_count_as_a_rating_and_the_audit_keeps_it(
    client, curator
) -> None:
    provider, skill = ProviderFactory(), SkillFactory()
    client.force_login(curator)
    form = client.get(CREATE).content.decode()
    assert "counts as a manager-validated rating" in form.lower()
    assert "only shown as evidence" in form  # the help text says what it changes
    assert client.post(CREATE, _data(provider, skill)).status_code == 302
    certification = Certification.objects.get()
    assert certification.counts_as_rating is False  # off unless the curator says so
    assert "Evidence only" in client.get(LIST).content.decode()
    url = reverse("catalog:certification-edit", args=[certification.pk])
    data = _data(
        provider,
        skill,
        counts_as_rating="on",
        **{
            "skill_links-0-id": certification.skill_links.get().pk,
            "skill_links-INITIAL_FORMS": "1",
        },
    )
    assert client.post(url, data).status_code == 302
    certification.refresh_from_db()
    assert certification.counts_as_rating is True
    assert "Counts as a manager rating" in client.get(LIST).content.decode()
    history = certification.history.order_by("history_date")  # type: ignore[attr-defined]
    assert [(h.history_user, h.counts_as_rating) for h in history] == [
        (curator, False),
        (curator, True),
    ]


def test_only_curators_may_switch_it(client, employee, manager) -> None:
    leadership = UserFactory(username="leadership-user")
    leadership.groups.add(Group.objects.get_or_create(name=LEADERSHIP_GROUP)[0])
    provider, skill = ProviderFactory(), SkillFactory()
    certification = Certification.objects.create(name="Kept", provider=provider)
    url = reverse("catalog:certification-edit", args=[certification.pk])
    for user in (employee, manager, leadership):
        client.force_login(user)
        response = client.post(url, _data(provider, skill, name="Kept", counts_as_rating="on"))
        assert response.status_code == 403
    certification.refresh_from_db()
    assert certification.counts_as_rating is False
