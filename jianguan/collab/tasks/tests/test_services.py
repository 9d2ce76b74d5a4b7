"""Task journeys through the services: create and assign (outsiders refused, nothing saved),
move on the board by standing, comment with mentions (notified), attachments (type and size
checked), links (same project, visible only), overdue (to-do, notification once, project
warning)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.collab.tasks import services, workflow
from jianguan.collab.tasks.models import Task, TaskComment
from jianguan.collab.tasks.tests.conftest import JPEG
from jianguan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import today_local
from jianguan.core.todo import todo_for
from jianguan.ledger.models import LedgerEntry
from jianguan.workbench.notifications.models import Notification


def make(site, by="contractor", to="sub_staff", **over):
    a = site["actors"]
    args = dict(
        actor=a[by],
        project=site["project"],
        title="二层机电管线综合排布复核",
        due_on=today_local() + dt.timedelta(days=3),
        assignee_user_id=a[to].user_id,
        checklist=["核对桥架标高", "拍照上传"],
    )
    args.update(over)
    return services.task_create(**args)


def test_create_assigns_notifies_and_records(site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        task = make(site)
    staff = site["actors"]["sub_staff"]
    assert task.assignee_org == site["orgs"]["sub"] and task.assignee_user_id == staff.user_id
    assert [i.text for i in task.checklist.all()] == ["核对桥架标高", "拍照上传"]
    n = Notification.objects.get(user_id=staff.user_id, kind="collab_tasks.task_assigned")
    assert "二层机电管线综合排布复核" in n.title and n.url.endswith(f"/{task.pk}/")
    entry = LedgerEntry.objects.get(type="collab_tasks.task_created")
    assert entry.object_id == str(task.pk)
    items = [i for i in todo_for(staff, today_local()) if i.kind == "collab_tasks.task_assigned"]
    assert len(items) == 1 and not items[0].overdue and items[0].due == task.due_on
    # the organisation's other members do not get a task named to one person
    assert not [
        i for i in todo_for(site["actors"]["sub_admin"], today_local()) if "机电" in i.title
    ]


def test_task_for_an_organisation_reaches_its_members(site):
    task = make(site, assignee_user_id=None, assignee_org_id=site["orgs"]["sub"].pk)
    for who in ("sub_admin", "sub_staff"):
        titles = [i.title for i in todo_for(site["actors"][who], today_local())]
        assert any(task.title in t for t in titles)


@pytest.mark.parametrize(
    ("user", "org", "code"),
    [
        ("outsider", None, "assignee_not_in_project"),
        (None, "outsider", "assignee_not_in_project"),
        ("regulator", None, "assignee_not_in_project"),  # sees the project, no party of it
        ("sub_staff", "supervisor", "assignee_not_in_project"),  # not of that organisation
        (None, None, "assignee_missing"),
    ],
)
def test_assignee_outside_the_project_refused(site, user, org, code):
    a, o = site["actors"], site["orgs"]
    with pytest.raises(ValidationFailed) as exc:
        make(
            site,
            assignee_user_id=a[user].user_id if user else None,
            assignee_org_id=o[org].pk if org else None,
        )
    assert exc.value.code == code and "项目" in exc.value.message or code == "assignee_missing"
    assert (
        not Task.objects.exists()
        and not LedgerEntry.objects.filter(type__startswith="collab_tasks.").exists()
    )


def test_bad_input_refused_nothing_saved(site):
    with pytest.raises(ValidationFailed) as exc:
        make(site, title="  ")
    assert exc.value.message == "请填写任务名称"
    with pytest.raises(ValidationFailed) as exc:
        make(site, due_on=today_local() - dt.timedelta(days=1))
    assert exc.value.code == "due_in_past"
    with pytest.raises(ValidationFailed):
        make(site, priority="asap")
    with pytest.raises(PermissionDenied) as exc:
        make(site, by="regulator")  # reads every project, is no party of this one
    assert exc.value.code == "not_a_party"
    with pytest.raises(PermissionDenied):
        make(site, by="outsider")
    assert not Task.objects.exists()


def test_board_moves_by_standing(site, django_capture_on_commit_callbacks):
    a = site["actors"]
    task = make(site, by="supervisor")
    task = services.task_move(actor=a["sub_staff"], task=task, status=workflow.IN_PROGRESS)
    with pytest.raises(PermissionDenied) as exc:  # the assignee does not cancel
        services.task_move(actor=a["sub_staff"], task=task, status=workflow.CANCELLED)
    assert exc.value.code == "not_your_move"
    with pytest.raises(PermissionDenied):  # a party that is neither assignee nor manager
        services.task_move(actor=a["sub_admin"], task=task, status=workflow.IN_REVIEW)
    task = services.task_move(actor=a["sub_staff"], task=task, status=workflow.IN_REVIEW)
    with pytest.raises(PermissionDenied):  # accepting is for the creator or a manager
        services.task_move(actor=a["sub_staff"], task=task, status=workflow.DONE)
    with django_capture_on_commit_callbacks(execute=True):
        task = services.task_move(
            actor=a["supervisor"], task=task, status=workflow.DONE, note="复核无误"
        )
    assert task.status == workflow.DONE and task.completed_at is not None
    assert Notification.objects.filter(
        user_id=a["sub_staff"].user_id, kind="collab_tasks.task_status_changed"
    ).exists()
    with pytest.raises(ValidationFailed) as exc:
        services.task_move(actor=a["supervisor"], task=task, status=workflow.CANCELLED)
    assert exc.value.code == "transition_not_allowed"
    assert LedgerEntry.objects.filter(type="collab_tasks.task_status_changed").count() == 3
    # the owner's administrator manages the project: it may reopen
    task = services.task_move(actor=a["owner"], task=task, status=workflow.IN_PROGRESS)
    assert [e.text for e in task.events.all()][-1].startswith("状态由“已完成”改为“进行中”")


def test_reassign_inside_the_project_only(site):
    a, o = site["actors"], site["orgs"]
    task = make(site)
    with pytest.raises(ValidationFailed):
        services.task_assign(
            actor=a["contractor"],
            task=task,
            assignee_user_id=a["outsider"].user_id,
            assignee_org_id=None,
        )
    with pytest.raises(PermissionDenied):  # the assignee does not hand it on itself
        services.task_assign(
            actor=a["sub_staff"], task=task, assignee_user_id=None, assignee_org_id=o["sub"].pk
        )
    task = services.task_assign(
        actor=a["contractor"], task=task, assignee_user_id=None, assignee_org_id=o["sub"].pk
    )
    assert task.assignee_user_id is None and task.assignee_org == o["sub"]
    assert LedgerEntry.objects.filter(type="collab_tasks.task_assigned").exists()


def test_comment_mentions_notify_parties_only(site, django_capture_on_commit_callbacks):
    a = site["actors"]
    task = make(site)
    with django_capture_on_commit_callbacks(execute=True):
        c = services.comment_add(
            actor=a["sub_staff"],
            task=task,
            body="桥架已调整，请 @王监理 复核",
            mentions=[a["owner"].user_id],
        )
    assert c.mentions == sorted([a["owner"].user_id, a["supervisor"].user_id])
    for who in ("owner", "supervisor"):
        assert Notification.objects.filter(
            user_id=a[who].user_id, kind="collab_tasks.mentioned"
        ).exists()
    with pytest.raises(ValidationFailed) as exc:
        services.comment_add(
            actor=a["sub_staff"], task=task, body="请看", mentions=[a["outsider"].user_id]
        )
    assert exc.value.code == "mention_not_in_project"
    assert TaskComment.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.comment_add(actor=a["regulator"], task=task, body="督办")


def test_checklist_and_attachments(site):
    a = site["actors"]
    task = make(site)
    item = task.checklist.first()
    item = services.checklist_toggle(actor=a["sub_staff"], task=task, item_id=item.pk, done=True)
    assert item.done and item.done_by_id == a["sub_staff"].user_id
    with pytest.raises(NotFound):
        services.checklist_toggle(actor=a["sub_staff"], task=task, item_id=999999, done=True)
    photo = services.attachment_add(
        actor=a["sub_staff"], task=task, upload=SimpleUploadedFile("IMG_1.jpg", JPEG, "image/jpeg")
    )
    assert photo.is_photo and len(photo.sm3) == 64 and photo.name == "附件1.jpg"
    entry = LedgerEntry.objects.get(type="collab_tasks.attachment_added")
    assert photo.sm3 in bytes(entry.leaf_input).decode()  # the file's SM3 is in the entry
    with pytest.raises(ValidationFailed) as exc:
        services.attachment_add(
            actor=a["sub_staff"], task=task, upload=SimpleUploadedFile("x.exe", b"MZ\x90\x00" * 4)
        )
    assert exc.value.code == "bad_file_type"
    from django.test import override_settings

    with override_settings(COLLAB_TASK_MAX_FILE_BYTES=10), pytest.raises(ValidationFailed) as exc:
        services.attachment_add(
            actor=a["sub_staff"], task=task, upload=SimpleUploadedFile("b.jpg", JPEG, "image/jpeg")
        )
    assert exc.value.code == "file_too_large"
    assert task.attachments.count() == 1


def test_links_same_project_and_visible_only(site, world):
    from jianguan.projects.models import KeyNode
    from jianguan.projects.tests.test_services import create

    a = site["actors"]
    node = KeyNode.objects.filter(project=site["project"]).first()
    if node is None:
        pytest.skip("no key nodes on a new project")
    task = make(site, links=[("projects.key_node", node.pk)])
    assert task.links.get().label == node.name
    with pytest.raises(Conflict):
        services.link_add(
            actor=a["contractor"], task=task, kind="projects.key_node", object_id=node.pk
        )
    other = create(world, name="另一个项目")
    onode = KeyNode.objects.filter(project=other).first()
    with pytest.raises(ValidationFailed) as exc:
        services.link_add(actor=a["owner"], task=task, kind="projects.key_node", object_id=onode.pk)
    assert exc.value.code == "link_other_project"
    with pytest.raises(NotFound) as exc:  # the contractor does not see the other project
        services.link_add(
            actor=a["contractor"], task=task, kind="projects.key_node", object_id=onode.pk
        )
    assert exc.value.code == "link_target_not_found"
    with pytest.raises(ValidationFailed) as exc:
        services.link_add(actor=a["contractor"], task=task, kind="nothing", object_id=1)
    assert exc.value.code == "unknown_link_kind"


def test_overdue_feeds_todo_notification_and_warning(site, django_capture_on_commit_callbacks):
    from jianguan.projects.models import ProjectWarning
    from jianguan.projects.services.warnings import warnings_recompute

    a = site["actors"]
    task = make(site)
    later = task.due_on + dt.timedelta(days=10)
    (item,) = [i for i in todo_for(a["sub_staff"], later) if i.kind == "collab_tasks.task_assigned"]
    assert item.overdue
    assert services.overdue_sweep(today=later) == {"notified": 1}
    assert services.overdue_sweep(today=later) == {"notified": 0}  # once
    n = Notification.objects.get(user_id=a["sub_staff"].user_id, kind="collab_tasks.task_overdue")
    assert "逾期 10 天" in n.title and n.urgent
    assert Notification.objects.filter(
        user_id=a["contractor"].user_id, kind="collab_tasks.task_overdue"
    ).exists()
    warnings_recompute(project=site["project"], today=later)
    w = ProjectWarning.objects.get(
        project=site["project"], rule_code="collab_tasks_overdue", cleared_at__isnull=True
    )
    assert w.level == 2 and "逾期 10 天" in w.reason  # 7 ≤ 10 < 15 days: yellow
    services.task_move(actor=a["sub_staff"], task=task, status=workflow.DONE)
    warnings_recompute(project=site["project"], today=later)
    w.refresh_from_db()
    assert w.cleared_at is not None
