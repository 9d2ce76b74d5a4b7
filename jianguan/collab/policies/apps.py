from django.apps import AppConfig


class CollabPoliciesConfig(AppConfig):
    name = "jianguan.collab.policies"
    label = "collab_policies"
    verbose_name = "政策推送"

    def ready(self) -> None:
        # Grants, ledger words, to-do items, navigation, warnings and the demo seeder.
        from jianguan.collab.policies import setup

        setup.register_all()
