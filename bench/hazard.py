"""Benchmark the shipped hazard detector (issue 18): speed on 2 CPU threads and accuracy on the
project's own held-out split. Needs only onnxruntime, numpy and Pillow (no Django, no torch).

Targets: helmet AP@0.5 >= 0.90, no_helmet >= 0.70, at >= 20 images/s on 2 cores. One JSON line
per figure::

    python bench/hazard.py                       # the shipped model, ../shared/data/ppe
    python bench/hazard.py --model /work/hazard-train/detector.onnx --floor 0.01

Figures
-------
* ``hazard.speed``: images per second through ``Detector.detect`` one image at a time (what
  the upload task does: decode, letterbox, onnxruntime with 2 intra-op threads, mapping back),
  over the test split, after a warm-up; and ``hazard.speed_batch`` through ``detect_many`` in
  batches of 8. The photos are read into memory first: disk time is not the detector's.
* ``hazard.ap``: per-class AP@0.5 and their mean on the held-out test split (split by a hash of
  each photo's name, never trained on nor used to pick the epoch), with every detection above
  ``--floor`` (0.01 by default, so the curve reaches the model's full recall; the command line's
  0.05 floor changes the APs by less than a point), VOC all-point interpolation, from
  ``jianguan.hazard.detector.evaluate``.
* ``hazard.thresholds``: per class, the score threshold with the best F1 on the val split, and
  the precision and recall it gives on the test split (the basis of ``HAZARD_THRESHOLDS``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from jianguan.hazard.detector.dataset import load_samples  # noqa: E402
from jianguan.hazard.detector.evaluate import (  # noqa: E402
    ImageResult,
    at_threshold,
    best_f1,
    evaluate,
)
from jianguan.hazard.detector.infer import ModelUnavailable, load  # noqa: E402

TARGETS = {"helmet": 0.90, "no_helmet": 0.70}
TARGET_IPS = 20.0


def emit(bench: str, **fields: object) -> None:
    print(json.dumps({"bench": bench, **fields}, ensure_ascii=False), flush=True)


def as_results(detector, samples, found) -> list[ImageResult]:
    results = []
    for sample, dets in zip(samples, found, strict=True):
        with Image.open(sample.image) as im:
            w, h = im.size
        results.append(
            ImageResult.of(
                sample.boxes_px(w, h),
                sample.classes,
                [d.box for d in dets],
                [d.score for d in dets],
                [detector.classes.index(d.cls) for d in dets],
            )
        )
    return results


def report_speed(detector, data: list[bytes], seconds: float, floor: float) -> None:
    model = detector.path
    emit(
        "hazard.speed",
        model=str(model.relative_to(ROOT) if model.is_relative_to(ROOT) else model),
        imgsz=detector.imgsz,
        threads=2,
        images=len(data),
        seconds=round(seconds, 3),
        images_per_s=round(len(data) / seconds, 1),
        ms_per_image=round(seconds / len(data) * 1000, 2),
        target_images_per_s=TARGET_IPS,
        ok=len(data) / seconds >= TARGET_IPS,
    )
    start = time.perf_counter()
    for i in range(0, len(data), 8):
        detector.detect_many(data[i : i + 8], floor=floor)
    seconds = time.perf_counter() - start
    emit(
        "hazard.speed_batch", batch=8, images=len(data), images_per_s=round(len(data) / seconds, 1)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "ppe"))
    parser.add_argument("--model", default=None, help="ONNX file (default: the shipped model)")
    parser.add_argument("--split", default="test", choices=["train", "val", "test"])
    parser.add_argument("--floor", type=float, default=0.01)
    parser.add_argument("--limit", type=int, default=0, help="only the first N photos")
    parser.add_argument("--skip-speed", action="store_true", help="accuracy only (a busy machine)")
    args = parser.parse_args(argv)

    if not Path(args.data, "images").is_dir():
        emit("hazard.skipped", reason=f"no labelled photos at {args.data}")
        return 0
    try:
        detector = load(args.model)
    except ModelUnavailable as exc:
        emit("hazard.skipped", reason=str(exc))
        return 0
    samples = load_samples(args.data, [args.split])
    if args.limit:
        samples = samples[: args.limit]
    data = [s.image.read_bytes() for s in samples]

    for blob in data[:5]:  # warm-up: first runs allocate and pick kernels
        detector.detect(blob, floor=args.floor)
    start = time.perf_counter()
    found = [detector.detect(blob, floor=args.floor) for blob in data]
    seconds = time.perf_counter() - start
    if not args.skip_speed:
        report_speed(detector, data, seconds, args.floor)

    results = as_results(detector, samples, found)
    res = evaluate(results, classes=detector.classes)
    ap = {k: None if v is None else round(v, 4) for k, v in res["ap"].items()}
    emit(
        "hazard.ap",
        split=args.split,
        images=len(samples),
        floor=args.floor,
        iou=0.5,
        ap=ap,
        map=None if res["map"] is None else round(res["map"], 4),
        ground_truths=res["gt"],
        targets=TARGETS,
        ok=all((ap.get(k) or 0) >= v for k, v in TARGETS.items()),
        model_epoch=detector.metadata.get("epoch"),
    )
    if args.split == "test":
        # Score thresholds chosen where F1 is highest on val (never on the test split itself),
        # and what they give on test: the numbers behind HAZARD_THRESHOLDS and the model card.
        val = load_samples(args.data, ["val"])
        val_found = [detector.detect(s.image.read_bytes(), floor=args.floor) for s in val]
        val_results = as_results(detector, val, val_found)
        chosen = {}
        for c, name in enumerate(detector.classes):
            pick = best_f1(val_results, c)
            if pick is None:
                continue
            on_test = at_threshold(results, c, pick["threshold"])
            chosen[name] = {
                "threshold": round(pick["threshold"], 3),
                "val_f1": round(pick["f1"], 3),
                "test_precision": None
                if on_test["precision"] is None
                else round(on_test["precision"], 3),
                "test_recall": round(on_test["recall"], 3),
            }
        emit("hazard.thresholds", chosen_on="val", reported_on="test", classes=chosen)
    return 0


if __name__ == "__main__":
    sys.exit(main())
