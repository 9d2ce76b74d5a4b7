"""Every model names itself in Chinese: the ledger's 履历 and 最近已办 fall back on a model's
verbose name for an object without a title of its own, and Django's English default
("payment", "member") then reached the pages as 记录 (issue 16: plain words)."""

from __future__ import annotations

import re

from django.apps import apps

HAN = re.compile(r"[\u4e00-\u9fff]")


def test_every_model_has_a_chinese_name():
    english = [
        f"{m._meta.label} ({m._meta.verbose_name})"
        for m in apps.get_models()
        if m.__module__.startswith("jianguan.") and not HAN.search(str(m._meta.verbose_name))
    ]
    assert not english, "models without a Chinese verbose_name: " + ", ".join(english)
