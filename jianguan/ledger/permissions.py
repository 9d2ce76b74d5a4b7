from jianguan.core.permissions import MEMBER_ROLES, pairs, register

# Regulators and auditors may read every entry; others see entries of objects they may see.
register(
    "ledger.view_all",
    "查看全部存证记录",
    pairs(("regulator", "auditor"), MEMBER_ROLES),
)
register("ledger.sign", "签发树头", [("regulator", "admin")])
