"""Concurrent writers on PostgreSQL: gapless indices and a tree equal to a recomputation."""

from __future__ import annotations

import threading
from collections import defaultdict

import pytest
from django.db import connection, transaction

from jianguan.accounts.tests.factories import OrganisationFactory
from jianguan.core.actor import SYSTEM
from jianguan.ledger.models import LedgerEntry, LedgerNode
from jianguan.ledger.services import current_tree, record
from jianguan.ledger.tests.conftest import rebuild

THREADS = 8
PER_THREAD = 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_writers_leave_no_gap():
    if connection.vendor != "postgresql":
        pytest.skip(
            f"needs PostgreSQL (row locks, real concurrent transactions); the suite runs on "
            f"{connection.vendor} - set DATABASE_URL=postgres://... to run it"
        )
    orgs = [OrganisationFactory() for _ in range(THREADS)]
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def writer(t: int) -> None:
        try:
            start.wait(timeout=30)
            for i in range(PER_THREAD):
                with transaction.atomic():
                    record(
                        actor=SYSTEM,
                        type="test.concurrent",
                        obj=orgs[t],
                        payload={"thread": t, "i": i},
                    )
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection; leave none open

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "writers did not finish"
    assert not errors, errors

    total = THREADS * PER_THREAD
    indices = list(LedgerEntry.objects.order_by("index").values_list("index", flat=True))
    assert indices == list(range(total))  # 0..1599: no gap, no duplicate

    # Each writer's own entries keep its order along the log.
    seen: dict[str, list[int]] = defaultdict(list)
    for object_id, data in LedgerEntry.objects.order_by("index").values_list(
        "object_id", "leaf_input"
    ):
        seen[object_id].append(int(bytes(data).split(b'"i":')[1].split(b",")[0].rstrip(b"}")))
    assert all(v == list(range(PER_THREAD)) for v in seen.values()) and len(seen) == THREADS

    tree = rebuild()
    assert current_tree().size == total
    assert current_tree().root == tree.root()
    stored = {
        (lv, ix): bytes(h) for lv, ix, h in LedgerNode.objects.values_list("level", "index", "hash")
    }
    assert stored == tree.nodes
