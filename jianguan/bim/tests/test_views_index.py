"""The BIM entry page in the navigation and the project page's link to the models."""

from __future__ import annotations

from jianguan.bim.tests.test_views import bim  # noqa: F401
from jianguan.projects.tests.test_services import world  # noqa: F401


def test_index_lists_the_projects_with_their_models_and_open_clashes(client, bim):  # noqa: F811
    p = bim["project"]
    client.force_login(bim["actors"]["regulator"].user)
    page = client.get("/bim/").content.decode()
    row = page.split(f'data-project="{p.pk}"')[1].split("</tr>")[0]
    assert p.name in row and f"/bim/projects/{p.pk}/" in row
    assert (
        'text-end">3 <span' in row and "1 个处理中" in row and "1 个失败" in row
    )  # three revisions
    assert f'/bim/projects/{p.pk}/clash-sets/">1</a>' in row  # one open clash
    assert 'class="text-red">1<' in row  # and it is hard
    assert 'href="/bim/"' in page  # the navigation entry
    client.force_login(bim["actors"]["contractor"].user)
    assert f'data-project="{p.pk}"' in client.get("/bim/").content.decode()
    client.force_login(bim["actors"]["other_owner"].user)
    other = client.get("/bim/")
    assert other.status_code == 200 and f'data-project="{p.pk}"' not in other.content.decode()
    client.force_login(bim["actors"]["owner"].user)
    detail = client.get(f"/projects/{p.pk}/").content.decode()
    assert f'href="/bim/projects/{p.pk}/"' in detail


def test_index_refused_without_the_grant(client, world):  # noqa: F811
    from jianguan.projects.tests.test_services import create, member

    create(world)
    surveyor = member(world["orgs"]["surveyor"], "srv1", ["admin", "staff"])
    client.force_login(surveyor.user)
    assert client.get("/bim/").status_code == 403
