"""Demo tenders in every state, with sealed demo bids whose private keys are kept in
``DATA_DIR/demo-keys/`` so that an opening can be tried by hand. Through the services.

A believable timeline: each tender is published, bid on, opened or cancelled on its own day
in the past (``_clock``), so that documents are issued before the sale ends, the deadline
falls at least the statutory 20 days later (招标投标法 第二十四条), bids arrive before it
and the opening happens at it; only a tender still open for bids has its deadline ahead. The
committees (the experts' seeder, later) then evaluate "today", so publicity runs from today.
Titles are the project's own name and the lot: no demo marker in any public text (the footer
says the install holds demo data).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.accounts.actors import actor_for
from jianguan.accounts.models import Organisation, User
from jianguan.core import private_files
from jianguan.core.demo import clock as demo_clock
from jianguan.core.timeutil import now
from jianguan.projects.models import Project
from jianguan.tendering import access, demo_documents, sealer, services
from jianguan.tendering.evaluation.services import tender_evaluation_set
from jianguan.tendering.models import Bid, Entrustment, Tender
from jianguan.tendering.opening.services import bid_unseal, opening_close, tender_open

README = """大兴区建管云演示：投标加密私钥

每个子目录是一个招标项目，内含各演示投标人为该项目生成的私钥（PKCS#8 PEM）。
开标解密时，投标人在本机用私钥解出数据密钥，再提交给平台：

  python -m jianguan.tendering.sealer unwrap --key <投标人>.pem --package <密封包.zip>

密封包可在平台“我的投标”中查看回执；私钥绝不上传平台。
"""


# 综合评估法 as the demo's evaluated tender publishes it (parameters frozen with it).
COMPREHENSIVE = {
    "method": "comprehensive",
    "criteria": [
        {
            "part": "technical",
            "code": "T1",
            "label": "施工组织设计",
            "max_points": "20",
            "subjective": True,
        },
        {
            "part": "technical",
            "code": "T2",
            "label": "质量安全保证措施",
            "max_points": "10",
            "subjective": True,
        },
        {
            "part": "commercial",
            "code": "C1",
            "label": "类似工程业绩",
            "max_points": "5",
            "subjective": False,
        },
    ],
    "credit_points": "5",
    "price": {
        "max_points": "60",
        "k_set": ["0", "0.01", "0.02", "0.03"],
        "e_above": "1",
        "e_below": "0.5",
    },
}


def _clock(at: dt.datetime):
    """Tendering's services on the clock of `at` (core.demo.clock)."""
    return demo_clock(at, "jianguan.tendering")


def _actor(username: str):
    user = User.objects.filter(username=username).first()
    return actor_for(user) if user else None


def _keys_dir() -> Path:
    """Owner-only, like every key: with these a reader could open the demo bids early."""
    path = private_files.private_dir(Path(settings.DATA_DIR) / "demo-keys")
    private_files.write_private(path / "README.txt", README)
    return path


