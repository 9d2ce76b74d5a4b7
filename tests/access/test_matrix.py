"""The access matrix (tests/access/matrix.toml) held against the code, through the real URL routing.

One test per route × subject; every persona is asked inside it and all mismatches are reported
together (route, subject, persona, expected, got). API requests carry a Bearer token, pages a
logged-in session; every request runs in a savepoint that is rolled back, so writes never change
the district. Set MATRIX_DUMP=/path.json to write what each persona actually got (to review the
data file after a change).
"""

from __future__ import annotations

import json
import logging
import os

import pytest

from tests.access import engine

MATRIX = engine.load()
ROWS = engine.rows(MATRIX)
GROUPS = engine.groups_of(MATRIX)
CASES = [(row, subject) for row in ROWS for subject in row.subjects]
_DUMP: dict = {}


@pytest.fixture(autouse=True)
def _session_saved_when_changed(settings):
    """The idle timeout saves the session on every request (SESSION_SAVE_EVERY_REQUEST); each
    matrix request is rolled back, so that is a write per page request the matrix does not
    ask about (the idle timeout has its own tests)."""
    settings.SESSION_SAVE_EVERY_REQUEST = False


@pytest.fixture(autouse=True)
def _no_badges(monkeypatch):
    """Every page's sidebar badges run every app's to-do provider (a few dozen queries); the
    matrix asks who may reach a page, not what the badges count (the to-do and dashboard tests
    do), and its thousands of page requests are most of the suite's longest group."""
    from jianguan.web import context

    monkeypatch.setattr(context, "_badges", lambda request: ({}, set()))


@pytest.fixture(autouse=True)
def _quiet():
    """Denied requests log a traceback each (django.request); thousands of them cost time."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


@pytest.mark.parametrize(("row", "subject"), CASES, ids=[f"{r.route} @ {s}" for r, s in CASES])
def test_route(world, db, row, subject):
    values = world.subjects[subject]
    url = engine.url_for(row.route, values)
    relations = world.relations.get(subject, {})
    personas = list(world.personas) + sorted(u for u in relations if u not in world.personas)
    mismatches, got_all = [], {}
    for persona in personas:
        relation = relations.get(persona)
        want = engine.expected(row, persona, relation, GROUPS)
        if row.is_page:
            client, headers = world.clients[persona], {}
        else:
            client = world.clients["anonymous"]
            headers = (
                {}
                if persona == "anonymous"
                else {"Authorization": f"Bearer {world.tokens[persona]}"}
            )
        got = engine.ask(client, row, url, headers, {**world.first_ids, **values})
        got_all[relation or persona] = got
        if got != want:
            who = f"{persona} ({relation})" if relation else persona
            mismatches.append(f"  {who}: expected {want}, got {got}")
    if os.environ.get("MATRIX_DUMP"):
        _DUMP[f"{row.route} | {subject}"] = got_all
        with open(os.environ["MATRIX_DUMP"], "w") as fh:
            json.dump(_DUMP, fh, ensure_ascii=False, indent=0, default=str)
    assert not mismatches, f"{row.route} @ {subject} ({url}):\n" + "\n".join(mismatches)


def test_every_route_has_a_row():
    declared = {r.route for r in ROWS}
    missing = [r for r in engine.all_routes() if r not in declared]
    assert not missing, "routes without a row in tests/access/matrix.toml:\n" + "\n".join(missing)


def test_every_row_names_a_live_route():
    live = set(engine.all_routes())
    stale = sorted({r.route for r in ROWS} - live)
    assert not stale, "rows naming routes that no longer exist:\n" + "\n".join(stale)


def test_every_persona_is_declared_once():
    personas = MATRIX["personas"]
    assert len(personas) == len(set(personas))
    unknown = {p for members in MATRIX["groups"].values() for p in members} - set(personas)
    assert not unknown, f"groups name unknown personas: {sorted(unknown)}"
    names = set(personas) | set(MATRIX["groups"]) | {"*"} | set(MATRIX.get("relations", []))
    bad = sorted({(r.route, k) for r in ROWS for k in r.expect if k not in names})
    assert not bad, f"rows name unknown personas or groups: {bad}"


def _ledger_rule(entry_type: str, state: str):
    for rule in MATRIX.get("ledger", []):
        if any(entry_type.startswith(p) for p in rule["types"]) and (
            "states" not in rule or state in rule["states"]
        ):
            return rule
    return None


def _ledger_answer(response) -> object:
    if response.status_code != 200:
        return response.status_code
    body = response.json()
    if body.get("withheld"):
        return "withheld"
    return "content" if "entry" in body else "?"


def test_ledger_entries(world, db):
    """One entry per (type, object state): content or withheld as matrix.toml declares."""
    from jianguan.ledger.models import LedgerEntry
    from tests.access.ledger_states import state_of

    samples: dict = {}
    for entry in LedgerEntry.objects.order_by("-index").iterator():
        key = (entry.type, state_of(entry))
        samples.setdefault(key, entry.index)
    client = world.clients["anonymous"]
    unruled, mismatches = [], []
    for (entry_type, state), index in sorted(samples.items()):
        rule = _ledger_rule(entry_type, state)
        if rule is None:
            unruled.append(entry_type)
            continue
        for persona in MATRIX["ledger_personas"]:
            want = (
                401
                if persona == "anonymous"
                else rule["expect"].get(persona, rule["expect"].get("*"))
            )
            headers = (
                {}
                if persona == "anonymous"
                else {"Authorization": f"Bearer {world.tokens[persona]}"}
            )
            if want == "any":
                continue
            got = _ledger_answer(client.get(f"/api/v1/ledger/entries/{index}", headers=headers))
            if got != want:
                mismatches.append(
                    f"  {entry_type} [{state}] #{index} {persona}: expected {want}, got {got}"
                )
    assert not unruled, f"ledger entry types without a rule: {sorted(set(unruled))}"
    assert not mismatches, "ledger entries:\n" + "\n".join(mismatches)
