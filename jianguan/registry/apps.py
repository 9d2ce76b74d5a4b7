from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "jianguan.registry"
    label = "registry"
    verbose_name = "资质与人员"

    def ready(self) -> None:
        from jianguan.registry import search

        search.register_all()

        from jianguan.core.demo import register_seeder

        register_seeder("registry", "jianguan.registry.demo:seed", order=20)

        from jianguan.registry import (
            permissions,  # noqa: F401  (registers grants)
            visibility,
        )

        visibility.register_all()

        from jianguan.ledger import labels

        labels.register(
            {
                "qualification.added": "登记企业资质",
                "qualification.updated": "变更企业资质",
                "safety_licence.added": "登记安全生产许可证",
                "registered_person.registered": "登记注册人员",
                "registered_person.assigned": "注册人员项目任职",
                "access_standard.defined": "制定准入标准",
                "registry.imported": "批量导入资质与人员",
            }
        )

        from jianguan.web.nav import NavItem, register

        register(
            NavItem(
                "registry_eligibility",
                "准入核验",
                "registry:eligibility",
                "ti-certificate",
                "registry.eligibility",
                15,
            )
        )

        from jianguan.projects.facts import register_provider
        from jianguan.registry.selectors import credential_facts, credential_facts_batch

        register_provider(credential_facts, batch=credential_facts_batch, dated=True)

        from jianguan.registry import todo

        todo.register_all()
