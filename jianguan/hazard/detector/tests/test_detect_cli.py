"""``python -m jianguan.hazard.detect IMAGE... --json OUT``: the interface outside scripts use."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from jianguan.hazard.detector.classes import CLASSES
from jianguan.hazard.detector.dataset import load_samples
from jianguan.hazard.detector.evaluate import iou_matrix
from jianguan.hazard.detector.infer import MODEL_PATH

ROOT = Path(__file__).resolve().parents[4]
HELMET = CLASSES.index("helmet")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "jianguan.hazard.detect", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def model() -> Path:
    if not MODEL_PATH.is_file():
        pytest.skip(f"the shipped model {MODEL_PATH} is absent (train and export it first)")
    return MODEL_PATH


def helmet_photos(ppe: Path, n: int = 3):
    """Held-out photos with a clearly visible labelled helmet (at least 40 px wide)."""
    picked = []
    for s in load_samples(ppe, ["test"]):
        with Image.open(s.image) as im:
            w, h = im.size
        boxes = s.boxes_px(w, h)[s.classes == HELMET]
        if len(boxes) and (boxes[:, 2] - boxes[:, 0]).max() >= 40:
            picked.append((s, boxes))
        if len(picked) == n:
            break
    return picked


def test_cli_on_real_photos_and_a_broken_file(ppe, model, tmp_path):
    photos = helmet_photos(ppe)
    assert len(photos) == 3
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"this is not a JPEG")
    out = tmp_path / "out.json"
    images = [str(s.image) for s, _ in photos] + [str(broken)]

    proc = run_cli(*images, "--json", str(out))

    assert proc.returncode == 0, proc.stderr
    assert "broken.jpg" in proc.stderr  # reported, not fatal
    result = json.loads(out.read_text(encoding="utf-8"))
    assert [r["image"] for r in result] == images
    assert result[-1]["detections"] == [] and result[-1]["error"]
    for (sample, helmets), entry in zip(photos, result[:-1], strict=True):
        assert "error" not in entry
        with Image.open(sample.image) as im:
            width, height = im.size
        assert entry["detections"], sample.stem
        for d in entry["detections"]:
            assert set(d) == {"class", "score", "box"}
            assert d["class"] in CLASSES
            assert 0.05 <= d["score"] <= 1.0
            x1, y1, x2, y2 = d["box"]
            assert 0 <= x1 < x2 <= width and 0 <= y1 < y2 <= height
        found = np.array([d["box"] for d in entry["detections"] if d["class"] == "helmet"])
        assert len(found), f"{sample.stem}: no helmet detected"
        best = iou_matrix(helmets, found).max()
        assert best >= 0.5, f"{sample.stem}: best helmet IoU {best:.2f}"


def test_cli_missing_model_exits_2(tmp_path, ppe):
    image = next((ppe / "images").iterdir())
    proc = run_cli(
        str(image), "--json", str(tmp_path / "o.json"), "--model", str(tmp_path / "none.onnx")
    )
    assert proc.returncode == 2
    assert "模型" in proc.stderr
    assert not (tmp_path / "o.json").exists()


def test_cli_corrupt_model_exits_2(tmp_path, ppe):
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"\x00garbage")
    image = next((ppe / "images").iterdir())
    proc = run_cli(str(image), "--json", str(tmp_path / "o.json"), "--model", str(bad))
    assert proc.returncode == 2
    assert "损坏" in proc.stderr
