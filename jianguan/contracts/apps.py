from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "jianguan.contracts"
    label = "contracts"
    verbose_name = "合同与支付"

    def ready(self) -> None:
        from jianguan.contracts import search

        search.register_all()

        from jianguan.core.demo import register_seeder

        register_seeder("contracts", "jianguan.contracts.demo:seed", order=80)

        from jianguan.contracts import facts, permissions  # noqa: F401  (registers grants)

        facts.register_all()

        from jianguan.contracts import todo

        todo.register_all()

        from jianguan.contracts import panels

        panels.register_all()

        from jianguan.contracts import visibility
        from jianguan.contracts.claims import visibility as claim_visibility

        visibility.register_all()
        claim_visibility.register_all()

        from jianguan.contracts.ocds_hook import tender_contracts
        from jianguan.tendering.ocds.build import register_contract_provider

        register_contract_provider(tender_contracts)

        from jianguan.web.nav import NavItem, register

        register(
            NavItem(
                "contracts",
                "合同支付",
                "contracts:index",
                "ti-file-certificate",
                "contracts.view",
                35,
            )
        )
        register(
            NavItem(
                "contracts_worklist",
                "进度款待审",
                "contracts:worklist",
                "ti-checklist",
                "contracts.review",
                36,
            )
        )
        from jianguan.contracts.labels import LEDGER_LABELS
        from jianguan.ledger import labels

        labels.register(LEDGER_LABELS)
