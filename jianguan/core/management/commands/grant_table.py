"""Print the grant table (which role of which organisation kind holds which permission) from
the permission registry, as Markdown for the README: `manage.py grant_table`."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from jianguan.core.permissions import ANY_KIND, MEMBER_ROLES, label, registered


def holders(grants: set[tuple[str, str]]) -> str:
    """`regulator: admin, staff; *: expert` — kinds sorted ("*" first), every member role
    written as "all members"."""
    by_kind: dict[str, set[str]] = {}
    for kind, role in grants:
        by_kind.setdefault(kind, set()).add(role)
    parts = []
    for kind in sorted(by_kind, key=lambda k: (k != ANY_KIND, k)):
        roles = by_kind[kind]
        names = []
        if set(MEMBER_ROLES) <= roles:
            names.append("all members")
            roles = roles - set(MEMBER_ROLES)
        names += sorted(roles)
        parts.append(f"{kind}: {', '.join(names)}")
    return "; ".join(parts)


def markdown() -> str:
    lines = [
        "| permission | 说明 | held by (organisation kind: roles; `*` = any kind) |",
        "|---|---|---|",
    ]
    for name, grants in sorted(registered().items()):
        lines.append(f"| `{name}` | {label(name)} | {holders(grants)} |")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "打印权限授予表（机构类型 × 角色 → 权限），Markdown 格式"

    def handle(self, *args, **options):
        self.stdout.write(markdown())
