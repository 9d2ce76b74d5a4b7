from django.apps import AppConfig


class CollabDocumentsConfig(AppConfig):
    name = "jianguan.collab.documents"
    label = "collab_documents"
    verbose_name = "文档管理"

    def ready(self) -> None:
        # Grants, ledger words, to-do items, navigation, warnings and the demo seeder.
        from jianguan.collab.documents import setup

        setup.register_all()
