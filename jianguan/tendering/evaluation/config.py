"""The evaluation method of a tender, as configured before publication and frozen with it.

Pure: parses and checks the JSON the tenderer sets, and gives the price part's
PriceConfig. Two methods: 经评审的最低投标价法 (``lowest_evaluated_price``) and 综合评估法
(``comprehensive``: technical, commercial and credit criteria scored by the experts or from
the credit score on the opening day, plus the benchmark-deviation price score).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from jianguan.tendering.evaluation.aggregate import Criterion
from jianguan.tendering.evaluation.price_score import PriceConfig

LOWEST, COMPREHENSIVE = "lowest_evaluated_price", "comprehensive"
METHODS = {LOWEST: "经评审的最低投标价法", COMPREHENSIVE: "综合评估法"}
PARTS = {
    "technical": "技术部分",
    "commercial": "商务部分",
    "credit": "信用部分",
    "price": "报价部分",
}


class ConfigError(ValueError):
    def __init__(self, message: str, code: str = "bad_evaluation_config"):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class EvaluationConfig:
    method: str
    criteria: tuple[tuple[str, Criterion], ...]  # (part, criterion)
    credit_points: Decimal
    price: PriceConfig | None
    drop_extremes_at: int | None
    raw: dict

    @property
    def digest(self) -> str:
        return digest(self.raw)


def digest(raw: dict) -> str:
    text = json.dumps(raw, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _dec(value: Any, what: str) -> Decimal:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ConfigError(f"{what}须为数字") from None
    if not d.is_finite() or d < 0:
        raise ConfigError(f"{what}须为非负数")
    return d


def default_lowest() -> dict:
    return {"method": LOWEST}


def parse(raw: dict | None) -> EvaluationConfig:
    raw = dict(raw or default_lowest())
    method = raw.get("method")
    if method not in METHODS:
        raise ConfigError(f"未知的评标办法：{method}", "unknown_method")
    if method == LOWEST:
        return EvaluationConfig(LOWEST, (), Decimal(0), None, None, {"method": LOWEST})
    criteria = []
    seen = set()
    for item in raw.get("criteria") or []:
        part, code = item.get("part"), str(item.get("code") or "").strip()
        if part not in ("technical", "commercial"):
            raise ConfigError(f"评分因素“{code}”的部分须为技术或商务")
        if not code or code in seen:
            raise ConfigError(f"评分因素编码缺失或重复：{code or '（空）'}")
        seen.add(code)
        label = str(item.get("label") or code)[:100]
        points = _dec(item.get("max_points"), f"评分因素“{label}”的分值")
        criteria.append((part, Criterion(code, label, points, bool(item.get("subjective", True)))))
    p = raw.get("price") or {}
    try:
        price = PriceConfig(
            max_points=_dec(p.get("max_points"), "报价分值"),
            trim_min_n=int(p.get("trim_min_n", 5)),
            k_set=tuple(_dec(k, "下浮系数") for k in p.get("k_set") or ()),
            e_above=_dec(p.get("e_above", "1"), "高于基准价的扣分"),
            e_below=_dec(p.get("e_below", "0.5"), "低于基准价的扣分"),
            floor=_dec(p.get("floor", "0"), "报价最低得分"),
            places=int(p.get("places", 2)),
        )
    except ConfigError:
        raise
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"报价评分参数不正确：{exc}") from None
    credit = _dec(raw.get("credit_points", "0"), "信用分值")
    total = sum(c.max_points for _, c in criteria) + credit + price.max_points
    if total != 100:
        raise ConfigError(f"各部分分值合计须为100分（现为{total}分）", "weights_not_100")
    drop = raw.get("drop_extremes_at", 7)
    return EvaluationConfig(
        COMPREHENSIVE,
        tuple(criteria),
        credit,
        price,
        int(drop) if drop else None,
        raw,
    )
