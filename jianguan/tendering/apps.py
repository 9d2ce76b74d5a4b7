from django.apps import AppConfig


class TenderingConfig(AppConfig):
    name = "jianguan.tendering"
    label = "tendering"
    verbose_name = "电子招标投标"

    def ready(self) -> None:
        from jianguan.tendering import search

        search.register_all()

        from jianguan.core.demo import register_seeder

        register_seeder("tendering", "jianguan.tendering.demo:seed", order=60)

        from jianguan.ledger import labels
        from jianguan.tendering import facts, ledger_visibility, permissions  # noqa: F401  (registers grants)

        facts.register_all()
        ledger_visibility.register_all()

        from jianguan.tendering import todo

        todo.register_all()

        from jianguan.tendering import panels

        panels.register_all()

        from jianguan.web.nav import NavItem, register

        register(
            NavItem("tendering", "电子招投标", "tendering:index", "ti-gavel", "tendering.view", 24)
        )
        # The collusion screens were reachable by URL only (issue 16): the regulator's menu.
        register(
            NavItem(
                "tendering_collusion",
                "围标串标筛查",
                "tendering:collusion",
                "ti-zoom-exclamation",
                "tendering.supervise",
                25,
            )
        )
        # Complaints had an API only (issue 16): the supervising department's menu; a bidder
        # files and follows its own from the tender page.
        register(
            NavItem(
                "tendering_complaints",
                "投诉处理",
                "tendering:complaints",
                "ti-message-report",
                "tendering.supervise",
                25,
            )
        )
        register(
            NavItem(
                "tendering_entrustments",
                "招标委托",
                "tendering:entrustments",
                "ti-file-certificate",
                "tendering.manage",
                24,
            )
        )

        labels.register(
            {
                "tendering.tender_created": "创建招标项目",
                "tendering.tender_published": "发布招标公告及招标文件",
                "tendering.clarification_issued": "发出澄清或修改",
                "tendering.objection_filed": "对招标文件提出异议",
                "tendering.objection_answered": "答复异议",
                "tendering.bidder_key_registered": "登记投标加密公钥",
                "tendering.bid_received": "接收投标文件（密封）",
                "tendering.bid_withdrawn": "撤回投标文件",
                "tendering.status_changed": "招标项目状态变更",
                "tendering.bid_unsealed": "投标文件解密",
                "tendering.bid_unseal_failed": "投标文件解密失败",
                "tendering.opening_recorded": "公布开标记录",
                "tendering.candidates_published": "公示中标候选人",
                "tendering.awarded": "确定中标人",
                "tendering.contract_signed": "中标合同签订，投标保证金起算退还期限",
                "tendering.ocds_released": "发布开放合同数据（OCDS）",
                "tendering.bond_refunded": "退还投标保证金",
                "tendering.evaluation_set": "设定评标办法及参数",
                "tendering.k_committed": "下浮系数K抽取承诺",
                "tendering.k_revealed": "公布下浮系数K",
                "tendering.collusion_screened": "围标串标筛查",
                "tendering.low_bid_queried": "要求异常低价书面说明",
                "tendering.low_bid_explained": "提交异常低价书面说明",
                "tendering.low_bid_decided": "评审异常低价说明",
                "tendering.prequal_applied": "提交资格预审申请",
                "tendering.prequal_reviewed": "审查资格预审申请",
                "tendering.report_filed": "提交招标投标情况书面报告",
                "tendering.complaint_filed": "提出投诉",
                "tendering.complaint_accepted": "受理投诉",
                "tendering.complaint_refused": "不予受理投诉",
                "tendering.complaint_decided": "作出投诉处理决定",
                "tendering.entrustment_created": "委托招标代理机构（签订委托合同）",
                "tendering.entrustment_withdrawn": "撤销招标委托",
            }
        )
        from jianguan.ledger import visibility
        from jianguan.tendering.selectors import entrustment_visible

        visibility.register("tendering", "entrustment", entrustment_visible)

        from jianguan.core import periodic
        from jianguan.tendering.services.clock import tenders_advance

        periodic.register("tendering.advance", 30, tenders_advance)
