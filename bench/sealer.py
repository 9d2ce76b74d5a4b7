"""Benchmark the bid sealer: seal and open throughput, peak memory, package SM3.

Why: bids of several hundred MB (drawings, scanned credentials) are sealed on bidders' own
machines and opened on the platform during a timed opening ceremony, so throughput must be
disk-like and memory must stay flat. One JSON line per figure:

    python bench/sealer.py                  # 256 MiB, AES-256-GCM and SM4-GCM
    python bench/sealer.py --mib 64 --cipher SM4-GCM

Figures per cipher: seal (encrypt + SM3 of plaintext and ciphertext + ZIP write), open
(decrypt + both SM3 + write), each in MB/s of plaintext (1 MB = 10^6 bytes); then SM3 of the
whole package (the receipt hash), and the Python heap peak (tracemalloc) of a seal + open.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jianguan.tendering import sealer

SUMMARY = {"bid_price": "12345678.90", "duration_days": 365}


def emit(bench: str, size: int, seconds: float, **extra: object) -> None:
    record = {
        "bench": bench,
        "bytes": size,
        "seconds": round(seconds, 4),
        "mb_per_sec": round(size / seconds / 1e6, 1) if seconds > 0 else None,
        **extra,
    }
    print(json.dumps(record), flush=True)


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def generate(path: Path, mib: int) -> int:
    """Incompressible but cheap: one random MiB written repeatedly (GCM does not care)."""
    block = os.urandom(1 << 20)
    with path.open("wb") as handle:
        for _ in range(mib):
            handle.write(block)
    return mib << 20


def max_rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=256, help="size of the generated bid file")
    parser.add_argument("--cipher", action="append", choices=["AES-256-GCM", "SM4-GCM"])
    parser.add_argument("--chunk-size", type=int, default=1 << 20)
    parser.add_argument("--no-tracemalloc", action="store_true", help="skip the heap-peak run")
    args = parser.parse_args(argv)
    ciphers = args.cipher or ["AES-256-GCM", "SM4-GCM"]
    private_pem, public_pem = sealer.generate_keypair()

    with tempfile.TemporaryDirectory(prefix="bench-sealer-") as tmp:
        folder = Path(tmp)
        source = folder / "bid.bin"
        size = generate(source, args.mib)
        package, out_dir = folder / "bid.zip", folder / "opened"

        def seal(cipher: str) -> object:
            return sealer.seal(
                files=[source], summary=SUMMARY, recipient_public_pem=public_pem,
                out=package, cipher=cipher, chunk_size=args.chunk_size,
            )  # fmt: skip

        def open_() -> object:
            key = sealer.unwrap_data_key(package=package, private_pem=private_pem)
            return sealer.open_package(package=package, data_key=key, out_dir=out_dir)

        for cipher in ciphers:
            seconds, _ = timed(lambda cipher=cipher: seal(cipher))
            emit("sealer.seal", size, seconds, cipher=cipher, max_rss_mib=max_rss_mib())
            seconds, _ = timed(open_)
            emit("sealer.open", size, seconds, cipher=cipher, max_rss_mib=max_rss_mib())
            package_size = package.stat().st_size
            seconds, _ = timed(lambda: sealer.package_sm3(package))
            emit("sealer.package_sm3", package_size, seconds, cipher=cipher)
            seconds, _ = timed(lambda: sealer.verify_package_structure(package))
            emit("sealer.verify_structure", package_size, seconds, cipher=cipher)
            (out_dir / source.name).unlink()

        if not args.no_tracemalloc:
            cipher = ciphers[0]
            tracemalloc.start()
            seconds, _ = timed(lambda: (seal(cipher), open_()))
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            emit(
                "sealer.seal_open.heap_peak", size, seconds, cipher=cipher,
                heap_peak_mib=round(peak / (1 << 20), 2), max_rss_mib=max_rss_mib(),
            )  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
