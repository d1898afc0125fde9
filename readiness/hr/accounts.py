"""Which account a person entry of an HR upsert names, and what changes on it."""

from __future__ import annotations

from typing import Any

from readiness.hr.known import EXTERNAL_ID_MAX, Known
from readiness.models import Person


def plan_account(
    entry: dict,
    email: str,
    *,
    errors: dict,
    known: Known,
    seen_external_ids: set[str],
    user_values: dict,
    person_values: dict,
) -> Any:
    """Which account a person entry names — by external id when given and known, else by
    email — and what changes on it (email, username, may sign in). Returns the account, or
    None for a new one; fills ``errors`` when the entry contradicts the accounts there are."""
    person, external_id = _known_person(
        entry,
        errors=errors,
        known=known,
        seen_external_ids=seen_external_ids,
        person_values=person_values,
    )
    if errors:
        return None
    if person is not None:
        user = _account_of_person(
            entry, email, person, errors=errors, known=known, user_values=user_values
        )
    else:
        user = _account_by_email(
            entry, email, external_id, errors=errors, known=known, person_values=person_values
        )
    if errors:
        return None
    _plan_login(entry, user, errors=errors, known=known, user_values=user_values)
    return user


def _known_person(
    entry: dict,
    *,
    errors: dict,
    known: Known,
    seen_external_ids: set[str],
    person_values: dict,
) -> tuple[Person | None, str | None]:
    """The person the entry names by external id (or, from SCIM, by ``person_id``), if any,
    and the entry's external id stripped."""
    external_id = entry.get("external_id")
    person = None
    if external_id is not None:
        external_id = str(external_id).strip()
        if not external_id or len(external_id) > EXTERNAL_ID_MAX:
            errors["external_id"] = [f"Give 1 to {EXTERNAL_ID_MAX} characters."]
            return None, external_id
        if external_id in seen_external_ids:
            errors["external_id"] = ["This person is listed twice."]
            return None, external_id
        seen_external_ids.add(external_id)
        person = known.persons_by_external_id.get(external_id)
    if person is None and "person_id" in entry:
        person = known.persons_by_id.get(entry["person_id"])
        if person is None:
            errors["person_id"] = ["No such person."]
            return None, external_id
        if external_id is not None and person.external_id != external_id:
            if person.external_id:
                errors["external_id"] = [
                    f"This person has the external id “{person.external_id}”: an external id "
                    "never changes."
                ]
                return None, external_id
            person_values["external_id"] = external_id
    return person, external_id


def _account_of_person(
    entry: dict,
    email: str,
    person: Person,
    *,
    errors: dict,
    known: Known,
    user_values: dict,
) -> Any:
    """A known person's account; a changed email (and the login that followed it) changes."""
    key = email.lower()
    user = person.user
    if any(other.pk != user.pk for other in known.users_by_email.get(key, [])):
        errors["email"] = ["Another person has this email."]
        return None
    if user.email.lower() != key:
        user_values["email"] = email
        if user.username == user.email.lower() and "username" not in entry:
            user_values["username"] = key  # the login followed the email: it still does
    known.users_by_email[key] = [user]
    return user


def _account_by_email(
    entry: dict,
    email: str,
    external_id: str | None,
    *,
    errors: dict,
    known: Known,
    person_values: dict,
) -> Any:
    """The account with this email (None: a new one), linked to the external id if given."""
    key = email.lower()
    matches = known.users_by_email.get(key, [])
    if len(matches) > 1:
        errors["email"] = ["Several accounts have this email: merge them first."]
        return None
    user = matches[0] if matches else None
    linked = known.persons_by_user.get(user.pk) if user else None
    if external_id is not None:
        if linked is not None and linked.external_id:
            errors["external_id"] = [
                f"This email belongs to the person with the external id "
                f"“{linked.external_id}”: an external id never changes."
            ]
            return None
        person_values["external_id"] = external_id
    if user is None and "username" not in entry and key in known.username_holders:
        errors["email"] = ["Another account uses this email as its username."]
        return None
    return user


def _plan_login(entry: dict, user: Any, *, errors: dict, known: Known, user_values: dict) -> None:
    """The username (SCIM's ``userName``) and whether the account may sign in."""
    holders = known.username_holders
    if isinstance(entry.get("username"), str):
        username = entry["username"].strip()
        holder = holders.get(username)
        if not username or len(username) > 150:
            errors["username"] = ["Give 1 to 150 characters."]
        elif holder is not None and (user is None or holder != user.pk):
            errors["username"] = ["Another account has this username."]
        elif user is None or user.username != username:
            user_values["username"] = username
    if "username" in user_values and user is not None and "username" not in entry:
        holder = holders.get(user_values["username"])
        if holder is not None and holder != user.pk:
            del user_values["username"]  # somebody else's login: keep the old one
    if "account_active" in entry:
        user_values["is_active"] = bool(entry["account_active"])
