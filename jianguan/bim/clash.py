"""Command line: clash detection on IFC files, the same engine as the platform (issue 19).

    python -m jianguan.bim.clash A.ifc [B.ifc] --mode intersection|collision|clearance \
        [--tolerance M] [--clearance M] [--a-select CLASSES] [--b-select CLASSES] --json OUT

Writes ``[{"a", "b", "type", "distance", "p1", "p2"}]``. With one file: A against itself, or
the ``--a-select`` elements against the ``--b-select`` ones when ``--b-select`` is given.
Bad input (missing file, not IFC, unknown schema or class): one line in Chinese on stderr,
exit 2. Scripts outside the project run this: keep the options and the output as they are."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from jianguan.bim.engine import clash, geometry

SCHEMAS = ("IFC2X3", "IFC4", "IFC4X3")


class InputError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one Chinese line and exit 2, like every other bad input
        self.exit(2, f"错误：命令行参数有误（{message}）\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m jianguan.bim.clash", description="IFC 碰撞检查")
    p.add_argument("files", nargs="+", metavar="IFC", help="一个或两个 IFC 文件")
    p.add_argument("--mode", required=True, choices=clash.MODES)
    p.add_argument("--tolerance", type=float, default=0.002, help="硬碰撞容差（米）")
    p.add_argument("--clearance", type=float, default=0.05, help="净距（米）")
    p.add_argument("--allow-touching", action="store_true", help="碰撞模式下不报接触")
    p.add_argument("--a-select", default=None, help="A 组 IFC 类，逗号分隔")
    p.add_argument("--b-select", default=None, help="B 组 IFC 类，逗号分隔")
    p.add_argument("--json", required=True, help="结果 JSON 文件")
    return p


def _open(path: str):
    file = Path(path)
    if not file.is_file():
        raise InputError(f"文件不存在：{path}")
    with file.open("rb") as fh:
        head = fh.read(8192)
    if not head.lstrip().startswith(b"ISO-10303-21"):
        raise InputError(f"不是 IFC 文件（缺少 ISO-10303-21 文件头）：{path}")
    declared = re.search(rb"FILE_SCHEMA\s*\(\s*\(\s*'([^']*)'", head)
    if declared is None:
        raise InputError(f"IFC 文件头缺少 FILE_SCHEMA：{path}")
    schema = declared.group(1).decode("ascii", "replace").upper()
    if not schema.startswith(SCHEMAS):
        raise InputError(f"不支持的 IFC 版本 {schema}（支持 IFC2X3、IFC4、IFC4X3）：{path}")
    try:
        model = geometry.open_model(file)
    except Exception as exc:  # the parser's errors carry no stable type
        raise InputError(f"无法读取 IFC 文件：{path}（{str(exc).splitlines()[0][:80]}）") from exc
    return model


def _meshes(model, select):
    try:
        meshes = geometry.triangulate(model, select=select)
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    if not meshes:
        if select:
            raise InputError(f"选择的 IFC 类没有带几何的构件：{select}")
        raise InputError("模型中没有带几何的构件")
    return meshes


def run(args: argparse.Namespace) -> list[dict]:
    if len(args.files) > 2:
        raise InputError("最多两个 IFC 文件")
    first = _open(args.files[0])
    if len(args.files) == 2:
        second = _open(args.files[1])
        a = _meshes(first, args.a_select)
        b = _meshes(second, args.b_select)
    elif args.b_select:
        a = _meshes(first, args.a_select)
        b = _meshes(first, args.b_select)
    else:
        a, b = _meshes(first, args.a_select), None
    found = clash.find(
        a,
        b,
        mode=args.mode,
        tolerance=args.tolerance,
        clearance=args.clearance,
        allow_touching=args.allow_touching,
    )
    return [
        {
            "a": c.a,
            "b": c.b,
            "type": c.type,
            "distance": c.distance,
            "p1": list(c.p1),
            "p2": list(c.p2),
        }
        for c in found
    ]


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        rows = run(args)
    except InputError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    try:
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    except OSError as exc:
        print(f"错误：无法写入结果文件 {args.json}（{exc.strerror}）", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
