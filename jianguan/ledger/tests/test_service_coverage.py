"""Every service that changes a regulated model writes a ledger entry (DESIGN.md, "Ledger").

How the check works (static, so it covers code paths no other test reaches):

1. Import every ``jianguan.<app>.services`` module and every ``services`` module of the app's
   sub-packages (``jianguan.tendering.bids.services``), and every submodule when ``services``
   is a package (DESIGN.md: files past ~500 lines become packages).
2. For each public function *defined* in that module (re-exports are checked where they
   are defined), parse its source and follow the calls it makes to other functions of the
   services modules (private helpers, other services; names are resolved through the
   module's real namespace, so ``from x import record as r`` or ``ledger.record`` work too).
3. A function *writes* when it, or anything it reaches, runs in ``transaction.atomic`` or
   calls an ORM write (``save``, ``delete``, ``create``, ``bulk_create``, ``bulk_update``,
   ``get_or_create``, ``update_or_create``, or ``update`` on a queryset/manager).
4. A writing function must reach ``jianguan.ledger.services.record`` - or be listed in
   ``NOT_REGULATED`` below, with the reason. Listed functions must still exist and still
   write without recording, so the list cannot go stale.

The self-tests at the bottom run the same checker on small synthetic modules.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import pkgutil
import sys
import textwrap
import types
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest

import jianguan
from jianguan.ledger.services import record as LEDGER_RECORD
from jianguan.ledger.services import record_many as LEDGER_RECORD_MANY

# Calling either appends entries (record() is record_many() of one).
LEDGER_APPENDS = (inspect.unwrap(LEDGER_RECORD), inspect.unwrap(LEDGER_RECORD_MANY))

# Writes that are not decisions about a regulated object. Each needs its reason.
NOT_REGULATED: dict[str, str] = {
    # The final account (issue 21): the contractor's draft; submitting it records every figure.
    "jianguan.cost.settlement.services.final_account_quantities_set": "the contractor's draft; the submission is ledgered with its figures",
    "jianguan.cost.settlement.services.final_account_line_add": "the contractor's draft; the submission is ledgered with its figures",
    "jianguan.cost.settlement.services.final_account_line_remove": "the contractor's draft; the submission is ledgered with its figures",
    # The settlement audit (issue 21): a reviewer's draft cuts; submitting the review records them all.
    "jianguan.cost.audit.services.cuts_set": "a reviewer's draft cuts; the submission is ledgered with the cut table",
    "jianguan.cost.audit.services.cut_set": "a reviewer's draft cut; the submission is ledgered with the cut table",
    "jianguan.cost.audit.services.cut_remove": "a reviewer's draft cut withdrawn; the submission is ledgered with the cut table",
    # Collaboration (issue 20): the project team's working record. What decides something is
    # ledgered (a task's creation, assignment and status; issued minutes; document versions;
    # signed logs; published policies and acknowledgements); drafts, chatter and derived data
    # are not regulated decisions.
    "jianguan.collab.documents.services.text_extract": "search text derived from a ledgered version",
    "jianguan.collab.policies.services.policy_read": "a read receipt; the acknowledgement is ledgered",
    "jianguan.collab.schedule.services.schedule_recompute": "dates derived from the ledgered import and progress",
    "jianguan.collab.tasks.meetings.services.action_item_add": "a draft of the minutes; issuing them is ledgered",
    "jianguan.collab.tasks.meetings.services.attendance_set": "a draft of the minutes; issuing them is ledgered",
    "jianguan.collab.tasks.meetings.services.meeting_update": "a draft meeting; issuing the minutes is ledgered",
    "jianguan.collab.tasks.services.checklist_add": "a working note on a task; its status is ledgered",
    "jianguan.collab.tasks.services.checklist_toggle": "a working note on a task; its status is ledgered",
    "jianguan.collab.tasks.services.comment_add": "discussion on a task; its status is ledgered",
    "jianguan.collab.tasks.services.link_add": "a cross-reference between records, decides nothing",
    "jianguan.collab.tasks.services.overdue_sweep": "marks a reminder as sent (notification state)",
    # Transport of a sealed package: nothing is a bid until upload_complete, which is ledgered
    # with the package's SM3 (the receipt); a started or partial upload decides nothing.
    "jianguan.tendering.bids.services.upload_start": "opens a transfer; the bid is ledgered at completion",
    "jianguan.tendering.bids.services.upload_chunk": "notes a received chunk; ledgered at completion",
    # An expert's draft sheet: the scores are ledgered when the expert submits them.
    "jianguan.experts.services.scoring.sheet_save": "a draft; sheets_submit ledgers the scores",
    # Ledger internals: the log itself and its signed heads are what entries are written to.
    # (record() itself calls record_many(), so it counts as recording.)
    "jianguan.ledger.services.record_many": "the ledger append itself",
    "jianguan.ledger.services.tree_head_sign": "signs a tree head; heads are ledger metadata",
    "jianguan.ledger.services.head_for_serving": "re-signs the head for /head (ledger internal)",
    # Site monitor readings: sensor values, not decisions (DESIGN.md "Ledger": high-volume
    # readings are not entries; alerts and decisions about them are, smartsite/alerts); the
    # raw frames are kept as sent for their retention and then purged by the same rule.
    "jianguan.smartsite.monitors.services.readings_ingest": "sensor readings are not entries",
    "jianguan.smartsite.monitors.services.readings_ingest_from_listener": (
        "readings_ingest for the listeners' writer thread: sensor readings are not entries"
    ),
    "jianguan.smartsite.monitors.services.raw_records_purge": "retention housekeeping of raw frames",
    "jianguan.smartsite.monitors.services_partitions.reading_partitions_ensure": (
        "storage upkeep: monthly partitions of the readings table, no decision"
    ),
    # A request for the detector to look at an image is machine work queued, not a decision:
    # what the detector found and what an inspector decided are ledgered (hazard.services).
    "jianguan.hazard.services_analysis.analyses_request": "queues machine analysis of images",
    "jianguan.hazard.services_analysis.on_upload": "the upload hook: queues machine analysis",
    "jianguan.hazard.services.analysis_rerun": "queues the detector again; decides nothing",
    # BIM: a chunked upload is transport until finish, which ledgers the file's SM3; what the
    # child process derives from a ledgered file (elements, summary, quantities) and queueing a
    # clash run are machine work; the run's outcome, status changes and mappings are ledgered.
    "jianguan.bim.services.revision_upload_start": "opens a transfer; ledgered at finish",
    "jianguan.bim.services.revision_upload_append_chunk": "notes a chunk; ledgered at finish",
    "jianguan.bim.services.revision_process": "derives elements from the ledgered file",
    "jianguan.bim.services.revisions_sweep": "re-queues pending work, fails lost work",
    "jianguan.bim.services_clash.clash_run_request": "queues a run; its outcome is ledgered",
    "jianguan.bim.services_quantity.quantities_store": "derived from the model and mapping",
    "jianguan.bim.services_quantity.model_quantities_compute": "recomputes derived quantities",
    # Credentials and login bookkeeping: security state, not regulated decisions.
    "jianguan.accounts.services.api_token_create": "API token: a credential, not a decision",
    "jianguan.accounts.services.api_token_revoke": "API token: a credential, not a decision",
    "jianguan.accounts.services.api_token_authenticate": "touches the token's last_used_at",
    "jianguan.accounts.services.login_failure_record": "failed-login counter and lockout",
    "jianguan.accounts.services.login_success_record": "resets the failed-login counter",
    # A reviewer's draft cut on a payment claim line: a working note of the reviewing body.
    "jianguan.contracts.claims.reviews.review_cut": (
        "draft cuts are recorded, all together, when the review is submitted"
    ),
    # A bulk write used inside contract services' transactions, which check and record.
    "jianguan.contracts.boq.services.replace_items": "helper; the calling service records",
    # Evidence files are stored by the service that receives them, whose entry lists their SM3.
    "jianguan.contracts.services.common.evidence_store": "helper; the calling service records",
    # A person's inbox and its deliveries: messages about objects whose decisions the services
    # that made them have already ledgered; reading, preferences and sending decide nothing.
    **{
        f"jianguan.workbench.notifications.services.{name}": "a message about a decision, not one"
        for name in (
            "deliveries_retry_due",
            "delivery_attempt",
            "digest_if_due",
            "digest_send",
            "inbox_refresh",
            "notification_mark_all_read",
            "notification_mark_read",
            "notify",
            "preference_update",
        )
    },
}

ORM_WRITES = frozenset(
    {"save", "delete", "create", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
)
QUERYSET_METHODS = frozenset(
    {
        "objects",
        "filter",
        "exclude",
        "all",
        "select_for_update",
        "select_related",
        "prefetch_related",
        "only",
        "defer",
        "order_by",
        "using",
        "annotate",
    }
)


# --- the checker ---------------------------------------------------------------------------------


# Service modules of a sub-domain package named for their noun rather than "services".
NAMED_SERVICE_MODULES = ("jianguan.contracts.claims.reviews",)


def service_modules() -> list[types.ModuleType]:
    """Every module at any depth named ``services`` or ``services_<noun>`` (the prefix form some
    apps used before regrouping into sub-packages: they write too), with the submodules of a
    ``services`` package; NAMED_SERVICE_MODULES. Tests and migrations are not walked."""
    out = []
    skip = (".tests", ".migrations", ".management")

    def wanted(name: str) -> bool:
        parts = name.split(".")
        return any(p == "services" or p.startswith("services_") for p in parts[1:])

    for info in pkgutil.walk_packages(
        jianguan.__path__, prefix="jianguan.", onerror=lambda name: None
    ):
        if any(s in info.name for s in skip) or not wanted(info.name):
            continue
        out.append(importlib.import_module(info.name))
    out.extend(importlib.import_module(name) for name in NAMED_SERVICE_MODULES)
    return out


def public_functions(module: types.ModuleType) -> list[types.FunctionType]:
    return [
        obj
        for name, obj in sorted(vars(module).items())
        if not name.startswith("_")
        and inspect.isfunction(inspect.unwrap(obj))
        and inspect.unwrap(obj).__module__ == module.__name__
    ]


@cache
def _module_ast(module_name: str) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    module = sys.modules[module_name]
    tree = ast.parse(Path(inspect.getsourcefile(module)).read_text(encoding="utf-8"))
    return {
        node.name: node
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


def _resolve(namespace: dict, expr: ast.expr):
    """The object a call target names: `f`, `module.f` or `pkg.module.f`."""
    if isinstance(expr, ast.Name):
        return namespace.get(expr.id)
    if isinstance(expr, ast.Attribute):
        base = _resolve(namespace, expr.value)
        if isinstance(base, types.ModuleType):
            return getattr(base, expr.attr, None)
    return None


def _is_atomic(expr: ast.expr) -> bool:
    target = expr.func if isinstance(expr, ast.Call) else expr
    return (isinstance(target, ast.Attribute) and target.attr == "atomic") or (
        isinstance(target, ast.Name) and target.id == "atomic"
    )


def _queryset_receiver(expr: ast.expr) -> bool:
    """`X.objects...`, `qs.filter(...)...`: a manager or queryset, not a dict."""
    while True:
        if isinstance(expr, ast.Attribute):
            if expr.attr in QUERYSET_METHODS:
                return True
            expr = expr.value
        elif isinstance(expr, ast.Call):
            expr = expr.func
        else:
            return False


@dataclass
class Facts:
    writes: list[str] = field(default_factory=list)  # why it counts as a write
    records: bool = False


def _own_facts(fn: types.FunctionType, follow: set[str]) -> tuple[Facts, list]:
    node = _module_ast(fn.__module__).get(fn.__name__)
    assert node is not None, f"no source for {fn.__module__}.{fn.__name__}"
    namespace = vars(sys.modules[fn.__module__])
    facts, callees = Facts(), []
    for deco in node.decorator_list:
        if _is_atomic(deco):
            facts.writes.append("@transaction.atomic")
    for sub in ast.walk(node):
        if isinstance(sub, ast.With | ast.AsyncWith):
            if any(_is_atomic(item.context_expr) for item in sub.items):
                facts.writes.append("with transaction.atomic()")
        if not isinstance(sub, ast.Call):
            continue
        func = sub.func
        target = _resolve(namespace, func)
        if target is not None and any(inspect.unwrap(target) is a for a in LEDGER_APPENDS):
            facts.records = True
            continue
        if isinstance(func, ast.Attribute):
            if func.attr in ORM_WRITES:
                facts.writes.append(f".{func.attr}()")
            elif func.attr == "update" and _queryset_receiver(func.value):
                facts.writes.append(".update() on a queryset")
        if target is not None and inspect.isfunction(inspect.unwrap(target)):
            callee = inspect.unwrap(target)
            if callee.__module__ in follow:
                callees.append(callee)
    return facts, callees


def analyse(fn: types.FunctionType, follow: set[str]) -> Facts:
    """Facts of `fn` and of every function of the `follow` modules it reaches."""
    total, seen, todo = Facts(), set(), [inspect.unwrap(fn)]
    while todo:
        current = todo.pop()
        key = (current.__module__, current.__qualname__)
        if key in seen:
            continue
        seen.add(key)
        facts, callees = _own_facts(current, follow)
        total.writes += [f"{current.__name__}: {w}" for w in facts.writes]
        total.records |= facts.records
        todo.extend(callees)
    return total


def unledgered_writes(modules: list[types.ModuleType]) -> dict[str, list[str]]:
    """{"module.function": [why it writes]} for writing functions that record nothing."""
    follow = {m.__name__ for m in modules}
    out = {}
    for module in modules:
        for fn in public_functions(module):
            facts = analyse(fn, follow)
            if facts.writes and not facts.records:
                out[f"{module.__name__}.{fn.__name__}"] = facts.writes
    return out


# --- the rule ------------------------------------------------------------------------------------


def test_every_writing_service_records_a_ledger_entry():
    modules = service_modules()
    names = {m.__name__ for m in modules}
    assert {
        "jianguan.accounts.services",
        "jianguan.rules.services",
        "jianguan.ledger.services",
    } <= names, names
    offenders = {
        name: why for name, why in unledgered_writes(modules).items() if name not in NOT_REGULATED
    }
    assert not offenders, (
        "These services change data but write no ledger entry. Call "
        "jianguan.ledger.services.record(...) in the same transaction, or, if the write is "
        "not a regulated decision, add it to NOT_REGULATED with the reason:\n"
        + "\n".join(f"  {name}: {', '.join(why[:3])}" for name, why in sorted(offenders.items()))
    )


def test_the_allow_list_is_not_stale():
    modules = service_modules()
    unledgered = unledgered_writes(modules)
    for name, reason in NOT_REGULATED.items():
        assert reason.strip(), name
        module_name, _, function = name.rpartition(".")
        assert module_name in sys.modules and hasattr(sys.modules[module_name], function), (
            f"{name} is in NOT_REGULATED but no longer exists: remove it"
        )
        assert name in unledgered, (
            f"{name} is in NOT_REGULATED but now records an entry or writes nothing: remove it"
        )


def test_the_walk_finds_the_known_services():
    """Guard against a checker that silently finds nothing."""
    modules = service_modules()
    found = {f"{m.__name__}.{f.__name__}" for m in modules for f in public_functions(m)}
    for name in (
        "jianguan.accounts.services.organisation_create",
        "jianguan.accounts.services.membership_grant",
        "jianguan.rules.services.rule_override_set",
        "jianguan.ledger.services.record",
        # sub-domain packages (wages/arrears/services.py), not only app-level services.py
        "jianguan.smartsite.wages.arrears.services.arrears_confirm",
        "jianguan.smartsite.wages.signatures.services.payroll_line_sign",
    ):
        assert name in found
    follow = {m.__name__ for m in modules}
    create = analyse(sys.modules["jianguan.accounts.services"].organisation_create, follow)
    assert create.records and "organisation_create: @transaction.atomic" in create.writes


# --- the checker on synthetic modules ------------------------------------------------------------

SYNTHETIC = """
from django.db import transaction
from jianguan.ledger import services as ledger
from jianguan.ledger.services import record
from jianguan.ledger.services import record as append_entry


