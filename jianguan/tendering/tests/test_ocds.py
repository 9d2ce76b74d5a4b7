"""OCDS 1.1 output for a tender's lifecycle, validated offline against the 1.1.5 schemas.

No database: ocds/releases.py is pure Python and the snapshots are plain dicts.
"""

import ast
import copy
import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from jianguan.tendering.ocds import releases as ocds
from jianguan.tendering.tests.shared_data import OCDS_SCHEMA
from tests.needs import need

SCHEMA_DIR = OCDS_SCHEMA


@pytest.fixture
def ocds_schema():
    """The OCDS 1.1.5 schema: a skip without it, a failure under CI (tests/needs.py)."""
    need(
        (SCHEMA_DIR / "release-schema.json").is_file(),
        f"OCDS 1.1.5 schema not found at {SCHEMA_DIR}",
    )
    return SCHEMA_DIR


needs_schema = pytest.mark.usefixtures("ocds_schema")
PREFIX = "ocds-dx2026"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
DATE_KEYS = {"date", "datePublished", "dateSigned", "startDate", "endDate", "publishedDate"}

OWNER = {
    "name": "北京市大兴区教育委员会",
    "credit_code": "11110115000011522X",
    "address": "北京市大兴区兴华大街三段",
    "contact_name": "王老师",
    "contact_phone": "010-69244321",
}
AGENCY = {
    "name": "北京兴业工程咨询有限公司",
    "credit_code": "91110115MA01ABCD1X",
    "address": "北京市大兴区黄村镇金星路18号",
    "contact_name": "李工",
    "contact_phone": "010-61234567",
}
BIDDERS = [
    {"name": "北京建工集团有限责任公司", "credit_code": "91110000101123456A"},
    {"name": "北京城建集团有限责任公司", "credit_code": "91110000101234567B"},
    {"name": "北京住总集团有限责任公司", "credit_code": "91110000101345678C"},
    {"name": "中建一局集团建设发展有限公司", "credit_code": "91110000101456789D"},
    {"name": "北京大兴建筑工程有限公司", "credit_code": "91110115102567890E"},
]


def doc(n, kind, title, published_at):
    return {
        "id": f"doc-{n}",
        "kind": kind,
        "title": title,
        "url": f"https://jianguan.dx.gov.cn/public/tendering/ZB-2026-0001/doc-{n}.pdf",
        "published_at": published_at,
        "sm3": "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
        "format": "application/pdf",
    }


def published():
    return {
        "ocid_prefix": PREFIX,
        "tender_code": "ZB-2026-0001",
        "project": {"code": "DX-2026-0001", "name": "大兴区第一中学扩建工程", "town": "黄村镇"},
        "buyer": OWNER,
        "agency": AGENCY,
        "title": "大兴区第一中学扩建工程施工总承包",
        "description": "新建教学楼一栋及风雨操场，建筑面积约 18600 平方米。",
        "procedure": "open_post",
        "status": "published",
        "main_category": "works",
        "value_ceiling": "35600000.00",
        "currency": "CNY",
        "published_at": "2026-03-02T01:00:00Z",
        "documents_available_from": "2026-03-02T01:00:00+00:00",
        "bid_deadline": "2026-03-23T01:30:00Z",
        "enquiry_deadline": "2026-03-13T09:00:00Z",
        "lots": [{"id": "1", "title": "施工总承包", "value_ceiling": "35600000.00"}],
        "documents": [doc(1, "tender_documents", "招标文件", "2026-03-02T01:00:00Z")],
        "amendments": [],
        "bidders": [],
        "opening": None,
        "candidates": [],
        "awards": [],
        "contracts": [],
        "cancellation": None,
    }


