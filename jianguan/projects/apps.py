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
