from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "jianguan.ledger"
    label = "ledger"
    verbose_name = "可信存证"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from jianguan.ledger import permissions  # noqa: F401  (registers grants)
        from jianguan.ledger.dbguard import register_sqlite_function

        # Infrastructure, not a business effect: SQLite triggers call this function.
        connection_created.connect(register_sqlite_function, dispatch_uid="ledger_sqlite_guard")

        from jianguan.ledger import labels

        labels.register({"document.issued": "签发文书（扫码验真）"})

        from jianguan.core import periodic
        from jianguan.ledger.services import tree_head_sign

        periodic.register("ledger.sign_head", 60, lambda: tree_head_sign().tree_size)
