"""Global search: Chinese words inside names, scoping by persona, grouping, index upkeep."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from jianguan.core.errors import PermissionDenied, ValidationFailed
from jianguan.projects.tests.test_services import create, world  # noqa: F401  (fixture)
from jianguan.workbench.search import query, registry
from jianguan.workbench.search.index import search_index_update, search_reindex
from jianguan.workbench.search.models import SearchEntry

pytestmark = pytest.mark.django_db

NAME = "大兴区礼贤镇污水处理厂改扩建工程"


def kinds(result) -> dict[str, list[str]]:
    return {g.kind: [h.title for h in g.items] for g in result.groups}


@pytest.fixture
def plant(world):  # noqa: F811
    project = create(world, name=NAME, description="新建沉淀池两座，更换曝气设备")
    search_reindex()
    return project


def test_a_word_inside_the_name_finds_the_project(world, plant):  # noqa: F811
    owner = world["actors"]["owner"]
    for q in ("污水处理", "改扩建 礼贤", "曝气设备", plant.code):
        found = kinds(query.search(actor=owner, query=q))
        assert found.get("projects") == [f"{plant.code} {NAME}"], q
    group = query.search(actor=owner, query="污水").groups[0]
    assert (group.kind, group.label, group.count) == ("projects", "项目", 1)
    hit = group.items[0]
    assert hit.url == f"/projects/{plant.pk}/"
    assert "污水" in [p.text for p in hit.title_pieces if p.hit]
    assert "".join(p.text for p in hit.title_pieces) == hit.title


def test_every_word_must_match(world, plant):  # noqa: F811
    owner = world["actors"]["owner"]
    assert query.search(actor=owner, query="污水处理 学校").groups == []


def test_an_owner_does_not_find_another_owners_project(world, plant):  # noqa: F811
    other = world["actors"]["other_owner"]
    assert "projects" not in kinds(query.search(actor=other, query="污水处理"))
    regulator = world["actors"]["regulator"]
    assert "projects" in kinds(query.search(actor=regulator, query="污水处理"))


def test_organisations_are_grouped_under_their_label(world, plant):  # noqa: F811
    owner_org = world["orgs"]["owner"]
    result = query.search(actor=world["actors"]["regulator"], query=owner_org.name)
    group = next(g for g in result.groups if g.kind == "organisations")
    assert group.label == "单位"
    assert owner_org.name in [h.title for h in group.items]
    order = [g.kind for g in result.groups]
    assert order == sorted(order, key=lambda k: registry.source(k).order)


def test_kind_narrows_to_one_group(world, plant):  # noqa: F811
    regulator = world["actors"]["regulator"]
    result = query.search(actor=regulator, query="礼贤", kind="organisations")
    assert all(g.kind == "organisations" for g in result.groups)


@pytest.mark.parametrize(
    "q, kind, limit, code",
    [
        ("", None, 10, "query_missing"),
        ("   ", None, 10, "query_missing"),
        ("路", None, 10, "query_too_short"),
        ("的的", None, 10, "query_too_short"),
        ("学" * 101, None, 10, "query_too_long"),
        ("学校", "bids", 10, "unknown_kind"),
        ("学校", None, 0, "bad_limit"),
        ("学校", None, 51, "bad_limit"),
    ],
)
def test_bad_queries_are_refused_with_a_code(world, q, kind, limit, code):  # noqa: F811
    with pytest.raises(ValidationFailed) as exc:
        query.search(actor=world["actors"]["owner"], query=q, kind=kind, limit=limit)
    assert exc.value.code == code


def test_anonymous_may_not_search(db):
    from jianguan.core.actor import ANONYMOUS

    with pytest.raises(PermissionDenied):
        query.search(actor=ANONYMOUS, query="学校")


def test_writes_reach_the_index_after_commit(world, django_capture_on_commit_callbacks):  # noqa: F811
    from jianguan.projects.services import project_update

    owner = world["actors"]["owner"]
    with django_capture_on_commit_callbacks(execute=True):
        project = create(world, name="大兴区黄村镇垃圾转运站新建工程")
    assert kinds(query.search(actor=owner, query="垃圾转运"))["projects"]
    with django_capture_on_commit_callbacks(execute=True):
        project_update(actor=owner, project=project, name="大兴区黄村镇再生资源回收站工程")
    assert query.search(actor=owner, query="垃圾转运").groups == []
    assert kinds(query.search(actor=owner, query="再生资源"))["projects"]


def test_update_drops_entries_of_objects_that_are_gone(world, plant):  # noqa: F811
    assert search_index_update(kind="projects", ids=[plant.pk + 1000]) == 0
    SearchEntry.objects.filter(kind="projects").update(title="旧名称")
    assert search_index_update(kind="projects", ids=[plant.pk]) == 1
    assert SearchEntry.objects.get(kind="projects", object_id=plant.pk).title.endswith(NAME)


def test_reindex_command_rebuilds_and_drops_stale_entries(world, plant, capsys):  # noqa: F811
    SearchEntry.objects.filter(kind="projects").delete()
    SearchEntry.objects.create(
        kind="projects",
        object_id=999999,
        title="已删除",
        tokens="已 删除",
        url="/",
        updated=plant.created_at,
    )
    call_command("search_reindex", "--kind", "projects")
    assert "已重建搜索索引" in capsys.readouterr().out
    assert list(
        SearchEntry.objects.filter(kind="projects").values_list("object_id", flat=True)
    ) == [plant.pk]
    assert kinds(query.search(actor=world["actors"]["owner"], query="污水处理"))["projects"]
    with pytest.raises(CommandError, match="未知的搜索类型"):
        call_command("search_reindex", "--kind", "bids")


def test_sealed_bids_and_committees_are_no_source():
    """Nothing of a bid before opening, nor of a committee before award, is ever indexed:
    no source reads those models (招标投标法 22、37)."""
    models = {s.model._meta.label for s in registry.sources()}
    assert not {m for m in models if m.startswith("experts.")}
    assert "tendering.Bid" not in models
    assert set(registry.labels()) == {
        "projects",
        "tenders",
        "contracts",
        "organisations",
        "persons",
        "orders",
        "documents",
        "project_documents",  # collaboration: a project's documents and drawings
        "policies",  # published policies
    }


def test_an_organisation_is_indexed_when_registered_and_renamed(
    world,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    from jianguan.accounts import services as accounts
    from jianguan.accounts.credit_code import check_character

    regulator = world["actors"]["regulator"]
    with django_capture_on_commit_callbacks(execute=True):
        org = accounts.organisation_create(
            actor=regulator,
            name="北京琉璃河古建修缮有限公司",
            kind="general_contractor",
            credit_code="91110115MA01XK2Q3" + check_character("91110115MA01XK2Q3"),
            legal_representative="王五",
        )
    assert kinds(query.search(actor=regulator, query="古建修缮"))["organisations"] == [org.name]
    with django_capture_on_commit_callbacks(execute=True):
        accounts.organisation_update(
            actor=regulator, organisation=org, name="北京永定河园林有限公司"
        )
    assert query.search(actor=regulator, query="古建修缮").groups == []
    assert kinds(query.search(actor=regulator, query="永定河 园林"))["organisations"]


def test_the_demo_seeder_indexes_after_every_domain_seeder(world):  # noqa: F811
    from jianguan.core.demo import seeders
    from jianguan.workbench.search.demo import seed

    assert seeders()[-1].name == "search_index"
    create(world, name=NAME)
    counts = seed()
    assert counts["projects"] == 1 and counts["organisations"] == len(world["orgs"])
    assert SearchEntry.objects.filter(kind="projects").count() == 1


@pytest.mark.parametrize("walk_first", [query.WALK_FIRST, 100])
@pytest.mark.parametrize("cap", [query.ALL_VISIBLE_CAP, 0])
def test_a_visible_match_is_found_behind_many_invisible_ones(
    world,  # noqa: F811
    plant,
    cap,
    walk_first,
    monkeypatch,
):
    """Matches are read a page at a time and narrowed to what the actor sees: an owner's
    project is found behind 450 newer matches it may not see, and counted exactly; the same
    whether the owner's few projects are read once (the usual case) or asked about page by
    page (an actor who sees more than ALL_VISIBLE_CAP of a kind), and, on PostgreSQL, when the
    walk gives up early and the owner's projects are looked up among the matches instead."""
    monkeypatch.setattr(query, "ALL_VISIBLE_CAP", cap)
    monkeypatch.setattr(query, "WALK_FIRST", walk_first)
    SearchEntry.objects.bulk_create(
        SearchEntry(
            kind="projects",
            object_id=10_000_000 + i,
            title=f"污水处理站{i}",
            title_tokens="污水 处理 站",
            tokens="污水 处理 站",
            url="/",
            updated=plant.created_at,
        )
        for i in range(450)
    )
    group = query.search(actor=world["actors"]["owner"], query="污水处理").groups[0]
    assert [h.object_id for h in group.items] == [plant.pk]
    assert (group.count, group.exact) == (1, True)
    regulator = query.search(actor=world["actors"]["regulator"], query="污水处理", limit=5)
    group = regulator.groups[0]
    assert len(group.items) == 5 and group.count == 451 and group.exact
