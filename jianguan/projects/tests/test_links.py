"""The project page shows the links other apps register, to those allowed, and only to them."""

from __future__ import annotations

import pytest

from jianguan.projects import links
from jianguan.projects.links import ProjectLink, project_links, register_project_link


@pytest.fixture
def registered():
    saved = dict(links._LINKS)
    links._LINKS.clear()  # only these two: the apps' own links ask real actors
    register_project_link(
        ProjectLink(
            "zz_test",
            "测试入口",
            "projects:detail",
            "ti-star",
            lambda a, p: a.is_kind("regulator"),
            99,
        )
    )
    register_project_link(
        ProjectLink("aa_test", "排在前面", "projects:detail", "ti-star", lambda a, p: True, 1)
    )
    yield
    links._LINKS.clear()
    links._LINKS.update(saved)


class _Actor:
    def __init__(self, kind):
        self.kind = kind

    def is_kind(self, kind):
        return self.kind == kind


class _Project:
    pk = 7


def test_links_in_order_and_only_to_those_allowed(registered):
    mine = [x["key"] for x in project_links(_Actor("regulator"), _Project())]
    assert mine.index("aa_test") < mine.index("zz_test")
    assert "zz_test" not in [x["key"] for x in project_links(_Actor("contractor"), _Project())]
    link = next(x for x in project_links(_Actor("regulator"), _Project()) if x["key"] == "zz_test")
    assert link["url"].endswith("/7/") and link["label"] == "测试入口"
