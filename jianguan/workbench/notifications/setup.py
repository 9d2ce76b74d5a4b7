"""What the notifications register with the layers below, called from WorkbenchConfig.ready():
the grant, the menu entry, the chronograph jobs and the demo seeder."""

from __future__ import annotations

from jianguan.core import periodic
from jianguan.core.demo import register_seeder
from jianguan.core.permissions import MEMBER_ROLES, PERSONAL_ROLES, pairs, register
from jianguan.web.nav import NavItem
from jianguan.web.nav import register as nav_register

# Every signed-in person has an inbox, the evaluation expert included.
EVERYONE = pairs("*", (*MEMBER_ROLES, *PERSONAL_ROLES))


def _inbox_refresh():
    from jianguan.workbench.notifications.services import inbox_refresh

    return inbox_refresh()


def _digest():
    from jianguan.workbench.notifications.services import digest_if_due

    return digest_if_due()


def _retry():
    from jianguan.workbench.notifications.services import deliveries_retry_due

    return deliveries_retry_due()


def register_all() -> None:
    register("workbench.inbox.view", "查看消息通知", EVERYONE)
    nav_register(
        NavItem("inbox", "消息通知", "workbench:inbox", "ti-bell", "workbench.inbox.view", 2)
    )
    # Services import models, which ready() may not import at module level: hence the wrappers.
    periodic.register("notifications.inbox_refresh", 600, _inbox_refresh)
    periodic.register("notifications.digest", 900, _digest)
    periodic.register("notifications.retry", 60, _retry)
    # After every domain seeder (the last, contracts, is 80): the to-do list is complete.
    register_seeder("notifications", "jianguan.workbench.notifications.demo:seed", order=900)
