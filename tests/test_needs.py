"""tests/needs.py: without a tool a test skips on a developer's machine and fails under CI."""

from __future__ import annotations

import pytest

from tests import needs


def test_missing_tool_skips_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    assert needs.available(False, "x") is False
    with pytest.raises(pytest.skip.Exception):
        needs.need(False, "x")
    with pytest.raises(pytest.skip.Exception):
        needs.tool("no-such-tool-jianguan")


@pytest.mark.parametrize("value", ["true", "1", "TRUE"])
def test_missing_tool_fails_under_ci(monkeypatch, value):
    monkeypatch.setenv("CI", value)
    for call in (
        lambda: needs.available(False, "x"),
        lambda: needs.need(False, "x"),
        lambda: needs.tool("no-such-tool-jianguan"),
    ):
        with pytest.raises(pytest.fail.Exception):
            call()
    assert needs.available(True, "x") is True