def lifecycle():
    """(snapshot, tag) at each public event of the school tender."""
    s = published()
    events = [(copy.deepcopy(s), "tender", "2026-03-02T01:00:00Z")]
    s["bid_deadline"] = "2026-03-30T01:30:00Z"  # clarification moves the deadline by 7 days
    s["documents"].append(
        doc(2, "clarification", "招标文件澄清与修改（一）", "2026-03-12T02:00:00Z")
    )
    s["amendments"].append(
        {
            "id": "amd-1",
            "date": "2026-03-12T02:00:00Z",
            "rationale": "招标文件工程量清单补充，投标截止时间顺延",
            "old_deadline": "2026-03-23T01:30:00Z",
            "new_deadline": "2026-03-30T01:30:00Z",
        }
    )
    events.append((copy.deepcopy(s), "tenderAmendment", "2026-03-12T02:00:00Z"))
    s["status"] = "evaluation"
    s["bidders"] = BIDDERS
    prices = ["34890000.00", "35120000.50", "34500000.00", "35010000.00", "34775000.25"]
    bids = [
        {
            "bidder_credit_code": b["credit_code"],
            "price": p,
            "duration_days": 365,
            "status": "valid",
        }
        for b, p in zip(BIDDERS, prices, strict=True)
    ]
    bids[4]["status"] = "withdrawn"  # 撤回 before the deadline: not a tender
    s["opening"] = {"date": "2026-03-30T01:30:00Z", "bids": bids}
    s["documents"].append(doc(3, "opening_record", "开标记录", "2026-03-30T02:10:00Z"))
    events.append((copy.deepcopy(s), "tenderUpdate", "2026-03-30T02:10:00Z"))
    s["status"] = "publicity"
    s["candidates"] = [
        {"rank": 1, "credit_code": BIDDERS[2]["credit_code"], "price": "34500000.00"},
        {"rank": 2, "credit_code": BIDDERS[0]["credit_code"], "price": "34890000.00"},
        {"rank": 3, "credit_code": BIDDERS[3]["credit_code"], "price": "35010000.00"},
    ]
    s["documents"].append(doc(4, "candidate_publicity", "中标候选人公示", "2026-04-02T01:00:00Z"))
    award = {
        "id": "award-1",
        "lot_id": "1",
        "date": "2026-04-02T01:00:00Z",
        "status": "pending",
        "supplier_credit_code": BIDDERS[2]["credit_code"],
        "value": "34500000.00",
        "title": "大兴区第一中学扩建工程施工总承包中标",
    }
    s["awards"] = [award]
    events.append((copy.deepcopy(s), "award", "2026-04-02T01:00:00Z"))
    s["status"] = "awarded"
    s["awards"] = [{**award, "status": "active", "date": "2026-04-06T01:00:00Z"}]
    s["documents"].append(doc(5, "result_notice", "中标结果公告", "2026-04-06T01:00:00Z"))
    events.append((copy.deepcopy(s), "award", "2026-04-06T01:00:00Z"))
    s["status"] = "contracted"
    s["contracts"] = [
        {
            "id": "contract-1",
            "award_id": "award-1",
            "date_signed": "2026-04-28T06:00:00Z",
            "value": "34500000.00",
            "status": "active",
            "title": "大兴区第一中学扩建工程施工总承包合同",
        }
    ]
    events.append((copy.deepcopy(s), "contract", "2026-04-28T08:00:00Z"))
    return events


def lifecycle_releases():
    return [
        ocds.release(snap, tag=tag, release_id=f"ZB-2026-0001-{n:02d}-{tag}", date=date)
        for n, (snap, tag, date) in enumerate(lifecycle(), start=1)
    ]


def failed_tender():
    """Second tender: only two valid bids, so 流标 (unsuccessful), no agency, invited."""
    s = published()
    s.update(
        tender_code="ZB-2026-0002",
        agency=None,
        procedure="invited",
        title="大兴区第一中学扩建工程室外管网",
        value_ceiling="1280000.00",
        lots=[],
        status="failed",
        bidders=BIDDERS[:2],
        opening={
            "date": "2026-03-30T06:00:00Z",
            "bids": [
                {"bidder_credit_code": b["credit_code"], "price": "1200000.00"}
                | {"duration_days": 90, "status": "valid"}
                for b in BIDDERS[:2]
            ],
        },
        cancellation={"date": "2026-03-30T07:00:00Z", "reason": "流标：有效投标不足3家"},
    )
    s["documents"] = [doc(9, "cancellation", "流标公告", "2026-03-30T07:00:00Z")]
    return s


