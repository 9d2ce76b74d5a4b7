"""Train the hazard detector (torch, CPU or CUDA), resuming from checkpoints.

    python -m jianguan.hazard.detector.train --data ../shared/data/ppe --out ~/.cache/jianguan-hazard \\
        [--epochs 30] [--imgsz 320] [--resume] [--init-from-onnx FILE]

Checkpoints go to ``--out`` (outside the repository): ``last.pt`` after every epoch (an
interrupted run loses one epoch, not the run), ``best.pt`` whenever the validation mAP@0.5
improves, and at the end ``detector.onnx`` exported from ``best.pt``. Progress is printed as
JSON lines. Only the train split is trained on; val picks the best epoch; test stays held
out for the model card and ``bench/hazard.py``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from . import augment
from .classes import CLASSES
from .dataset import class_counts, load_samples
from .evaluate import ImageResult, evaluate
from .net import HazardNet, PeakDecode
from .preprocess import IMGSZ, letterbox, normalise

# The rare class: no_helmet is ~8% of heads. Photos with one are drawn this much more often,
# and its heatmap loss weighs more, so the detector does not learn to call every head helmet.
RARE_PHOTO_WEIGHT = 2.0
CLASS_LOSS_WEIGHT = {"no_helmet": 2.0}
BOX_LOSS_WEIGHT = 5.0  # TTFNet's GIoU weight against the heatmap focal loss
MOSAIC_P = 0.5
NO_MOSAIC_TAIL = 0.15  # the last 15% of epochs see whole photos only, like the test images
EVAL_FLOOR = 0.01
CL = torch.channels_last


def emit(**record) -> None:
    print(json.dumps(record, ensure_ascii=False), flush=True)


# ---------------------------------------------------------------- data


def load_photos(samples) -> list[augment.Photo]:
    photos = []
    for s in samples:
        with Image.open(s.image) as im:
            pixels = np.asarray(im.convert("RGB"))
        h, w = pixels.shape[:2]
        photos.append(augment.Photo(pixels, s.boxes_px(w, h).astype(np.float32), s.classes))
    return photos


def make_batch(photos, weights, batch, size, rng, mosaic_p):
    images, heats, boxes_t, box_w = [], [], [], []
    for _ in range(batch):
        if rng.random() < mosaic_p:
            picks = rng.choice(len(photos), 4, p=weights)
            img, b, c = augment.mosaic([photos[i] for i in picks], size, rng)
        else:
            img, b, c = augment.single(photos[rng.choice(len(photos), p=weights)], size, rng)
        if rng.random() < 0.5:
            img, b = augment.flip(img, b, size)
        img = augment.colour(img, rng)
        h, t, w = augment.targets(b, c, len(CLASSES), size)
        images.append(img)
        heats.append(h)
        boxes_t.append(t)
        box_w.append(w)
    return (
        torch.from_numpy(normalise(np.stack(images))),
        torch.from_numpy(np.stack(heats)),
        torch.from_numpy(np.stack(boxes_t)),
        torch.from_numpy(np.stack(box_w)),
    )


# ---------------------------------------------------------------- losses


def focal_loss(logits, gt, class_weight):
    """CenterNet's penalty-reduced focal loss, per-class weighted, over the number of peaks."""
    pos = gt.eq(1).float()
    log_p, log_1mp = F.logsigmoid(logits), F.logsigmoid(-logits)
    p = torch.sigmoid(logits)
    pos_loss = log_p * (1 - p) ** 2 * pos
    neg_loss = log_1mp * p**2 * (1 - gt) ** 4 * (1 - pos)
    w = class_weight.view(1, -1, 1, 1)
    return -(w * (pos_loss + neg_loss)).sum() / pos.sum().clamp(min=1.0)


