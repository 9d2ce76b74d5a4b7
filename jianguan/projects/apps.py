from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "jianguan.projects"
    label = "projects"
    verbose_name = "项目台账"

    def ready(self) -> None:
        from jianguan.projects import search

        search.register_all()

        from jianguan.core.demo import register_seeder

        register_seeder("projects", "jianguan.projects.demo:seed", order=30)

        from jianguan.projects import (
            permissions,  # noqa: F401  (registers grants)
            visibility,
        )

        visibility.register_all()

        from jianguan.projects import todo

        todo.register_all()

        from jianguan.projects import panels

        panels.register_all()
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

        from jianguan.ledger import labels

        labels.register(
            {
                "project.created": "登记项目",
                "project.updated": "修改项目信息",
                "project.transitioned": "推进项目阶段",
                "project.participant_added": "登记参建单位",
                "project.lead_filed": "备案项目负责人",
                "project.key_node_signed": "签署关键节点联合检查",
                "project.completion_signed": "签署竣工验收记录",
                "project.warning_changed": "预警等级变化",
                "map.boundary_uploaded": "上传行政区边界",
            }
        )
