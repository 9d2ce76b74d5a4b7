"""organisation_update: changes are validated, ledgered with a diff, and permission-checked."""

import pytest

from jianguan.accounts import services
from jianguan.accounts.tests.factories import OrganisationFactory
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.ledger.models import LedgerEntry
from jianguan.ledger.selectors import entry_document


def test_contact_change_is_ledgered_with_before_and_after(regulator):
    org = OrganisationFactory(contact_phone="010-1")
    org = services.organisation_update(actor=regulator, organisation=org, contact_phone="010-2")
    assert org.contact_phone == "010-2"
    entry = LedgerEntry.objects.get(type="organisation.updated", object_id=str(org.pk))
    assert entry_document(entry)["payload"]["changes"] == {"contact_phone": ["010-1", "010-2"]}


def test_bad_or_duplicate_credit_code_changes_nothing(regulator):
    first, second = OrganisationFactory(), OrganisationFactory()
    with pytest.raises(ValidationFailed) as info:
        services.organisation_update(actor=regulator, organisation=first, credit_code="123")
    assert info.value.code == "invalid_credit_code"
    with pytest.raises(Conflict):
        services.organisation_update(
            actor=regulator, organisation=first, credit_code=second.credit_code
        )
    first.refresh_from_db()
    assert first.credit_code != second.credit_code
    assert not LedgerEntry.objects.filter(type="organisation.updated").exists()


def test_contractor_may_not_update(contractor):
    org = OrganisationFactory()
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=contractor, organisation=org, name="改名")
