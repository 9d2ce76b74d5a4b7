"""Who may read the ledger entries of contract objects (placeholder: being built)."""


def register_all() -> None:
    pass
