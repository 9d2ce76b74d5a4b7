"""The district the access matrix runs against: the demo (``seed_demo``) plus the objects that
reach the states the matrix names, all driven through the services. Built once per module.

``build()`` returns a ``World``: personas (username -> User, with the extra "other" members
created through the accounts services) and subjects (name -> {param: value}) that fill the
path parameters of the routes, e.g. ``tender@published`` -> ``{"tender_id": 12, "pk": 12}``.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

OTHER_ORGS = {
    # persona: (organisation kind, roles) — a member of another organisation of the same kind
    "owner_other": ("owner", ["admin", "staff", "signer"]),
    "contractor_other": ("general_contractor", ["admin", "staff", "signer"]),
    "supervisor_other": ("supervisor", ["admin", "staff", "signer"]),
    "agency_other": ("tender_agency", ["admin", "staff"]),
    "auditor_other": ("auditor", ["staff", "reviewer"]),
    "insurer_other": ("insurer", ["admin", "staff"]),
}


@dataclass
class World:
    users: dict = field(default_factory=dict)  # persona -> User (anonymous absent)
    subjects: dict = field(default_factory=dict)  # name -> {param: value}
    # subject -> {username: relation persona}: the per-subject roles drawn at random
    # (committee members), so expert1…expert9 are judged as what they are for that subject.
    relations: dict = field(default_factory=dict)
    ledger: list = field(default_factory=list)  # [(type, state, index)]
    personas: list = field(default_factory=list)
    tokens: dict = field(default_factory=dict)
    clients: dict = field(default_factory=dict)
    # id fields of generated bodies -> the first object of their model (the same object on
    # SQLite and PostgreSQL, whose sequences, unlike SQLite's, survive rolled-back tests)
    first_ids: dict = field(default_factory=dict)


def _actor(username):
    from jianguan.accounts.actors import actor_for
    from jianguan.accounts.models import User

    return actor_for(User.objects.get(username=username))


def _other_members(world: World) -> None:
    from jianguan.accounts import demo as accounts_demo
    from jianguan.accounts import services
    from jianguan.accounts.models import Town
    from jianguan.core.actor import SYSTEM

    town = Town.objects.order_by("pk").first()
    for i, (persona, (kind, roles)) in enumerate(OTHER_ORGS.items()):
        name = f"矩阵测试另一{kind}单位{i}"
        org = services.organisation_create(
            actor=SYSTEM,
            name=name,
            kind=kind,
            credit_code=accounts_demo.demo_credit_code(name, "91"),
            legal_representative="测试",
            contact_name="测试",
            contact_phone="010-60000000",
            address="北京市大兴区",
            town=town,
        )
        user = services.user_create(
            actor=SYSTEM, username=persona, password=settings.DEMO_PASSWORD, display_name=persona
        )
        services.membership_grant(actor=SYSTEM, user=user, organisation=org, roles=roles)
    # an expert of another firm, on no committee: a login at a designer firm, role "expert"
    from jianguan.accounts.models import Organisation
    from jianguan.experts import services as experts

    firm = Organisation.objects.filter(kind="designer").order_by("-pk").first()
    user = services.user_create(
        actor=SYSTEM, username="expert_other", password=settings.DEMO_PASSWORD, display_name="x"
    )
    services.membership_grant(actor=SYSTEM, user=user, organisation=firm, roles=["expert"])
    experts.expert_register(
        actor=SYSTEM,
        name="矩阵外专家",
        title="senior",
        experience_years=20,
        specialties_codes=["J01"],
        employer=firm,
        user=user,
    )


def _logins_for(committee) -> None:
    """Drawn experts without a login get one (as the demo does at check-in)."""
    from jianguan.accounts import services as accounts
    from jianguan.core.actor import SYSTEM
    from jianguan.experts.models import Expert

    for m in committee.members.select_related("expert"):
        if m.expert.user_id is None:
            user = accounts.user_create(
                actor=SYSTEM,
                username=f"pingbiao{m.expert.pk}",
                password=settings.DEMO_PASSWORD,
                display_name=f"专家{m.expert.name}",
            )
            Expert.objects.filter(pk=m.expert.pk).update(user=user)


def _comprehensive_tender(project, title: str, n_bids: int = 3):
    """Owner creates and publishes a 综合评估法 tender; bidders seal bids; opening; unsealed."""
    from jianguan.tendering import demo as tdemo
    from jianguan.tendering import sealer
    from jianguan.tendering.evaluation.services import tender_evaluation_set
    from jianguan.tendering.models import Tender
    from jianguan.tendering.opening.services import bid_unseal, opening_close

    owner = _actor("owner")
    bidders = [_actor(f"bidder{i}") for i in range(1, n_bids + 1)]
    tender = tdemo._create(owner, project, title)
    tender_evaluation_set(actor=owner, tender=tender, config=tdemo.COMPREHENSIVE)
    tender = tdemo._publish(owner, tender)
    prices = ["28650000.00", "28990000.00", "29120000.00"]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sealed = [
            tdemo._bid(b, tender, p, work, work) for b, p in zip(bidders, prices, strict=True)
        ]
        tender = tdemo._deadline_now(tender)
        for (bid, private), bidder in zip(sealed, bidders, strict=True):
            key = sealer.unwrap_data_key(package=bid.package.path, private_pem=private)
            bid_unseal(actor=bidder, bid=bid, data_key_hex=key.hex())
    return opening_close(tender=Tender.objects.get(pk=tender.pk))


def _score_member(member, bids) -> None:
    from jianguan.accounts.actors import actor_for
    from jianguan.experts import services

    actor = actor_for(member.expert.user)
    for bid in bids:
        services.sheet_save(
            actor=actor,
            member=member,
            bid=bid,
            scores={
                "T1": ["15", "施工组织设计完整"],
                "T2": ["7", "措施可行"],
                "C1": ["4", "按业绩"],
            },
        )
    services.sheets_submit(actor=actor, member=member)


def _tenders_and_committees(world: World) -> None:
    from jianguan.core.timeutil import now
    from jianguan.experts import demo as edemo
    from jianguan.experts import services as experts
    from jianguan.experts.models import Committee, Member
    from jianguan.projects.models import Project
    from jianguan.tendering import services as tendering
    from jianguan.tendering.models import Bid, Candidate, Tender

    officer = _actor("regulator")
    owner = _actor("owner")
    used = Tender.objects.values("project_id")
    free = list(
        Project.objects.filter(owner_id=owner.organisation_id)
        .exclude(pk__in=used)
        .order_by("-stage", "code")
    )
    assert len(free) >= 2, "the owner needs two untendered projects for the matrix"
    # partly submitted: all present, the first member submitted, the others not yet
    partial = _comprehensive_tender(free[0], "矩阵：部分评分的评标委员会")
    committee = experts.committee_draw(
        actor=officer, tender=partial, needs=[("J01", 3), ("J02", 1), ("E01", 1)]
    )
    _logins_for(committee)
    members = list(committee.members.select_related("expert__user").order_by("pk"))
    for m in members:
        experts.member_check_in(actor=officer, member=m, present=True)
    present = list(
        Member.objects.filter(committee=committee, status="checked_in")
        .select_related("expert__user")
        .order_by("pk")
    )
    bids = list(Bid.objects.filter(tender=partial, status=Bid.OPENED))
    _score_member(present[0], bids)
    world.subjects["committee@partial"] = {"committee_id": committee.pk, "pk": committee.pk}
    world.subjects["tender@evaluation_partial"] = {"tender_id": partial.pk, "pk": partial.pk}
    world.subjects["member@partial_submitted"] = {"member_id": present[0].pk}
    world.subjects["member@partial_pending"] = {"member_id": present[1].pk}
    rel = {present[0].expert.user.username: "member_submitted"}
    for m in present[1:]:
        rel[m.expert.user.username] = "member_pending"
    for name in ("committee@partial", "tender@evaluation_partial"):
        world.relations[name] = rel
    world.relations["member@partial_submitted"] = {
        present[0].expert.user.username: "member_self",
        **{m.expert.user.username: "member_pending" for m in present[1:]},
    }
    world.relations["member@partial_pending"] = {
        present[1].expert.user.username: "member_self",
        present[0].expert.user.username: "member_submitted",
        **{m.expert.user.username: "member_pending" for m in present[2:]},
    }
    # awarded: scored, computed, signed, publicity over, award to the first candidate, revealed
    awarded = _comprehensive_tender(free[1], "矩阵：已定标的综合评估法招标")
    committee = experts.committee_draw(
        actor=officer, tender=awarded, needs=[("J01", 3), ("J02", 1), ("E01", 1)]
    )
    _logins_for(committee)
    edemo._score(officer, Committee.objects.get(pk=committee.pk))
    Tender.objects.filter(pk=awarded.pk).update(publicity_until=now() - dt.timedelta(seconds=1))
    first = Candidate.objects.get(tender=awarded, rank=1)
    award = tendering.award_decide(
        actor=owner, tender=Tender.objects.get(pk=awarded.pk), candidate=first
    )
    experts.committee_reveal(actor=officer, committee=Committee.objects.get(pk=committee.pk))
    world.subjects["tender@awarded"] = {"tender_id": awarded.pk, "pk": awarded.pk}
    world.subjects["committee@awarded"] = {"committee_id": committee.pk, "pk": committee.pk}
    world.subjects["award@awarded"] = {"award_id": award.pk}
    win = award.bid
    world.subjects["bid@awarded_won"] = {"bid_id": win.pk, "pk": win.pk}
    _member_relations(world, "committee@awarded", committee)
    world.relations["tender@awarded"] = world.relations["committee@awarded"]


def _member_relations(world: World, subject: str, committee) -> None:
    from jianguan.experts.models import Member, Sheet

    rel = {}
    for m in Member.objects.filter(committee=committee).select_related("expert__user"):
        if not m.expert.user_id or m.status == "declined":
            continue
        if Sheet.objects.filter(member=m, submitted_at__isnull=False).exists():
            rel[m.expert.user.username] = "member_submitted"
        else:
            rel[m.expert.user.username] = (
                "member_pending" if m.status == "checked_in" else "member_drawn"
            )
    world.relations[subject] = rel


MISSING = 999999


def _subjects(world: World) -> None:
    """Named objects whose ids fill the routes' path parameters."""
    from jianguan.accounts.models import Membership
    from jianguan.compliance import models as cm
    from jianguan.contracts.models import AcceptanceItem, Contract, PaymentClaim, Variation
    from jianguan.experts.models import Committee, Expert
    from jianguan.projects.models import KeyNode, Participant, ProjectLead
    from jianguan.registry.models import Qualification, RegisteredPerson
    from jianguan.rules.models import Rule
    from jianguan.tendering.models import Bid, Tender, TenderDocument

    S = world.subjects
    org = {
        u: Membership.objects.filter(user__username=u).first().organisation
        for u in ("owner", "contractor", "supervisor", "auditor", "regulator")
    }
    bidder_orgs = set(
        Membership.objects.filter(user__username__startswith="bidder").values_list(
            "organisation_id", flat=True
        )
    )

    def t(name, tender):
        from jianguan.tendering.models import OcdsRelease

        rel = OcdsRelease.objects.filter(tender=tender).first()
        S[name] = {
            "tender_id": tender.pk,
            "pk": tender.pk,
            "code": tender.code,
            "lot_number": 1,
            "ocid": rel.ocid if rel else f"ocds-none-{tender.code}",
        }

    by_status = {x.status: x for x in Tender.objects.order_by("pk")}
    t("tender@draft", by_status["draft"])
    t("tender@published", by_status["published"])
    t("tender@failed", by_status["failed"])
    t("tender@cancelled", by_status["cancelled"])
    t("tender@publicity", by_status["publicity"])
    opened = (
        Tender.objects.filter(status="evaluation", committee__members__status="drawn")
        .distinct()
        .first()
    )
    t("tender@opened", opened)
    S["tender@evaluation_partial"].update(
        code=Tender.objects.get(pk=S["tender@evaluation_partial"]["pk"]).code, lot_number=1
    )
    S["tender@awarded"].update(
        code=Tender.objects.get(pk=S["tender@awarded"]["pk"]).code, lot_number=1
    )
    for name in ("tender@evaluation_partial", "tender@awarded"):
        tt = Tender.objects.get(pk=S[name]["pk"])
        t(name, tt)
    S["tender@awarded"]["award_id"] = S["award@awarded"]["award_id"]
    c_open = Committee.objects.get(tender=opened)
    S["committee@drawn"] = {"committee_id": c_open.pk, "pk": c_open.pk}
    c_all = Committee.objects.get(tender=by_status["publicity"])
    S["committee@all_submitted"] = {"committee_id": c_all.pk, "pk": c_all.pk}
    _member_relations(world, "committee@drawn", c_open)
    _member_relations(world, "committee@all_submitted", c_all)
    world.relations["tender@opened"] = world.relations["committee@drawn"]
    # The collusion report of that tender (its page's pk is the report's, not the tender's).
    from jianguan.tendering.models import CollusionReport

    report = (
        CollusionReport.objects.filter(tender=opened).order_by("pk").first()
        or CollusionReport.objects.order_by("pk").first()
    )
    S["collusion@opened"] = {"pk": report.pk if report else MISSING}
    world.relations["collusion@opened"] = world.relations["committee@drawn"]
    world.relations["tender@publicity"] = world.relations["committee@all_submitted"]
    own_gc = org["contractor"].pk

    def bid(name, tender):
        b = Bid.objects.filter(tender=tender, bidder_id=own_gc).first()
        S[name] = {"bid_id": b.pk, "pk": b.pk}

    bid("bid@published", by_status["published"])  # bidder1's (= contractor's firm) sealed bid
    bid("bid@opened", opened)
    bid("bid@publicity", by_status["publicity"])
    doc = TenderDocument.objects.filter(tender=by_status["published"]).first()
    S["tender@published"]["doc_pk"] = doc.pk if doc else MISSING
    draft_doc = TenderDocument.objects.filter(tender=by_status["draft"]).first()
    S["tender@draft"]["doc_pk"] = draft_doc.pk if draft_doc else MISSING

    flagship = Contract.objects.filter(claims__isnull=False, kind="main").order_by("pk").first()
    S["contract@own"] = {"contract_id": flagship.pk, "pk": flagship.pk}
    other = (
        Contract.objects.filter(kind="main")
        .exclude(employer=org["owner"])
        .exclude(contractor_id__in=bidder_orgs | {own_gc})
        .exclude(supervisor=org["supervisor"])
        .exclude(auditor=org["auditor"])
        .first()
        or Contract.objects.filter(kind="main")
        .exclude(employer=org["owner"])
        .exclude(contractor_id__in=bidder_orgs | {own_gc})
        .first()
    )
    S["contract@other"] = {"contract_id": other.pk, "pk": other.pk}
    sub = Contract.objects.filter(kind="subcontract").first()
    S["contract@sub"] = {"contract_id": sub.pk, "pk": sub.pk}
    proj = flagship.project
    S["project@own"] = {"project_id": proj.pk, "pk": proj.pk}
    S["project@other"] = {"project_id": other.project_id, "pk": other.project_id}
    node = KeyNode.objects.filter(project=proj).first()
    S["project@own"]["node_id"] = S["project@own"]["node_pk"] = node.pk
    onode = KeyNode.objects.filter(project=other.project).first()
    S["project@other"]["node_id"] = S["project@other"]["node_pk"] = onode.pk
    lead = ProjectLead.objects.filter(project=proj).first()
    S["project@own"].update(lead_pk=lead.pk if lead else MISSING, which="authorisation")
    olead = ProjectLead.objects.filter(project=other.project).first()
    S["project@other"].update(lead_pk=olead.pk if olead else MISSING, which="authorisation")
    # the general contractor of each project: a participant to name in the pages' forms
    for name, project in (("project@own", proj), ("project@other", other.project)):
        gc = Participant.objects.filter(
            project=project, role="general_contractor", is_active=True
        ).first()
        S[name]["gc_org"] = gc.organisation_id if gc else MISSING
    S["project@own"]["project_type"] = "other"
    S["project@other"]["project_type"] = S["project@own"]["project_type"]

    for name, status in (
        ("claim@draft", "draft"),
        ("claim@finance", "finance"),
        ("claim@finance_before_audit", "audit"),
        ("claim@after_audit", "approved"),
        ("claim@paid", "paid"),
    ):
        c = PaymentClaim.objects.filter(status=status).order_by("pk").first()
        S[name] = {"cid": c.pk, "contract_id": c.contract_id}
    v = Variation.objects.filter(contract=flagship).order_by("pk").first()
    S["variation@own"] = {"vid": v.pk}
    ov = (
        Variation.objects.exclude(contract=flagship)
        .exclude(contract__employer=org["owner"])
        .first()
    )
    S["variation@other"] = {"vid": ov.pk if ov else MISSING}
    a = AcceptanceItem.objects.filter(contract=flagship).order_by("pk").first()
    S["acceptance@own"] = {"aid": a.pk}

    S["org@owner"] = {
        "org_id": org["owner"].pk,
        "organisation_id": org["owner"].pk,
        "pk": org["owner"].pk,
    }
    S["org@contractor"] = {"org_id": own_gc, "organisation_id": own_gc, "pk": own_gc}
    order = cm.RectificationOrder.objects.order_by("pk").first()
    S["order@any"] = {"order_id": order.pk, "pk": order.pk, "kind": "evidence", "file_id": MISSING}
    insp = cm.Inspection.objects.order_by("pk").first()
    S["inspection@any"] = {"inspection_id": insp.pk}
    sanc = cm.Sanction.objects.order_by("pk").first()
    S["sanction@any"] = {"sanction_id": sanc.pk, "pk": sanc.pk}
    rec = cm.CreditRecord.objects.order_by("pk").first()
    S["credit_record@any"] = {"record_id": rec.pk, "pk": rec.pk}
    person = RegisteredPerson.objects.order_by("pk").first()
    S["person@any"] = {"person_id": person.pk, "pk": person.pk}
    # a person of the project register (质量终身责任), not of the qualification registry
    lead = ProjectLead.objects.order_by("pk").select_related("person").first()
    S["lead_person@any"] = {"pk": lead.person_id}
    q = Qualification.objects.order_by("pk").first()
    S["qualification@any"] = {"pk": q.pk}
    e = Expert.objects.filter(user__username="expert1").first()
    S["expert@expert1"] = {"expert_id": e.pk}
    S["member@awarded"] = {
        "member_id": Committee.objects.get(pk=S["committee@awarded"]["pk"])
        .members.order_by("pk")
        .first()
        .pk
    }
    world.relations["member@awarded"] = world.relations["committee@awarded"]
    rule = Rule.objects.order_by("pk").first()
    S["rule@any"] = {"code": rule.code}
    S["ledger@first"] = {"index": 0}
    S["document@issued"] = {"code": _issued_document_code()}
    S["document@unknown"] = {"code": "0000000000"}
    _onboarding_subjects(S)
    _site_subjects(S, proj)
    _bim_subjects(S, proj)
    _collab_subjects(S, proj)
    _wage_subjects(S)
    S["help@any"] = {"module": "tendering"}  # 操作说明 of one module
    try:
        from jianguan.tendering.models import Entrustment

        ent = Entrustment.objects.order_by("pk").first()
    except ImportError:
        ent = None
    S["entrustment@own"] = {
        "entrustment_id": ent.pk if ent else MISSING,
        "pk": ent.pk if ent else MISSING,
        "project_id": ent.project_id if ent else MISSING,
        "agency_id": ent.agency_id if ent else MISSING,
    }
    from jianguan.accounts.models import User
    from jianguan.workbench.notifications.services import notify

    # A notification of the regulator's: every other persona must get 404 for it.
    (note,) = notify(
        recipients=[User.objects.get(username="regulator")],
        kind="workbench.message",
        title="访问矩阵：监管人员的通知",
    )
    S["notification@regulator"] = {"notification_id": note.pk, "pk": note.pk}
    # A complaint of bidder1's (= the contractor's firm) on the awarded tender, for the
    # complaint pages: the complainant and the supervising department see it, nobody else.
    from jianguan.core.timeutil import today_local
    from jianguan.tendering.services.complaints import complaint_file

    complaint = complaint_file(
        actor=_actor("bidder1"),
        tender=Tender.objects.get(pk=S["tender@awarded"]["pk"]),
        subject="other",
        text="访问矩阵：对评标过程的投诉",
        known_on=today_local(),
    )
    S["complaint@awarded"] = {"complaint_id": complaint.pk, "pk": complaint.pk}
    S["missing"] = {
        k: MISSING
        for k in (
            "objection_id",
            "upload_id",
            "number",
            "complaint_id",
            "application_id",
            "query_id",
            "appeal_id",
            "bid_id",
            "award_id",
            "pk",
            "entrustment_id",
            "cid",
            "vid",
            "aid",
            "file_id",
            "rest",
        )
    }
    S["missing"]["kind"] = "evidence"
    S["missing"]["rest"] = "nope"
    S["none"] = {}


