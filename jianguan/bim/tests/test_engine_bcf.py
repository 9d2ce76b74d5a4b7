"""BCF out and in: deterministic topics, round trip, files edited by other tools, bad files.
No database."""

from __future__ import annotations

import re
import uuid
import zipfile
from pathlib import Path

import bcf.bcfxml
import pytest

from jianguan.bim.engine import bcf as engine_bcf
from jianguan.bim.engine.bcf import BcfError, export, read, topic_guid

A, B, C = "0KMpiAlnb52RgQuM1CwVfd", "2ZUDk$X7P0Bv6jwOFAo7sL", "1hOSvn6df7F8_7GcBWlRGQ"
SURVEY = (500_000.0, 4_000_000.0, 50.0)


def _clash(a, b, status, comments=(), **extra):
    return {
        "a": a,
        "b": b,
        "a_class": "IfcBeam",
        "b_class": "IfcPipeSegment",
        "a_name": "梁 KL1",
        "b_name": "给水管 DN100",
        "status": status,
        "p1": (SURVEY[0] + 1.0, SURVEY[1] + 2.0, SURVEY[2] + 3.0),
        "p2": (SURVEY[0] + 1.2, SURVEY[1] + 2.0, SURVEY[2] + 3.0),
        "comments": list(comments),
        **extra,
    }


COMMENTS = [
    {
        "author": "王工（结构）",
        "date": "2026-12-01T02:00:00+00:00",
        "text": "梁底标高不可调整，请给排水改线。",
    },
    {"author": "李工（给排水）", "date": "2026-12-02T03:30:00+00:00", "text": "已改为绕梁。"},
]
CLASHES = [
    _clash(A, B, "new"),
    _clash(A, C, "assigned", COMMENTS),
    _clash(B, C, "resolved"),
    _clash(C, "3cUkl32yn9qRSPvBJVyWYp", "verified"),
    _clash(B, "1S8LodH7nCbhJv3zUq4Kk4", "accepted", [COMMENTS[0]], reason="检修口处按设计保留"),
]


def test_topic_guid_is_a_uuid_of_the_unordered_pair_and_the_clash_set():
    g = topic_guid(A, B, "结构×给排水")
    assert uuid.UUID(g).version == 5
    assert topic_guid(B, A, "结构×给排水") == g
    assert topic_guid(A, B, "结构×暖通") != g
    assert topic_guid(A, C, "结构×给排水") != g


def test_round_trip_keeps_guids_statuses_comments_and_components(tmp_path):
    path = export(
        CLASHES, clash_set="结构×给排水", project_name="大兴区某学校", path=tmp_path / "out.bcfzip"
    )
    topics = {t.guid: t for t in read(path)}
    assert len(topics) == len(CLASHES)
    for clash in CLASHES:
        topic = topics[topic_guid(clash["a"], clash["b"], "结构×给排水")]
        assert topic.status == clash["status"]
        assert topic.components == [clash["a"], clash["b"]]
        assert [(c["author"], c["date"], c["text"]) for c in topic.comments] == [
            (c["author"], c["date"], c["text"]) for c in clash["comments"]
        ]
        assert topic.title == "碰撞：IfcBeam「梁 KL1」 与 IfcPipeSegment「给水管 DN100」"
    assigned = topics[topic_guid(A, C, "结构×给排水")]
    assert assigned.bcf_status == "In Progress"
    accepted = topics[topic_guid(B, "1S8LodH7nCbhJv3zUq4Kk4", "结构×给排水")]
    assert (accepted.bcf_status, accepted.labels) == ("Closed", ["Accepted"])


def test_export_is_valid_bcf21_for_bcf_client_with_a_camera_on_the_clash(tmp_path):
    path = export(CLASHES[:2], clash_set="S", project_name="P", path=tmp_path / "out.bcf")
    loaded = bcf.bcfxml.load(path)
    assert loaded.version.version_id == "2.1"
    assert loaded.project.name == "P"
    topic = loaded.topics[topic_guid(A, C, "S")]
    assert topic.topic.topic_status == "In Progress"
    assert len(topic.comments) == 2
    (viewpoint,) = topic.viewpoints.values()
    assert viewpoint.get_selected_guids() == [A, C]
    camera = viewpoint.visualization_info.perspective_camera
    # bcf-client puts the camera a few metres off the target, looking at it.
    target = (SURVEY[0] + 1.1, SURVEY[1] + 2.0, SURVEY[2] + 3.0)
    eye = (camera.camera_view_point.x, camera.camera_view_point.y, camera.camera_view_point.z)
    look = (camera.camera_direction.x, camera.camera_direction.y, camera.camera_direction.z)
    to_target = [t - e for t, e in zip(target, eye, strict=True)]
    norm = sum(v * v for v in to_target) ** 0.5
    assert 1.0 < norm < 50.0
    assert sum(d * v / norm for d, v in zip(look, to_target, strict=True)) == pytest.approx(
        1.0, abs=1e-6
    )
    loaded.close()


