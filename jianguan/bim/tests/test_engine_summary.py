"""Model summary and the checks every reader of an IFC file goes through. No database."""

from __future__ import annotations

from pathlib import Path

import ifcopenshell
import pytest

from jianguan.bim.builders import SAMPLES, Builder
from jianguan.bim.engine.summary import ModelError, open_model, summarise

IFC = SAMPLES


def test_haus_summary():
    s = summarise(IFC / "AC20-FZK-Haus.ifc")
    assert s["schema"] == "IFC4"
    assert s["application"] == "ARCHICAD-64 20.0.0"
    assert s["author_org"] == "Building Designer Office"
    assert s["units"] == {"length": "米", "area": "平方米", "volume": "立方米"}
    assert s["length_unit_scale"] == 1.0
    geo = s["georeferencing"]
    assert geo["kind"] == "IfcSite"
    # RefLatitude (49, 6, 1, 566000) = 49° 6′ 1.566″
    assert geo["latitude"] == pytest.approx(49 + 6 / 60 + 1.566 / 3600, abs=1e-9)
    assert geo["longitude"] == pytest.approx(8 + 26 / 60 + 11.5404 / 3600, abs=1e-9)
    assert geo["height"] == 110.0
    # 102 IfcElements, of which 20 are openings: not counted as things.
    assert s["elements"] == 82
    assert s["counts_by_class"] == {
        "IfcBeam": 4,
        "IfcDoor": 5,
        "IfcMember": 42,
        "IfcRailing": 2,
        "IfcSlab": 4,
        "IfcStair": 1,
        "IfcWallStandardCase": 13,
        "IfcWindow": 11,
    }
    assert s["counts_by_storey"] == {"Dachgeschoss": 56, "Erdgeschoss": 26}


def test_openhouse_summary_in_millimetres():
    s = summarise(IFC / "IfcOpenHouse_IFC4.ifc")
    assert (s["schema"], s["application"]) == ("IFC4", "IfcOpenShell 0.5.0-dev")
    # Only a length unit is declared: area and volume units are reported as absent.
    assert s["units"] == {"length": "毫米", "area": None, "volume": None}
    assert s["length_unit_scale"] == pytest.approx(0.001)
    assert s["georeferencing"]["kind"] is None
    assert s["elements"] == 40
    assert s["counts_by_class"]["IfcWallStandardCase"] == 4
    assert s["counts_by_storey"] == {"（未命名楼层）": 40}  # its one storey has no name


def test_duplex_summary_ifc2x3_with_furniture_in_spaces():
    s = summarise(IFC / "duplex.ifc")
    assert (s["schema"], s["application"]) == ("IFC2X3", "Autodesk Revit Architecture 2011")
    assert s["units"] == {"length": "米", "area": "平方米", "volume": "立方米"}
    assert s["georeferencing"]["kind"] == "IfcSite"
    assert s["georeferencing"]["longitude"] < 0  # Chicago: every component carries the sign
    assert s["elements"] == 218
    assert s["counts_by_class"]["IfcFurnishingElement"] == 61
    # Furniture sits in spaces; the spaces sit in storeys: every element reaches a storey.
    assert s["counts_by_storey"] == {"Level 1": 103, "Level 2": 93, "Roof": 8, "T/FDN": 14}
    assert sum(s["counts_by_storey"].values()) == s["elements"]


def test_map_conversion_wins_over_site_angles(tmp_path):
    b = Builder()
    b.box("IfcWall", "W1", (0, 0, 0), (5, 0.2, 3))
    m = b.model
    crs = m.createIfcProjectedCRS(Name="EPSG:4548")
    m.createIfcMapConversion(
        b.body.ParentContext, crs, 500123.5, 4012345.25, 42.0, None, None, None
    )
    path = tmp_path / "geo.ifc"
    m.write(str(path))
    geo = summarise(path)["georeferencing"]
    assert geo == {
        "kind": "IfcMapConversion",
        "eastings": 500123.5,
        "northings": 4012345.25,
        "height": 42.0,
        "crs": "EPSG:4548",
        "latitude": None,
        "longitude": None,
    }


def test_summarise_takes_an_open_model_too():
    model = ifcopenshell.open(str(IFC / "IfcOpenHouse_IFC4.ifc"))
    assert summarise(model)["elements"] == 40


def _write(path: Path, text: str | bytes) -> Path:
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


SPF = """ISO-10303-21;
HEADER;
FILE_DESCRIPTION((''),'2;1');
FILE_NAME('','',(''),(''),'','','');
FILE_SCHEMA(('{schema}'));
ENDSEC;
DATA;
#1=IFCPROJECT('0YvctVUKr0kugbFTf53O9L',$,'p',$,$,$,$,$,$);
ENDSEC;
END-ISO-10303-21;
"""


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("这不是模型\n", "model_not_ifc"),
        (b"", "model_not_ifc"),
        (b"PK\x03\x04 a zip, perhaps an ifcZIP", "model_not_ifc"),
        ("ISO-10303-21;\nHEADER;\nFILE_SCHEMA(('IFC4'));\nDATA;\n#1=IFCWALL(", "model_unreadable"),
        (SPF.format(schema="IFC4X1"), "model_unknown_schema"),
        (SPF.format(schema="IFC9"), "model_unknown_schema"),
        (SPF.format(schema="IFC4"), "model_no_elements"),
    ],
)
def test_open_model_refuses_bad_files_with_a_code(tmp_path, content, code):
    with pytest.raises(ModelError) as caught:
        open_model(_write(tmp_path / "m.ifc", content))
    assert caught.value.code == code
    assert caught.value.message


def test_open_model_missing_file(tmp_path):
    with pytest.raises(ModelError) as caught:
        open_model(tmp_path / "nope.ifc")
    assert caught.value.code == "model_unreadable"


def test_open_model_reads_ifc4x3(tmp_path):
    b = Builder()
    b.box("IfcWall", "W1", (0, 0, 0), (5, 0.2, 3))
    text = b.model.to_string().replace("FILE_SCHEMA(('IFC4'))", "FILE_SCHEMA(('IFC4X3_ADD2'))")
    model = open_model(_write(tmp_path / "m.ifc", text))
    assert summarise(model)["schema"] == "IFC4X3"


def test_engine_modules_import_no_django():
    import subprocess
    import sys

    code = (
        "import sys; import jianguan.bim.engine.summary, jianguan.bim.engine.takeoff, "
        "jianguan.bim.engine.bcf, jianguan.bim.engine.selectors; "
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