def _pdf(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def _entrust(owner, agency, project):
    """The owner entrusts the demo agency with the project's 施工招标 (委托合同 as a PDF),
    through the service; an entrustment in force already is kept (seeding twice adds none)."""
    held = access.active_entrustments().filter(project=project, agency_id=agency.organisation_id)
    if held.exists():
        return held.first()
    start = access.today()
    end = start.replace(year=start.year + 1, day=min(start.day, 28))
    firm = Organisation.objects.get(pk=agency.organisation_id)
    contract = demo_documents.entrustment_contract(
        project, owner=project.owner.name, agency=firm.name, starts_on=start, ends_on=end
    )
    return services.entrustment_create(
        actor=owner,
        project=project,
        agency=firm,
        scope="施工招标",
        starts_on=start,
        ends_on=end,
        contract_file=_pdf(f"{project.code}-招标代理委托合同.pdf", contract),
    )


def _create(owner, project, title: str = "", estimate="30000000", invitees=()):
    """The tender is named after its project, so a tender always sits under the works it
    buys (a school's tender under the school); the access matrix's world names its own."""
    ceiling = f"{int(estimate) * 0.98:.2f}"
    bond = f"{min(int(estimate) * 0.02, 800000):.2f}"
    return services.tender_create(
        actor=owner,
        project=project,
        title=title or f"{project.name}施工总承包",
        procedure="invited" if invitees else "open_post",
        estimate=estimate,
        lots=[{"title": "施工总承包", "price_ceiling": ceiling, "bond_amount": bond}],
        invitees=invitees,
        description=f"{project.name}施工总承包招标，工程概况、招标范围与评标办法详见招标文件。",
    )


def _publish(owner, tender):
    start = now() + dt.timedelta(minutes=1)
    tender.documents_from = start
    tender.sale_end = start + dt.timedelta(days=5)
    tender.bid_deadline = start + dt.timedelta(days=21, hours=2)
    project = tender.project
    agency = tender.agency.name if tender.agency_id else ""
    documents = demo_documents.tender_documents(
        tender, project, tenderer=project.owner.name, agency=agency
    )
    return services.tender_publish(
        actor=owner,
        tender=tender,
        documents_from=tender.documents_from,
        sale_end=tender.sale_end,
        bid_deadline=tender.bid_deadline,
        documents=_pdf("招标文件.pdf", documents),
    )


def _machine(name: str) -> dict:
    digest = hashlib.sha256(name.encode()).hexdigest()
    return {
        "kind": "python",
        "hostname_sm3": digest,
        "mac_sm3": digest[::-1],
        "mac_random": False,
        "user_sm3": digest[:32] * 2,
        "platform": "Windows-10",
        "sealer_version": "1",
    }


def _bid(bidder, tender, price: str, folder: Path, work: Path, ring: bool = False):
    """A demo bid sealed on the bidder's own machine — or, for the ring, on one shared
    machine and with one shared bond account (条例 40 一、六)."""
    private, public = sealer.generate_keypair()
    services.bidder_key_register(actor=bidder, tender=tender, public_pem=public.decode())
    private_files.write_private(folder / f"{bidder.username}.pem", private)
    source = work / f"{bidder.username}-技术标.pdf"
    firm = Organisation.objects.get(pk=bidder.organisation_id).name
    # the ring's bids come off one laptop, from one template (实施条例 40 一、四)
    variant = 0 if ring else int("".join(filter(str.isdigit, bidder.username)) or bidder.user_id)
    source.write_bytes(demo_documents.technical_bid(tender.title, firm, 540, variant))
    package = work / f"{tender.code}-{bidder.username}.zip"
    sealer.seal(
        files=[source],
        summary={"price": price, "duration_days": 540, "quality": "合格", "safety": "零事故"},
        recipient_public_pem=public,
        out=package,
        fingerprint=_machine("ring-laptop" if ring else bidder.username),
    )
    lot = tender.lots.get()
    data = package.read_bytes()
    upload = services.upload_start(
        actor=bidder,
        tender=tender,
        lot=lot,
        size=len(data),
        sm3=sealer.package_sm3(package),
        bond_amount=lot.bond_amount,
        bond_account="0200004509200777777" if ring else f"02000045092{bidder.organisation_id:08d}",
    )
    size = upload.chunk_size
    for n in range(-(-len(data) // size)):
        services.upload_chunk(
            actor=bidder, upload_id=upload.pk, number=n, data=data[n * size : (n + 1) * size]
        )
    ip = "10.8.8.8" if ring else f"10.20.{bidder.organisation_id % 250}.{bidder.user_id % 250}"
    bid = services.upload_complete(actor=bidder, upload_id=upload.pk, ip=ip)
    return bid, private


def _deadline_now(tender: Tender) -> Tender:
    """The deadline moved to now and the tender opened: for the access matrix's world
    (tests/access/world.py), which needs opened tenders at once, not a believable past."""
    past = now() - dt.timedelta(seconds=1)
    Tender.objects.filter(pk=tender.pk).update(bid_deadline=past, next_check_at=past)
    return tender_open(tender=Tender.objects.get(pk=tender.pk))


def _open(tender: Tender) -> Tender:
    """Open at the deadline itself (招标投标法 第三十四条), on the clock of that moment."""
    tender = Tender.objects.get(pk=tender.pk)
    with _clock(tender.bid_deadline):
        return tender_open(tender=tender)


def _unseal_and_close(tender: Tender, sealed, bidders) -> Tender:
    """The bidders decrypt within the hour after the opening; then the record is closed."""
    at = Tender.objects.get(pk=tender.pk).bid_deadline
    for i, ((bid, private), bidder) in enumerate(zip(sealed, bidders, strict=False)):
        key = sealer.unwrap_data_key(package=bid.package.path, private_pem=private)
        with _clock(at + dt.timedelta(minutes=5 + 3 * i)):
            bid_unseal(actor=bidder, bid=bid, data_key_hex=key.hex())
    with _clock(at + dt.timedelta(minutes=50)):
        return opening_close(tender=Tender.objects.get(pk=tender.pk))


def _pick_projects(owner) -> list[Project]:
    """Projects that are being tendered (or about to be) come first: a construction tender
    for a finished school would not be believed."""
    order = {"tendering": 0, "design": 1, "approval": 2}
    mine = Project.objects.filter(owner_id=owner.organisation_id).select_related("owner", "town")
    return sorted(mine, key=lambda p: (order.get(p.stage, 3), p.code))[:6]


def seed() -> dict[str, object]:
    if Tender.objects.exists():
        return {"skipped": True}
    owner, agency = _actor("owner"), _actor("agency")
    bidders = [a for a in (_actor(f"bidder{i}") for i in range(1, 7)) if a]
    if owner is None or agency is None or len(bidders) < 5:
        return {"skipped": "no demo users"}
    projects = _pick_projects(owner)
    if len(projects) < 6:
        return {"skipped": "too few owner projects"}
    keys = _keys_dir()
    prices = ["28650000.00", "28990000.00", "29120000.00", "28400000.00", "29300000.00"]
    today = now()

    def day(n: float) -> dt.datetime:  # n days before the seeding moment
        return today - dt.timedelta(days=n)

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # the demo agency runs the first two tenders, entrusted by the owner beforehand
        with _clock(day(45)):
            for project in projects[:2]:
                _entrust(owner, agency, project)
        draft = _create(agency, projects[0])
        # open for bids: documents out two days ago, the sale and the deadline still ahead
        with _clock(day(2)):
            bidding = _publish(agency, _create(agency, projects[1]))
        folder = private_files.private_dir(keys / bidding.code)
        for i, (bidder, price) in enumerate(zip(bidders[:3], prices, strict=False)):
            with _clock(day(1) + dt.timedelta(hours=i)):
                _bid(bidder, bidding, price, folder, work)
        # 流标: two bids only (实施条例 44), opened five days ago
        with _clock(day(26)):
            failed = _publish(owner, _create(owner, projects[2]))
        folder = private_files.private_dir(keys / failed.code)
        for i, (bidder, price) in enumerate(zip(bidders[:2], prices, strict=False)):
            with _clock(day(10) + dt.timedelta(hours=i)):
                _bid(bidder, failed, price, folder, work)
        failed = _open(failed)
        # 综合评估法, opened two days ago; the committee scores it today
        with _clock(day(23)):
            draft_cc = _create(owner, projects[3])
            tender_evaluation_set(actor=owner, tender=draft_cc, config=COMPREHENSIVE)
            opened = _publish(owner, draft_cc)
        folder = private_files.private_dir(keys / opened.code)
        sealed = []
        for i, (bidder, price) in enumerate(zip(bidders[:5], prices, strict=True)):
            with _clock(day(6) + dt.timedelta(hours=i)):
                sealed.append(_bid(bidder, opened, price, folder, work))
        _open(opened)
        opened = _unseal_and_close(opened, sealed[:4], bidders[:4])  # the fifth never unsealed
        # the ring: one machine and one bond account behind four bids (实施条例 40), found
        # by the collusion checks, not announced by the title
        with _clock(day(24)):
            ringed = _publish(owner, _create(owner, projects[5]))
        folder = private_files.private_dir(keys / ringed.code)
        ring_prices = ["27000000.00", "27620000.00", "27910000.00", "28300000.00"]
        sealed = []
        for i, (bidder, price) in enumerate(zip(bidders[:4], ring_prices, strict=True)):
            with _clock(day(5) + dt.timedelta(minutes=20 * i)):
                sealed.append(_bid(bidder, ringed, price, folder, work, ring=True))
        _open(ringed)
        _unseal_and_close(ringed, sealed, bidders[:4])
        with _clock(day(12)):
            cancelled = _publish(owner, _create(owner, projects[4]))
        with _clock(day(4)):
            services.tender_cancel(
                actor=owner, tender=cancelled, reason="项目资金安排调整，终止本次招标"
            )
    return {
        "tenders": Tender.objects.count(),
        "states": sorted(Tender.objects.values_list("status", flat=True)),
        "bids": Bid.objects.count(),
        "keys": str(keys),
        "draft": draft.code,
        "entrustments": Entrustment.objects.count(),
    }