def walk(obj, path=""):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from walk(v, f"{path}/{k}")
    elif isinstance(obj, list):
        for n, v in enumerate(obj):
            yield from walk(v, f"{path}/{n}")
    else:
        yield path, obj


# ---- schema validation ----------------------------------------------------------------------


@needs_schema
def test_every_lifecycle_release_is_valid():
    releases = lifecycle_releases()
    assert [r["tag"] for r in releases] == [
        ["tender"],
        ["tenderAmendment"],
        ["tenderUpdate"],
        ["award"],
        ["award"],
        ["contract"],
    ]
    for r in releases:
        assert ocds.validate(r, schema_dir=SCHEMA_DIR) == [], r["tag"]


@needs_schema
def test_cancellation_release_is_valid_and_unsuccessful():
    r = ocds.release(
        failed_tender(),
        tag="tenderCancellation",
        release_id="ZB-2026-0002-03",
        date="2026-03-30T07:00:00Z",
    )
    assert ocds.validate(r, schema_dir=SCHEMA_DIR) == []
    t = r["tender"]
    assert t["status"] == "unsuccessful"
    assert t["statusDetails"] == "流标：有效投标不足3家"
    assert t["procurementMethod"] == "selective" and t["procurementMethodDetails"] == "邀请招标"
    assert t["documents"][0]["documentType"] == "cancellationDetails"
    # Without an agency the owner is both buyer and procuring entity.
    owner = next(p for p in r["parties"] if p["id"] == OWNER["credit_code"])
    assert owner["roles"] == ["buyer", "procuringEntity"]
    assert t["procuringEntity"]["id"] == r["buyer"]["id"] == OWNER["credit_code"]


@needs_schema
def test_packages_are_valid():
    releases = lifecycle_releases()
    cancel = ocds.release(
        failed_tender(),
        tag="tenderCancellation",
        release_id="ZB-2026-0002-01",
        date="2026-03-30T07:00:00Z",
    )
    pkg = ocds.release_package(
        [*releases, cancel],
        uri="https://jianguan.dx.gov.cn/ocds/releases/2026-04-28.json",
        published_date="2026-04-28T08:00:00Z",
        publisher={"name": "大兴区工程建设管理中心"},
    )
    assert pkg["version"] == "1.1"
    assert ocds.validate(pkg, schema_dir=SCHEMA_DIR, kind="release_package") == []
    rpkg = ocds.record_package(
        [ocds.compile_record(releases), ocds.compile_record([cancel])],
        uri="https://jianguan.dx.gov.cn/ocds/records/2026-04-28.json",
        published_date="2026-04-28T08:00:00Z",
    )
    assert rpkg["publisher"] == {"name": "大兴区工程建设管理中心"}
    assert ocds.validate(rpkg, schema_dir=SCHEMA_DIR, kind="record_package") == []


@needs_schema
def test_invalid_release_is_reported():
    r = lifecycle_releases()[0]
    r["tender"]["status"] = "bogus"
    r["tender"]["value"]["amount"] = "35600000.00"
    r["date"] = "2026-03-02 09:00:00"  # no T, no timezone
    errors = ocds.validate(r, schema_dir=SCHEMA_DIR)
    assert any(e.startswith("tender/status:") and "bogus" in e for e in errors), errors
    assert any(e.startswith("tender/value/amount:") for e in errors), errors
    assert any(e.startswith("date:") and "date-time" in e for e in errors), errors


