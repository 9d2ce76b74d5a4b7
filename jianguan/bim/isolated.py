"""The geometry work of BIM, run in a child process with a memory limit:

    python -m jianguan.bim.isolated JOB INPUT.json OUTPUT.json

The geometry kernel is C++ and has known crashes; here a crash, a runaway allocation or a hang
kills only this process, and the worker that started it records a clear failure. No Django:
the parent passes paths and plain values, reads back JSON. Progress (0-100) is written to the
input's ``progress`` file, which the parent copies onto the revision.

Jobs: ``process`` (the model validated — readable, a schema we take, elements with geometry —
then summarised, its elements triangulated once into the mesh cache, quantities per element), ``clash`` (a clash set's full run or its
re-check), and ``hog`` (allocates without end: the tests' proof that the limit holds).
"""

from __future__ import annotations

import json
import os
import resource
import sys
from dataclasses import asdict, is_dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

EXIT_MODEL_ERROR = 3


def limit_memory(megabytes: int) -> None:
    if megabytes > 0:
        size = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))


class Progress:
    def __init__(self, path: str | None) -> None:
        self.path, self.last = path, -1

    def __call__(self, done: int, total: int | None = None) -> None:
        value = int(done if total is None else 100 * done / max(total, 1))
        if self.path and value != self.last:
            self.last = value
            Path(self.path).write_text(str(value))


def _plain(value: Any) -> Any:
    if is_dataclass(value):
        return _plain(asdict(value))
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


def _validate(model) -> None:
    """What the upload could not check without parsing: elements with geometry."""
    from jianguan.bim.engine import summary

    if not any(getattr(e, "Representation", None) for e in summary.physical_elements(model)):
        raise summary.ModelError(
            "模型中的构件都没有几何形体，无法进行碰撞检测和算量。", "model_no_geometry"
        )


def _process(args: dict) -> dict:
    from jianguan.bim.engine import geometry, summary, takeoff
    from jianguan.bim.meshcache import FileMeshCache

    step = Progress(args.get("progress"))
    model = summary.open_model(args["path"])  # not IFC, unreadable, schema, no elements
    _validate(model)
    step(5)
    info = summary.summarise(model)
    step(10)
    # triangulation is most of the work: its progress maps onto 10..85
    meshes = geometry.triangulate(
        model,
        cache=FileMeshCache(args["cache"]),
        progress=lambda done, total: step(10 + int(75 * done / max(total, 1))),
    )
    step(85)
    hashes = {m.guid: m.geometry_hash for m in meshes}
    elements = [
        {
            "guid": e.GlobalId,
            "ifc_class": e.is_a(),
            "name": (getattr(e, "Name", None) or "")[:200],
            "storey": (summary.storey_of(e) or "")[:120],
            "geometry_hash": hashes.get(e.GlobalId) or geometry.geometry_hash(e),
        }
        for e in summary.physical_elements(model)
    ]
    quantities = takeoff.element_quantities(model, meshes)
    step(100)
    return {
        "summary": _plain(info),
        "elements": elements,
        "quantities": _plain(quantities),
    }


def _group_meshes(group: dict, cache, axes: list) -> list:
    """The group's meshes; the grid axes of its models are added to ``axes``."""
    from jianguan.bim.engine import geometry, grids, summary

    select = ",".join(group["classes"]) or None
    meshes = []
    for path in group["paths"]:
        model = summary.open_model(path)
        axes.extend(a for a in grids.axes(model) if a not in axes)
        meshes.extend(geometry.triangulate(model, cache=cache, select=select))
    return meshes


def _clash(args: dict) -> dict:
    from jianguan.bim.engine import clash
    from jianguan.bim.engine.types import Clash
    from jianguan.bim.meshcache import FileMeshCache

    step = Progress(args.get("progress"))
    cache = FileMeshCache(args["cache"])
    axes: list = []
    a = _group_meshes(args["a"], cache, axes)
    step(40)
    b = _group_meshes(args["b"], cache, axes) if args.get("b") else None
    step(60)
    options = {
        "mode": args["mode"],
        "tolerance": args["tolerance"],
        "clearance": args["clearance"],
        "allow_touching": args["allow_touching"],
    }
    previous = args.get("previous")
    if previous is None:
        found, resolved = clash.find(a, b, **options), []
        still, new = [], found
    else:
        result = clash.recheck(
            [Clash(**{**c, "p1": tuple(c["p1"]), "p2": tuple(c["p2"])}) for c in previous],
            a=a,
            b=b,
            changed=set(args["changed"]),
            **options,
        )
        still, resolved, new = list(result.still), list(result.resolved), list(result.new)
    step(90)
    meshes = {m.guid: m for m in [*a, *(b or [])]}
    groups = clash.group([*still, *new], list(meshes.values()), axes)
    where = {}  # (a, b) -> (group key, grid line, nearest intersection)
    for g in groups:
        for c in g["clashes"]:
            where[(c.a, c.b)] = (g["key"][:200], g["grid"], g["crossings"][(c.a, c.b)])
    info = {
        guid: {"ifc_class": m.ifc_class, "name": m.name, "storey": m.storey}
        for guid, m in meshes.items()
    }

    def out(cs):
        return [
            {
                **_plain(c),
                **dict(zip(("group", "grid", "grid_cross"), where[(c.a, c.b)], strict=True)),
            }
            for c in cs
        ]

    step(100)
    return {
        "still": out(still),
        "resolved": _plain(resolved),
        "new": out(new),
        "elements": info,
        "a_count": len(a),
        "b_count": len(b) if b is not None else None,
    }


def _hog(args: dict) -> dict:
    hold = []
    while True:
        hold.append(bytearray(64 * 1024 * 1024))


JOBS = {"process": _process, "clash": _clash, "hog": _hog}


def main(argv: list[str]) -> int:
    job, inp, outp = argv
    args = json.loads(Path(inp).read_text())
    limit_memory(int(args.get("memory_mb", 0)))
    from jianguan.bim.engine.summary import ModelError

    try:
        result = {"ok": True, **JOBS[job](args)}
        code = 0
    except ModelError as exc:
        result = {"ok": False, "message": exc.message, "code": exc.code}
        code = EXIT_MODEL_ERROR
    except MemoryError:
        result = {"ok": False, "message": "模型处理超出内存限制", "code": "model_memory"}
        code = EXIT_MODEL_ERROR
    Path(outp).write_text(json.dumps(result, ensure_ascii=False))
    sys.stdout.flush()
    return code


if __name__ == "__main__":
    os._exit(main(sys.argv[1:]))
