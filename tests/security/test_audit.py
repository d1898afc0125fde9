"""The audit trail: who changed what and when, and the admins' page that shows it."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from assessments.privacy import person_erase
from readiness.models import Skill
from tests.factories import PersonFactory, RoleRequirementFactory, SkillFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_creating_changing_and_deleting_a_skill_is_recorded():
    skill = SkillFactory(name="Prompting (audit)")
    skill.name = "Prompt writing (audit)"
    skill.save()
    skill_id = skill.pk
    skill.delete()

    history = Skill.history.filter(id=skill_id).order_by("history_date")
    assert [(h.history_type, h.name) for h in history] == [
        ("+", "Prompting (audit)"),
        ("~", "Prompt writing (audit)"),
        ("-", "Prompt writing (audit)"),
    ]


def test_a_change_made_in_a_request_records_who_made_it(client, admin_user):
    permission = Permission.objects.get(codename="view_skill")
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:auth_group_add"),
        {
            "name": "Auditors",
            "permissions": [permission.pk],
        },
    )

    assert response.status_code == 302
    record = Group.history.get(name="Auditors", history_type="+")
    assert record.history_user == admin_user


def test_group_membership_changes_are_recorded_and_sign_ins_are_not(client, admin_user, password):
    user = UserFactory(username="promoted")
    group = Group.objects.create(name="Leadership-audit")
    before = user.history.count()

    user.groups.add(group)
    client.post(reverse("login"), {"username": "promoted", "password": password})

    records = list(user.history.order_by("history_date"))
    assert len(records) == before + 1
    assert [g.group_id for g in records[-1].groups.all()] == [group.pk]
    user.refresh_from_db()
    assert user.last_login is not None  # still recorded, without a history row


def test_the_audit_page_lists_and_filters_changes_for_admins(client, admin_user):
    RoleRequirementFactory(role__name="Audit role", skill__name="Audit skill")
    SkillFactory(name="Agents (audit)")
    client.force_login(admin_user)

    page = client.get(reverse("audit:list")).content.decode()
    assert "Audit role · Audit skill" in page and "Agents (audit)" in page

    only_requirements = client.get(reverse("audit:list"), {"kind": "readiness.rolerequirement"})
    body = only_requirements.content.decode()
    assert "Audit role · Audit skill" in body and "Agents (audit)" not in body
    nobody = client.get(reverse("audit:list"), {"username": "no-such-user"}).content.decode()
    assert "No change matches these filters." in nobody
    future = client.get(reverse("audit:list"), {"since": "2999-01-01"}).content.decode()
    assert "No change matches these filters." in future


def test_the_audit_page_is_for_admins_only(client):
    leadership = UserFactory(username="boss")
    leadership.groups.add(Group.objects.get_or_create(name="Leadership")[0])
    client.force_login(leadership)

    assert client.get(reverse("audit:list")).status_code == 403


def test_erasing_a_person_erases_their_names_from_the_audit_too():
    person = PersonFactory(user__username="leaver", user__email="leaver@example.com")
    person.user.first_name = "Lea"
    person.user.save()

    person_erase(person=person)

    names = set(person.user.history.values_list("username", "email", "first_name"))
    assert names == {(f"erased-{person.user_id}", "", "")}


def test_erasing_a_person_erases_them_from_bulk_write_entries_too():
    from django.contrib.admin.models import ADDITION, LogEntry

    from assessments.models import SkillRating
    from readiness.history import change_log_record
    from readiness.models import Person
    from tests.factories import SkillRatingFactory

    person = PersonFactory(user__username="bulk-leaver", user__email="bulk@example.com")
    other = PersonFactory(user__email="stays@example.com")
    admin = UserFactory(username="hr-admin")
    rating = SkillRatingFactory(person=person)
    change_log_record(
        Person,
        [(person.pk, "bulk@example.com"), (other.pk, "stays@example.com")],
        user=admin,
        reason="via HR upsert",
        action_flag=ADDITION,
    )
    change_log_record(
        SkillRating,
        [(rating.pk, "Bulk Leaver · Prompting → Expert (4)")],
        user=admin,
        reason="via CSV import",
        action_flag=ADDITION,
    )

    person_erase(person=person)

    reprs = set(LogEntry.objects.values_list("object_repr", flat=True))
    assert reprs == {
        f"erased-{person.user_id}",
        "stays@example.com",
        f"rating of erased-{person.user_id}",
    }
