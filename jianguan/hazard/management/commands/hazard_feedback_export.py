"""Export the inspectors' decisions as YOLO training data for the next model.

``manage.py hazard_feedback_export OUT_DIR [--since YYYY-MM-DD]`` writes, for every image with
a decided candidate, ``OUT_DIR/images/<id>.<ext>`` (the file as kept) and
``OUT_DIR/labels/<id>.txt`` (``class cx cy w h`` normalised, the training set's class order):
the above-threshold detections of the image's newest analysis, corrected by the decisions. A
confirmed frame keeps its boxes; a dismissed one is corrected by its reason: a wrong class is
flipped (a "bare head" that wore a hat becomes ``helmet``), a non-person is dropped (a hard
negative), other reasons keep the boxes (the detector saw right; the rule did not apply).
Demo candidates are left out. Nothing in the database changes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jianguan.hazard import selectors, workflow
from jianguan.hazard.models import CandidateFrame
from jianguan.smartsite.images.models import SiteImage

HAZARD_CLASS = {"no_helmet": "no_helmet", "no_uniform": "no_wear"}


class Command(BaseCommand):
    help = "把检查员核查过的识别结果导出为 YOLO 格式训练样本"

    def add_arguments(self, parser):
        parser.add_argument("out_dir")
        parser.add_argument("--since", default="", help="只导出该日期（含）之后核查的，YYYY-MM-DD")

    def handle(self, *args, **opts):
        out = Path(opts["out_dir"])
        since = None
        if opts["since"]:
            try:
                since = dt.date.fromisoformat(opts["since"])
            except ValueError:
                raise CommandError("--since 须为 YYYY-MM-DD") from None
        frames = CandidateFrame.objects.filter(
            candidate__status__in=(workflow.CONFIRMED, workflow.DISMISSED),
            candidate__is_demo=False,
        ).select_related("candidate")
        if since:
            frames = frames.filter(candidate__decided_at__date__gte=since)
        # per image: detection id -> what its decision says it really was (None: drop it)
        fixes: dict[int, dict[int, str | None]] = {}
        for f in frames:
            c = f.candidate
            fix = fixes.setdefault(f.image_id, {})
            if c.status == workflow.DISMISSED and c.dismiss_reason == "not_person":
                fix[f.detection_id] = None
            elif c.status == workflow.DISMISSED and c.dismiss_reason == "wrong_class":
                fix[f.detection_id] = workflow.FLIPPED.get(f.detection.cls, f.detection.cls)
        (out / "images").mkdir(parents=True, exist_ok=True)
        (out / "labels").mkdir(parents=True, exist_ok=True)
        written = 0
        for image in SiteImage.objects.filter(pk__in=list(fixes)).order_by("pk"):
            analysis = selectors.latest_analysis(image)
            if analysis is None or not analysis.width:
                continue
            lines = []
            for d in selectors.detections_of(analysis):
                cls = fixes[image.pk].get(d.pk, d.cls)
                if cls is None:
                    continue
                lines.append(
                    _yolo(workflow.CLASS_INDEX[cls], d.box, analysis.width, analysis.height)
                )
            ext = image.file.name.rsplit(".", 1)[-1].lower()
            with image.file.open("rb") as src:
                (out / "images" / f"{image.pk}.{ext}").write_bytes(src.read())
            (out / "labels" / f"{image.pk}.txt").write_text("".join(lines), encoding="ascii")
            written += 1
        self.stdout.write(f"已导出 {written} 张影像的标注到 {out}")


def _yolo(index: int, box, width: int, height: int) -> str:
    x1, y1, x2, y2 = (max(0.0, v) for v in box)
    x2, y2 = min(x2, width), min(y2, height)
    cx, cy = (x1 + x2) / 2 / width, (y1 + y2) / 2 / height
    return f"{index} {cx:.6f} {cy:.6f} {(x2 - x1) / width:.6f} {(y2 - y1) / height:.6f}\n"
