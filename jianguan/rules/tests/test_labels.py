"""Rule units, groups and values in Chinese on the pages (issue 16)."""

from __future__ import annotations

import json
from pathlib import Path

from jianguan.rules import labels

DATA = Path(labels.__file__).parent / "data"


def _all_rules():
    for name in ("national", "beijing", "daxing"):
        data = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
        yield from data if isinstance(data, list) else data["rules"]


def test_every_unit_and_group_in_the_data_has_a_chinese_label():
    units = {r["unit"] for r in _all_rules()}
    groups = {r["code"].split(".")[0] for r in _all_rules()}
    assert units <= labels.UNITS.keys(), units - labels.UNITS.keys()
    assert groups <= labels.GROUPS.keys(), groups - labels.GROUPS.keys()


def test_values_read_as_people_write_them():
    assert labels.display_value("0.03", "ratio") == "3 %"
    assert labels.display_value({"min": "0.0005", "max": "0.001"}, "ratio") == "0.05 % – 0.1 %"
    assert labels.display_value(20, "day") == "20 日"
    assert labels.display_value(5, "working_day") == "5 个工作日"
    assert labels.display_value({"blue": 7, "red": 60}, "day") == "蓝色 7 日；红色 60 日"
    assert labels.display_value(True, "bool") == "是"
    for rule in _all_rules():
        if rule["unit"] == "text":
            continue  # a configuration code, shown as secondary jg-code text beside the name
        text = labels.display_value(rule["value"], rule["unit"])
        assert "day" not in text and "ratio" not in text and "points" not in text, rule["code"]


def test_notes_cite_other_rules_by_name():
    names = {"procurement_ban.period": "禁止参加政府采购期限"}
    assert (
        labels.name_codes("期限见 procurement_ban.period（第七十七条）", names)
        == "期限见 「禁止参加政府采购期限」（第七十七条）"
    )
    assert labels.name_codes("二手资料 meibinglu.com", names) == "二手资料 meibinglu.com"
