"""Benchmark the BIM clash engine (issue 19) against the peer, IfcOpenShell's ``ifcclash``.

Same files, same clash sets, side by side; one JSON line per figure::

    python bench/clash.py                     # the shared sample models + a 20 x 20 bay grid
    python bench/clash.py --grid 12 --no-samples

Figures
-------
* ``clash.set``: per file and mode (A against itself; intersection at 2 mm tolerance,
  collision with touching reported, clearance 5 cm): ``peer_s`` (ifcclash: its iterator,
  tree and clash call, as it runs per clash set), ``ours_first_s`` (triangulation + clash),
  ``ours_cached_s`` (clash on the meshes already triangulated: the second clash set on the
  same revision), pairs found by each and by one only (``only_ours``/``only_peer``, GUID
  pairs regardless of order; ``only_ours_by_type``: our type of those). ``--repeat N``: each
  engine N times, alternately, the best time kept. ifcclash's ``allow_touching=True`` means "report touching"; it
  is our ``allow_touching=False``.
* ``clash.check``: for intersection pairs found by one engine only, how many share volume by
  an independent test (random points inside both meshes by ray parity, 4,000 points in the
  boxes' intersection; a shared face or an overlap under ~1/4,000 of that box reads as none).
* ``clash.survey``: the grid model translated to survey coordinates (500 km E, 4,000 km N):
  pairs each engine finds there as a share of the pairs found at the origin.
* ``clash.revision``: 1 % of the grid's elements moved; ``ours_recheck_s`` (triangulate with
  the cache — only the moved elements go through the kernel — and ``recheck``) against
  ``ours_full_s`` and ``peer_s`` (a run from zero), and whether the re-check equals a full
  run.

Not part of any CI target: it needs minutes of CPU."""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from jianguan.bim.builders import SAMPLES, SURVEY_SHIFT, grid_model, move, translate  # noqa: E402
from jianguan.bim.engine import clash, geometry, trimath  # noqa: E402

SETS = (
    ("intersection", {"tolerance": 0.002, "check_all": True}, {"tolerance": 0.002}),
    ("collision", {"allow_touching": True}, {"allow_touching": False}),
    ("clearance", {"clearance": 0.05, "check_all": True}, {"clearance": 0.05}),
)


def emit(bench: str, **fields: object) -> None:
    print(json.dumps({"bench": bench, **fields}, ensure_ascii=False), flush=True)


def peer(path: Path, mode: str, options: dict) -> tuple[set, float]:
    from ifcclash.ifcclash import Clasher, ClashSettings

    settings = ClashSettings()
    settings.logger = logging.getLogger("ifcclash")
    clasher = Clasher(settings)
    clash_set = {"name": mode, "a": [{"file": str(path)}], "mode": mode, **options}
    clasher.clash_sets = [clash_set]
    start = time.perf_counter()
    clasher.clash()
    seconds = time.perf_counter() - start
    pairs = {
        tuple(sorted((c["a_global_id"], c["b_global_id"]))) for c in clash_set["clashes"].values()
    }
    return pairs, seconds


def ours(path: Path, mode: str, options: dict, meshes=None):
    start = time.perf_counter()
    if meshes is None:
        meshes = geometry.triangulate(path)
    found = clash.find(meshes, mode=mode, **options)
    seconds = time.perf_counter() - start
    TYPES.clear()
    TYPES.update({tuple(sorted((c.a, c.b))): c.type for c in found})
    return {tuple(sorted((c.a, c.b))) for c in found}, seconds, meshes


TYPES: dict[tuple[str, str], str] = {}  # the last run's clash type per pair
REPEAT = 1


def overlapping(meshes: dict, pairs, samples: int = 4000, limit: int = 60) -> int:
    """An independent check of a one-sided intersection pair: random points in the two
    boxes' intersection, inside both meshes by ray parity (no triangle–triangle test
    involved). Returns how many of (at most ``limit``) pairs share some volume."""
    rng = np.random.default_rng(0)
    count = 0
    for a, b in sorted(pairs)[:limit]:
        ma, mb = meshes[a], meshes[b]
        lo = np.maximum(ma.bbox[0], mb.bbox[0])
        hi = np.minimum(ma.bbox[1], mb.bbox[1])
        if np.any(hi - lo <= 1e-6):
            continue
        points = rng.uniform(0, 1, size=(samples, 3)) * (hi - lo)
        inside = trimath.inside(points, (ma.vertices - lo)[ma.faces])
        inside &= trimath.inside(points, (mb.vertices - lo)[mb.faces])
        count += bool(inside.any())
    return count