def _env_alert(project) -> int:
    """A sustained night-noise alert of a monitor on the contractor's own site."""
    import datetime as dt
    from decimal import Decimal

    from jianguan.core.actor import SYSTEM
    from jianguan.smartsite import hj212
    from jianguan.smartsite.alerts.services import alerts_from_readings
    from jianguan.smartsite.monitors.services import Incoming, device_register, readings_ingest

    device, _ = device_register(actor=SYSTEM, project=project, mn="MATRIX-ENV-01", name="矩阵场界")
    items = []
    for minute in range(3):
        at = dt.datetime(2026, 11, 30, 23, minute)
        text = hj212.build_frame(
            qn=f"{at:%Y%m%d%H%M%S}000",
            st="39",
            cn="2011",
            pw="",
            mn=device.mn,
            flag=5,
            cp={"DataTime": f"{at:%Y%m%d%H%M%S}", "Leq-Rtd": Decimal("66.0")},
        )
        items.append(Incoming(source="hj212", text=text, mn=device.mn, parsed=hj212.parse(text)))
    alerts_from_readings(readings_ingest(actor=SYSTEM, items=items).readings)
    from jianguan.smartsite.alerts.models import EnvAlert

    return EnvAlert.objects.get(device=device).pk, device.pk


def _site_subjects(S: dict, project) -> None:
    """A camera, a danger zone and a photo on the contractor's own site (smart site pages)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from jianguan.smartsite.images import services as site

    contractor = _actor("contractor")
    camera = site.camera_register(
        actor=contractor, project=project, name="访问矩阵摄像机", stream_url="rtsp://10.0.0.9/1"
    )
    lon, lat = float(project.longitude), float(project.latitude)
    ring = [[lon, lat], [lon + 0.001, lat], [lon + 0.001, lat + 0.001], [lon, lat]]
    zone = site.danger_zone_draw(
        actor=contractor,
        project=project,
        name="访问矩阵危险区域",
        kind="other",
        polygon={"type": "Polygon", "coordinates": [ring]},
    )
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG")
    (image,) = site.images_upload(
        actor=contractor,
        project=project,
        kind="photo",
        files=[SimpleUploadedFile("p.jpg", out.getvalue(), "image/jpeg")],
    )
    S["camera@own"] = {"pk": camera.pk, "camera_id": camera.pk}
    alert_pk, device_pk = _env_alert(project)
    S["envalert@own"] = {"pk": alert_pk, "alert_id": alert_pk}
    S["device@own"] = {"pk": device_pk}
    S["zone@own"] = {"pk": zone.pk, "zone_id": zone.pk}
    S["siteimage@own"] = {"pk": image.pk, "size": "thumb", "image_id": image.pk}
    _hazard_subjects(S, contractor, camera, image)


def _hazard_subjects(S: dict, contractor, camera, image) -> None:
    """A calibrated camera, and the photo's analysis with a bare head: an open candidate."""
    from jianguan.hazard import services as hazard
    from jianguan.hazard.models import HazardCandidate
    from jianguan.hazard.services_analysis import analysis_record

    points = [
        [0, 8, 116.33, 39.72],
        [8, 8, 116.331, 39.72],
        [8, 0, 116.331, 39.721],
        [0, 0, 116.33, 39.721],
    ]
    hazard.calibration_set(actor=contractor, camera=camera, points=points, width=8, height=8)
    analysis_record(
        image=image, detections=[("no_helmet", 0.9, (1, 1, 6, 7))], model_version="matrix"
    )
    c = HazardCandidate.objects.get(best_image=image)
    S["candidate@own"] = {"pk": c.pk, "candidate_id": c.pk}


