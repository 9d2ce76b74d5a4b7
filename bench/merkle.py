"""Benchmark the RFC 9162 Merkle code at ledger scale (default 10^6 leaves).

Why: the ledger appends inside the request that changes a record, and the API serves
proofs on demand, so both must stay cheap as the log grows. This prints one JSON line per
figure so results can be collected by scripts:

    python bench/merkle.py            # 10^6 leaves, SM3
    python bench/merkle.py --n 100000 --hash-alg sha256

Figures: raw ``hashlib`` SM3 leaf hashing (the floor), append into a dict-backed node store
(what the database does, minus I/O), root computation, and inclusion / consistency proof
generation and verification at the full size.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jianguan.ledger import merkle, merkle_consistency


def leaf_inputs(n: int) -> Iterator[bytes]:
    """Realistic ~150-byte canonical-JSON leaves, generated lazily."""
    for i in range(n):
        yield (
            b'{"actor":"user:%d","files":[],"object":"project:%d","payload":{"n":%d},'
            b'"time":"2026-11-23T12:00:00.000Z","type":"project.updated"}' % (i % 97, i % 1013, i)
        )


def emit(bench: str, n: int, count: int, seconds: float, **extra: object) -> None:
    record = {
        "bench": bench,
        "n": n,
        "count": count,
        "seconds": round(seconds, 4),
        "per_sec": round(count / seconds, 1) if seconds > 0 else None,
        "us_per_op": round(seconds / count * 1e6, 3) if count else None,
        **extra,
    }
    print(json.dumps(record), flush=True)


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="number of leaves")
    parser.add_argument("--proofs", type=int, default=2000, help="proofs of each kind")
    parser.add_argument("--hash-alg", default="sm3", choices=merkle.HASH_ALGS)
    parser.add_argument("--seed", type=int, default=9162)
    args = parser.parse_args(argv)
    n, alg, rng = args.n, args.hash_alg, random.Random(args.seed)

    # 1. Raw hashing floor: H(0x00 || leaf) with plain hashlib, nothing else.
    name = alg

    def raw_hash() -> None:
        new = hashlib.new
        for leaf in leaf_inputs(n):
            new(name, b"\x00" + leaf).digest()

    seconds, _ = timed(raw_hash)
    emit(f"hashlib.{alg}.leaf", n, n, seconds, hash_alg=alg)

    # 2. Append: leaf hash + new perfect nodes into a dict (the DB minus I/O).
    nodes: dict[tuple[int, int], bytes] = {}

    def append_all() -> None:
        leaf_hash, append_nodes = merkle.leaf_hash, merkle.append_nodes
        for index, leaf in enumerate(leaf_inputs(n)):
            for level, i, value in append_nodes(index, leaf_hash(leaf, alg), nodes, alg):
                nodes[(level, i)] = value

    seconds, _ = timed(append_all)
    emit("merkle.append", n, n, seconds, hash_alg=alg, stored_nodes=len(nodes))

    # 3. Root of the full tree (popcount(n) stored reads).
    reps = 2000
    seconds, root = timed(lambda: [merkle.root_hash(n, nodes, alg) for _ in range(reps)][-1])
    assert isinstance(root, bytes)
    emit("merkle.root", n, reps, seconds, hash_alg=alg, reads=len(merkle.root_hash_nodes(n)))

    # 4. Inclusion proofs at size n: generation (with the node-id planning step a DB
    #    would do) and RFC 9162 §2.1.3.2 verification.
    k = min(args.proofs, n)
    indices = [rng.randrange(n) for _ in range(k)]

    def gen_inclusion() -> list[list[bytes]]:
        out = []
        for i in indices:
            need = merkle.inclusion_proof_nodes(i, n)
            out.append(merkle.inclusion_proof(i, n, {x: nodes[x] for x in need}, alg))
        return out

    seconds, proofs = timed(gen_inclusion)
    assert isinstance(proofs, list)
    avg_len = sum(len(p) for p in proofs) / k
    emit("merkle.inclusion.generate", n, k, seconds, hash_alg=alg, avg_path_len=avg_len)

    def verify_inclusion() -> bool:
        return all(
            merkle.verify_inclusion(alg, nodes[(0, i)], i, n, p, root)
            for i, p in zip(indices, proofs, strict=True)
        )

    seconds, ok = timed(verify_inclusion)
    assert ok is True
    emit("merkle.inclusion.verify", n, k, seconds, hash_alg=alg)

    # 5. Consistency proofs from random earlier sizes to n.
    firsts = [rng.randint(1, n) for _ in range(k)]
    first_roots = {m: merkle.root_hash(m, nodes, alg) for m in firsts}

    def gen_consistency() -> list[list[bytes]]:
        out = []
        for m in firsts:
            need = merkle_consistency.consistency_proof_nodes(m, n)
            out.append(merkle_consistency.consistency_proof(m, n, {x: nodes[x] for x in need}, alg))
        return out

    seconds, cproofs = timed(gen_consistency)
    assert isinstance(cproofs, list)
    avg_len = sum(len(p) for p in cproofs) / k
    emit("merkle.consistency.generate", n, k, seconds, hash_alg=alg, avg_path_len=avg_len)

    def verify_consistency() -> bool:
        return all(
            merkle_consistency.verify_consistency(alg, m, n, first_roots[m], root, p)
            for m, p in zip(firsts, cproofs, strict=True)
        )

    seconds, ok = timed(verify_consistency)
    assert ok is True
    emit("merkle.consistency.verify", n, k, seconds, hash_alg=alg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