def compare(label: str, path: Path) -> dict[str, set]:
    meshes = None
    found = {}
    for mode, peer_options, our_options in SETS:
        peer_s = first_s = float("inf")
        for _ in range(REPEAT):  # alternately, the best of each (the machine is shared)
            peer_pairs, seconds = peer(path, mode, peer_options)
            peer_s = min(peer_s, seconds)
            our_pairs, seconds, meshes_now = ours(path, mode, our_options)
            first_s = min(first_s, seconds)
        _, cached_s, _ = ours(path, mode, our_options, meshes=meshes or meshes_now)
        meshes = meshes or meshes_now
        only_types = {}
        for pair in our_pairs - peer_pairs:
            only_types[TYPES[pair]] = only_types.get(TYPES[pair], 0) + 1
        emit(
            "clash.set",
            file=label,
            mode=mode,
            elements=len(meshes),
            peer_s=round(peer_s, 3),
            ours_first_s=round(first_s, 3),
            ours_cached_s=round(cached_s, 3),
            peer_pairs=len(peer_pairs),
            our_pairs=len(our_pairs),
            only_ours=len(our_pairs - peer_pairs),
            only_peer=len(peer_pairs - our_pairs),
            only_ours_by_type=only_types,
            only_peer_sample=sorted(peer_pairs - our_pairs)[:3],
            only_ours_sample=sorted(our_pairs - peer_pairs)[:3],
        )
        found[mode] = (our_pairs, peer_pairs)
        if mode == "intersection" and (our_pairs ^ peer_pairs):
            by_guid = {m.guid: m for m in meshes}
            emit(
                "clash.check",
                file=label,
                mode=mode,
                only_ours=len(our_pairs - peer_pairs),
                only_ours_sharing_volume=overlapping(by_guid, our_pairs - peer_pairs),
                only_peer=len(peer_pairs - our_pairs),
                only_peer_sharing_volume=overlapping(by_guid, peer_pairs - our_pairs),
                checked_at_most=60,
            )
    return found


def survey(label: str, builder, tmp: Path, at_origin: dict) -> None:
    translate(builder.model, *SURVEY_SHIFT)
    path = tmp / "survey.ifc"
    builder.model.write(str(path))
    for mode, peer_options, our_options in SETS:
        our_origin, peer_origin = at_origin[mode]
        peer_pairs, peer_s = peer(path, mode, peer_options)
        our_pairs, our_s, _ = ours(path, mode, our_options)
        emit(
            "clash.survey",
            file=label,
            mode=mode,
            shift_m=list(SURVEY_SHIFT),
            peer_s=round(peer_s, 3),
            ours_s=round(our_s, 3),
            ours_found_pct=round(100 * len(our_pairs & our_origin) / max(1, len(our_origin)), 1),
            ours_extra=len(our_pairs - our_origin),
            peer_found_pct=round(100 * len(peer_pairs & peer_origin) / max(1, len(peer_origin)), 1),
            peer_extra=len(peer_pairs - peer_origin),
        )
    translate(builder.model, *(-c for c in SURVEY_SHIFT))


def revision(label: str, builder, tmp: Path, seed: int = 1) -> None:
    cache = geometry.MemoryCache()
    old = geometry.triangulate(builder.model, cache=cache)
    previous = {mode: clash.find(old, mode=mode, **opts) for mode, _, opts in SETS}
    rng = random.Random(seed)
    moved = rng.sample(sorted(builder.guids.values()), max(1, len(builder.guids) // 100))
    for guid in moved:
        move(
            builder.model,
            guid,
            rng.choice((-0.2, 0.2)),
            rng.choice((-0.2, 0.2)),
            rng.choice((-0.3, 0.3)),
        )
    path = tmp / "revision.ifc"
    builder.model.write(str(path))
    for mode, peer_options, our_options in SETS:
        start = time.perf_counter()
        puts = cache.puts
        new = geometry.triangulate(builder.model, cache=cache)
        hashes = {m.guid: m.geometry_hash for m in old}
        changed = {m.guid for m in new if hashes.get(m.guid) != m.geometry_hash}
        changed |= set(hashes) - {m.guid for m in new}
        result = clash.recheck(previous[mode], a=new, changed=changed, mode=mode, **our_options)
        recheck_s = time.perf_counter() - start
        retriangulated = cache.puts - puts
        full_pairs, full_s, _ = ours(path, mode, our_options)
        _, peer_s = peer(path, mode, peer_options)
        carried = {tuple(sorted((c.a, c.b))) for c in result.still + result.new}
        emit(
            "clash.revision",
            file=label,
            mode=mode,
            moved=len(moved),
            changed=len(changed),
            retriangulated=retriangulated,
            ours_recheck_s=round(recheck_s, 3),
            ours_full_s=round(full_s, 3),
            peer_s=round(peer_s, 3),
            speedup_vs_peer=round(peer_s / recheck_s, 1),
            speedup_vs_full=round(full_s / recheck_s, 1),
            still=len(result.still),
            resolved=len(result.resolved),
            new=len(result.new),
            equals_full_run=carried == full_pairs,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", type=int, default=20, help="bays per side of the generated model")
    parser.add_argument("--no-samples", action="store_true")
    parser.add_argument("--repeat", type=int, default=1, help="runs per engine, best kept")
    args = parser.parse_args()
    global REPEAT
    REPEAT = args.repeat
    logging.disable(logging.CRITICAL)
    # what decides the first-run figures on a shared machine: the kernel's threads on each side
    # (ifcclash: one per core; ours: one on one or two cores, see geometry.kernel_threads) and
    # the load the other work put on the cores while it ran
    emit(
        "clash.env",
        ours_kernel_threads=geometry.kernel_threads(),
        peer_kernel_threads=os.cpu_count(),
        load_average=[round(x, 2) for x in os.getloadavg()],
    )
    if not args.no_samples:
        for name in ("IfcOpenHouse_IFC4.ifc", "AC20-FZK-Haus.ifc", "duplex.ifc"):
            compare(name, SAMPLES / name)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        builder = grid_model(args.grid)
        label = f"grid{args.grid}"
        path = tmp / "grid.ifc"
        builder.model.write(str(path))
        at_origin = compare(label, path)
        survey(label, builder, tmp, at_origin)
        revision(label, builder, tmp)


if __name__ == "__main__":
    main()
