from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jianguan.accounts"
    label = "accounts"
    verbose_name = "机构与用户"

    def ready(self) -> None:
        from jianguan.accounts import (
            permissions,  # noqa: F401  (registers grants)
            visibility,
        )

        visibility.register_all()
