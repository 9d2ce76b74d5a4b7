"""Grants for document management (deny by default). Which projects each may reach is decided
per object in ``selectors`` (whoever sees the project sees its documents: its parties and the
district's regulator, finance bureau and auditors); writing is for the parties of the project."""

from jianguan.core.permissions import MEMBER_ROLES, pairs, register

WRITERS = ("org_admin", "admin", "staff", "signer")
# The kinds of organisation that take part in a project (projects.ParticipantRole): only they
# file documents or receive transmittals; the regulator, finance and auditors read.
PARTIES = (
    "owner",
    "surveyor",
    "designer",
    "general_contractor",
    "supervisor",
    "specialist_subcontractor",
    "labour_subcontractor",
)

register("collab_documents.view", "查看项目文件与图纸", pairs("*", MEMBER_ROLES))
# Upload and file, send transmittals: a party of the project (checked per project in services).
register("collab_documents.write", "上传项目文件、发送文件传递单", pairs(PARTIES, WRITERS))
# Acknowledge a transmittal sent to one's organisation.
register("collab_documents.acknowledge", "确认收到文件", pairs(PARTIES, MEMBER_ROLES))
