"""The input of releases.py: the plain snapshot of a tender the Django side builds at each public
event (``tendering/ocds/build.py``). Pure typing, no Django."""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

# ---- input contract -------------------------------------------------------------------------
# Dates are ISO 8601 strings WITH an offset ("Z" or "+00:00"; any offset is accepted and
# normalised to UTC). Money is a decimal string (or int/Decimal) with at most 2 decimals.


class Org(TypedDict):
    name: str
    credit_code: str  # 统一社会信用代码: the party id
    address: NotRequired[str]
    contact_name: NotRequired[str]
    contact_phone: NotRequired[str]


class Project(TypedDict):
    code: str
    name: str
    town: NotRequired[str]  # no core field for a works location (location extension): unused


class Lot(TypedDict):
    id: str
    title: str
    value_ceiling: NotRequired[str]


class Doc(TypedDict):
    id: str
    kind: str  # a key of DOCUMENT_TYPES
    title: str
    url: str
    published_at: str
    sm3: NotRequired[str]  # hex SM3 of the file, emitted as additional property "sm3"
    format: NotRequired[str]  # MIME type


class Amendment(TypedDict):
    id: str
    date: str
    rationale: str
    old_deadline: NotRequired[str | None]
    new_deadline: NotRequired[str | None]


class Bid(TypedDict):
    bidder_credit_code: str
    price: str
    duration_days: int
    status: Literal["valid", "revoked", "withdrawn"]


class Opening(TypedDict):
    date: str
    bids: list[Bid]


class Candidate(TypedDict):
    rank: int
    credit_code: str
    price: str


class AwardIn(TypedDict):
    id: str
    date: str
    status: Literal["pending", "active", "cancelled"]
    supplier_credit_code: str  # must be one of the bidders
    value: str
    title: str
    lot_id: NotRequired[str]


class ContractIn(TypedDict):
    id: str
    award_id: str  # must be one of the awards
    value: str
    status: Literal["pending", "active", "cancelled", "terminated"]
    title: str
    date_signed: NotRequired[str | None]


class Cancellation(TypedDict):
    date: str
    reason: str


class TenderSnapshot(TypedDict):
    """State of one tender at a public event. NotRequired keys may be absent, None or []."""

    ocid_prefix: str  # "ocds-xxxxxx", from settings
    tender_code: str
    project: Project
    buyer: Org  # 招标人
    title: str
    procedure: Literal["open_post", "open_prequal", "invited"]
    status: str  # a key of TENDER_STATUS
    agency: NotRequired[Org | None]  # 招标代理机构; absent: the buyer is the procuringEntity
    description: NotRequired[str]
    main_category: NotRequired[str]  # default "works"
    value_ceiling: NotRequired[str | None]  # 最高投标限价
    currency: NotRequired[str]  # default "CNY"
    published_at: NotRequired[str | None]
    documents_available_from: NotRequired[str | None]  # else published_at starts the periods
    bid_deadline: NotRequired[str | None]
    enquiry_deadline: NotRequired[str | None]
    lots: NotRequired[list[Lot]]
    documents: NotRequired[list[Doc]]
    amendments: NotRequired[list[Amendment]]
    bidders: NotRequired[list[Org]]  # only once opened: bidders are secret until then
    opening: NotRequired[Opening | None]
    candidates: NotRequired[list[Candidate]]  # published as the document only
    awards: NotRequired[list[AwardIn]]
    contracts: NotRequired[list[ContractIn]]
    cancellation: NotRequired[Cancellation | None]
