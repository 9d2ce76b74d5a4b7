"""Whether this install holds the demo district: the pages then say so once, in a footer
banner, instead of every demo title and name carrying a marker (issue 16).

The demo data itself is the flag: the first demo organisation `seed_demo` creates, found by
its (deterministic) credit code. Rolled back with the data, and gone when the demo is, with
no setting to forget; one indexed lookup a minute (kept in the cache).
"""

from __future__ import annotations

from functools import lru_cache

from django.core.cache import cache
from django.http import HttpRequest

from jianguan.accounts.models import Organisation


@lru_cache(maxsize=1)
def _demo_credit_code() -> str:
    # Imported on first use, not with this module: a request reads only the name list and
    # the code rule, never runs a seeder.
    from jianguan.accounts import demo

    name, _, prefix, _, _ = demo.ORGANISATIONS[0]
    return demo.demo_credit_code(name, prefix)


DEMO_FLAG_TTL_SECONDS = 60  # a page asks at most once a minute per process, not every render


def demo_data_present() -> bool:
    return cache.get_or_set(
        "jg:demo_data",
        lambda: Organisation.objects.filter(credit_code=_demo_credit_code()).exists(),
        DEMO_FLAG_TTL_SECONDS,
    )


def demo_flag(request: HttpRequest) -> dict:
    return {"demo_data": demo_data_present()}
