"""The runtime: errors in Chinese, caching per file, large frames tiled, no torch imported."""

import io
import subprocess
import sys

import pytest
from PIL import Image

from jianguan.hazard.detector import infer
from jianguan.hazard.detector.infer import ImageUnreadable, ModelUnavailable, load, open_image


def test_missing_model_is_model_unavailable(tmp_path):
    with pytest.raises(ModelUnavailable, match="未找到"):
        load(tmp_path / "none.onnx")


def test_corrupt_model_is_model_unavailable(tmp_path):
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not a protobuf at all")
    with pytest.raises(ModelUnavailable, match="损坏"):
        load(bad)


@pytest.mark.parametrize("blob", [b"", b"GIF89a broken", b"\xff\xd8\xff\xe0 truncated jpeg"])
def test_unreadable_bytes(blob):
    with pytest.raises(ImageUnreadable, match="图像"):
        open_image(blob)


def test_too_many_pixels(monkeypatch):
    monkeypatch.setattr(infer, "MAX_PIXELS", 100 * 100)
    buf = io.BytesIO()
    Image.new("RGB", (200, 200)).save(buf, "PNG")
    with pytest.raises(ImageUnreadable, match="过大"):
        open_image(buf.getvalue())


def test_exif_orientation_is_applied():
    buf = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees when displayed
    Image.new("RGB", (40, 20)).save(buf, "JPEG", exif=exif)
    assert open_image(buf.getvalue()).size == (20, 40)


def test_runtime_imports_no_torch_and_no_django():
    code = (
        "import sys, jianguan.hazard.detect, jianguan.hazard.detector.infer;"
        "bad = [m for m in ('torch', 'django') if m in sys.modules]; print(bad); sys.exit(bool(bad))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture
def detector():
    if not infer.MODEL_PATH.is_file():
        pytest.skip(f"the shipped model {infer.MODEL_PATH} is absent")
    return load()


def test_load_is_cached(detector):
    assert load() is detector
    assert load(str(infer.MODEL_PATH)) is detector
    assert detector.classes == ("helmet", "no_helmet", "no_wear", "wear")


def test_large_frame_is_tiled_and_boxes_stay_in_it(detector, ppe):
    photos = sorted((ppe / "images").iterdir())[:6]
    frame = Image.new("RGB", (1600, 900), (120, 120, 120))
    for i, p in enumerate(photos):
        with Image.open(p) as im:
            frame.paste(im.convert("RGB"), (40 + (i % 3) * 520, 40 + (i // 3) * 440))
    plan = detector._plan(frame, tile=True)
    assert len(plan) > 1  # the whole image and its tiles
    assert len(detector._plan(frame, tile=False)) == 1
    found = detector.detect(frame)
    assert found
    for d in found:
        x1, y1, x2, y2 = d.box
        assert 0 <= x1 < x2 <= 1600 and 0 <= y1 < y2 <= 900
        assert d.score >= 0.05 and d.cls in detector.classes
    many = detector.detect_many([frame, photos[0].read_bytes()])
    assert len(many) == 2 and many[0] == found
