from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jianguan.accounts"
    label = "accounts"
    verbose_name = "机构与用户"

    def ready(self) -> None:
        from jianguan.core.demo import register_seeder

        register_seeder("accounts", "jianguan.accounts.demo:seed", order=10)

        from jianguan.accounts import (
            permissions,  # noqa: F401  (registers grants)
            visibility,
        )

        visibility.register_all()

        from jianguan.accounts.actors import actor_for
        from jianguan.accounts.services import api_token_authenticate
        from jianguan.core.actor import register_actor_hooks

        register_actor_hooks(for_user=actor_for, for_token=api_token_authenticate)

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
                "membership.reactivated": "恢复成员资格",
                "user.profile_updated": "修改个人信息",
                "user.password_changed": "修改密码",
                "user.reset_link_issued": "管理员发起重设密码",
                "onboarding.application_submitted": "提交入驻申请",
                "onboarding.application_resubmitted": "重新提交入驻申请",
                "onboarding.application_returned": "退回入驻申请",
                "onboarding.application_approved": "通过入驻申请",
            }
        )

        from jianguan.web.nav import NavItem, register

        register(
            NavItem(
                "onboarding",
                "入驻审核",
                "accounts:application_list",
                "ti-user-check",
                "accounts.application.review",
                11,
            )
        )
        register(
            NavItem(
                "staff", "人员管理", "accounts:staff_list", "ti-users", "accounts.staff.manage", 12
            )
        )

        from jianguan.accounts.onboarding import todo

        todo.register_all()
