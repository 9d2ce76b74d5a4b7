"""Chinese names of the contract events in the ledger."""

LEDGER_LABELS = {
    "contracts.contract_created": "起草合同",
    "contracts.contract_terms_updated": "修改合同条款",
    "contracts.boq_imported": "导入工程量清单",
    "contracts.contract_signed": "签署合同",
    "contracts.subcontract_approved": "批准分包",
    "contracts.subcontract_refused": "不予批准分包",
    "contracts.variation_raised": "提出变更或签证",
    "contracts.variation_decided": "审批变更或签证",
    "contracts.variation_applied": "变更生效，调整合同价与工程量",
    "contracts.claim_created": "起草进度款申请",
    "contracts.claim_submitted": "提交进度款申请",
    "contracts.claim_checked": "进度款申请自动校验未通过",
    "contracts.review_started": "开始审核进度款",
    "contracts.review_submitted": "提交审核意见及审减",
    "contracts.claim_approved": "进度款审定",
    "contracts.payment_recorded": "登记支付",
    "contracts.acceptance_self_checked": "施工单位自检",
    "contracts.acceptance_decided": "监理验收",
}
