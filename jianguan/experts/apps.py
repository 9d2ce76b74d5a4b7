from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    name = "jianguan.experts"
    label = "experts"
    verbose_name = "评标专家库"

    def ready(self) -> None:
        from jianguan.core.demo import register_seeder

        register_seeder("experts", "jianguan.experts.demo:seed", order=50)
        register_seeder("committees", "jianguan.experts.demo:seed_committees", order=70)

        from jianguan.experts import ledger_visibility, permissions  # noqa: F401  (registers grants)

        ledger_visibility.register_all()

        from jianguan.experts import todo

        todo.register_all()

        from jianguan.experts import panels

        panels.register_all()
        from jianguan.web.nav import NavItem, register

        register(
            NavItem("experts", "评标专家库", "experts:pool", "ti-users-group", "experts.view", 26)
        )
        from jianguan.ledger import labels

        labels.register(
            {
                "experts.registered": "登记评标专家",
                "experts.employment_added": "登记专家工作经历",
                "experts.declared": "专家申报亲属或利害关系",
                "experts.punished": "处理评标专家",
                "experts.draw_committed": "抽取评标专家（承诺值）",
                "experts.member_checked_in": "评标专家签到或回避",
                "experts.committee_revealed": "公开评标委员会名单及抽取种子",
                "experts.sheets_submitted": "评标专家提交评分表",
                "experts.evaluation_computed": "汇总评分并排序",
                "experts.report_signed": "评标专家在线签署评标报告",
            }
        )