class Thing:
    objects = None


@transaction.atomic
def thing_create(*, actor, **data):
    thing = Thing.objects.create(**data)
    record(actor=actor, type="thing.created", obj=thing, payload={})
    return thing


@transaction.atomic
def thing_forget(*, actor, thing):
    thing.delete()


def thing_rename(*, actor, thing, name):
    with transaction.atomic():
        Thing.objects.filter(pk=thing.pk).update(name=name)
        _log(actor, thing)


def _log(actor, thing):
    ledger.record(actor=actor, type="thing.renamed", obj=thing, payload={})


def thing_touch(*, thing):
    Thing.objects.filter(pk=thing.pk).update(seen=True)


def thing_close(*, actor, thing):
    thing.closed = True
    thing.save()
    append_entry(actor=actor, type="thing.closed", obj=thing, payload={})


def thing_bulk(*, actor, rows):
    for row in rows:
        thing_create(actor=actor, **row)


def thing_summary(*, thing):
    data = {"name": thing.name}
    data.update(extra=1)
    return data
"""


@pytest.fixture
def synthetic(tmp_path, monkeypatch):
    path = tmp_path / "fake_services.py"
    path.write_text(textwrap.dedent(SYNTHETIC), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("jianguan_fake_services", path)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    yield module
    _module_ast.cache_clear()


def test_checker_on_a_synthetic_module(synthetic):
    found = unledgered_writes([synthetic])
    assert set(found) == {
        "jianguan_fake_services.thing_forget",  # deletes, records nothing
        "jianguan_fake_services.thing_touch",  # queryset update, no transaction, no entry
    }
    assert any(".delete()" in why for why in found["jianguan_fake_services.thing_forget"])
    # thing_rename records through a private helper via `ledger.record`; thing_close
    # through an alias; thing_bulk through another service; thing_summary only reads
    # (dict.update is not a queryset update).
