"""Registration, contracts and placement: the rules of entry, encryption at rest, the ledger."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import today_local
from jianguan.ledger.models import LedgerEntry
from jianguan.smartsite.tests.workers_helpers import id_number, site  # noqa: F401
from jianguan.smartsite.workers import crypto, selectors, services
from jianguan.smartsite.workers.models import Worker

ADULT = dt.date(1985, 6, 15)


def register(site, number=None, **over):  # noqa: F811
    args = dict(
        actor=site["actors"]["labour"],
        employer=site["orgs"]["labour"],
        name="张三",
        id_number=number or id_number(ADULT),
        trade="rebar_worker",
        bank_card="6222021234567890123",
        bank_name="中国工商银行",
    )
    args.update(over)
    return services.worker_register(**args)


def placed(site, worker):  # noqa: F811
    today = today_local()
    services.labour_contract_sign(
        actor=site["actors"]["labour"],
        worker=worker,
        project=site["project"],
        start=today - dt.timedelta(days=30),
    )
    return services.worker_place(
        actor=site["actors"]["labour"], worker=worker, project=site["project"]
    )


def test_registration_encrypts_the_numbers_and_keeps_them_out_of_the_ledger(site):  # noqa: F811
    number = id_number(ADULT)
    worker = register(site, number)
    stored = Worker.objects.values().get(pk=worker.pk)
    assert number not in str(stored) and "6222021234567890123" not in str(stored)
    assert stored["id_number_masked"] == number[:6] + "********" + number[14:]
    assert stored["bank_card_masked"].endswith("0123")
    assert selectors.identity_of(worker) == number
    assert selectors.bank_card_of(worker) == "6222021234567890123"
    assert selectors.worker_by_id_number(number.lower()) == worker
    entries = list(LedgerEntry.objects.filter(type__startswith="smartsite."))
    assert [e.type for e in entries] == ["smartsite.worker_registered"]
    leaf = bytes(entries[0].leaf_input).decode()
    assert number not in leaf and "6222021234567890123" not in leaf
    assert crypto.blind_index(number) in leaf


def test_a_ciphertext_cannot_be_moved_to_another_column_or_altered(site):  # noqa: F811
    worker = register(site)
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(worker.bank_card_cipher, context="id_number")
    token = worker.id_number_cipher
    flipped = token[:-4] + ("AAAA" if token[-4:] != "AAAA" else "BBBB")
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(flipped, context="id_number")
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt("v9:xyz", context="id_number")


@pytest.mark.parametrize(
    "number, code",
    [
        ("110115198506151230", "id_number_check_digit"),
        ("11011519850615123", "id_number_length"),
        ("1101151985061512AB", "id_number_format"),
    ],
)
def test_bad_identity_numbers_are_refused(site, number, code):  # noqa: F811
    if code == "id_number_check_digit":
        good = id_number(ADULT)
        number = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ValidationFailed) as exc:
        register(site, number)
    assert exc.value.code == code
    assert not Worker.objects.exists()


@pytest.mark.rule("worker_registration.min_age")
def test_under_sixteen_is_refused_from_rule_data(site):  # noqa: F811
    """劳动法 第十五条: the day before the 16th birthday refused; on it and after, allowed."""
    today = today_local()
    fifteen = today.replace(year=today.year - 16) + dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as exc:
        register(site, id_number(fifteen))
    assert exc.value.code == "worker_under_age"
    assert "劳动法" in exc.value.message and "16" in exc.value.message
    # sixteen today: allowed
    sixteen = today.replace(year=today.year - 16) if (today.month, today.day) != (2, 29) else today
    register(site, id_number(sixteen, seq=555))
    register(site, id_number(sixteen - dt.timedelta(days=1), seq=556))


def test_a_duplicate_identity_is_refused_whoever_registers_it(site):  # noqa: F811
    number = id_number(ADULT)
    register(site, number)
    with pytest.raises(Conflict) as exc:
        register(
            site,
            number.lower(),
            actor=site["actors"]["other_labour"],
            employer=site["orgs"]["other_labour"],
            name="张三",
        )
    assert exc.value.code == "duplicate_identity"
    assert Worker.objects.count() == 1


def test_only_the_employer_or_its_general_contractor_registers(site):  # noqa: F811
    with pytest.raises(PermissionDenied):
        register(site, actor=site["actors"]["other_gc"])
    with pytest.raises(PermissionDenied):
        register(site, actor=site["actors"]["regulator"])
    # the general contractor of a project the labour subcontractor works on may
    assert register(site, actor=site["actors"]["gc"]).employer == site["orgs"]["labour"]


def test_placement_needs_a_signed_contract_covering_the_day(site):  # noqa: F811
    worker = register(site)
    with pytest.raises(ValidationFailed) as exc:
        services.worker_place(
            actor=site["actors"]["labour"], worker=worker, project=site["project"]
        )
    assert exc.value.code == "no_contract"
    today = today_local()
    services.labour_contract_sign(
        actor=site["actors"]["labour"],
        worker=worker,
        project=site["project"],
        start=today + dt.timedelta(days=3),
    )
    with pytest.raises(ValidationFailed) as exc:
        services.worker_place(
            actor=site["actors"]["labour"], worker=worker, project=site["project"]
        )
    assert exc.value.code == "no_contract"
    placement = placed(site, worker)
    assert placement.contract.covers(today)
    with pytest.raises(ValidationFailed) as exc:
        services.worker_place(
            actor=site["actors"]["labour"], worker=worker, project=site["project"]
        )
    assert exc.value.code == "already_placed"
    types = list(
        LedgerEntry.objects.filter(type__startswith="smartsite.").values_list("type", flat=True)
    )
    assert types.count("smartsite.contract_signed") == 2
    assert types.count("smartsite.worker_placed") == 1


def test_a_contract_on_a_project_the_employer_is_not_on_is_refused(site):  # noqa: F811
    worker = register(site)
    with pytest.raises(PermissionDenied):
        services.labour_contract_sign(
            actor=site["actors"]["other_gc"],
            worker=worker,
            project=site["other_project"],
            start=today_local(),
        )
    with pytest.raises(ValidationFailed) as exc:
        services.labour_contract_sign(
            actor=site["actors"]["labour"],
            worker=worker,
            project=site["other_project"],
            start=today_local(),
        )
    assert exc.value.code == "employer_not_on_project"


def test_a_blacklisted_employer_cannot_place_its_workers(site):  # noqa: F811
    from jianguan.compliance.models import Sanction

    worker = register(site)
    today = today_local()
    services.labour_contract_sign(
        actor=site["actors"]["labour"], worker=worker, project=site["project"], start=today
    )
    Sanction.objects.create(  # the compliance app's decision, made directly for the test
        number="HMD-TEST-1",
        organisation=site["orgs"]["labour"],
        kind="blacklist",
        reason="拖欠农民工工资拒不支付",
        legal_basis="建市〔2017〕241号",
        issued_by="监管中心",
        issued_on=today,
        effective_from=today,
        effective_to=today + dt.timedelta(days=365),
        published_from=today,
        published_to=today + dt.timedelta(days=365),
    )
    with pytest.raises(ValidationFailed) as exc:
        services.worker_place(
            actor=site["actors"]["labour"], worker=worker, project=site["project"]
        )
    assert exc.value.code == "employer_blacklisted"
    assert "HMD-TEST-1" in exc.value.message


def test_roster_scope_and_masking(site):  # noqa: F811
    worker = register(site)
    placed(site, worker)
    project = site["project"]
    a = site["actors"]
    for who in ("gc", "labour", "regulator"):
        scope = selectors.scope_for(actor=a[who], project=project)
        assert [p.worker for p in selectors.roster(scope, on=today_local())] == [worker]
        assert selectors.may_see_identity(scope, a[who], worker)
    scope = selectors.scope_for(actor=a["owner"], project=project)
    assert [p.worker for p in selectors.roster(scope, on=today_local())] == [worker]
    assert not selectors.may_see_identity(scope, a["owner"], worker)
    scope = selectors.scope_for(actor=a["gc_signer"], project=project)
    assert not selectors.may_see_identity(scope, a["gc_signer"], worker)
    from jianguan.core.errors import NotFound

    for who in ("other_gc", "other_labour"):
        with pytest.raises(NotFound):
            selectors.scope_for(actor=a[who], project=project)
