"""Grants for RFIs and submittals (deny by default). Which projects each may reach is decided
per object in ``selectors`` (a party of the project, or the district's regulator to see)."""

from jianguan.core.permissions import MEMBER_ROLES, pairs, register

PARTIES = (
    "owner",
    "general_contractor",
    "specialist_subcontractor",
    "labour_subcontractor",
    "supervisor",
    "designer",
    "surveyor",
)
WORKERS = ("org_admin", "admin", "staff", "signer")

register(
    "collab_rfis.view",
    "查看工作联系单与报审",
    # the parties and the district's regulator (who supervises overdue items); not finance or
    # auditors: questions between the parties are not theirs to read
    pairs(PARTIES, MEMBER_ROLES) + pairs("regulator", MEMBER_ROLES),
)
# Any party of a project may ask another a question and answer those put to it.
register("collab_rfis.rfi", "提出、答复工作联系单与技术核定单", pairs(PARTIES, WORKERS))
register(
    "collab_rfis.submit",
    "报审报验（施工单位）",
    pairs(("general_contractor", "specialist_subcontractor"), WORKERS),
)
register("collab_rfis.review", "审查报审报验（监理单位）", pairs("supervisor", WORKERS))
