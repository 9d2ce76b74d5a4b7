"""What the workers sub-domain registers with the platform's registries (called from
SmartsiteConfig.ready()): grants, ledger labels, navigation, to-do items, demo seeder."""

from __future__ import annotations


def register_all() -> None:
    from jianguan.ledger import labels
    from jianguan.smartsite.workers import permissions  # noqa: F401  (registers grants)

    labels.register(
        {
            "smartsite.worker_registered": "工人实名登记",
            "smartsite.certificate_added": "登记工人证书",
            "smartsite.training_recorded": "登记安全教育培训",
            "smartsite.contract_signed": "签订劳动合同",
            "smartsite.worker_placed": "工人进场登记",
            "smartsite.worker_exited": "工人退场",
            "smartsite.gate_device_registered": "登记考勤闸机",
            "smartsite.entry_refused": "拒绝未实名或无合同人员进场",
            "smartsite.entry_alert_closed": "处理进场告警",
            "smartsite.attendance_recorded_manually": "劳资专管员补录考勤",
            "smartsite.worker_blacklisted": "工人列入黑名单",
            "smartsite.worker_blacklist_lifted": "工人移出黑名单",
        }
    )
    from jianguan.ledger import visibility
    from jianguan.workbench.notifications.events import register_event

    visibility.register("smartsite", "workerblacklistentry", _regulator_only)
    register_event("smartsite.entry_refused", "工人进场被拒绝")
    from jianguan.smartsite.workers import todo

    todo.register_all()

    from jianguan.web.nav import NavItem, register

    register(NavItem("smartsite", "智慧工地", "smartsite:index", "ti-helmet", "smartsite.view", 30))

    from jianguan.projects.links import ProjectLink, register_project_link

    register_project_link(
        ProjectLink(
            key="smartsite.workers",
            label="实名制与考勤",
            url_name="smartsite:project",
            icon="ti-id-badge-2",
            allowed=may_open_roster,
            order=40,
        )
    )

    from jianguan.core.demo import register_seeder

    register_seeder("smartsite_workers", "jianguan.smartsite.workers.demo:seed", order=85)


def may_open_roster(actor, project) -> bool:
    from jianguan.core.errors import DomainError
    from jianguan.smartsite.workers.selectors import scope_for

    try:
        scope_for(actor=actor, project=project)
    except DomainError:
        return False
    return True


def _regulator_only(actor, object_id: str) -> bool:
    # The personal blacklist's history is the regulator's, as the list itself is.
    return actor.is_kind("regulator")
