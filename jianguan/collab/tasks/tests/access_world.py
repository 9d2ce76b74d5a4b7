"""Task and meeting subjects of the access matrix (tests/access/world.py calls ``subjects``):
on the matrix's own project, a task the contractor gave to its own organisation with a
checklist item, a photo and a link, and a draft meeting the contractor organised. Rows made
directly (like a factory): the matrix asks who may reach them."""

from __future__ import annotations

from jianguan.collab.tasks.models import ChecklistItem, Meeting, Task, TaskAttachment


def subjects(S: dict, project, actor) -> None:
    from django.core.files.base import ContentFile

    from jianguan.core.timeutil import now

    gc = actor("contractor")
    task = Task.objects.create(
        project=project,
        title="访问矩阵任务",
        assignee_org_id=gc.organisation_id,
        created_by_id=gc.user_id,
        creator_org_id=gc.organisation_id,
    )
    item = ChecklistItem.objects.create(task=task, text="检查项")
    photo = TaskAttachment(
        task=task, name="附件1.png", is_photo=True, size=8, sm3="0" * 64, uploaded_by_id=gc.user_id
    )
    photo.file.save("matrix-task.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=False)
    photo.save()
    meeting = Meeting.objects.create(
        project=project,
        title="访问矩阵会议",
        starts_at=now(),
        created_by_id=gc.user_id,
        organiser_org_id=gc.organisation_id,
    )
    S["project@own"]["item_id"] = item.pk
    # A link's target is named, not generated: a generated object_id (1) names nothing on
    # PostgreSQL, whose sequences survive the rolled-back tests before the district.
    from jianguan.projects.models import KeyNode

    node = KeyNode.objects.filter(project=project).order_by("pk").first() or (
        KeyNode.objects.create(project=project, code="matrix", name="访问矩阵节点", sequence=99)
    )
    S["task@own"] = {
        "pk": task.pk,
        "task_id": task.pk,
        "item_id": item.pk,
        "file_id": photo.pk,
        "node_id": node.pk,
    }
    S["meeting@own"] = {"pk": meeting.pk, "meeting_id": meeting.pk}
