"""Policy subjects of the access matrix (tests/access/world.py calls ``subjects``): a published
policy pushed to general contractors (the contractor's firm holds a receipt) with a PDF
attachment, and a draft with one. Rows made directly (like a factory): the matrix asks who may
reach them."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile

from jianguan.collab.policies import workflow
from jianguan.collab.policies.models import Policy, PolicyAttachment, PolicyReceipt

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _policy(user, status: str, title: str) -> Policy:
    policy = Policy.objects.create(
        title=title,
        issuer="访问矩阵",
        number="矩阵〔2026〕1号",
        issued_on=dt.date(2026, 1, 5),
        full_text="访问矩阵的政策全文。",
        tags=["矩阵"],
        status=status,
        target_kinds=["general_contractor"],
        created_by=user,
    )
    attachment = PolicyAttachment(policy=policy, name="原文", sm3="0" * 64, size=len(PDF))
    attachment.file.save(f"matrix-{policy.pk}.pdf", ContentFile(PDF), save=False)
    attachment.save()
    policy.matrix_attachment = attachment
    return policy


def subjects(S: dict, project, actor) -> None:
    reg, gc = actor("regulator"), actor("contractor")
    published = _policy(reg.user, workflow.PUBLISHED, "访问矩阵已发布政策")
    PolicyReceipt.objects.create(policy=published, organisation_id=gc.organisation_id)
    draft = _policy(reg.user, workflow.DRAFT, "访问矩阵政策草稿")
    for name, p in (("policy@published", published), ("policy@draft", draft)):
        a = p.matrix_attachment.pk
        S[name] = {"pk": p.pk, "policy_id": p.pk, "aid": a, "attachment_id": a}
