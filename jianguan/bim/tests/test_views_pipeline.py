"""The 3D payload on a model that went through the real pipeline (upload, triangulation in the
child process, clash run), translated 500 km out: the clash page draws the pierced wall and
the beam from the meshes the run cached, in metres around a local origin."""

from __future__ import annotations

import numpy as np

from jianguan.bim import builders as ib
from jianguan.bim import services_clash
from jianguan.bim.tests.test_services import (  # noqa: F401
    create,
    ifc_bytes,
    run,
    site,
    upload_processed,
    world,
)

SHIFT = (500_000.0, 4_400_000.0, 50.0)


def test_payload_of_a_processed_model_at_survey_coordinates(client, site):  # noqa: F811
    b = ib.clash_model(coplanar=False)
    ib.translate(b.model, *SHIFT)
    revision = upload_processed(site, ifc_bytes(b))
    cs = services_clash.clash_set_create(
        actor=site["designer"], project=site["project"], name="结构自检", a_revisions=[revision]
    )
    run(site, cs)
    w1, b1 = b.guids["W1"], b.guids["B1"]
    clash = cs.clashes.get(a_guid__in=(w1, b1), b_guid__in=(w1, b1))
    client.force_login(site["actors"]["owner"].user)
    page = client.get(f"/bim/clashes/{clash.pk}/").content.decode()
    assert "墙" in page and "梁" in page and "硬碰撞" in page
    data = client.get(f"/bim/clashes/{clash.pk}/view.json").json()
    roles = {e["guid"]: e for e in data["elements"]}
    assert roles[clash.a_guid]["role"] == "a" and roles[clash.b_guid]["role"] == "b"
    assert abs(data["origin"][0] - (SHIFT[0] + 5)) < 2 and abs(data["origin"][1] - SHIFT[1]) < 2
    beam = np.array(roles[b1]["vertices"]).reshape(-1, 3)
    assert np.abs(beam).max() < 5  # metres around the clash, not hundreds of kilometres
    lo = beam.min(axis=0) + data["origin"]
    assert np.allclose(lo, (SHIFT[0] + 5, SHIFT[1] - 1, SHIFT[2] + 2), atol=1e-3)
    assert max(roles[b1]["faces"]) < len(beam)
