"""The dashboard's to-do card with a long list: the most urgent rows first and a link to all of
them (the count and the badges always count the whole list), and the URL helper the providers
build their rows' links with (bench/workbench.py: a thousand items within 200 ms)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from jianguan.core import todo
from jianguan.core.timeutil import today_local
from jianguan.web.views import TODO_SHOWN

pytestmark = pytest.mark.django_db

KIND = "web.test_long_list"


@pytest.fixture(name="many")
def many_fixture():
    """TODO_SHOWN + 30 items for everyone, the last five overdue (so first on the list)."""
    today = today_local()
    n = TODO_SHOWN + 30

    def provider(actor, day):
        for i in range(n):
            late = i >= n - 5
            yield todo.TodoItem(
                kind=KIND,
                title=f"测试事项 {i:04d}",
                url=f"/compliance/orders/{i + 1}/",
                due=today - dt.timedelta(days=1) if late else today + dt.timedelta(days=i),
                overdue=late,
                module="compliance",
            )

    todo.register_todo(KIND, "长列表（测试）", provider)
    yield n
    todo._PROVIDERS.pop(KIND, None)
    todo._LABELS.pop(KIND, None)


def _rows(html: str) -> list[str]:
    table = html[html.index('id="todo-list"') :]
    table = table[: table.index("</table>")]
    return re.findall(r"测试事项 (\d{4})", table)


def test_the_dashboard_shows_the_most_urgent_rows_and_links_to_all(many, regulator, login_as):
    client = login_as(regulator)
    html = client.get("/").content.decode()
    rows = _rows(html)
    assert len(rows) == TODO_SHOWN
    # overdue first, then by due date: the five late ones, then the earliest due
    assert rows[:5] == [f"{i:04d}" for i in range(many - 5, many)]
    assert rows[5] == "0000"
    total = int(re.search(r'id="todo-count">(\d+)<', html).group(1))
    assert total >= many  # the count is the whole list's, not the rows shown
    assert 'id="todo-overdue">5<' in html
    assert f"另有 {total - TODO_SHOWN} 项未显示" in html
    assert f'href="?todo=all#todo-list">查看全部 {total} 项</a>' in html

    html = client.get("/?todo=all").content.decode()
    assert len(_rows(html)) == many
    assert "未显示" not in html and f"已显示全部 {total} 项" in html
    assert '<a href="/">只看最紧急的</a>' in html


def test_an_unknown_todo_value_shows_the_short_list(many, regulator, login_as):
    for value in ("ALL", "1", "", "all'><script>", "%00"):
        response = login_as(regulator).get("/", {"todo": value})
        assert response.status_code == 200
        assert len(_rows(response.content.decode())) == TODO_SHOWN


def test_a_short_list_has_no_footer(regulator, login_as):
    html = login_as(regulator).get("/").content.decode()
    assert 'id="todo-more"' not in html


@pytest.mark.parametrize(
    ("viewname", "suffix"),
    [
        ("compliance:order", ""),
        ("projects:detail", "#nodes"),
        ("accounts:application_detail", ""),
        ("contracts:claim", ""),
        ("experts:committee", ""),
    ],
)
def test_pk_url_is_what_reverse_gives(viewname, suffix):
    url = todo.pk_url(viewname, suffix)
    for pk in (1, 7, 42, 987_654_321, 2**31 - 1):
        assert url(pk) == reverse(viewname, args=[pk]) + suffix
