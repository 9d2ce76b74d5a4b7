"""OCDS releases at each public event, in the event's transaction and on the ledger."""

from __future__ import annotations

import hashlib
import json

from jianguan.core.actor import SYSTEM, Actor
from jianguan.core.timeutil import iso_utc, now
from jianguan.ledger.services import record
from jianguan.tendering.models import OcdsRelease, Tender
from jianguan.tendering.ocds import releases as ocds
from jianguan.tendering.ocds.build import snapshot


def ocds_release(*, tender: Tender, tag: str, actor: Actor = SYSTEM) -> OcdsRelease:
    data = snapshot(tender)
    ocid = ocds.ocid(data["ocid_prefix"], tender.code)
    number = OcdsRelease.objects.filter(tender=tender).count() + 1
    at = now()
    release_id = f"{ocid}-{number:03d}-{tag}"
    body = ocds.release(data, tag=tag, release_id=release_id, date=iso_utc(at))
    item = OcdsRelease.objects.create(
        ocid=ocid, release_id=release_id, tender=tender, tag=tag, date=at, data=body
    )
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    record(
        actor=actor,
        type="tendering.ocds_released",
        obj=tender,
        payload={
            "release_id": release_id,
            "tag": tag,
            "sha256": hashlib.sha256(canonical.encode()).hexdigest(),
        },
    )
    return item
