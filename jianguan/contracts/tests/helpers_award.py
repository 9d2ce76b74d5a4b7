"""Test helpers: an award made directly (tender by its service, bids and award as rows), with
the winning bid's opened BoQ workbook on disk; subcontractors with or without a licence."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from openpyxl import Workbook

from jianguan.accounts.tests.factories import OrganisationFactory
from jianguan.contracts.tests.factories import boq_rows
from jianguan.core.timeutil import now, today_local

HEADER = ["项目编码", "项目名称", "项目特征", "计量单位", "工程量", "综合单价", "合价"]


def boq_workbook(path, rows) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for r in rows:
        sheet.append(
            [r["code"], r["name"], r["feature"], r["unit"], r["quantity"], r["rate"], r["amount"]]
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def make_award(deal, *, items: int = 5, with_boq: bool = True):
    """(award, losing bid): the general contractor wins at the BoQ total; another bidder
    loses. The tender is in "awarded"."""
    from jianguan.tendering import services as tendering
    from jianguan.tendering.models import Award, Bid, Tender
    from jianguan.tendering.services.common import opened_dir

    owner = deal["actors"]["owner"]
    tender = tendering.tender_create(
        actor=owner,
        project=deal["project"],
        title="大兴区第一小学扩建工程施工",
        procedure="open_post",
        estimate="30000000",
        lots=[{"title": "施工总承包", "price_ceiling": "29800000", "bond_amount": "500000"}],
    )
    lot = tender.lots.get()
    rows = boq_rows(items, seed=7)
    price = sum((r["amount"] for r in rows), Decimal(0))

    def bid(org, n, amount):
        return Bid.objects.create(
            tender=tender,
            lot=lot,
            bidder=org,
            status=Bid.OPENED,
            receipt_number=f"HZ-T{tender.pk}-{n}",
            received_at=now(),
            package="x.zip",
            package_sm3="0" * 64,
            package_size=1,
            manifest={},
            key_fingerprint=f"k{tender.pk}-{n}",
            bond_amount="500000",
            bond_account="1234567890",
            submitted_by="t",
            opened_at=now(),
            price=amount,
            duration_days=300,
        )

    win = bid(deal["orgs"]["general_contractor"], 1, price)
    lose = bid(OrganisationFactory(kind="general_contractor"), 2, price + 1000)
    if with_boq:
        boq_workbook(opened_dir(win) / "清单.xlsx", rows)
    # a tender reaches "awarded" only after its bid deadline (the OCDS releases read it)
    Tender.objects.filter(pk=tender.pk).update(
        status="awarded", bid_deadline=now() - dt.timedelta(days=20)
    )
    today = today_local()
    award = Award.objects.create(
        tender=tender,
        lot=lot,
        bid=win,
        supplier=deal["orgs"]["general_contractor"],
        value=price,
        decided_at=now(),
        contract_due=today + dt.timedelta(days=30),
        report_due=today + dt.timedelta(days=15),
        decided_by="own1",
    )
    return award, lose


def subcontractor(kind: str = "specialist_subcontractor", *, licensed: bool = True, name=""):
    from jianguan.registry.models import SafetyLicence

    org = OrganisationFactory(kind=kind, **({"name": name} if name else {}))
    if licensed:
        today = today_local()
        SafetyLicence.objects.create(
            organisation=org,
            number=f"(京)JZ安许证字[2024]{org.pk:06d}",
            issuer="北京市住房和城乡建设委员会",
            valid_from=today - dt.timedelta(days=365),
            valid_to=today + dt.timedelta(days=365),
        )
    return org
