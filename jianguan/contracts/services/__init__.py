"""Contract services: the only writes. Each is atomic, checks its transition in workflow.py
and records its ledger entry in the same transaction. Split by noun:
contracts (create, terms, sign, subcontracts), boq, variations, claims (claims, reviews,
payments), acceptance."""
