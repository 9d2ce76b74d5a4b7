"""The evaluation method: set while a draft, frozen at publication; K committed at the
opening and revealed at its end, re-derivable from the published seed."""

from __future__ import annotations

import pytest

from jianguan.core.errors import Conflict, ValidationFailed
from jianguan.ledger.models import LedgerEntry
from jianguan.ledger.selectors import entry_document
from jianguan.tendering.evaluation import price_score
from jianguan.tendering.evaluation.services import tender_evaluation_set
from jianguan.tendering.tests.test_award import _opened
from jianguan.tendering.tests.test_services import _tender

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


def _payload(type_):
    return entry_document(LedgerEntry.objects.filter(type=type_).get())["payload"]


def test_set_frozen_and_k(market, tmp_path, monkeypatch):
    owner = market["owner"]
    tender = _tender(market)
    for bad, code in (
        ({**COMPREHENSIVE, "credit_points": "15"}, "weights_not_100"),
        ({**COMPREHENSIVE, "method": "lottery"}, "unknown_method"),
        (
            {**COMPREHENSIVE, "price": {**COMPREHENSIVE["price"], "k_set": ["1.5"]}},
            "bad_evaluation_config",
        ),
    ):
        with pytest.raises(ValidationFailed) as exc:
            tender_evaluation_set(actor=owner, tender=tender, config=bad)
        assert exc.value.code == code
    tender_evaluation_set(actor=owner, tender=tender, config=COMPREHENSIVE)
    tender.refresh_from_db()
    assert tender.evaluation_method == "comprehensive"
    # publish the configured draft through the journey helper, then changes are refused
    from jianguan.tendering.tests import test_award

    monkeypatch.setattr(test_award, "_tender", lambda m: tender)
    tender = _opened(market, tmp_path, ["28000000.00", "28100000.00", "28200000.00"])
    with pytest.raises(Conflict) as exc:
        tender_evaluation_set(actor=owner, tender=tender, config=COMPREHENSIVE)
    assert exc.value.code == "evaluation_frozen"
    committed, revealed = _payload("tendering.k_committed"), _payload("tendering.k_revealed")
    assert committed["commitment"] == revealed["commitment"] == tender.k_commitment
    assert "seed" not in committed and revealed["seed"] == tender.k_seed_hex
    assert tender.k_value in {price_score.Decimal(k) for k in COMPREHENSIVE["price"]["k_set"]}
    # anyone re-derives K and the commitment from what was published
    k_set = [price_score.Decimal(k) for k in COMPREHENSIVE["price"]["k_set"]]
    assert price_score.draw_k(k_set, bytes.fromhex(revealed["seed"])) == tender.k_value
    assert (
        price_score.k_commitment(k_set, revealed["seed"], committed["at"])
        == committed["commitment"]
    )
