"""OCDS 1.1 releases, packages and records for electronic tendering (招标投标信息公开).

Pure Python on purpose: no Django import, so the Django side builds a plain ``TenderSnapshot``
dict at each public event and this module turns it into Open Contracting Data Standard 1.1
JSON. Validation against the 1.1.5 JSON Schemas works offline (see ``validate``).

Choices forced by OCDS 1.1.5 core (no extensions are declared, so nothing is fetched):
- ``tender.value`` is "the total upper estimated value" in 1.1.5 and there is no ``maxValue``:
  the 最高投标限价 goes there.
- ``lots``/``relatedLots`` (lots extension) and ``statusDetails`` (status details extension) are
  written as additional properties, which core allows; their extension URLs are not listed.
- ``bids`` is an extension too: the opening record is a document (type ``bidders``) plus
  ``tender.numberOfTenderers``/``tenderers``. Bid prices and ranked candidates live only in the
  published documents (开标记录, 中标候选人公示).
- There is no ``project`` block in 1.1 core: the project goes in ``planning.budget``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

OCDS_VERSION = "1.1"
SCHEMA_BASE = "https://standard.open-contracting.org/schema/1__1__5/"
DEFAULT_PUBLISHER = {"name": "大兴区工程建设管理中心"}
# org-id.guide lists China's unified social credit code (GB 32100) as "CN-USCC"; "CN-SAIC" is
# the older registry of the former SAIC business licence numbers, which credit codes replaced.
IDENTIFIER_SCHEME = "CN-USCC"
# The input contract (TenderSnapshot and its parts) is in contract.py.


# ---- mappings to OCDS codelists -------------------------------------------------------------

# tenderStatus is a closed codelist. Everything from publication until the award is decided
# is one "active" tender process; draft is a process being considered ("planning").
TENDER_STATUS = {
    "draft": "planning",
    "published": "active",
    "prequalification": "active",
    "bidding": "active",
    "opening": "active",
    "evaluation": "active",
    "publicity": "active",
    "awarded": "complete",
    "contracted": "complete",
    "failed": "unsuccessful",  # 流标 / 招标失败
    "cancelled": "cancelled",  # 终止招标
}
PROCEDURES = {  # procurementMethod (closed codelist), procurementMethodDetails (free text)
    "open_post": ("open", "公开招标（资格后审）"),
    "open_prequal": ("open", "公开招标（资格预审）"),
    "invited": ("selective", "邀请招标"),
}
# documentType is an open codelist, but we stay within its codes.
DOCUMENT_TYPES = {
    "tender_notice": "tenderNotice",  # 招标公告 / 投标邀请书
    "tender_documents": "biddingDocuments",  # 招标文件
    "clarification": "clarifications",  # 澄清
    "amendment": "clarifications",  # 招标文件修改: Chinese practice issues 澄清与修改 together
    "opening_record": "bidders",  # 开标记录: lists bidders and their prices
    "candidate_publicity": "evaluationReports",  # 中标候选人公示: the evaluation result
    "award_notice": "awardNotice",  # 中标通知书
    "result_notice": "awardNotice",  # 中标结果公告
    "contract_notice": "contractNotice",  # 合同订立公告
    "cancellation": "cancellationDetails",  # 终止 / 流标公告
}
AWARD_STATUS = {"pending", "active", "cancelled", "unsuccessful"}
CONTRACT_STATUS = {"pending", "active", "cancelled", "terminated"}
RELEASE_TAGS = set("tender tenderAmendment tenderUpdate award contract tenderCancellation".split())


# ---- value helpers --------------------------------------------------------------------------

_CENT = Decimal("0.01")


def _amount(value: Any) -> float:
    """Decimal string → JSON number (OCDS wants a number). Decimal all the way, float last."""
    if isinstance(value, float | bool):  # a float has already lost the exact fen
        raise ValueError(f"amount must be a decimal string, not {type(value).__name__}: {value!r}")
    try:
        d = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"amount is not a decimal: {value!r}") from None
    if not d.is_finite():
        raise ValueError(f"amount is not finite: {value!r}")
    q = d.quantize(_CENT, rounding=ROUND_HALF_UP)
    if q != d:  # sub-fen money is a data error upstream, not something to round silently
        raise ValueError(f"amount has more than 2 decimals: {value!r}")
    # 2-decimal values below 10**13 have <= 15 significant digits, so the float's repr is exact.
    return float(q)


def _money(value: Any, currency: str) -> dict | None:
    return {"amount": _amount(value), "currency": currency} if value not in (None, "") else None


def _date(value: str) -> str:
    """ISO 8601 with offset → RFC 3339 in UTC ("...Z"). UTC strings also sort chronologically."""
    dt = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"datetime without a timezone: {value!r}")
    dt = dt.astimezone(UTC)
    spec = "microseconds" if dt.microsecond else "seconds"
    return dt.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def _opt_date(value: str | None) -> str | None:
    return _date(value) if value else None


def _drop_empty(d: dict) -> dict:
    """OCDS prefers absent fields over null/empty ones (null would also erase a field on merge)."""
    return {k: v for k, v in d.items() if v not in (None, [], {}, "")}


# ---- release --------------------------------------------------------------------------------


def ocid(prefix: str, tender_code: str) -> str:
    if not prefix.startswith("ocds-") or not tender_code:
        raise ValueError(f"bad ocid parts: {prefix!r}, {tender_code!r}")
    return f"{prefix}-{tender_code}"


def _org_ref(org: Mapping) -> dict:
    return {"id": org["credit_code"], "name": org["name"]}


def _party(org: Mapping, roles: list[str]) -> dict:
    contact = _drop_empty({"name": org.get("contact_name"), "telephone": org.get("contact_phone")})
    address = _drop_empty({"streetAddress": org.get("address")})
    if address:
        address["countryName"] = "中国"
    return _drop_empty(
        {
            "id": org["credit_code"],
            "name": org["name"],
            "identifier": {
                "scheme": IDENTIFIER_SCHEME,
                "id": org["credit_code"],
                "legalName": org["name"],
            },
            "address": address,
            "contactPoint": contact,
            "roles": roles,
        }
    )


def _parties(s: Mapping, bidders: list[Mapping]) -> list[dict]:
    """One party per credit code, roles accumulated (the owner may also be procuringEntity)."""
    order: dict[str, tuple[Mapping, list[str]]] = {}

    def add(org: Mapping, role: str) -> None:
        entry = order.setdefault(org["credit_code"], (org, []))
        if role not in entry[1]:
            entry[1].append(role)

    add(s["buyer"], "buyer")
    add(s.get("agency") or s["buyer"], "procuringEntity")
    for b in bidders:
        add(b, "tenderer")
    by_code = {b["credit_code"]: b for b in bidders}
    for c in s.get("candidates") or []:  # published only in the 中标候选人公示 document
        if c["credit_code"] not in by_code:
            raise ValueError(f"candidate {c['rank']}: {c['credit_code']} is no bidder")
    for a in s.get("awards") or []:
        if a["supplier_credit_code"] not in by_code:
            raise ValueError(f"award {a['id']}: supplier {a['supplier_credit_code']} is no bidder")
        if a["status"] != "cancelled":
            add(by_code[a["supplier_credit_code"]], "supplier")
    return [_party(org, roles) for org, roles in order.values()]


def _document(doc: Mapping) -> dict:
    if doc["kind"] not in DOCUMENT_TYPES:
        raise ValueError(f"document {doc['id']}: unknown kind {doc['kind']!r}")
    out = {
        "id": doc["id"],
        "documentType": DOCUMENT_TYPES[doc["kind"]],
        "title": doc["title"],
        "url": doc["url"],
        "datePublished": _date(doc["published_at"]),
        "format": doc.get("format"),
        "language": "zh",
        "sm3": doc.get("sm3"),  # additional property: lets a reader verify the file offline
    }
    return _drop_empty(out)


def _amendment(a: Mapping) -> dict:
    old, new = a.get("old_deadline"), a.get("new_deadline")
    description = None
    if new:  # Amendment.changes is deprecated in 1.1; say it in words instead
        description = f"投标截止时间由 {_date(old) if old else '（未定）'} 变更为 {_date(new)}"
    return _drop_empty(
        {
            "id": a["id"],
            "date": _date(a["date"]),
            "rationale": a["rationale"],
            "description": description,
        }
    )


def _tender(s: Mapping, currency: str, bidders: list[Mapping]) -> dict:
    method, details = PROCEDURES[s["procedure"]]
    start = s.get("documents_available_from") or s.get("published_at")
    opening = s.get("opening")
    cancellation = s.get("cancellation")
    enquiry = None
    if s.get("enquiry_deadline"):
        enquiry = {"startDate": _opt_date(start), "endDate": _date(s["enquiry_deadline"])}
    tender = {
        "id": s["tender_code"],
        "title": s["title"],
        "description": s.get("description"),
        "status": TENDER_STATUS[s["status"]],
        "procuringEntity": _org_ref(s.get("agency") or s["buyer"]),
        "value": _money(s.get("value_ceiling"), currency),
        "procurementMethod": method,
        "procurementMethodDetails": details,
        "mainProcurementCategory": s.get("main_category") or "works",
        "submissionMethod": ["electronicSubmission"],  # 电子招标投标: bids are sealed online
        "tenderPeriod": _drop_empty(
            {"startDate": _opt_date(start), "endDate": _opt_date(s.get("bid_deadline"))}
        ),
        "enquiryPeriod": enquiry,
        "lots": [  # lots extension shape: id, title, value
            _drop_empty(
                {
                    "id": lot["id"],
                    "title": lot["title"],
                    "value": _money(lot.get("value_ceiling"), currency),
                }
            )
            for lot in s.get("lots") or []
        ],
        "documents": [_document(d) for d in s.get("documents") or []],
        "amendments": [_amendment(a) for a in s.get("amendments") or []],
        "statusDetails": cancellation["reason"] if cancellation else None,
    }
    if opening:
        known = {b["credit_code"] for b in bidders}
        for bid in opening["bids"]:
            if bid["bidder_credit_code"] not in known:
                raise ValueError(f"bid from {bid['bidder_credit_code']} who is not a bidder")
        # 撤回 (withdrawn before the deadline) is no tender; a 撤销 (revoked) bid was submitted.
        tender["numberOfTenderers"] = sum(b["status"] != "withdrawn" for b in opening["bids"])
        tender["tenderers"] = [_org_ref(b) for b in bidders]
    return _drop_empty(tender)


def _award(a: Mapping, currency: str, names: Mapping[str, str]) -> dict:
    if a["status"] not in AWARD_STATUS:
        raise ValueError(f"award {a['id']}: status {a['status']!r} not in awardStatus")
    return _drop_empty(
        {
            "id": a["id"],
            "title": a.get("title"),
            "status": a["status"],
            "date": _date(a["date"]),
            "value": _money(a["value"], currency),
            "suppliers": [
                {"id": a["supplier_credit_code"], "name": names[a["supplier_credit_code"]]}
            ],
            "relatedLots": [a["lot_id"]] if a.get("lot_id") else None,  # lots extension field
        }
    )


def _contract(c: Mapping, currency: str, award_ids: set[str]) -> dict:
    if c["award_id"] not in award_ids:
        raise ValueError(f"contract {c['id']}: award {c['award_id']!r} not in this tender")
    if c["status"] not in CONTRACT_STATUS:
        raise ValueError(f"contract {c['id']}: status {c['status']!r} not in contractStatus")
    return _drop_empty(
        {
            "id": c["id"],
            "awardID": c["award_id"],
            "title": c.get("title"),
            "status": c["status"],
            "dateSigned": _opt_date(c.get("date_signed")),
            "value": _money(c["value"], currency),
        }
    )


def release(snapshot: Mapping, *, tag: str, release_id: str, date: str) -> dict:
    """One OCDS 1.1 release for a public event. Raises ValueError on an inconsistent snapshot."""
    s = snapshot
    if tag not in RELEASE_TAGS:
        raise ValueError(f"unsupported release tag {tag!r}")
    if s["status"] not in TENDER_STATUS:
        raise ValueError(f"unknown tender status {s['status']!r}")
    if s["procedure"] not in PROCEDURES:
        raise ValueError(f"unknown procedure {s['procedure']!r}")
    bidders = list(s.get("bidders") or [])
    # 招标投标法 第二十二条: who obtained the documents stays secret until the bids are opened.
    if bidders and not s.get("opening"):
        raise ValueError("bidders may only be published once bids are opened")
    awards, contracts = s.get("awards") or [], s.get("contracts") or []
    required = {
        "tenderAmendment": bool(s.get("amendments")),
        "award": bool(awards),
        "contract": bool(contracts),
        "tenderCancellation": s["status"] in ("failed", "cancelled"),
    }
    if not required.get(tag, True):
        raise ValueError(f"tag {tag!r} does not fit the snapshot (status {s['status']!r})")
    currency = s.get("currency") or "CNY"
    buyer = s["buyer"]
    names = {b["credit_code"]: b["name"] for b in bidders}
    out = {
        "ocid": ocid(s["ocid_prefix"], s["tender_code"]),
        "id": release_id,
        "date": _date(date),
        "tag": [tag],
        "initiationType": "tender",
        "language": "zh",
        "parties": _parties(s, bidders),
        "buyer": _org_ref(buyer),
        "planning": {
            "budget": {
                "id": s["project"]["code"],
                "project": s["project"]["name"],
                "projectID": s["project"]["code"],
            }
        },
        "tender": _tender(s, currency, bidders),
        "awards": [_award(a, currency, names) for a in awards],
        "contracts": [_contract(c, currency, {a["id"] for a in awards}) for c in contracts],
    }
    return copy.deepcopy(_drop_empty(out))


# ---- packages and records -------------------------------------------------------------------


def _package(key: str, items: Iterable[Mapping], uri: str, date: str, publisher: Mapping) -> dict:
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": _date(date),
        "publisher": dict(publisher),
        key: [copy.deepcopy(dict(i)) for i in items],
    }


def release_package(
    releases: Iterable[Mapping],
    *,
    uri: str,
    published_date: str,
    publisher: Mapping = DEFAULT_PUBLISHER,
) -> dict:
    return _package("releases", releases, uri, published_date, publisher)


# Fields that keep the latest whole list instead of merging items by id (schema wholeListMerge).
_WHOLE_LIST = {"additionalIdentifiers", "additionalClassifications"}
_OMIT_WHEN_MERGED = {"id", "date", "tag"}


def _merge(base: dict, new: Mapping) -> dict:
    """OCDS merge: later values win, null erases, objects recurse, arrays of objects with an
    "id" merge item by item; any other array (strings, id-less objects) is replaced whole."""
    for key, value in new.items():
        if value is None:
            base.pop(key, None)
        elif isinstance(value, Mapping):
            current = base.get(key)
            base[key] = _merge(current if isinstance(current, dict) else {}, value)
        elif (
            isinstance(value, list)
            and value
            and key not in _WHOLE_LIST
            and all(isinstance(i, Mapping) and "id" in i for i in value)
        ):
            current = base.get(key)
            items = current if isinstance(current, list) else []
            index = {i.get("id"): n for n, i in enumerate(items) if isinstance(i, dict)}
            for item in value:
                if item["id"] in index:
                    items[index[item["id"]]] = _merge(items[index[item["id"]]], item)
                else:
                    index[item["id"]] = len(items)
                    items.append(_merge({}, item))
            base[key] = items
        else:
            base[key] = copy.deepcopy(value)
    return base


def compile_record(releases: Iterable[Mapping]) -> dict:
    """Record with embedded releases (oldest first) and the compiled release."""
    ordered = sorted((copy.deepcopy(dict(r)) for r in releases), key=lambda r: r["date"])
    if not ordered:
        raise ValueError("a record needs at least one release")
    ocids = {r["ocid"] for r in ordered}
    if len(ocids) != 1:
        raise ValueError(f"releases of several processes: {sorted(ocids)}")
    compiled: dict = {}
    for r in ordered:
        _merge(compiled, {k: v for k, v in r.items() if k not in _OMIT_WHEN_MERGED})
    latest = ordered[-1]["date"]
    # id/date/tag are omitWhenMerged; the compiled id follows ocdskit's "{ocid}-{date}" habit.
    the_ocid = ordered[0]["ocid"]
    head = {"ocid": the_ocid, "id": f"{the_ocid}-{latest}", "date": latest, "tag": ["compiled"]}
    return {"ocid": the_ocid, "releases": ordered, "compiledRelease": {**head, **compiled}}


def record_package(
    records: Iterable[Mapping],
    *,
    uri: str,
    published_date: str,
    publisher: Mapping = DEFAULT_PUBLISHER,
) -> dict:
    return _package("records", records, uri, published_date, publisher)


# ---- validation -----------------------------------------------------------------------------

_SCHEMA_FILES = {
    "release": "release-schema.json",
    "release_package": "release-package-schema.json",
    "record_package": "record-package-schema.json",
}
_VERSIONED = SCHEMA_BASE + "versioned-release-validation-schema.json"


@lru_cache(maxsize=8)
def _validators(schema_dir: str) -> dict:
    # jsonschema (Python) is not installed in this project; jsonschema_rs is (via schemathesis),
    # so it is imported here only, keeping the rest of the module importable without it.
    import jsonschema_rs

    resources = []
    for path in sorted(Path(schema_dir).glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema.get("id") or SCHEMA_BASE + path.name, schema))
    known = {uri for uri, _ in resources}
    if _VERSIONED not in known:
        # The record package $refs it for versionedRelease, which we never emit; an empty
        # stand-in keeps compilation offline, and validate() refuses versionedRelease instead.
        resources.append((_VERSIONED, {}))

    def refuse(uri: str) -> dict:  # never reach the network: every $ref must be in schema_dir
        raise ValueError(f"{uri} is not in {schema_dir}")

    registry = jsonschema_rs.Registry(resources, draft=jsonschema_rs.Draft4, retriever=refuse)
    by_id = dict(resources)
    # OCDS 1.1 declares Draft 4. Formats are checked so dates must be RFC 3339 with an offset.
    return {
        kind: jsonschema_rs.Draft4Validator(
            by_id[SCHEMA_BASE + name], registry=registry, retriever=refuse, validate_formats=True
        )
        for kind, name in _SCHEMA_FILES.items()
    } | {"_has_versioned": _VERSIONED in known}


def _errors(validator: Any, obj: Any, prefix: str = "") -> list[str]:
    out = []
    for e in validator.iter_errors(obj):
        path = "/".join([prefix] * bool(prefix) + [str(p) for p in e.instance_path])
        out.append(f"{path}: {e.message}" if path else e.message)
    return out


def validate(
    obj: Any,
    *,
    schema_dir: str | Path,
    kind: Literal["release", "release_package", "record_package"] = "release",
) -> list[str]:
    """Messages "json/path: what is wrong" against the OCDS 1.1.5 schemas; [] means valid."""
    if kind not in _SCHEMA_FILES:
        raise ValueError(f"unknown kind {kind!r}")
    validators = _validators(str(Path(schema_dir).resolve()))
    errors = _errors(validators[kind], obj)
    if kind == "record_package" and isinstance(obj, Mapping):
        for n, record in enumerate(obj.get("records") or []):
            if not isinstance(record, Mapping):
                continue
            if "versionedRelease" in record and not validators["_has_versioned"]:
                errors.append(f"records/{n}/versionedRelease: cannot be validated offline")
            # "releases" is a oneOf (linked or embedded) whose error says only "not valid under
            # any of the schemas": check embedded releases one by one to say what is wrong.
            for m, r in enumerate(record.get("releases") or []):
                if isinstance(r, Mapping) and "ocid" in r:
                    errors += _errors(validators["release"], r, f"records/{n}/releases/{m}")
    return errors