def _bim_subjects(S: dict, project) -> None:
    """A ready model revision, a clash set with a clash, a BoQ mapping, an upload (issue 19)."""
    from jianguan.bim.tests.access_world import subjects

    subjects(S, project, _actor("contractor"))


# Each collaboration app binds its own subjects (issue 20): <module>.subjects(S, project, actor)
# where actor(username) gives a demo persona's Actor.
COLLAB_WORLDS = [
    f"jianguan.collab.{app}.tests.access_world"
    for app in ("tasks", "schedule", "documents", "rfis", "dailylogs", "policies")
] + [
    f"jianguan.cost.{app}.tests.access_world"
    for app in ("payments", "settlement", "audit", "control")
]


def _collab_subjects(S: dict, project) -> None:
    import importlib

    for name in COLLAB_WORLDS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.subjects(S, project, _actor)


def _wage_subjects(S: dict) -> None:
    """The demo's payroll (the contractor's first site with workers) and an arrears case on it,
    opened by the scan as if its pay day had passed."""
    import datetime as dt

    from jianguan.smartsite.wages.arrears.services import arrears_scan
    from jianguan.smartsite.wages.models import Payroll, WageArrears
    from jianguan.smartsite.workers.models import WorkerBlacklistEntry

    payroll = Payroll.objects.order_by("pk").first()
    if not WageArrears.objects.filter(payroll=payroll).exists():
        arrears_scan(today=payroll.due_on + dt.timedelta(days=1))
    arrears = WageArrears.objects.get(payroll=payroll)
    S["payroll@own"] = {
        "project_id": payroll.project_id,
        "payroll_id": payroll.pk,
        "pk": payroll.pk,
    }
    S["wagearrears@own"] = {"arrears_id": arrears.pk, "pk": arrears.pk}
    worker_id = payroll.lines.order_by("pk").values_list("worker_id", flat=True).first()
    S["payroll@own"]["worker_id"] = worker_id
    S["worker@own"] = {"pk": payroll.project_id, "project_id": payroll.project_id}
    S["worker@own"]["worker_id"] = worker_id
    entry = WorkerBlacklistEntry.objects.order_by("pk").first()  # the demo's
    S["workerblacklist@any"] = {"pk": entry.pk, "entry_id": entry.pk}