def giou_loss(ltrb, box_t, weight, stride=4):
    """GIoU between the box each cell predicts and its target, weighted by the Gaussian area."""
    mask = weight > 0
    if not mask.any():
        return ltrb.sum() * 0.0
    b, _, h, w = ltrb.shape
    ys = torch.arange(h, dtype=torch.float32, device=ltrb.device) * stride + stride / 2
    xs = torch.arange(w, dtype=torch.float32, device=ltrb.device) * stride + stride / 2
    cy, cx = ys.view(1, h, 1).expand(b, h, w)[mask], xs.view(1, 1, w).expand(b, h, w)[mask]
    d = ltrb.permute(0, 2, 3, 1)[mask]
    t = box_t.permute(0, 2, 3, 1)[mask]
    p = torch.stack([cx - d[:, 0], cy - d[:, 1], cx + d[:, 2], cy + d[:, 3]], 1)
    area_p = (p[:, 2] - p[:, 0]).clamp(min=0) * (p[:, 3] - p[:, 1]).clamp(min=0)
    area_t = (t[:, 2] - t[:, 0]) * (t[:, 3] - t[:, 1])
    iw = (torch.min(p[:, 2], t[:, 2]) - torch.max(p[:, 0], t[:, 0])).clamp(min=0)
    ih = (torch.min(p[:, 3], t[:, 3]) - torch.max(p[:, 1], t[:, 1])).clamp(min=0)
    inter = iw * ih
    union = area_p + area_t - inter + 1e-6
    ew = torch.max(p[:, 2], t[:, 2]) - torch.min(p[:, 0], t[:, 0])
    eh = torch.max(p[:, 3], t[:, 3]) - torch.min(p[:, 1], t[:, 1])
    enclose = ew * eh + 1e-6
    giou = inter / union - (enclose - union) / enclose
    wt = weight[mask]
    return (wt * (1 - giou)).sum() / (wt.sum() + 1e-4)


# ---------------------------------------------------------------- model helpers


class EMA:
    """Exponential moving average of the weights, what is evaluated and shipped: it gives a
    steadier model than the last step's weights on a short, noisy CPU schedule. A window of
    ~500 steps (decay 0.998), because a whole CPU run is only ~2,000 steps."""

    def __init__(self, model: torch.nn.Module, decay: float = 0.998, tau: float = 200.0):
        self.shadow = {k: v.detach().clone() for k, v in model.state_dict().items()}
        self.decay, self.tau, self.updates = decay, tau, 0

    @torch.no_grad()
    def update(self, model: torch.nn.Module) -> None:
        self.updates += 1
        d = self.decay * (1 - math.exp(-self.updates / self.tau))
        for k, v in model.state_dict().items():
            if v.dtype.is_floating_point:
                self.shadow[k].mul_(d).add_(v.detach(), alpha=1 - d)
            else:
                self.shadow[k].copy_(v)


def param_groups(model, weight_decay):
    decay, no_decay = [], []
    for p in model.parameters():
        if p.requires_grad:
            (no_decay if p.ndim <= 1 else decay).append(p)
    return [
        {"params": decay, "weight_decay": weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]


def lr_at(step: int, total: int, base: float, warmup: int) -> float:
    if step < warmup:
        return base * (0.1 + 0.9 * step / warmup)
    t = (step - warmup) / max(1, total - warmup)
    return base * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * min(t, 1.0))))


def init_from_onnx(net: HazardNet, path: str) -> int:
    """Copy weights from an exported ONNX file (names match; see ``export``)."""
    import onnx
    from onnx import numpy_helper

    weights = {
        init.name.removeprefix("net."): numpy_helper.to_array(init)
        for init in onnx.load(path).graph.initializer
    }
    state = net.state_dict()
    loaded = 0
    for name, tensor in state.items():
        arr = weights.get(name)
        if arr is not None and tuple(arr.shape) == tuple(tensor.shape):
            state[name] = torch.from_numpy(arr.copy()).to(tensor.dtype)
            loaded += 1
    floating = sum(1 for t in state.values() if t.dtype.is_floating_point)
    if loaded < 0.9 * floating:
        raise SystemExit(f"{path}: only {loaded} of {floating} tensors match this network")
    net.load_state_dict(state)
    return loaded