def test_re_export_updates_the_same_topics(tmp_path):
    first = export(CLASHES, clash_set="S", project_name="P", path=tmp_path / "1.bcf")
    changed = [dict(c, status="resolved") for c in CLASHES] + [
        _clash(A, "0u4wgLe6n0ABVaiXyikbkA", "new")
    ]
    second = export(changed, clash_set="S", project_name="P", path=tmp_path / "2.bcf")
    before = {t.guid: t for t in read(first)}
    after = {t.guid: t for t in read(second)}
    assert set(before) < set(after)
    assert len(after) == len(before) + 1
    for guid, topic in before.items():
        assert [c["guid"] for c in after[guid].comments] == [c["guid"] for c in topic.comments]
        assert after[guid].status == "resolved"
    with zipfile.ZipFile(first) as z1, zipfile.ZipFile(second) as z2:
        assert _project_id(z1) == _project_id(z2)


def _project_id(archive: zipfile.ZipFile) -> str:
    return re.search(r'ProjectId="([^"]+)"', archive.read("project.bcfp").decode()).group(1)


def _rewrite(src: Path, dst: Path, edit) -> Path:
    """Copy a BCF zip, passing each markup.bcf through ``edit`` (as another tool would save it)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith("markup.bcf"):
                data = edit(data.decode()).encode()
            zout.writestr(info, data)
    return dst


def test_bcf_edited_by_another_tool_reads_back(tmp_path):
    path = export([_clash(A, B, "new")], clash_set="S", project_name="P", path=tmp_path / "out.bcf")
    guid = topic_guid(A, B, "S")

    def as_bimcollab(xml: str) -> str:
        # Schema-decorated root, upper-case GUID, its own status word, a comment added after ours.
        xml = xml.replace(
            "<Markup ", '<Markup xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        ).replace(f'Guid="{guid}"', f'Guid="{guid.upper()}"')
        xml = xml.replace('TopicStatus="Open"', 'TopicStatus="Resolved"')
        comment = (
            '<Comment Guid="8A1B5E4C-0000-4000-8000-000000000001"><Date>2026-12-03T09:15:00+08:00</Date>'
            "<Author>zhao@bimcollab</Author><Comment>Fixed in model v3 / 已改线</Comment>"
            '<Viewpoint Guid="x"/><ModifiedDate>2026-12-03T09:16:00+08:00</ModifiedDate></Comment>'
        )
        return xml.replace("<Viewpoints ", comment + "<Viewpoints ", 1)

    (topic,) = read(_rewrite(path, tmp_path / "edited.bcf", as_bimcollab))
    assert topic.guid == guid  # upper case in the file, ours in lower case
    assert (topic.status, topic.bcf_status) == ("resolved", "Resolved")
    assert topic.comments == [
        {
            "guid": "8a1b5e4c-0000-4000-8000-000000000001",
            "author": "zhao@bimcollab",
            "date": "2026-12-03T01:15:00+00:00",  # stored in UTC
            "text": "Fixed in model v3 / 已改线",
        }
    ]
    assert topic.components == [A, B]


def test_unknown_status_word_is_reported_not_guessed(tmp_path):
    path = export([_clash(A, B, "new")], clash_set="S", project_name="P", path=tmp_path / "out.bcf")
    edited = _rewrite(
        path, tmp_path / "e.bcf", lambda x: x.replace('TopicStatus="Open"', 'TopicStatus="Waiting"')
    )
    (topic,) = read(edited)
    assert (topic.status, topic.bcf_status) == (None, "Waiting")


BCF3_MARKUP = """<?xml version="1.0" encoding="UTF-8"?>
<Markup xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Topic Guid="{guid}" TopicType="Clash" TopicStatus="Closed">
    <Title>Beam vs pipe</Title>
    <CreationDate>2026-12-01T00:00:00Z</CreationDate>
    <CreationAuthor>solibri</CreationAuthor>
    <Labels><Label>Accepted</Label></Labels>
    <Comments>
      <Comment Guid="{comment}"><Date>2026-12-04T00:00:00Z</Date><Author>solibri</Author>
        <Comment>As designed</Comment></Comment>
    </Comments>
    <Viewpoints><ViewPoint Guid="{vp}"><Viewpoint>{vp}.bcfv</Viewpoint></ViewPoint></Viewpoints>
  </Topic>
