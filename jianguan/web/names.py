"""People and organisations by name, for pages (never usernames or credit codes)."""

from __future__ import annotations

from jianguan.accounts.models import Membership, Organisation, User


def ledger_names(usernames: set[str], codes: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    people = person_names(usernames)
    orgs = dict(
        Organisation.objects.filter(credit_code__in=codes).values_list("credit_code", "name")
    )
    return people, orgs


def person_names(usernames: set[str]) -> dict[str, str]:
    """{username: what a page shows}: the person's name; for an account without one, its
    organisation's 经办人 (never the username, which is a login, not a name)."""
    out: dict[str, str] = {}
    rows = User.objects.filter(username__in=usernames).values_list("id", "username", "display_name")
    unnamed: dict[int, str] = {}
    for pk, username, name in rows:
        if name:
            out[username] = name
        else:
            unnamed[pk] = username
    if unnamed:
        orgs: dict[int, str] = {}
        for user_id, org in (
            Membership.objects.filter(user_id__in=unnamed, is_active=True)
            .order_by("pk")
            .values_list("user_id", "organisation__name")
        ):
            orgs.setdefault(user_id, org)
        for pk, username in unnamed.items():
            out[username] = f"{orgs[pk]}经办人" if pk in orgs else "用户"
    for username in usernames - out.keys():
        out[username] = "用户"  # a departed account: still not its login name
    return out
