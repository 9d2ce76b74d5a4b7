"""The command line (an interface other scripts run): options, JSON output, bad input."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from jianguan.bim import clash as cli
from jianguan.bim.builders import (
    EXPECTED,
    SAMPLES,
    SURVEY_SHIFT,
    Builder,
    clash_model,
    named_pairs,
    translate,
)

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def model_file(tmp_path):
    b = clash_model()
    path = tmp_path / "model.ifc"
    b.model.write(str(path))
    return b, path


def _run(*args):
    return subprocess.run(
        [sys.executable, "-m", "jianguan.bim.clash", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_end_to_end_on_a_built_model(model_file, tmp_path):
    b, path = model_file
    out = tmp_path / "out.json"
    done = _run(path, "--mode", "intersection", "--json", out)
    assert done.returncode == 0, done.stderr
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert named_pairs(rows, b.guids) == EXPECTED["intersection"]
    assert set(rows[0]) == {"a", "b", "type", "distance", "p1", "p2"}
    assert all(r["type"] == "hard" and len(r["p1"]) == 3 for r in rows)


def test_selectors_within_one_file_and_two_files(model_file, tmp_path):
    b, path = model_file
    out = tmp_path / "out.json"
    argv = [str(path), "--mode", "clearance", "--clearance", "0.04", "--a-select", "IfcPipeSegment"]
    assert cli.main([*argv, "--b-select", "IfcBeam,IfcDuctSegment", "--json", str(out)]) == 0
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert named_pairs(rows, b.guids) == {("B2", "P2"), ("D1", "P1")}
    assert {b.guids["P1"], b.guids["P2"]} >= {r["a"] for r in rows}
    # Two files: the same model as A and as B (each element meets its own copy: skipped).
    other = tmp_path / "other.ifc"
    other.write_bytes(path.read_bytes())
    assert (
        cli.main(
            [
                str(path),
                str(other),
                "--mode",
                "collision",
                "--tolerance",
                "0.002",
                "--json",
                str(out),
            ]
        )
        == 0
    )
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert named_pairs(rows, b.guids) == EXPECTED["collision"]


def test_survey_coordinates_through_the_command_line(tmp_path):
    b = clash_model()
    translate(b.model, *SURVEY_SHIFT)
    path = tmp_path / "far.ifc"
    b.model.write(str(path))
    out = tmp_path / "out.json"
    assert cli.main([str(path), "--mode", "intersection", "--json", str(out)]) == 0
    assert (
        named_pairs(json.loads(out.read_text(encoding="utf-8")), b.guids)
        == EXPECTED["intersection"]
    )


def test_sample_house(tmp_path):
    out = tmp_path / "haus.json"
    done = _run(
        SAMPLES / "AC20-FZK-Haus.ifc",
        "--mode",
        "collision",
        "--a-select",
        "IfcSlab",
        "--b-select",
        "IfcWall",
        "--json",
        out,
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert rows and all(r["type"] in ("hard", "touching") for r in rows)
    assert len({(r["a"], r["b"]) for r in rows}) == len(rows)


def test_bad_input_exits_2_with_a_chinese_line(tmp_path):
    out = tmp_path / "out.json"
    done = _run(tmp_path / "missing.ifc", "--mode", "intersection", "--json", out)
    assert done.returncode == 2 and "文件不存在" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    text = tmp_path / "notes.ifc"
    text.write_text("这不是 IFC\n", encoding="utf-8")
    done = _run(text, "--mode", "intersection", "--json", out)
    assert done.returncode == 2 and "不是 IFC 文件" in done.stderr
    assert not out.exists()
    done = _run(
        SAMPLES / "IfcOpenHouse_IFC4.ifc",
        "--mode",
        "intersection",
        "--json",
        tmp_path / "no" / "out.json",
    )
    assert done.returncode == 2 and "无法写入结果文件" in done.stderr


def test_unknown_schema_empty_selector_and_no_geometry(model_file, tmp_path, capsys):
    b, path = model_file
    odd = tmp_path / "odd.ifc"
    odd.write_text(path.read_text().replace("FILE_SCHEMA(('IFC4'))", "FILE_SCHEMA(('IFC9'))"))
    out = tmp_path / "out.json"
    assert cli.main([str(odd), "--mode", "intersection", "--json", str(out)]) == 2
    assert (
        cli.main(
            [str(path), "--mode", "intersection", "--a-select", "IfcPlate", "--json", str(out)]
        )
        == 2
    )
    assert (
        cli.main([str(path), "--mode", "intersection", "--a-select", "IfcNope", "--json", str(out)])
        == 2
    )
    empty = tmp_path / "empty.ifc"
    Builder().model.write(str(empty))  # a project, a storey, no elements
    assert cli.main([str(empty), "--mode", "clearance", "--json", str(out)]) == 2
    with pytest.raises(SystemExit) as stop:
        cli.main([str(path), "--mode", "bogus", "--json", str(out)])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 5 and all(line.startswith("错误：") for line in err)
    assert "不支持的 IFC 版本 IFC9" in err[0]
    assert "没有带几何的构件：IfcPlate" in err[1] and "未知的 IFC 类：IfcNope" in err[2]
    assert "模型中没有带几何的构件" in err[3] and "命令行参数有误" in err[4]
    assert not out.exists()
