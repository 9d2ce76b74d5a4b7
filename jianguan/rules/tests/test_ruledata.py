"""Tests of the rule data files (no database, no Django); the validator and loader are tested
in test_ruledata_loader.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from jianguan.rules.ruledata import (
    REGIONS,
    RuleSpec,
    load_rule_files,
    validate,
)

# (code, region) pairs that other apps call by name; they must exist.
REQUIRED_CODES = [
    ("tender.documents_to_deadline_min", "national"),
    ("tender.document_sale_min", "national"),
    ("prequal.application_after_sale_min", "national"),
    ("prequal.passed_min", "national"),
    ("clarification.before_prequal_deadline_min", "national"),
    ("clarification.before_bid_deadline_min", "national"),
    ("objection.tender_documents_before_deadline", "national"),
    ("objection.prequal_documents_before_deadline", "national"),
    ("objection.answer_within", "national"),
    ("bid_bond.ratio_max", "national"),
    ("bid_bond.refund_after_withdrawal", "national"),
    ("bid_bond.refund_after_contract", "national"),
    ("bid_bond.refund_after_contract", "beijing"),
    ("bidders.min", "national"),
    ("evaluation_committee.size_min", "national"),
    ("evaluation_committee.expert_share_min", "national"),
    ("candidates.max", "national"),
    ("publicity.start_within", "national"),
    ("publicity.duration_min", "national"),
    ("publicity.objection_answer_within", "national"),
    ("contract.sign_within", "national"),
    ("performance_bond.ratio_max", "national"),
    ("award.report_within", "national"),
    ("complaint.file_within", "national"),
    ("complaint.accept_within", "national"),
    ("complaint.decide_within", "national"),
    ("payment.progress_ratio_min", "national"),
    ("retention.ratio_max", "national"),
    ("overpayment.return_within", "national"),
    ("wage.payment_cycle_max", "national"),
    ("wage.ledger_retention_min", "national"),
    ("wage_account.closing_notice", "national"),
    ("noise.day_limit", "national"),
    ("noise.night_limit", "national"),
    ("noise.night_max_excess", "national"),
    ("noise.night_period", "national"),
    ("dust.pm10_24h_class1", "national"),
    ("dust.pm10_24h_class2", "national"),
    ("warranty.waterproofing_min", "national"),
    ("warranty.heating_cooling_min", "national"),
    ("warranty.electrical_plumbing_min", "national"),
    ("warranty.fitout_min", "national"),
    ("quality.structural_failure_report_within", "beijing"),
    ("acceptance.filing_within", "national"),
    ("archive.transfer_within", "beijing"),
    ("credit.good_record_publication", "national"),
    ("credit.bad_record_publication", "national"),
    ("credit.repair_min_publication", "national"),
    ("blacklist.period", "national"),
    ("procurement_ban.period", "national"),
    ("card.yellow_after_failed_rectifications", "daxing"),
    ("card.red_after_yellow_cards", "daxing"),
    ("card.red_window", "daxing"),
    ("tender_notice.unpublished_fine_ratio", "beijing"),
]

# Rules that RULES.md marks "recalled; verify" / "not verified", or that are policy defaults.
UNVERIFIED_CODES = [
    ("blacklist.period", "national"),
    ("credit.repair_min_publication", "national"),
    ("procurement.price_weight_goods", "national"),
    ("procurement.evaluation_committee_size_min", "national"),
    ("abnormally_low_bid.explanation_required", "national"),
    ("e_tendering.unseal_before_deadline_prohibited", "national"),
    ("credit.constructor_scale_factor_large", "beijing"),
    ("card.red_window", "daxing"),
    ("evaluation.benchmark_discount_k", "daxing"),
    ("evaluation.tie_break_order", "daxing"),
    ("abnormally_low_bid.below_others_mean_ratio", "daxing"),
]


@pytest.fixture(scope="module")
def specs() -> list[RuleSpec]:
    return load_rule_files()


@pytest.fixture(scope="module")
def by_key(specs: list[RuleSpec]) -> dict[tuple[str, str], RuleSpec]:
    today = date.today()
    return {(s.code, s.region): s for s in specs if s.is_effective_on(today)}


def rule(by_key: dict[tuple[str, str], RuleSpec], code: str, region: str = "national") -> RuleSpec:
    return by_key[(code, region)]


# --------------------------------------------------------------------------- the data files


def test_packaged_files_load_and_validate_without_problems(specs):
    assert specs
    assert validate(specs) == []


def test_every_region_has_a_file_with_rules(specs):
    assert {s.region for s in specs} == set(REGIONS)
    for spec in specs:
        assert spec.source == f"{spec.region}.json"


@pytest.mark.parametrize(("code", "region"), REQUIRED_CODES)
def test_required_code_exists(by_key, code, region):
    assert (code, region) in by_key


def test_codes_are_unique_per_region_today(specs):
    today = date.today()
    keys = [(s.region, s.code) for s in specs if s.is_effective_on(today)]
    assert len(keys) == len(set(keys))


def test_every_rule_has_a_chinese_name(specs):
    for spec in specs:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in spec.name), spec.code


def test_fields_fit_the_rule_table_columns(specs):
    """jianguan.rules.models.Rule: code 100, name 200, reference 300, note 300, unit 20."""
    for spec in specs:
        assert len(spec.code) <= 100, spec.code
        assert len(spec.name) <= 200, spec.code
        assert len(spec.reference) <= 300, spec.code
        assert len(spec.note) <= 300, spec.code
        assert len(spec.unit) <= 20, spec.code


def test_law_references_name_the_document(specs):
    for spec in specs:
        if spec.region in ("national", "beijing"):
            assert "《" in spec.reference or "GB " in spec.reference or "标准" in spec.reference, (
                spec.code
            )


@pytest.mark.parametrize(("code", "region"), UNVERIFIED_CODES)
def test_recalled_or_policy_rules_are_marked_unverified(by_key, code, region):
    assert rule(by_key, code, region).verified is False


def test_rules_flagged_in_their_note_as_unverified_are_not_verified(specs):
    for spec in specs:
        if "待核实" in spec.note or "RULES.md 标注待核" in spec.note:
            assert spec.verified is False, spec.code


# --------------------------------------------------------------------------- spot checks


def test_tender_documents_to_deadline_20_days_fa_24(by_key):
    spec = rule(by_key, "tender.documents_to_deadline_min")
    assert (spec.value, spec.unit) == (20, "day")
    assert "招标投标法》第二十四条" in spec.reference
    assert spec.effective_from == date(2017, 12, 28)


def test_bid_bond_max_is_2_percent_tiaoli_26(by_key):
    spec = rule(by_key, "bid_bond.ratio_max")
    assert spec.value == Decimal("0.02")
    assert isinstance(spec.value, Decimal)
    assert spec.unit == "ratio"
    assert "实施条例》第二十六条" in spec.reference


def test_bond_refund_after_contract_5_days_tiaoli_57(by_key):
    spec = rule(by_key, "bid_bond.refund_after_contract")
    assert (spec.value, spec.unit) == (5, "day")
    assert "第五十七条" in spec.reference


def test_beijing_overrides_bond_refund_with_5_working_days_jing_tiaoli_38(by_key):
    spec = rule(by_key, "bid_bond.refund_after_contract", "beijing")
    assert (spec.value, spec.unit) == (5, "working_day")
    assert spec.reference == "《北京市招标投标条例》第三十八条"


def test_objection_periods_tiaoli_22(by_key):
    assert rule(by_key, "objection.prequal_documents_before_deadline").value == 2
    assert rule(by_key, "objection.tender_documents_before_deadline").value == 10
    assert rule(by_key, "objection.answer_within").value == 3
    assert rule(by_key, "objection.suspends_process").value is True


def test_complaint_deadlines_use_working_days_tiaoli_61(by_key):
    assert rule(by_key, "complaint.file_within").unit == "day"
    accept = rule(by_key, "complaint.accept_within")
    decide = rule(by_key, "complaint.decide_within")
    assert (accept.value, accept.unit) == (3, "working_day")
    assert (decide.value, decide.unit) == (30, "working_day")


def test_expert_share_is_exactly_two_thirds_fa_37(by_key):
    share = rule(by_key, "evaluation_committee.expert_share_min").value
    assert share == Fraction(2, 3)
    # 6 experts of 9 satisfy the law; 3 of 5 do not.
    assert Fraction(6, 9) >= share
    assert Fraction(3, 5) < share
    assert Decimal(6) / Decimal(9) >= share
    assert rule(by_key, "evaluation_committee.size_min").value == 5


def test_publicity_and_candidates_tiaoli_53_54(by_key):
    assert rule(by_key, "candidates.max").value == 3
    assert rule(by_key, "publicity.start_within").value == 3
    assert rule(by_key, "publicity.duration_min").value == 3


def test_performance_bond_max_10_percent_tiaoli_58(by_key):
    assert rule(by_key, "performance_bond.ratio_max").value == Decimal("0.10")


def test_noise_limits_gb_12523_2011(by_key):
    assert rule(by_key, "noise.day_limit").value == Decimal("70")
    assert rule(by_key, "noise.night_limit").value == Decimal("55")
    assert rule(by_key, "noise.night_max_excess").value == Decimal("15")
    for code in ("noise.day_limit", "noise.night_limit", "noise.night_max_excess"):
        spec = rule(by_key, code)
        assert spec.unit == "db_a"
        assert "GB 12523-2011" in spec.reference
        assert spec.effective_from == date(2012, 7, 1)


def test_night_is_22_to_6_noise_law_88(by_key):
    spec = rule(by_key, "noise.night_period")
    assert spec.value == {"start": "22:00", "end": "06:00"}
    assert "第八十八条" in spec.reference


def test_pm10_limits_gb_3095_2012(by_key):
    assert rule(by_key, "dust.pm10_24h_class1").value == Decimal("50")
    assert rule(by_key, "dust.pm10_24h_class2").value == Decimal("150")
    assert "GB 3095-2012" in rule(by_key, "dust.pm10_24h_class1").reference


def test_progress_payment_at_least_80_percent_caijian_2022_183(by_key):
    spec = rule(by_key, "payment.progress_ratio_min")
    assert spec.value == Decimal("0.8")
    assert "财建〔2022〕183号" in spec.reference
    assert spec.effective_from == date(2022, 8, 1)
    assert "财建〔2022〕183号" in rule(by_key, "overpayment.return_within").reference


def test_retention_at_most_3_percent_baozhengjin_banfa_7(by_key):
    spec = rule(by_key, "retention.ratio_max")
    assert spec.value == Decimal("0.03")
    assert "第七条" in spec.reference


def test_wage_rules_nongmingong_tiaoli_15_24_27(by_key):
    cycle = rule(by_key, "wage.payment_cycle_max")
    assert (cycle.value, cycle.unit) == (1, "month")
    assert rule(by_key, "wage.ledger_retention_min").value == 3
    assert "第十五条" in rule(by_key, "wage.ledger_retention_min").reference
    assert rule(by_key, "wage_account.closing_notice").value == 30


def test_minimum_warranty_periods_zhiliang_tiaoli_40(by_key):
    assert rule(by_key, "warranty.waterproofing_min").value == 5
    heating = rule(by_key, "warranty.heating_cooling_min")
    assert (heating.value, heating.unit) == (2, "season")
    assert rule(by_key, "warranty.electrical_plumbing_min").value == 2
    assert rule(by_key, "warranty.fitout_min").value == 2


def test_beijing_quality_deadlines_jing_zhiliang_tiaoli_42_52(by_key):
    report = rule(by_key, "quality.structural_failure_report_within", "beijing")
    assert (report.value, report.unit) == (2, "working_day")
    archive = rule(by_key, "archive.transfer_within", "beijing")
    assert (archive.value, archive.unit) == (6, "month")
    assert rule(by_key, "acceptance.filing_within").value == 15


def test_credit_publication_periods_jianshi_2017_241(by_key):
    assert rule(by_key, "credit.good_record_publication").value == 3
    assert rule(by_key, "credit.bad_record_publication").value == {"min": 6, "max": 36}
    assert rule(by_key, "credit.repair_min_publication").value == 3


def test_procurement_ban_1_to_3_years_zhengfu_caigou_fa_77(by_key):
    spec = rule(by_key, "procurement_ban.period")
    assert (spec.value, spec.unit) == ({"min": 1, "max": 3}, "year")
    fine = rule(by_key, "procurement.supplier_fine_ratio").value
    assert fine == {"min": Decimal("0.005"), "max": Decimal("0.01")}


def test_beijing_unpublished_notice_fine_range_jing_tiaoli_49(by_key):
    spec = rule(by_key, "tender_notice.unpublished_fine_ratio", "beijing")
    assert spec.value == {"min": Decimal("0.0005"), "max": Decimal("0.001")}
    assert spec.verified is False  # suspected factor-of-ten slip in RULES.md


def test_daxing_card_policy(by_key):
    assert rule(by_key, "card.yellow_after_failed_rectifications", "daxing").value == 2
    assert rule(by_key, "card.red_after_yellow_cards", "daxing").value == 2
    window = rule(by_key, "card.red_window", "daxing")
    assert (window.value, window.unit, window.verified) == (12, "month", False)


def test_blacklist_period_is_recalled_and_unverified(by_key):
    spec = rule(by_key, "blacklist.period")
    assert (spec.value, spec.unit, spec.verified) == (1, "year", False)
