"""People by e-mail address: one rule for every input that names a user by e-mail.

A comment's ``<@ada@example.com>`` mention, a plain ``people`` value of a page update and a sync row's people
column all go through :func:`user_id_for_email`: the address is compared trimmed and case-insensitively with the
workspace's ``person`` users (:func:`users_by_email`), and an unknown address is the same error everywhere. The
listing itself is read by :func:`airflow_provider_notion.jobs.users.read_email_directory` (one pass over
``GET /v1/users``, only when some input names an e-mail).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from airflow_provider_notion.exceptions import NotionInputError


def email_key(email: str) -> str:
    """How e-mail addresses are compared: trimmed, lower-cased."""
    return email.strip().lower()


def users_by_email(people: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """:func:`email_key` -> user id for the ``person`` users of a user list (bots have no e-mail)."""
    found: dict[str, str] = {}
    for user in people:
        email = (user.get("person") or {}).get("email") if user.get("type") == "person" else None
        if isinstance(email, str) and user.get("id"):
            found[email_key(email)] = str(user["id"])
    return found


def user_id_for_email(users: Mapping[str, str], email: str, field: str) -> str:
    """The id of the person with this e-mail address; an unknown address names the field and the address."""
    user_id = users.get(email_key(email))
    if user_id is None:
        raise NotionInputError(
            field,
            f"no user of the workspace has the e-mail address {email.strip()!r} (or the integration lacks the "
            "'read user information including email addresses' capability)",
        )
    return user_id
