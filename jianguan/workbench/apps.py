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

        from jianguan.core.demo import register_seeder
        from jianguan.workbench.search import sources

        sources.register_all()
        from jianguan.core.indexing import register_indexer
        from jianguan.workbench.search.index import index_on_commit

        register_indexer(index_on_commit)  # organisations: accounts cannot import the workbench
        # after every domain seeder: the index is built from what they made
        register_seeder("search_index", "jianguan.workbench.search.demo:seed", order=990)
