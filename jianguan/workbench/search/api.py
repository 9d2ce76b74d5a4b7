"""``GET /api/v1/search?q=&kind=&limit=``: the global search, scoped to the caller."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from jianguan.core.api_schemas import ERR, documented
from jianguan.workbench.search import query as search_query
from jianguan.workbench.search.registry import labels

router = Router(tags=["全局搜索"])


class SearchFilter(Schema):
    q: str = Field("", description="搜索内容（2–100 字），按中文分词匹配，各词须全部出现")
    # the registered kinds, listed in the spec; an unknown one answers 400 unknown_kind
    kind: str = documented(labels(), blank=True, default="", description="只搜一类对象；为空则全部")
    limit: int = Field(search_query.DEFAULT_LIMIT, description="每类最多返回几条（1–50）")


class SearchItemOut(Schema):
    title: str
    url: str = Field(description="对象页面")
    snippet: str = Field(description="命中内容摘要")


class SearchGroupOut(Schema):
    kind: str = Field(description="对象类型（稳定代码）")
    label: str = Field(description="对象类型（中文）")
    count: int = Field(
        description=f"命中总数（超过 {search_query.COUNT_CAP} 时为 {search_query.COUNT_CAP + 1}）"
    )
    count_exact: bool = Field(
        description=f"count 是否精确（为 false 时表示至少这么多：只读了前 {search_query.COUNT_SCAN} 条命中）"
    )
    items: list[SearchItemOut]


class SearchOut(Schema):
    query: str
    count: int
    groups: list[SearchGroupOut]


@router.get("", response={200: SearchOut, **ERR}, summary="全局搜索")
def search(request: HttpRequest, filters: Query[SearchFilter]):
    """Projects, tenders, contracts, organisations, registered persons, rectification orders
    and documents that the caller may see and that hold every word of ``q``, grouped by kind."""
    result = search_query.search(
        actor=request.actor, query=filters.q, kind=filters.kind or None, limit=filters.limit
    )
    return {
        "query": result.query,
        "count": result.count,
        "groups": [
            {
                "kind": g.kind,
                "label": g.label,
                "count": g.count,
                "count_exact": g.exact,
                "items": [{"title": h.title, "url": h.url, "snippet": h.snippet} for h in g.items],
            }
            for g in result.groups
        ],
    }