@torch.no_grad()
def predict(net, images: list[Image.Image], size: int, device, batch: int = 16):
    """Detections per image in source pixels, as the runtime would give them."""
    net.eval()
    decode = PeakDecode()
    out = []
    for i in range(0, len(images), batch):
        chunk = images[i : i + batch]
        boxed = [letterbox(im, size) for im in chunk]
        x = torch.from_numpy(normalise(np.stack([a for a, _ in boxed]))).to(device)
        x = x.contiguous(memory_format=CL)
        boxes, scores, classes = (t.cpu().numpy() for t in decode(*net(x)))
        for j, (im, (_, lb)) in enumerate(zip(chunk, boxed, strict=True)):
            keep = scores[j] >= EVAL_FLOOR
            out.append(
                (
                    lb.to_source(boxes[j][keep], im.width, im.height),
                    scores[j][keep],
                    classes[j][keep],
                )
            )
    return out


def validate(net, val_images, val_samples, size, device) -> dict:
    preds = predict(net, val_images, size, device)
    results = [
        ImageResult.of(s.boxes_px(im.width, im.height), s.classes, b, sc, c)
        for s, im, (b, sc, c) in zip(val_samples, val_images, preds, strict=True)
    ]
    return evaluate(results)


def auto_threads() -> int:
    """Threads for the next epoch on a shared CPU: all cores when the rest of the machine is
    idle, one when others are busy (OpenMP threads that wait on each other lose more to a
    busy machine than a second core gains: 12 s against 8 s a step, measured here)."""
    cores = os.cpu_count() or 1
    others = os.getloadavg()[0] - torch.get_num_threads()
    return cores if others < 0.5 else 1


