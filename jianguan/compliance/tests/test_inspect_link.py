"""发起检查 reaches the inspection form from the project page and from the compliance index,
also for a project without rectification orders (issue 16); those who may not inspect see
no link."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jianguan.compliance.models import Inspection, RectificationOrder
from jianguan.compliance.tests.helpers import in_construction, jpeg
from jianguan.core.timeutil import today_local

pytestmark = pytest.mark.django_db

LINK = 'data-project-link="compliance.inspect"'


@pytest.fixture
def site(world):
    return {"project": in_construction(world), **world}


def _as(client, actor):
    client.logout()
    client.force_login(actor.user)
    return client


def test_regulator_finds_the_link_opens_the_form_and_records_an_inspection(client, site):
    project = site["project"]
    assert not RectificationOrder.objects.filter(project=project).exists()
    _as(client, site["actors"]["regulator"])
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert LINK in page and "发起检查" in page
    target = reverse("compliance:project", args=[project.pk])
    assert f'href="{target}"' in page
    form = client.get(target)
    assert form.status_code == 200 and 'id="inspect"' in form.content.decode()
    # the compliance index's picker finds the same project by part of its name
    index = client.get(reverse("compliance:index"), {"project_q": project.name[2:6]})
    assert f'data-project="{project.pk}"' in index.content.decode()
    r = client.post(
        reverse("compliance:inspection_create", args=[project.pk]),
        {
            "kind": "routine",
            "inspected_on": today_local().isoformat(),
            "type": "safety",
            "severity": "general",
            "description": "脚手架连墙件缺失",
            "location": "2号楼",
            "responsible": str(site["orgs"]["general_contractor"].pk),
            "photos": [jpeg()],
        },
    )
    order = RectificationOrder.objects.get(project=project)
    assert r.status_code == 302 and r.url == reverse("compliance:order", args=[order.pk])
    assert Inspection.objects.filter(project=project, side="regulator").count() == 1


def test_the_projects_supervisor_sees_the_link_too(client, site):
    _as(client, site["actors"]["supervisor"])
    page = client.get(reverse("projects:detail", args=[site["project"].pk])).content.decode()
    assert LINK in page


def test_contractor_and_owner_see_no_link_and_no_picker(client, site):
    project = site["project"]
    for who in ("contractor", "owner", "other_supervisor"):
        _as(client, site["actors"][who])
        r = client.get(reverse("projects:detail", args=[project.pk]))
        assert LINK not in r.content.decode(), who
        index = client.get(reverse("compliance:index"), {"project_q": project.name})
        # another project's supervisor inspects its own projects: a picker, without this one
        picker = 'id="project-picker"' in index.content.decode()
        assert picker == (who == "other_supervisor"), who
        assert f'data-project="{project.pk}"' not in index.content.decode(), who
    # the form itself refuses them, as before
    _as(client, site["actors"]["contractor"])
    r = client.post(reverse("compliance:inspection_create", args=[project.pk]), {})
    assert r.status_code == 403
    assert not Inspection.objects.filter(project=project).exists()


def test_picker_takes_odd_input_without_error(client, site):
    _as(client, site["actors"]["regulator"])
    for q in ("\x00", "%", "_", "不存在的项目", "x" * 500):
        r = client.get(reverse("compliance:index"), {"project_q": q})
        assert r.status_code == 200, q
    r = client.get(reverse("compliance:index"), {"project_q": "不存在的项目"})
    assert "没有找到可检查的项目" in r.content.decode()
