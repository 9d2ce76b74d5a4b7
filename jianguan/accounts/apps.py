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

        from django.contrib import admin

        from jianguan.accounts.forms import AdminLoginForm

        # /admin/login/ goes through the same throttle and gives the same single answer.
        admin.site.login_form = AdminLoginForm

        from jianguan.ledger import labels

        labels.register(
            {
                "organisation.created": "登记机构",
                "organisation.updated": "修改机构信息",
                "user.created": "创建用户",
                "membership.granted": "授予成员角色",
                "membership.revoked": "撤销成员资格",
            }
        )
