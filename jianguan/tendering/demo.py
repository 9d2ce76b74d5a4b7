"""Demo tenders in every state, with sealed demo bids whose private keys are kept in
``DATA_DIR/demo-keys/`` so that an opening can be tried by hand. Through the services; only
the clock is moved (deadlines set into the past) as a demo would need."""

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
from jianguan.core.timeutil import now
from jianguan.projects.models import Project
from jianguan.tendering import access, sealer, services
from jianguan.tendering.evaluation.services import tender_evaluation_set
from jianguan.tendering.models import Bid, Entrustment, Tender
from jianguan.tendering.opening.services import bid_unseal, opening_close, tender_open

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
README = """大兴区建管云演示：投标加密私钥

每个子目录是一个招标项目，内含各演示投标人为该项目生成的私钥（PKCS#8 PEM）。
开标解密时，投标人在本机用私钥解出数据密钥，再提交给平台：

  python -m jianguan.tendering.sealer unwrap --key <投标人>.pem --package <密封包.zip>

密封包可在平台“我的投标”中查看回执；私钥绝不上传平台。
"""


# 综合评估法 as the demo's 社区卫生服务中心 tender publishes it (parameters frozen with it).
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


def _actor(username: str):
    user = User.objects.filter(username=username).first()
    return actor_for(user) if user else None


def _keys_dir() -> Path:
    """Owner-only, like every key: with these a reader could open the demo bids early."""
    path = private_files.private_dir(Path(settings.DATA_DIR) / "demo-keys")
    private_files.write_private(path / "README.txt", README)
    return path


def _entrust(owner, agency, project):
    """The owner entrusts the demo agency with the project's 施工招标 (委托合同 as a small PDF),
    through the service; an entrustment in force already is kept (seeding twice adds none)."""
    held = access.active_entrustments().filter(project=project, agency_id=agency.organisation_id)
    if held.exists():
        return held.first()
    start = access.today()
    contract = PDF + f"% 招标代理委托合同 {project.code}\n".encode()
    return services.entrustment_create(
        actor=owner,
        project=project,
        agency=Organisation.objects.get(pk=agency.organisation_id),
        scope="施工招标",
        starts_on=start,
        ends_on=start.replace(year=start.year + 1, day=min(start.day, 28)),
        contract_file=SimpleUploadedFile(
            f"{project.code}-委托合同.pdf", contract, content_type="application/pdf"
        ),
    )


def _create(owner, project, title, estimate="30000000", invitees=()):
    ceiling = f"{int(estimate) * 0.98:.2f}"
    bond = f"{min(int(estimate) * 0.02, 800000):.2f}"
    return services.tender_create(
        actor=owner,
        project=project,
        title=title,
        procedure="invited" if invitees else "open_post",
        estimate=estimate,
        lots=[{"title": "施工总承包", "price_ceiling": ceiling, "bond_amount": bond}],
        invitees=invitees,
        description="演示数据：施工总承包招标，采用经评审的最低投标价法。",
    )


def _publish(owner, tender):
    start = now() + dt.timedelta(minutes=1)
    return services.tender_publish(
        actor=owner,
        tender=tender,
        documents_from=start,
        sale_end=start + dt.timedelta(days=5),
        bid_deadline=start + dt.timedelta(days=21, hours=2),
        documents=SimpleUploadedFile("招标文件.pdf", PDF, content_type="application/pdf"),
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
    source.write_bytes(PDF + f"% 演示投标文件 {bidder.username}\n".encode())
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
    past = now() - dt.timedelta(seconds=1)
    Tender.objects.filter(pk=tender.pk).update(bid_deadline=past, next_check_at=past)
    return tender_open(tender=Tender.objects.get(pk=tender.pk))


def seed() -> dict[str, object]:
    if Tender.objects.exists():
        return {"skipped": True}
    owner, agency = _actor("owner"), _actor("agency")
    bidders = [a for a in (_actor(f"bidder{i}") for i in range(1, 7)) if a]
    if owner is None or agency is None or len(bidders) < 5:
        return {"skipped": "no demo users"}
    projects = list(
        Project.objects.filter(owner_id=owner.organisation_id).order_by("-stage", "code")[:6]
    )
    if len(projects) < 6:
        return {"skipped": "too few owner projects"}
    keys = _keys_dir()
    prices = ["28650000.00", "28990000.00", "29120000.00", "28400000.00", "29300000.00"]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # the demo agency runs the first two tenders, entrusted by the owner beforehand
        for project in projects[:2]:
            _entrust(owner, agency, project)
        draft = _create(agency, projects[0], "演示：综合楼装修改造工程（草稿）")
        bidding = _publish(agency, _create(agency, projects[1], "演示：小学扩建工程施工"))
        folder = private_files.private_dir(keys / bidding.code)
        for bidder, price in zip(bidders[:3], prices, strict=False):
            _bid(bidder, bidding, price, folder, work)
        failed = _publish(owner, _create(owner, projects[2], "演示：配套道路工程（流标）"))
        folder = private_files.private_dir(keys / failed.code)
        for bidder, price in zip(bidders[:2], prices, strict=False):
            _bid(bidder, failed, price, folder, work)
        failed = _deadline_now(failed)
        draft_cc = _create(owner, projects[3], "演示：社区卫生服务中心新建工程")
        tender_evaluation_set(actor=owner, tender=draft_cc, config=COMPREHENSIVE)
        opened = _publish(owner, draft_cc)
        folder = private_files.private_dir(keys / opened.code)
        sealed = [
            _bid(b, opened, p, folder, work) for b, p in zip(bidders[:5], prices, strict=True)
        ]
        opened = _deadline_now(opened)
        for (bid, private), bidder in zip(sealed[:4], bidders[:4], strict=True):
            key = sealer.unwrap_data_key(package=bid.package.path, private_pem=private)
            bid_unseal(actor=bidder, bid=bid, data_key_hex=key.hex())
        opened = opening_close(tender=Tender.objects.get(pk=opened.pk))  # the fifth never unsealed
        ringed = _publish(owner, _create(owner, projects[5], "演示：文体中心室外工程（围标线索）"))
        folder = private_files.private_dir(keys / ringed.code)
        ring_prices = ["27000000.00", "27620000.00", "27910000.00", "28300000.00"]
        sealed = [
            _bid(b, ringed, p, folder, work, ring=True)
            for b, p in zip(bidders[:4], ring_prices, strict=True)
        ]
        _deadline_now(ringed)
        for (bid, private), bidder in zip(sealed, bidders[:4], strict=True):
            key = sealer.unwrap_data_key(package=bid.package.path, private_pem=private)
            bid_unseal(actor=bidder, bid=bid, data_key_hex=key.hex())
        opening_close(tender=Tender.objects.get(pk=ringed.pk))
        cancelled = _publish(owner, _create(owner, projects[4], "演示：雨污分流改造工程（终止）"))
        services.tender_cancel(
            actor=owner, tender=cancelled, reason="演示数据：项目资金安排调整，终止招标"
        )
    return {
        "tenders": Tender.objects.count(),
        "states": sorted(Tender.objects.values_list("status", flat=True)),
        "bids": Bid.objects.count(),
        "keys": str(keys),
        "draft": draft.code,
        "entrustments": Entrustment.objects.count(),
    }