def _onboarding_subjects(S: dict) -> None:
    """An application with its status page's secret (and a wrong one), the owner's own
    membership (staff pages), a forged reset link."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jianguan.accounts import demo as accounts_demo
    from jianguan.accounts.models import Membership
    from jianguan.accounts.onboarding import services as onboarding
    from jianguan.accounts.onboarding.demo import LICENCE_PDF
    from jianguan.core.actor import ANONYMOUS

    app, token = onboarding.application_submit(
        actor=ANONYMOUS,
        client_address="matrix",
        licence=SimpleUploadedFile("licence.pdf", LICENCE_PDF, "application/pdf"),
        name="矩阵测试入驻申请单位",
        kind="general_contractor",
        credit_code=accounts_demo.demo_credit_code("矩阵测试入驻申请单位", "91"),
        legal_representative="测试",
        admin_name="测试",
        admin_phone="13900000000",
        admin_email="matrix-applicant@example.cn",
    )
    S["application@submitted"] = {
        "pk": app.pk,
        "application_id": app.pk,
        "number": app.number,
        "token": token,
    }
    S["application@wrong_token"] = {"pk": app.pk, "number": app.number, "token": "wrong"}
    S["staff@owner"] = {"pk": Membership.objects.get(user__username="owner").pk}
    S["reset@bogus"] = {"uidb64": "MQ", "token": "bad-token"}


def _issued_document_code() -> str:
    """The verification code of a document issued in the district (a project's sign)."""
    from jianguan.core.actor import SYSTEM
    from jianguan.ledger.models import IssuedDocument
    from jianguan.projects.models import Project
    from jianguan.projects.pdf import responsibility_sign_document

    project = Project.objects.order_by("pk").first()
    responsibility_sign_document(actor=SYSTEM, project=project)
    return IssuedDocument.objects.order_by("-pk").values_list("code", flat=True).first()


def _credentials(world: World) -> None:
    """An API token and a logged-in page client for every persona and every relation user."""
    from django.test import Client

    from jianguan.accounts.models import User
    from jianguan.accounts.services import api_token_create
    from jianguan.core.actor import SYSTEM

    names = set(world.personas) - {"anonymous"}
    for rel in world.relations.values():
        names.update(rel)
    for user in User.objects.filter(username__in=names):
        _, secret = api_token_create(actor=SYSTEM, user=user, name="matrix")
        world.tokens[user.username] = secret
        client = Client()
        client.force_login(user)
        # The matrix saves no session on its requests (test_matrix.py) and runs for longer than
        # the 30-minute idle limit on a loaded CI machine: the sessions outlive the module.
        session = client.session
        session.set_expiry(24 * 3600)
        session.save()
        world.clients[user.username] = client
    world.clients["anonymous"] = Client()
    # Marked as used a moment from now: a token's last use is stamped at most once a minute,
    # and every matrix request is rolled back, so each would otherwise stamp it again (one
    # UPDATE per API request of the matrix, none of it what the matrix is about).
    from jianguan.accounts.models import ApiToken
    from jianguan.core.timeutil import now

    ApiToken.objects.filter(name="matrix").update(last_used_at=now() + dt.timedelta(days=1))


def build() -> World:
    from django.test import TestCase

    from tests.access import engine

    world = World(personas=engine.load()["personas"])
    # The demo itself is the session's district (tests/district.py), already seeded.
    with TestCase.captureOnCommitCallbacks(execute=True):
        _tenders_and_committees(world)
        _other_members(world)  # after the draws: expert_other sits on no committee
        _subjects(world)
        _credentials(world)
    world.first_ids = _first_ids()
    random.seed(0)
    return world


def _first_ids() -> dict:
    """What a generated body's id fields name: the first object of each model, as pk 1 is on
    SQLite, whose sequences roll back with the tests before the district."""
    from jianguan.accounts.models import Organisation, Town
    from jianguan.projects.models import Project
    from jianguan.tendering.models import Award, Bid, Candidate, Tender

    def first(model) -> int:
        return model.objects.order_by("pk").values_list("pk", flat=True).first()

    org = first(Organisation)
    return {
        **dict.fromkeys(engine_id_fields(), org),
        "town": first(Town),
        "project_id": first(Project),
        "tender_id": first(Tender),
        "bid_id": first(Bid),
        "candidate_id": first(Candidate),
        "award_id": first(Award),
    }


def engine_id_fields() -> tuple[str, ...]:
    """The organisation id fields of the API's bodies."""
    return (
        "owner",
        "organisation",
        "organisation_id",
        "responsible_organisation_id",
        "contractor_id",
        "agency_id",
    )