@needs_schema
def test_invalid_embedded_release_in_record_package_is_explained():
    releases = lifecycle_releases()
    releases[1]["tender"]["status"] = "bogus"
    rpkg = ocds.record_package(
        [ocds.compile_record(releases)],
        uri="https://jianguan.dx.gov.cn/ocds/records/x.json",
        published_date="2026-04-28T08:00:00Z",
    )
    errors = ocds.validate(rpkg, schema_dir=SCHEMA_DIR, kind="record_package")
    assert any(e.startswith("records/0/releases/1/tender/status:") for e in errors), errors


# ---- content ----------------------------------------------------------------------------------


def test_ocid_uses_the_prefix():
    assert ocds.ocid(PREFIX, "ZB-2026-0001") == "ocds-dx2026-ZB-2026-0001"
    assert {r["ocid"] for r in lifecycle_releases()} == {"ocds-dx2026-ZB-2026-0001"}
    with pytest.raises(ValueError):
        ocds.ocid("dx2026", "ZB-2026-0001")


def test_amounts_are_numbers_with_two_decimals():
    amounts = [v for r in lifecycle_releases() for path, v in walk(r) if path.endswith("/amount")]
    assert amounts
    for a in amounts:
        assert isinstance(a, float)
        assert Decimal(repr(a)) == Decimal(repr(a)).quantize(Decimal("0.01"))
    contract = lifecycle_releases()[-1]
    assert contract["tender"]["value"] == {"amount": 35600000.0, "currency": "CNY"}
    assert contract["contracts"][0]["value"]["amount"] == 34500000.0
    assert ocds._amount("35120000.50") == 35120000.5
    for bad in ("1.005", "abc", "NaN", 1.5):
        with pytest.raises(ValueError):
            ocds._amount(bad)


def test_dates_are_rfc3339_with_timezone():
    dates = [
        v for r in lifecycle_releases() for p, v in walk(r) if p.rsplit("/", 1)[-1] in DATE_KEYS
    ]
    assert len(dates) > 20
    for d in dates:
        assert RFC3339.match(d), d
        assert datetime.fromisoformat(d).tzinfo is not None
    assert ocds._date("2026-03-02T09:00:00+08:00") == "2026-03-02T01:00:00Z"
    with pytest.raises(ValueError):
        ocds._date("2026-03-02T09:00:00")


def test_mappings_of_one_release():
    tender_update = lifecycle_releases()[2]
    t = tender_update["tender"]
    assert tender_update["initiationType"] == "tender" and tender_update["language"] == "zh"
    assert t["status"] == "active"
    assert t["procurementMethod"] == "open"
    assert t["procurementMethodDetails"] == "公开招标（资格后审）"
    assert t["mainProcurementCategory"] == "works"
    assert t["tenderPeriod"] == {
        "startDate": "2026-03-02T01:00:00Z",
        "endDate": "2026-03-30T01:30:00Z",
    }
    assert t["enquiryPeriod"]["endDate"] == "2026-03-13T09:00:00Z"
    assert t["numberOfTenderers"] == 4  # one of the five bids was withdrawn
    assert len(t["tenderers"]) == 5
    assert [d["documentType"] for d in t["documents"]] == [
        "biddingDocuments",
        "clarifications",
        "bidders",
    ]
    assert t["amendments"][0]["rationale"].startswith("招标文件工程量清单补充")
    assert "2026-03-30T01:30:00Z" in t["amendments"][0]["description"]
    roles = {p["id"]: p["roles"] for p in tender_update["parties"]}
    assert roles[OWNER["credit_code"]] == ["buyer"]
    assert roles[AGENCY["credit_code"]] == ["procuringEntity"]
    assert all(roles[b["credit_code"]] == ["tenderer"] for b in BIDDERS)
    owner = next(p for p in tender_update["parties"] if p["id"] == OWNER["credit_code"])
    assert owner["identifier"] == {
        "scheme": "CN-USCC",
        "id": OWNER["credit_code"],
        "legalName": OWNER["name"],
    }
    assert tender_update["planning"]["budget"]["projectID"] == "DX-2026-0001"


