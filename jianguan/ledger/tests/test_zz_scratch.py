import pytest
from django.db import transaction
from jianguan.core.actor import SYSTEM
from jianguan.ledger.services import record
from jianguan.accounts.tests.factories import OrganisationFactory


def _one():
    org = OrganisationFactory()
    with transaction.atomic():
        record(actor=SYSTEM, type="t", obj=org, payload={})


@pytest.mark.django_db(transaction=True)
def test_marker():
    _one()


def test_fixture(transactional_db):
    _one()


def test_after(db):
    from jianguan.ledger.models import LedgerEntry
    assert LedgerEntry.objects.count() == 0
