"""Run the shipped hazard detector on images from the command line (scripts outside the project
use this; keep its interface exactly):

    python -m jianguan.hazard.detect IMAGE... --json OUT

writes ``[{"image": path, "detections": [{"class": "helmet"|"no_helmet"|"no_wear"|"wear",
"score": float, "box": [x1, y1, x2, y2]}]}]`` with boxes in pixels of each input image and
every detection scoring at least 0.05 (low, so that precision-recall can be computed), and
exits 0. An image that cannot be read is reported on stderr and gets an empty list and an
"error" key; a missing or corrupt model file is a clear message and exit status 2.
No Django, no torch: onnxruntime, numpy and Pillow.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .detector.infer import FLOOR, ImageUnreadable, ModelUnavailable, load


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m jianguan.hazard.detect",
        description="检测图像中的安全帽与工作服/反光衣（隐患识别模型）",
    )
    parser.add_argument("images", nargs="+", metavar="IMAGE")
    parser.add_argument(
        "--json", required=True, metavar="OUT", help="结果 JSON 文件（- 为标准输出）"
    )
    parser.add_argument("--model", default=None, help="ONNX 模型文件（默认使用随软件发布的模型）")
    parser.add_argument("--floor", type=float, default=FLOOR, help="最低得分（默认 0.05）")
    parser.add_argument("--no-tile", action="store_true", help="大图不分块检测")
    args = parser.parse_args(argv)

    try:
        detector = load(args.model)
    except ModelUnavailable as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2

    results = []
    for path in args.images:
        entry: dict = {"image": path, "detections": []}
        try:
            with open(path, "rb") as fh:
                data = fh.read()
            found = detector.detect(data, floor=args.floor, tile=not args.no_tile)
        except (OSError, ImageUnreadable) as exc:
            message = str(exc) if isinstance(exc, ImageUnreadable) else f"无法读取文件：{exc}"
            print(f"{path}: {message}", file=sys.stderr)
            entry["error"] = message
        else:
            entry["detections"] = [
                {
                    "class": d.cls,
                    "score": round(d.score, 5),
                    "box": [round(v, 2) for v in d.box],
                }
                for d in found
            ]
        results.append(entry)

    text = json.dumps(results, ensure_ascii=False, indent=1)
    if args.json == "-":
        sys.stdout.write(text + "\n")
    else:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
