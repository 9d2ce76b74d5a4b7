"""Contract services: the only writes about the contract itself. Each is atomic, checks its
transition in workflow.py and records its ledger entry in the same transaction. Split by noun:
contracts (create, sign, approve), terms, subcontracts, and the helpers in common. The
sub-domains keep their own services: claims/ (claims, reviews, payments), variations/, boq/,
acceptance/."""
