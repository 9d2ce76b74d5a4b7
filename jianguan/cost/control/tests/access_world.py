"""投资控制与跟踪审计 subjects of the access matrix (tests/access/world.py calls ``subjects``):
on the matrix's own project, the demo persona "auditor"'s firm engaged for tracking audit (the
demo seeder's engagement where there is one; otherwise made here) and an open opinion of that
firm on a submitted claim of the project. Rows made directly (like a factory): the matrix asks
who may reach them, not what the workflow says."""

from __future__ import annotations


def subjects(S: dict, project, actor) -> None:
    from jianguan.contracts.models import PaymentClaim
    from jianguan.core.timeutil import today_local
    from jianguan.cost.control import workflow
    from jianguan.cost.control.models import Engagement, Opinion

    aud, owner = actor("auditor"), actor("owner")
    e = Engagement.objects.filter(project=project, ended_on__isnull=True).first()
    if e is not None and e.firm_id != aud.organisation_id:
        Engagement.objects.filter(pk=e.pk).update(ended_on=today_local())
        e = None
    if e is None:
        e = Engagement.objects.create(
            project=project,
            firm_id=aud.organisation_id,
            engaged_by_org_id=owner.organisation_id,
            engaged_by_id=owner.user_id,
            reference="矩阵委托-9001",
            started_on=today_local(),
        )
    claim = (
        PaymentClaim.objects.filter(contract__project=project, round__gt=0).order_by("pk").first()
    )
    o = Opinion.objects.create(
        engagement=e,
        project=project,
        contract=claim.contract,
        number="GZSJ-MATRIX-9001",
        subject_kind=workflow.CLAIM,
        subject_id=claim.pk,
        subject_label=claim.number,
        text="访问矩阵审计意见",
        raised_by_id=aud.user_id,
        due_on=today_local(),
    )
    S["opinion@own"] = {"pk": o.pk, "opinion_id": o.pk}
    S["project@own"]["claim_subject_id"] = claim.pk
    S["project@own"]["auditor_org_id"] = aud.organisation_id
