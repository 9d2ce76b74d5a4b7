"""Where alerting hooks into the ingest: ``register_batch_hook(fn)``.

Each hook is called after the transaction that saved a batch of readings has committed, with
the list of :class:`~jianguan.smartsite.monitors.models.Reading` objects just written (their
``device_id`` set; duplicates of an earlier copy left out). Alerts (noise day/night limits,
PM10, exceedance counts — issue 17 part 5) register here from their own module; a failing
hook is logged and never undoes or blocks the ingest.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

log = logging.getLogger("jianguan.smartsite.ingest")

BatchHook = Callable[[Sequence[Any]], None]
_HOOKS: list[BatchHook] = []


def register_batch_hook(hook: BatchHook) -> None:
    if hook not in _HOOKS:
        _HOOKS.append(hook)


def unregister_batch_hook(hook: BatchHook) -> None:
    if hook in _HOOKS:
        _HOOKS.remove(hook)


def run_batch_hooks(readings: Sequence[Any]) -> None:
    if not readings:
        return
    for hook in list(_HOOKS):
        try:
            hook(readings)
        except Exception:  # a broken alert rule must not lose or block readings
            log.exception("batch hook %r failed", hook)


def warm_up_in_background() -> threading.Thread:
    """Load the URLconf in a background thread when a listener starts. Hooks build links (an
    alert's page, for its notification), and the first ``reverse()`` in a process imports
    every route and API schema: 2.4 s in the listener's one writer thread, mid-stream, the
    first time an alert became sustained (no batch was written or answered meanwhile)."""

    def load() -> None:
        try:
            from django.urls import get_resolver

            get_resolver().reverse_dict  # noqa: B018 (populates the resolver)
        except Exception:  # the hook itself will meet it again, and log it there
            log.exception("loading the URLconf in the background failed")

    thread = threading.Thread(target=load, name="ingest-warm-up", daemon=True)
    thread.start()
    return thread
