"""Who may read the ledger entries of reviews (placeholder: being built)."""


def register_all() -> None:
    pass
