from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    """The workbench: notifications (inbox, e-mail, SMS) and global search. It sits above
    core, ledger and accounts and below every domain app: the domain apps register their
    notification events and search sources with it in their own ready()."""

    name = "jianguan.workbench"
    label = "workbench"
    verbose_name = "工作台"

    def ready(self) -> None:
        from jianguan.workbench.notifications.setup import register_all as notifications_ready

        notifications_ready()
