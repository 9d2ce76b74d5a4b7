from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "jianguan.web"
    label = "web"
    verbose_name = "门户"

    def ready(self) -> None:
        # The ledger stores usernames and credit codes; pages show names (issue 16). The
        # ledger knows no accounts app, so the top layer tells it how to find the names.
        from jianguan.ledger.display import register_names
        from jianguan.web import nav  # noqa: F401  (registers the core menu)
        from jianguan.web.names import ledger_names

        register_names(ledger_names)

        from jianguan.web.panels import register_panel
        from jianguan.web.views import organisations_panel

        # The organisations by kind are the district's picture: the regulator's, once.
        register_panel(
            "organisations",
            provider=organisations_panel,
            order=90,
            permission="accounts.organisation.view",
            kinds=("regulator",),
        )
