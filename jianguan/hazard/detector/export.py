"""Export a trained checkpoint to ONNX (opset 17) and check onnxruntime agrees with torch.

    python -m jianguan.hazard.detector.export --ckpt /work/hazard-train/best.pt \\
        --out jianguan/hazard/detector/model/detector.onnx

The graph takes ``images`` (B, 3, 320, 320) float32, already letterboxed and normalised
``(x - 127) / 128`` (see ``preprocess``), batch dynamic, and returns ``boxes`` (B, K, 4) in
input pixels, ``scores`` (B, K) and ``classes`` (B, K) int64, K = 100 heatmap peaks. The file's
metadata names the classes, the input size and the normalisation, so the runtime reads them
instead of assuming. BatchNorm stays a separate node with its checkpoint names (onnxruntime
folds it into the convolutions when it loads the file), which lets ``train --init-from-onnx``
read the weights back.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch

from .classes import CLASSES
from .net import TOP_K, ExportModel, HazardNet
from .preprocess import IMGSZ

OPSET = 17


def load_checkpoint(path: str | Path) -> tuple[HazardNet, dict]:
    """The network of a checkpoint, with its EMA weights when it has them."""
    ckpt = torch.load(path, map_location="cpu", weights_only=False)
    imgsz = int(ckpt.get("imgsz", IMGSZ))
    net = HazardNet(pretrained=False, imgsz=imgsz)
    net.load_state_dict(ckpt.get("ema") or ckpt["model"])
    net.eval()
    return net, ckpt


def _sample_inputs(imgsz: int, data: str | None) -> np.ndarray:
    """A few real photos when the data are at hand (random inputs have no distinct peaks)."""
    from .preprocess import letterbox, normalise

    arrays = []
    if data and Path(data, "images").is_dir():
        from PIL import Image

        for p in sorted(Path(data, "images").iterdir())[:3]:
            with Image.open(p) as im:
                arrays.append(letterbox(im, imgsz)[0])
    if not arrays:
        rng = np.random.default_rng(0)
        arrays = [rng.integers(0, 256, (imgsz, imgsz, 3), dtype=np.uint8) for _ in range(2)]
    return normalise(np.stack(arrays))


def export(
    net: HazardNet,
    out: str | Path,
    *,
    imgsz: int = IMGSZ,
    k: int = TOP_K,
    metadata: dict | None = None,
    data: str | None = None,
) -> dict:
    """Write the ONNX file atomically and return the torch/onnxruntime comparison."""
    import onnx
    import onnxruntime as ort

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    model = ExportModel(net.eval(), k=k).eval()
    dummy = torch.zeros(1, 3, imgsz, imgsz)
    fd, tmp = tempfile.mkstemp(suffix=".onnx", dir=out.parent)
    os.close(fd)
    try:
        with torch.no_grad():
            torch.onnx.export(
                model,
                (dummy,),
                tmp,
                input_names=["images"],
                output_names=["boxes", "scores", "classes"],
                dynamic_axes={n: {0: "batch"} for n in ("images", "boxes", "scores", "classes")},
                opset_version=OPSET,
                training=torch.onnx.TrainingMode.PRESERVE,
                do_constant_folding=True,
                dynamo=False,
            )
        proto = onnx.load(tmp)
        meta = {
            "classes": json.dumps(list(CLASSES)),
            "imgsz": str(imgsz),
            "normalise": "(x-127)/128",
            "stride": "4",
            "top_k": str(k),
            **{
                key: v if isinstance(v, str) else json.dumps(v)
                for key, v in (metadata or {}).items()
            },
        }
        del proto.metadata_props[:]
        for key, value in meta.items():
            proto.metadata_props.add(key=key, value=value)
        proto.producer_name = "jianguan.hazard"
        onnx.checker.check_model(proto)
        onnx.save(proto, tmp)

        x = _sample_inputs(imgsz, data)
        with torch.no_grad():
            tb, ts, tc = (t.numpy() for t in model(torch.from_numpy(x)))
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 2
        sess = ort.InferenceSession(tmp, opts, providers=["CPUExecutionProvider"])
        ob, os_, oc = sess.run(None, {"images": x})
        confident = ts > 0.05
        report = {
            "max_score_diff": float(np.abs(ts - os_).max()),
            "max_box_diff_px": float(np.abs(tb - ob)[confident].max()) if confident.any() else 0.0,
            "classes_equal": bool((tc == oc)[confident].all()),
            "confident": int(confident.sum()),
        }
        if (
            report["max_score_diff"] > 1e-3
            or report["max_box_diff_px"] > 0.5
            or not report["classes_equal"]
        ):
            raise RuntimeError(f"onnxruntime disagrees with torch: {report}")
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    report["path"] = str(out)
    report["bytes"] = out.stat().st_size
    return report


def export_checkpoint(ckpt_path: str | Path, out: str | Path, data: str | None = None) -> dict:
    net, ckpt = load_checkpoint(ckpt_path)
    meta = {
        "epoch": ckpt.get("epoch"),
        "val_ap": (ckpt.get("val") or {}).get("ap"),
        "trained_on": ckpt.get("data_name", "ppe"),
    }
    return export(net, out, imgsz=int(ckpt.get("imgsz", IMGSZ)), metadata=meta, data=data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Export a hazard detector checkpoint to ONNX")
    parser.add_argument("--ckpt", required=True, help="a checkpoint written by train (best.pt)")
    parser.add_argument("--out", required=True, help="the .onnx file to write")
    parser.add_argument("--data", default=None, help="photos to compare torch and onnxruntime on")
    args = parser.parse_args(argv)
    report = export_checkpoint(args.ckpt, args.out, data=args.data)
    print(json.dumps({"event": "export", **report}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
