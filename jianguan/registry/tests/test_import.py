"""Excel import: row-level errors in Chinese with row numbers, all or nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from jianguan.core.errors import PermissionDenied, ValidationFailed
from jianguan.ledger.models import LedgerEntry
from jianguan.registry import services
from jianguan.registry.models import Qualification, RegisteredPerson
from jianguan.registry.tests.conftest import constructor

D = dt.date
QUAL_HEAD = ["资质类别", "资质等级", "证书编号", "发证机关", "有效期起", "有效期至"]
PERSON_HEAD = ["姓名", "身份证号（脱敏）", "证书类别", "专业", "等级", "证书编号", "有效期至"]
GOOD_QUAL = [
    "建筑工程施工总承包",
    "一级",
    "D211000001",
    "住房和城乡建设部",
    D(2024, 1, 1),
    D(2029, 1, 1),
]
GOOD_PERSON = [
    "王建华",
    "110115********1234",
    "注册建造师",
    "建筑工程",
    "一级",
    "京111",
    "2028-06-30",
]


def workbook(quals=(), persons=(), sheets=("资质", "人员")) -> SimpleUploadedFile:
    book = Workbook()
    book.remove(book.active)
    if "资质" in sheets:
        ws = book.create_sheet("资质")
        ws.append(QUAL_HEAD)
        for row in quals:
            ws.append(list(row))
    if "人员" in sheets:
        ws = book.create_sheet("人员")
        ws.append(PERSON_HEAD)
        for row in persons:
            ws.append(list(row))
    buf = io.BytesIO()
    book.save(buf)
    return SimpleUploadedFile("registry.xlsx", buf.getvalue())


def test_good_import_writes_everything(contractor):
    upload = workbook(
        [
            GOOD_QUAL,
            ["市政公用工程施工总承包", "二级", "D2", "北京市住建委", "2024-01-01", "2027-01-01"],
        ],
        [GOOD_PERSON, ["李安", "", "安全员", "", "", "京C-9", D(2027, 1, 1)]],
    )
    result = services.registry_import_xlsx(
        actor=contractor, organisation=contractor.organisation, file=upload
    )
    assert result == {"qualifications": 2, "persons": 2}
    assert RegisteredPerson.objects.get(certificate_number="京C-9").kind == "safety_officer"
    assert LedgerEntry.objects.filter(type="registry.imported").count() == 1
    assert LedgerEntry.objects.filter(type="qualification.added").count() == 2


def test_bad_rows_reported_by_number_and_nothing_written(contractor):
    constructor(contractor.organisation, cert="京DUP")
    upload = workbook(
        [
            GOOD_QUAL,
            ["建筑工程施工总承包", "四级", "D3", "住建部", D(2024, 1, 1), D(2029, 1, 1)],  # row 3
            ["建筑工程施工总承包", "二级", "", "住建部", D(2024, 1, 1), D(2029, 1, 1)],  # row 4
            ["建筑工程施工总承包", "二级", "D5", "住建部", D(2029, 1, 1), D(2024, 1, 1)],  # row 5
        ],
        [
            GOOD_PERSON,
            [
                "李四",
                "",
                "注册建造师",
                "建筑工程",
                "一级",
                "京111",
                "2028-01-01",
            ],  # row 3: dup in file
            ["王五", "", "注册建造师", "建筑工程", "一级", "京DUP", "2028-01-01"],  # row 4: in DB
        ],
    )
    before = LedgerEntry.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        services.registry_import_xlsx(
            actor=contractor, organisation=contractor.organisation, file=upload
        )
    err = caught.value
    assert err.code == "import_rejected" and "未写入任何数据" in err.message
    details = "\n".join(err.details)
    assert "「资质」第 3 行" in details and "四级" in details
    assert "「资质」第 4 行：证书编号不能为空" in details
    assert "「资质」第 5 行：有效期至不能早于有效期起" in details
    assert "「人员」第 3 行：证书编号 京111 与第 2 行重复" in details
    assert "「人员」第 4 行：证书编号 京DUP 已登记" in details
    assert "第 2 行" not in "".join(d for d in err.details if d.startswith("「资质」"))
    assert Qualification.objects.count() == 0
    assert RegisteredPerson.objects.count() == 1
    assert LedgerEntry.objects.count() == before


def test_not_excel_and_wrong_layout(contractor):
    org = contractor.organisation
    with pytest.raises(ValidationFailed, match="有效的 Excel"):
        services.registry_import_xlsx(
            actor=contractor, organisation=org, file=SimpleUploadedFile("a.xlsx", b"not a zip")
        )
    book = Workbook()
    buf = io.BytesIO()
    book.save(buf)
    with pytest.raises(ValidationFailed, match="工作表"):
        services.registry_import_xlsx(
            actor=contractor, organisation=org, file=SimpleUploadedFile("a.xlsx", buf.getvalue())
        )
    with pytest.raises(ValidationFailed, match="没有可导入"):
        services.registry_import_xlsx(actor=contractor, organisation=org, file=workbook())


def test_import_into_another_organisation_refused(contractor, owner):
    with pytest.raises(PermissionDenied):
        services.registry_import_xlsx(
            actor=owner, organisation=contractor.organisation, file=workbook([GOOD_QUAL])
        )