def test_bidders_are_not_published_before_opening():
    s = published()
    s["bidders"] = BIDDERS  # 招标投标法 第二十二条
    with pytest.raises(ValueError, match="opened"):
        ocds.release(s, tag="tender", release_id="x", date="2026-03-02T01:00:00Z")
    assert "tenderers" not in lifecycle_releases()[0]["tender"]


def test_tag_must_fit_the_snapshot():
    with pytest.raises(ValueError):
        ocds.release(published(), tag="award", release_id="x", date="2026-03-02T01:00:00Z")
    with pytest.raises(ValueError):
        ocds.release(
            published(), tag="tenderCancellation", release_id="x", date="2026-03-02T01:00:00Z"
        )
    with pytest.raises(ValueError):
        ocds.release(published(), tag="planning", release_id="x", date="2026-03-02T01:00:00Z")


def test_compile_record_keeps_latest_status_and_merges_awards_by_id():
    releases = lifecycle_releases()
    record = ocds.compile_record(reversed(releases))  # order of input does not matter
    assert [r["id"] for r in record["releases"]] == [r["id"] for r in releases]
    c = record["compiledRelease"]
    assert c["tag"] == ["compiled"]
    assert c["date"] == releases[-1]["date"]
    assert c["ocid"] == record["ocid"] == "ocds-dx2026-ZB-2026-0001"
    assert c["tender"]["status"] == "complete"
    assert len(c["awards"]) == 1  # pending then active award-1: one award, latest state
    assert c["awards"][0]["status"] == "active"
    assert c["awards"][0]["date"] == "2026-04-06T01:00:00Z"
    assert c["awards"][0]["relatedLots"] == ["1"]
    assert c["contracts"][0]["awardID"] == "award-1"
    assert [d["id"] for d in c["tender"]["documents"]] == [f"doc-{n}" for n in range(1, 6)]
    supplier = next(p for p in c["parties"] if p["id"] == BIDDERS[2]["credit_code"])
    assert supplier["roles"] == ["tenderer", "supplier"]  # string arrays: replaced, not merged


def test_merge_rules():
    base = {"a": {"x": 1, "y": 2}, "items": [{"id": "1", "v": 1}], "tags": ["p", "q"]}
    new = {
        "a": {"y": None, "z": 3},
        "items": [{"id": "2", "v": 2}, {"id": "1", "w": 5}],
        "tags": ["r"],
    }
    assert ocds._merge(copy.deepcopy(base), new) == {
        "a": {"x": 1, "z": 3},
        "items": [{"id": "1", "v": 1, "w": 5}, {"id": "2", "v": 2}],
        "tags": ["r"],
    }


def test_compile_record_refuses_mixed_processes():
    a = lifecycle_releases()[0]
    b = ocds.release(
        failed_tender(), tag="tenderCancellation", release_id="y", date="2026-03-30T07:00:00Z"
    )
    with pytest.raises(ValueError):
        ocds.compile_record([a, b])
    with pytest.raises(ValueError):
        ocds.compile_record([])


def test_inconsistent_snapshots_are_refused():
    s = lifecycle()[-1][0]
    s["awards"][0]["supplier_credit_code"] = "91110000999999999Z"
    with pytest.raises(ValueError, match="no bidder"):
        ocds.release(s, tag="award", release_id="x", date="2026-04-06T01:00:00Z")
    s = lifecycle()[-1][0]
    s["contracts"][0]["award_id"] = "award-9"
    with pytest.raises(ValueError, match="award-9"):
        ocds.release(s, tag="contract", release_id="x", date="2026-04-28T08:00:00Z")
    s = published()
    s["documents"][0]["kind"] = "memo"
    with pytest.raises(ValueError, match="memo"):
        ocds.release(s, tag="tender", release_id="x", date="2026-03-02T01:00:00Z")


def test_module_imports_no_django():
    tree = ast.parse(Path(ocds.__file__).read_text(encoding="utf-8"))
    modules = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    modules |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not {m for m in modules if m.split(".")[0] == "django"}