def save(path: Path, payload: dict) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(payload, tmp)
    os.replace(tmp, path)


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Train the hazard detector")
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True, help="checkpoint folder, outside the repository")
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--imgsz", type=int, default=IMGSZ)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--eval-every", type=int, default=2)
    ap.add_argument("--resume", action="store_true", help="continue from OUT/last.pt if present")
    ap.add_argument("--init-from-onnx", default=None, help="start from an exported model's weights")
    ap.add_argument("--limit", type=int, default=0, help="use only this many photos (smoke runs)")
    ap.add_argument("--threads", type=int, default=0, help="0: by the machine's load, each epoch")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument("--train-all", action="store_true", help="also train the stem and first blocks")
    args = ap.parse_args(argv)

    if args.imgsz % 32:
        raise SystemExit("--imgsz must be a multiple of 32")
    out = Path(args.out).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

    train_s = load_samples(args.data, ["train"])
    val_s = load_samples(args.data, ["val"])
    if args.limit:
        train_s, val_s = train_s[: args.limit], val_s[: max(8, args.limit // 4)]
    photos = load_photos(train_s)
    val_images = []
    for s in val_s:
        with Image.open(s.image) as im:
            val_images.append(im.convert("RGB"))
    rare = CLASSES.index("no_helmet")
    weights = np.array([RARE_PHOTO_WEIGHT if (s.classes == rare).any() else 1.0 for s in train_s])
    weights /= weights.sum()
    emit(
        event="data",
        train=len(train_s),
        val=len(val_s),
        train_boxes=class_counts(train_s),
        val_boxes=class_counts(val_s),
        device=str(device),
        threads=torch.get_num_threads(),
    )

    # channels_last: about a third faster on CPU for these depthwise-heavy convolutions.
    net = HazardNet(pretrained=True, imgsz=args.imgsz).to(device, memory_format=CL)
    if not args.train_all:
        net.backbone.freeze_early()
    opt = torch.optim.AdamW(param_groups(net, 5e-4), lr=args.lr)  # trainable parameters only
    class_weight = torch.tensor([CLASS_LOSS_WEIGHT.get(c, 1.0) for c in CLASSES], device=device)
    steps_per_epoch = max(1, len(train_s) // args.batch)
    total = steps_per_epoch * args.epochs
    warmup = min(300, max(1, total // 20))
    start_epoch, best, history = 0, -1.0, []
    rng = np.random.default_rng(args.seed)

    last = out / "last.pt"
    if args.resume and last.exists():
        ckpt = torch.load(last, map_location=device, weights_only=False)
        net.load_state_dict(ckpt["model"])
        opt.load_state_dict(ckpt["optimizer"])
        start_epoch, best, history = ckpt["epoch"], ckpt.get("best", -1.0), ckpt.get("history", [])
        rng.bit_generator.state = ckpt["rng"]
        ema = EMA(net)
        ema.shadow = {k: v.to(device) for k, v in ckpt["ema"].items()}
        ema.updates = ckpt.get("ema_updates", 0)
        emit(event="resume", epoch=start_epoch, best=best)
    else:
        if args.init_from_onnx:
            emit(
                event="init",
                onnx=args.init_from_onnx,
                tensors=init_from_onnx(net, args.init_from_onnx),
            )
        ema = EMA(net)

    eval_net = HazardNet(pretrained=False, imgsz=args.imgsz).to(device, memory_format=CL)
    for epoch in range(start_epoch, args.epochs):
        if not args.threads:
            torch.set_num_threads(auto_threads())
        net.train()
        t0 = time.perf_counter()
        mosaic_p = MOSAIC_P if epoch < args.epochs * (1 - NO_MOSAIC_TAIL) else 0.0
        sums = np.zeros(3)
        for it in range(steps_per_epoch):
            step = epoch * steps_per_epoch + it
            lr = lr_at(step, total, args.lr, warmup)
            for g in opt.param_groups:
                g["lr"] = lr
            x, heat, box_t, box_w = (
                t.to(device)
                for t in make_batch(photos, weights, args.batch, args.imgsz, rng, mosaic_p)
            )
            x = x.contiguous(memory_format=CL)
            logits, ltrb = net(x)
            l_hm = focal_loss(logits, heat, class_weight)
            l_box = giou_loss(ltrb, box_t, box_w)
            loss = l_hm + BOX_LOSS_WEIGHT * l_box
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 10.0)
            opt.step()
            ema.update(net)
            sums += (loss.item(), l_hm.item(), l_box.item())
        seconds = time.perf_counter() - t0
        done = epoch + 1
        record = {
            "event": "epoch",
            "epoch": done,
            "epochs": args.epochs,
            "seconds": round(seconds, 1),
            "threads": torch.get_num_threads(),
            "lr": round(lr, 6),
            "mosaic": mosaic_p,
            **dict(
                zip(
                    ("loss", "heatmap", "box"),
                    np.round(sums / steps_per_epoch, 4).tolist(),
                    strict=True,
                )
            ),
        }
        history.append(record)
        emit(**record)

        val = None
        if done % args.eval_every == 0 or done == args.epochs:
            eval_net.load_state_dict(ema.shadow)
            t1 = time.perf_counter()
            val = validate(eval_net, val_images, val_s, args.imgsz, device)
            emit(
                event="eval",
                epoch=done,
                seconds=round(time.perf_counter() - t1, 1),
                map=None if val["map"] is None else round(val["map"], 4),
                ap={k: None if v is None else round(v, 4) for k, v in val["ap"].items()},
            )
            history.append({"event": "eval", "epoch": done, "map": val["map"], "ap": val["ap"]})
        payload = {
            "model": net.state_dict(),
            "ema": ema.shadow,
            "ema_updates": ema.updates,
            "optimizer": opt.state_dict(),
            "epoch": done,
            "best": best,
            "history": history,
            "rng": rng.bit_generator.state,
            "imgsz": args.imgsz,
            "args": vars(args),
            "val": val,
        }
        if val is not None and val["map"] is not None and val["map"] > best:
            best = payload["best"] = val["map"]
            save(
                out / "best.pt",
                {
                    "ema": ema.shadow,
                    "epoch": done,
                    "imgsz": args.imgsz,
                    "val": val,
                    "args": vars(args),
                    "history": history,
                },
            )
            emit(event="best", epoch=done, map=round(best, 4))
        save(last, payload)

    if not args.no_export:
        from .export import export_checkpoint

        src = out / "best.pt" if (out / "best.pt").exists() else last
        report = export_checkpoint(src, out / "detector.onnx", data=args.data)
        emit(event="export", source=str(src), **report)
    emit(event="done", best=best)
    return 0


if __name__ == "__main__":
    sys.exit(main())
