"""Query counts on read paths: the contract's ledger history and the reviewers' worklist
cost the same number of queries however many objects they list."""

from __future__ import annotations

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from jianguan.contracts import visibility
from jianguan.contracts.claims import reviews
from jianguan.contracts.claims import services as claims
from jianguan.contracts.claims.selectors import worklist
from jianguan.contracts.models import AcceptanceItem, Evidence
from jianguan.contracts.tests.factories import make_contract
from jianguan.contracts.tests.test_claims import P1, P2, half_lines, new_claim, run_chain
from jianguan.core.actor import SYSTEM
from jianguan.ledger import services as ledger
from jianguan.ledger.visibility import can_see

PERSONAS = ("owner", "contractor", "supervisor", "finance", "auditor", "other_auditor")


def _acceptance_items(contract, start, n):
    with transaction.atomic():
        for i in range(start, start + n):
            item = AcceptanceItem.objects.create(
                contract=contract, level="lot", code=f"L{i:04d}", name=f"检验批{i}"
            )
            ledger.record(actor=SYSTEM, type="acceptance.created", obj=item, payload={"i": i})


def _count(fn):
    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    return result, len(ctx.captured_queries)


def test_contract_entries_match_can_see_in_constant_queries(deal):
    c, a = deal["contract"], deal["actors"]
    run_chain(deal, claims.claim_submit(actor=a["contractor"], claim=new_claim(deal)))
    # a second round stops after the finance review: the auditor must not see it yet
    second = claims.claim_submit(
        actor=a["contractor"], claim=new_claim(deal, period=P2, lines=half_lines(c, "0.8"))
    )
    for persona in ("supervisor", "owner", "finance"):
        review = reviews.review_start(actor=a[persona], claim=second)
        reviews.review_submit(actor=a[persona], review=review, opinion="同意")
        second.refresh_from_db()
        with transaction.atomic():
            ev = Evidence.objects.create(
                contract=c, claim=second, review=review, file="x.pdf", name="核减依据",
                sm3="0" * 64, size=1, uploaded_by="test",
            )  # fmt: skip
            ledger.record(actor=SYSTEM, type="evidence.added", obj=ev, payload={"r": review.pk})
    _acceptance_items(c, 0, 5)
    few = {p: _count(lambda p=p: visibility.contract_entries(actor=a[p], contract=c))[1]
           for p in PERSONAS}  # fmt: skip
    _acceptance_items(c, 5, 40)
    everything = visibility.contract_entries(actor=SYSTEM, contract=c)
    for persona in PERSONAS:
        actor = a[persona]
        entries, queries = _count(
            lambda actor=actor: visibility.contract_entries(actor=actor, contract=c)
        )
        assert queries == few[persona], persona
        want = [
            e.index for e in everything if can_see(actor, "contracts", e.object_model, e.object_id)
        ]
        assert [e.index for e in entries] == want, persona


def test_worklist_queries_do_not_grow_with_claims(deal):
    o, a = deal["orgs"], deal["actors"]

    def claim_on_new_contract():
        c = make_contract(
            project=deal["project"], employer=o["owner"], contractor=o["general_contractor"],
            supervisor=o["supervisor"], finance_bureau=o["finance_bureau"], auditor=o["auditor"],
        )  # fmt: skip
        claim = claims.claim_create(
            actor=a["contractor"], contract=c, period_start=P1[0], period_end=P1[1],
            lines=half_lines(c),
        )  # fmt: skip
        claims.claim_submit(actor=a["contractor"], claim=claim)

    def shown():
        return [
            (cl.contract.contractor.name, cl.contract.project.name)
            for cl in worklist(actor=a["supervisor"])
        ]

    claim_on_new_contract()
    _, one = _count(shown)
    for _ in range(3):
        claim_on_new_contract()
    rows, four = _count(shown)
    assert len(rows) == 4 and four == one