</Markup>"""
BCF3_VIEW = """<?xml version="1.0" encoding="UTF-8"?>
<VisualizationInfo Guid="{vp}"><Components><Selection>
<Component IfcGuid="{a}"/><Component IfcGuid="{b}"/></Selection></Components></VisualizationInfo>"""


def test_reads_bcf30_layout(tmp_path):
    guid, comment, vp = (str(uuid.uuid4()) for _ in range(3))
    path = tmp_path / "v3.bcf"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("bcf.version", '<Version VersionId="3.0"/>')
        z.writestr(f"{guid}/markup.bcf", BCF3_MARKUP.format(guid=guid, comment=comment, vp=vp))
        z.writestr(f"{guid}/{vp}.bcfv", BCF3_VIEW.format(vp=vp, a=A, b=B))
    (topic,) = read(path)
    assert (topic.guid, topic.status, topic.labels) == (guid, "accepted", ["Accepted"])
    assert [c["text"] for c in topic.comments] == ["As designed"]
    assert topic.components == [A, B]


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda p: p.write_text("not a zip at all"), "bcf_bad_zip"),
        (lambda p: p.write_bytes(b""), "bcf_bad_zip"),
        (
            lambda p: _zip(p, {"readme.txt": "hello", "bcf.version": '<Version VersionId="2.1"/>'}),
            "bcf_no_topics",
        ),
        (lambda p: _zip(p, {"t/markup.bcf": "<Markup><Topic"}), "bcf_bad_markup"),
        (lambda p: _zip(p, {"t/markup.bcf": "<Markup><Comment/></Markup>"}), "bcf_bad_markup"),
    ],
)
def test_bad_bcf_is_refused_with_a_code(tmp_path, make, code):
    path = tmp_path / "bad.bcf"
    make(path)
    with pytest.raises(BcfError) as caught:
        read(path)
    assert caught.value.code == code
    assert caught.value.message


def _zip(path: Path, members: dict[str, str]) -> None:
    with zipfile.ZipFile(path, "w") as z:
        for name, text in members.items():
            z.writestr(name, text)


def test_missing_file_and_oversized_entries(tmp_path, monkeypatch):
    with pytest.raises(BcfError) as caught:
        read(tmp_path / "absent.bcf")
    assert caught.value.code == "bcf_bad_zip"
    path = export([_clash(A, B, "new")], clash_set="S", project_name="P", path=tmp_path / "out.bcf")
    monkeypatch.setattr(engine_bcf, "MAX_ENTRY_BYTES", 100)
    with pytest.raises(BcfError) as caught:
        read(path)
    assert caught.value.code == "bcf_too_large"


def test_export_refuses_a_status_it_does_not_know(tmp_path):
    with pytest.raises(BcfError) as caught:
        export([_clash(A, B, "closed")], clash_set="S", project_name="P", path=tmp_path / "x.bcf")
    assert caught.value.code == "bad_status"
    assert not (tmp_path / "x.bcf").exists()


# A BCF 2.1 as Navisworks Manage / BIMcollab Zoom write it: bcf.version and project.bcfp at the
# root, one folder per topic (upper-case GUID) with markup.bcf, viewpoint.bcfv and
# snapshot.png; a Header naming the IFC file, the default XML namespace declarations, the
# tool's own status words, comments at the markup's root pointing at the viewpoint, a
# perspective camera, selection with OriginatingSystem/AuthoringToolId, visibility exceptions.
NAVIS_VERSION = """<?xml version="1.0" encoding="UTF-8"?>
<Version xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" VersionId="2.1"><DetailedVersion>2.1</DetailedVersion></Version>"""
NAVIS_PROJECT = """<?xml version="1.0" encoding="UTF-8"?>
<ProjectExtension xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Project ProjectId="{pid}"><Name>大兴某项目 协调</Name></Project><ExtensionSchema></ExtensionSchema></ProjectExtension>"""
NAVIS_MARKUP = """<?xml version="1.0" encoding="utf-8"?>
<Markup xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <Header><File IfcProject="3vB2YO$MX4xv5uCqZZG05x" isExternal="true"><Filename>结构-A.ifc</Filename><Date>2026-12-02T08:00:00+08:00</Date></File></Header>
  <Topic Guid="{guid}" TopicType="Clash" TopicStatus="{status}">
    <ReferenceLink>navisworks://clash/Test 1/Clash{index}</ReferenceLink>
    <Title>Clash{index}</Title>
    <Priority>Normal</Priority>
    <Index>{index}</Index>
    <Labels>Structure</Labels>
    <CreationDate>2026-12-02T08:10:00+08:00</CreationDate>
    <CreationAuthor>li.gong@design.example</CreationAuthor>
    <ModifiedDate>2026-12-03T10:00:00+08:00</ModifiedDate>
    <ModifiedAuthor>li.gong@design.example</ModifiedAuthor>
    <AssignedTo>zhao@gc.example</AssignedTo>
    <Description>Hard (Conservative) -0.100m</Description>
  </Topic>
  <Comment Guid="{comment}">
    <Date>2026-12-03T10:00:00+08:00</Date>
    <Author>li.gong@design.example</Author>
    <Comment>{text}</Comment>
    <Viewpoint Guid="{vp}" />
    <ModifiedDate>2026-12-03T10:01:00+08:00</ModifiedDate>
    <ModifiedAuthor>li.gong@design.example</ModifiedAuthor>
  </Comment>
  <Viewpoints Guid="{vp}">
    <Viewpoint>viewpoint.bcfv</Viewpoint>
    <Snapshot>snapshot.png</Snapshot>
  </Viewpoints>
</Markup>"""
NAVIS_VIEW = """<?xml version="1.0" encoding="utf-8"?>
<VisualizationInfo xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" Guid="{vp}">
  <Components>
    <ViewSetupHints SpacesVisible="false" SpaceBoundariesVisible="false" OpeningsVisible="false" />
    <Selection>
      <Component IfcGuid="{a}"><OriginatingSystem>Autodesk Navisworks Manage 2024</OriginatingSystem><AuthoringToolId>345678</AuthoringToolId></Component>
      <Component IfcGuid="{b}"><OriginatingSystem>Autodesk Navisworks Manage 2024</OriginatingSystem><AuthoringToolId>345679</AuthoringToolId></Component>
    </Selection>
    <Visibility DefaultVisibility="false"><Exceptions><Component IfcGuid="{a}" /><Component IfcGuid="{b}" /></Exceptions></Visibility>
    <Coloring><Color Color="FFFF0000"><Component IfcGuid="{a}" /></Color><Color Color="FF00FF00"><Component IfcGuid="{b}" /></Color></Coloring>
  </Components>
  <PerspectiveCamera>
    <CameraViewPoint><X>500012.5</X><Y>4000008.25</Y><Z>56.1</Z></CameraViewPoint>
    <CameraDirection><X>-0.57</X><Y>-0.57</Y><Z>-0.57</Z></CameraDirection>
    <CameraUpVector><X>0</X><Y>0</Y><Z>1</Z></CameraUpVector>
    <FieldOfView>60</FieldOfView>
  </PerspectiveCamera>
</VisualizationInfo>"""
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e221bc330000000049454e44ae426082"
)


