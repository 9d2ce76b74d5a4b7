"""围标串标 screens run automatically after the opening and again after the evaluation: each
registered screen gives evidence (values, thresholds, the bids concerned, the article), never
a verdict. The report goes to the committee and the regulator and onto the ledger."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from django.db import transaction

from jianguan.core.actor import SYSTEM, Actor
from jianguan.core.timeutil import SHANGHAI
from jianguan.ledger.services import record
from jianguan.rules.lookup import rule_value
from jianguan.tendering.collusion import boq, fingerprints, price_screens, similarity
from jianguan.tendering.models import Bid, CollusionReport, Tender
from jianguan.tendering.services.common import opened_dir

log = logging.getLogger(__name__)
# How much a kind of evidence weighs in the tender's suspicion (0..1): shared machines, PDF
# IDs or bond accounts are near-conclusive facts (条例 40 一、二、六), copied proposals strong.
STRENGTH = {"strong": 0.9, "medium": 0.7, "weak": 0.4}
SIMILARITY_WEIGHT = 0.8


def price_thresholds(tender: Tender) -> dict[str, float]:
    """The price screens' thresholds from rule data on the tender's deadline day."""
    on = tender.bid_deadline.astimezone(SHANGHAI).date()
    out = {}
    for key in ("cv", "spd", "diffp", "rd", "rdnor", "kurt"):
        out[key] = float(rule_value(f"collusion.screen.{key}", on=on))
    out["skew"] = -float(rule_value("collusion.screen.skew_below", on=on))
    return out


def _text_of(path: Path) -> str:
    from pypdf import PdfReader

    try:
        return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages[:200])
    except Exception:
        return ""


def _boqs(bids: list[Bid]) -> dict[str, list[dict]]:
    """Each bid's priced BoQ (the first .xlsx in its opened files that parses cleanly)."""
    from jianguan.tendering.boq_xlsx import parse

    out = {}
    for bid in bids:
        for path in sorted(opened_dir(bid).glob("*.xlsx")):
            lines, problems = parse(path)
            if lines and not problems:
                out[bid.bidder.credit_code] = lines
                break
    return out


def _inputs(tender: Tender) -> tuple[list[Bid], list[dict], dict[str, str]]:
    bids = list(
        Bid.objects.filter(tender=tender, status=Bid.OPENED).select_related("bidder", "lot")
    )
    fp_rows, texts = [], {}
    for bid in bids:
        files = sorted(p for p in opened_dir(bid).glob("*") if p.is_file())
        pdfs = [p for p in files if p.suffix.lower() == ".pdf"]
        fp_rows.append(
            {
                "bidder": bid.bidder.credit_code,
                "machine_fingerprint": (bid.manifest or {}).get("fingerprint") or {},
                "upload_ip": bid.upload_ip,
                "files": [{"name": p.name, "pdf": p} for p in pdfs],
                "contacts": {},
                "key_staff": [],
                "bond_account": bid.bond_account,
            }
        )
        texts[bid.bidder.credit_code] = "\n".join(_text_of(p) for p in pdfs)
    return bids, fp_rows, texts


def _tender_text(tender: Tender) -> str:
    out = io.StringIO()
    for doc in tender.documents.filter(kind__in=("tender_documents", "clarification")):
        try:
            out.write(_text_of(Path(doc.file.path)))
        except (ValueError, OSError):
            continue
    return out.getvalue()


def collusion_run(*, tender: Tender, stage: str, actor: Actor = SYSTEM) -> CollusionReport | None:
    """In the caller's transaction; a second run of the same stage replaces nothing."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("collusion_run runs inside the opening or evaluation transaction")
    if CollusionReport.objects.filter(tender=tender, stage=stage).exists():
        return None
    bids, fp_rows, texts = _inputs(tender)
    prices = [b.price for b in bids if b.price is not None]
    thresholds = price_thresholds(tender)
    price = price_screens.screens(prices, thresholds=thresholds)
    evidence = [{**f, "screen": "price"} for f in price.get("flags") or ()]
    evidence += [{**e, "screen": "fingerprint"} for e in fingerprints.fingerprint_screens(fp_rows)]
    boqs = _boqs(bids)
    if len(boqs) >= 2:
        evidence += [{**e, "screen": "boq"} for e in boq.boq_screens(boqs)]
    proposals = {k: v for k, v in texts.items() if v.strip()}
    if len(proposals) >= 2:
        evidence += [
            {**e, "screen": "similarity"}
            for e in similarity.similar_pairs(proposals, _tender_text(tender))
        ]
    suspicion = max(
        [float(price.get("score") or 0.0)]
        + [
            STRENGTH.get((e.get("details") or {}).get("strength", "medium"), 0.7)
            for e in evidence
            if e["screen"] == "fingerprint" and e.get("indicator") != "fingerprint_notes"
        ]
        + [SIMILARITY_WEIGHT for e in evidence if e["screen"] in ("similarity", "boq")]
    )
    report = CollusionReport.objects.create(
        tender=tender,
        stage=stage,
        suspicion=round(suspicion, 3),
        price={k: v for k, v in price.items() if k != "flags"},
        evidence=evidence,
        thresholds={"price": thresholds},
    )
    record(
        actor=actor,
        type="tendering.collusion_screened",
        obj=tender,
        payload={
            "code": tender.code,
            "stage": stage,
            "suspicion": str(report.suspicion),
            "price_score": str(price.get("score")),
            "evidence": len(evidence),
        },
    )
    return report
