from jianguan.core.permissions import register

# Regulators and auditors may read every entry; others see entries of objects they may see.
register(
    "ledger.view_all",
    "查看全部存证记录",
    [("regulator", "*"), ("auditor", "*")],
)
register("ledger.sign", "签发树头", [("regulator", "admin")])