def navisworks_bcf(path, topics) -> Path:
    """``topics``: dicts with guid, a, b, status (the tool's word) and text (a comment)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("bcf.version", NAVIS_VERSION)
        z.writestr("project.bcfp", NAVIS_PROJECT.format(pid=uuid.uuid4()))
        for index, t in enumerate(topics, 1):
            vp, comment = str(uuid.uuid4()).upper(), str(uuid.uuid4()).upper()
            folder = t["guid"].upper()
            z.writestr(
                f"{folder}/markup.bcf",
                NAVIS_MARKUP.format(index=index, vp=vp, comment=comment, **t),
            )
            z.writestr(f"{folder}/viewpoint.bcfv", NAVIS_VIEW.format(vp=vp, **t))
            z.writestr(f"{folder}/snapshot.png", PNG_1PX)
    return Path(path)


def test_reads_a_bcf_as_navisworks_and_bimcollab_write_it(tmp_path):
    g1, g2, g3 = topic_guid(A, B, "S"), topic_guid(A, C, "S"), topic_guid(B, C, "S")
    path = navisworks_bcf(
        tmp_path / "navis.bcf",
        [
            {"guid": g1, "a": A, "b": B, "status": "Resolved", "text": "梁已抬高 150 mm"},
            {"guid": g2, "a": A, "b": C, "status": "Approved", "text": "按设计保留"},
            {"guid": g3, "a": B, "b": C, "status": "Reviewed", "text": "待处理"},
        ],
    )
    # bcf-client, the library the peer uses, reads the same file
    with bcf.bcfxml.load(path) as other:
        assert len(other.topics) == 3
    topics = {t.guid: t for t in read(path)}
    assert set(topics) == {g1, g2, g3}  # the upper-case folder and GUIDs read as ours
    one, two, three = topics[g1], topics[g2], topics[g3]
    assert (one.status, one.bcf_status, one.title) == ("resolved", "Resolved", "Clash1")
    assert one.components == [A, B] and one.labels == ["Structure"]
    assert one.comments[0]["text"] == "梁已抬高 150 mm"
    assert one.comments[0]["date"] == "2026-12-03T02:00:00+00:00"  # +08:00 stored in UTC
    assert one.comments[0]["author"] == "li.gong@design.example"
    assert two.status == "accepted"  # Navisworks' "Approved": acceptable as it is
    assert (three.status, three.bcf_status) == (None, "Reviewed")  # reported, not guessed
