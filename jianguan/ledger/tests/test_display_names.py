"""The ledger's words never show Django's defaults (issue 16, 最近已办 and 履历): an object
whose model has no __str__ is named by its number, code, title or name, else by its kind
alone; a model still named in English reads 记录."""

from __future__ import annotations

import datetime as dt

from jianguan.compliance.models import Inspection
from jianguan.contracts.models import AcceptanceItem, PaymentClaim, Review, ReviewCut
from jianguan.experts.models import Committee
from jianguan.ledger.display import _kind, _name


def test_an_object_is_named_by_its_own_str_or_a_naming_field_or_not_at_all():
    assert _name(PaymentClaim(pk=7, number="JD-HT-T-0001-01")) == "JD-HT-T-0001-01"
    assert _name(Review(pk=2, stage="owner", round=1)) == "建设单位审核（第 1 轮）"
    assert _name(AcceptanceItem(pk=4, code="01", name="地基与基础")) == "01"
    assert _name(Committee(pk=3)) == ""  # no naming field: the kind alone is shown
    inspection = Inspection(pk=5, kind="routine", inspected_on=dt.date(2026, 5, 6))
    assert _name(inspection).startswith("2026-05-06 ")
    assert "object" not in _name(inspection)


def test_a_kind_is_chinese_or_reads_record():
    assert _kind(Review) == "进度款审核"
    assert _kind(Committee) == "评标委员会"
    assert _kind(ReviewCut) == "审核审减明细"

    class _Meta:
        verbose_name = (
            "review cut"  # a model still named in English (tests/test_model_names.py forbids it)
        )

    class English:
        _meta = _Meta

    assert _kind(English) == "记录"
