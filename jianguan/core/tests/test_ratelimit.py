"""The shared rate limit (``core.ratelimit``): one count per bucket and minute in the
database, so a second web process sees the first one's requests; old windows are swept."""

import pytest

from jianguan.core import ratelimit
from jianguan.core.models import RateCounter

MINUTE = 29_000_000


@pytest.fixture
def now(monkeypatch):
    clock = {"minute": MINUTE}
    monkeypatch.setattr(ratelimit, "_now_minute", lambda: clock["minute"])
    return clock


def test_counts_up_to_the_limit_then_429(db, now):
    assert [ratelimit.hit("dev:1", per_minute=3) for _ in range(3)] == [1, 2, 3]
    with pytest.raises(ratelimit.RateLimited) as caught:
        ratelimit.hit("dev:1", per_minute=3, message="上报过于频繁")
    assert caught.value.status == 429 and caught.value.code == "rate_limited"
    assert caught.value.message == "上报过于频繁"
    # another bucket has its own allowance; the next minute starts again
    assert ratelimit.hit("dev:2", per_minute=3) == 1
    now["minute"] += 1
    assert ratelimit.hit("dev:1", per_minute=3) == 1


def test_another_process_count_is_shared(db, now):
    # what another granian worker counted this minute is the same row in the database
    RateCounter.objects.create(bucket="dev:9", minute=MINUTE, count=120)
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.hit("dev:9", per_minute=120)
    assert RateCounter.objects.get(bucket="dev:9", minute=MINUTE).count == 121


def test_sweep_keeps_only_recent_windows(db, now):
    ratelimit.hit("dev:1", per_minute=5)
    now["minute"] += ratelimit.KEEP_MINUTES + 1
    ratelimit.hit("dev:1", per_minute=5)
    assert ratelimit.counters_sweep() == 1
    assert list(RateCounter.objects.values_list("minute", flat=True)) == [now["minute"]]
