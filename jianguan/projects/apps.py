from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "jianguan.projects"
    label = "projects"
    verbose_name = "项目台账"

    def ready(self) -> None:
        from jianguan.projects import (
            permissions,  # noqa: F401  (registers grants)
            visibility,
        )

        visibility.register_all()
        from jianguan.web.nav import NavItem, register

        register(
            NavItem(
                "projects",
                "项目台账",
                "projects:register",
                "ti-list-details",
                "projects.view_own",
                20,
            )
        )
        register(
            NavItem("project_map", "一张图", "projects:map", "ti-map-2", "projects.view_own", 21)
        )

        from jianguan.core import periodic
        from jianguan.projects.services.warnings import warnings_recompute

        periodic.register("projects.warnings_recompute", 3600, lambda: warnings_recompute())
