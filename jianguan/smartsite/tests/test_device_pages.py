"""Monitor devices on their page: the owner registers one and sees its key once, the regulator
quarantines one, a contractor sees the list but no forms, another owner can do nothing."""

from __future__ import annotations

import pytest

from jianguan.core.errors import PermissionDenied
from jianguan.ledger.models import LedgerEntry
from jianguan.smartsite.monitors.models import Device
from jianguan.smartsite.monitors.services import device_register
from jianguan.smartsite.tests.monitors_helpers import build_monitors


@pytest.fixture
def site(db, make_persona):
    from jianguan.accounts.tests.factories import OrganisationFactory
    from jianguan.core.actor import SYSTEM
    from jianguan.projects.services import participant_add

    world = build_monitors()
    project = world["project"]
    world["owner_staff"] = make_persona(
        "own_env", roles=("admin", "staff"), organisation=world["owner"]
    )
    world["other_owner"] = make_persona("own_other_env", "owner", ("admin", "staff"))
    world["regulator"] = make_persona("reg_dev", "regulator", ("staff", "inspector"))
    gc = OrganisationFactory(kind="general_contractor")
    participant_add(actor=SYSTEM, project=project, organisation=gc, role="general_contractor")
    world["gc"] = make_persona("gc_dev", roles=("admin", "staff"), organisation=gc)
    return world


def test_owner_registers_and_sees_the_key_once(site, client):
    project = site["project"]
    client.force_login(site["owner_staff"].user)
    url = f"/smartsite/environment/projects/{project.pk}/devices/"
    r = client.post(
        url + "new/",
        {
            "mn": "DX-NEW-0001",
            "name": "南侧场界",
            "kind": "noise",
            "pm_unit": "ug_m3",
            "at_boundary": "on",
        },
    )
    html = r.content.decode()
    assert r.status_code == 200 and 'id="new-key"' in html and "X-Device-Key" in html
    device = Device.objects.get(mn="DX-NEW-0001")
    assert device.project == project and device.key_hash and device.key_hash not in html
    assert 'id="new-key"' not in client.get(url).content.decode()  # shown once
    dup = client.post(url + "new/", {"mn": "DX-NEW-0001", "kind": "noise", "pm_unit": "ug_m3"})
    assert dup.status_code == 409 and "已登记" in dup.content.decode()
    bad = client.post(url + "new/", {"mn": "bad;mn", "kind": "noise", "pm_unit": "ug_m3"})
    assert bad.status_code == 400 and "设备编号" in bad.content.decode()


def test_regulator_quarantines_with_a_reason_and_others_cannot(site, client):
    device = site["d1"]
    url = f"/smartsite/environment/devices/{device.pk}/status/"
    client.force_login(site["gc"].user)
    page = client.get(
        f"/smartsite/environment/projects/{site['project'].pk}/devices/"
    ).content.decode()
    assert device.mn in page and 'id="device-form"' not in page
    assert client.post(url, {"status": "quarantined", "reason": "x"}).status_code == 403
    client.force_login(site["other_owner"].user)
    assert client.post(url, {"status": "quarantined", "reason": "x"}).status_code == 404
    client.force_login(site["regulator"].user)
    assert client.post(url, {"status": "quarantined", "reason": ""}).status_code == 400
    assert (
        client.post(url, {"status": "quarantined", "reason": "疑似遮挡采样口"}).status_code == 302
    )
    assert Device.objects.get(pk=device.pk).status == "quarantined"
    assert LedgerEntry.objects.filter(type="smartsite.device_status_changed").count() == 1
    assert client.get("/smartsite/environment/quarantine/").status_code == 200


def test_an_owner_may_not_register_on_a_project_not_its_own(site):
    with pytest.raises(PermissionDenied):
        device_register(actor=site["other_owner"], project=site["project"], mn="DX-ELSE-01")
