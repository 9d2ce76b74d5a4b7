"""Global search by persona, through the API and the page: nobody finds what its own page
would not show (a draft tender, another owner's project or contract); anonymous gets 401."""

from __future__ import annotations

import pytest

from jianguan.contracts.tests.factories import make_contract
from jianguan.projects.tests.test_services import create, world  # noqa: F401  (fixture)
from jianguan.tendering.tests.test_services import _publish, _tender, market  # noqa: F401
from jianguan.workbench.search.index import search_reindex

pytestmark = pytest.mark.django_db

URL = "/api/v1/search"
NAME = "大兴区礼贤镇污水处理厂改扩建工程"


def found(client, headers, q, **params) -> dict[str, list[str]]:
    response = client.get(URL, {"q": q, **params}, headers=headers)
    assert response.status_code == 200, response.content
    return {g["kind"]: [i["title"] for i in g["items"]] for g in response.json()["groups"]}


@pytest.mark.parametrize("cap", [20_000, 0])  # visible tenders read once, or asked per page
def test_a_draft_tender_is_found_only_by_its_tenderer_and_the_regulator(
    client,
    bearer,
    market,  # noqa: F811
    cap,
    monkeypatch,
):
    from jianguan.workbench.search import query

    monkeypatch.setattr(query, "ALL_VISIBLE_CAP", cap)
    tender = _tender(market, title="礼贤镇污水处理厂改扩建工程施工")
    search_reindex()
    actors = market["actors"]
    assert found(client, bearer(actors["owner"]), "污水处理", kind="tenders")["tenders"]
    assert found(client, bearer(actors["regulator"]), "污水处理", kind="tenders")["tenders"]
    for who in (actors["other_owner"], actors["contractor"], market["bidders"][0]):
        assert found(client, bearer(who), "污水处理") == {}, who.username
    _publish(market, tender)
    search_reindex()
    bidder = bearer(market["bidders"][0])
    assert found(client, bidder, "污水处理", kind="tenders")["tenders"] == [
        f"{tender.code} {tender.title}"
    ]
    assert found(client, bidder, "招标文件", kind="documents")["documents"] == ["招标文件"]
    assert found(client, bearer(actors["other_owner"]), "招标文件")["documents"]


def test_a_contract_is_found_by_its_parties_only(client, bearer, world):  # noqa: F811
    orgs, actors = world["orgs"], world["actors"]
    project = create(world, name=NAME)
    contract = make_contract(
        project=project, employer=orgs["owner"], contractor=orgs["general_contractor"]
    )
    search_reindex()
    title = f"{contract.number} {contract.title}"
    for who in ("owner", "contractor", "regulator"):
        assert found(client, bearer(actors[who]), "污水处理")["contracts"] == [title], who
    for who in ("other_owner", "other_supervisor"):
        assert found(client, bearer(actors[who]), "污水处理") == {}, who


def test_the_answer_groups_results_with_labels_counts_and_links(client, bearer, world):  # noqa: F811
    project = create(world, name=NAME, description="新建沉淀池两座，更换曝气设备")
    search_reindex()
    body = client.get(URL, {"q": "曝气 设备"}, headers=bearer(world["actors"]["owner"])).json()
    assert body["query"] == "曝气 设备" and body["count"] == 1
    assert body["groups"] == [
        {
            "kind": "projects",
            "label": "项目",
            "count": 1,
            "count_exact": True,
            "items": [
                {
                    "title": f"{project.code} {NAME}",
                    "url": f"/projects/{project.pk}/",
                    "snippet": body["groups"][0]["items"][0]["snippet"],
                }
            ],
        }
    ]
    assert "曝气设备" in body["groups"][0]["items"][0]["snippet"]


def test_anonymous_gets_401(client, db):
    response = client.get(URL, {"q": "污水处理"})
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


@pytest.mark.parametrize(
    "params, code",
    [
        ({}, "query_missing"),
        ({"q": ""}, "query_missing"),
        ({"q": "路"}, "query_too_short"),
        ({"q": "学" * 101}, "query_too_long"),
        ({"q": "学校", "kind": "bids"}, "unknown_kind"),
        ({"q": "学校", "limit": "0"}, "bad_limit"),
        ({"q": "学校", "limit": "500"}, "bad_limit"),
        ({"q": "学校", "limit": "abc"}, "validation_error"),
        ({"q": "学\x00校"}, "validation_error"),
    ],
)
def test_bad_input_is_a_400_with_a_chinese_message(client, bearer, world, params, code):  # noqa: F811
    response = client.get(URL, params, headers=bearer(world["actors"]["owner"]))
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])


def _login(client, actor):
    from jianguan.accounts.models import User

    client.force_login(User.objects.get(pk=actor.user_id))
    return client


def test_the_page_groups_highlights_and_links(client, world):  # noqa: F811
    project = create(world, name=NAME)
    search_reindex()
    page = _login(client, world["actors"]["owner"]).get("/workbench/search/", {"q": "污水处理"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-search-group="projects"' in html and ">项目 <" in html
    assert f'href="/projects/{project.pk}/"' in html
    assert "<mark>污水处理</mark>" in html
    assert 'action="/workbench/search/"' in html  # the top-bar box


@pytest.mark.parametrize(
    "q, status, words",
    [
        ("", 200, "输入项目名称"),
        ("路", 400, "搜索内容太短"),
        ("学" * 101, 400, "不能超过 100 个字"),
        ("没有这个工程", 200, "没有找到"),
    ],
)
def test_the_page_explains_empty_short_and_fruitless_queries(client, world, q, status, words):  # noqa: F811
    page = _login(client, world["actors"]["owner"]).get("/workbench/search/", {"q": q})
    assert page.status_code == status
    assert words in page.content.decode()


def test_the_page_sends_anonymous_to_login(client, db):
    page = client.get("/workbench/search/", {"q": "污水处理"})
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
