"""Abnormal similarity of technical proposals (《招标投标法实施条例》第四十条第（四）项 "异常一致").

Pure module (no Django): text in, evidence out. Never a verdict.

Pipeline, per RULES.md 4.2 item 2:

1. normalise (NFKC folds full width to half width; punctuation and whitespace become breaks),
   tokenise with jieba, build word shingles of ``k`` tokens;
2. drop shingles that occur in the tender documents (bidders may copy those) and shingles shared
   by many proposals (template clauses, boilerplate);
3. MinHash signatures (numpy, universal hashing ``a*x+b mod 2**64`` with odd ``a`` over 64-bit
   shingle hashes built from blake2b token digests) and LSH banding give candidate pairs without
   comparing every pair of texts; candidates are then filtered on the signature estimate and
   scored with the exact Jaccard and containment of their shingle sets;
4. shared rare errors: tokens outside jieba's dictionary (typos such as 涉计, odd codes) that occur
   in exactly two proposals and not in the tender text. They are found through an inverted
   index, so they can flag a pair even when the overall overlap is low.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import jieba
import numpy as np

ARTICLE = "《招标投标法实施条例》第四十条第（四）项"
INDICATOR = "proposal_similarity"

DEFAULT_K = 5
DEFAULT_THRESHOLD = 0.15  # exact Jaccard of the non-tender shingles
DEFAULT_NUM_PERM = 128
DEFAULT_MIN_RARE = 3  # shared rare errors that flag a pair on their own
DEFAULT_RARE_MAX_DOCS = 2  # "absent from all other proposals"

_MASK64 = (1 << 64) - 1
_SHINGLE_MULT = np.uint64(0x9E3779B97F4A7C15)  # odd golden-ratio constant: polynomial mixing
# Anything that is not a letter, digit or CJK ideograph breaks the token stream.
_BREAK = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_NUMERIC = re.compile(r"^[0-9]+$")
_EMPTY = np.iinfo(np.uint64).max

log = logging.getLogger(__name__)
_jieba_ready = False


def _jieba() -> None:
    """Load jieba's bundled dictionary once, quietly. jieba never touches the network: the
    dictionary ships in the wheel and the parsed cache goes to the temp directory."""
    global _jieba_ready
    if not _jieba_ready:
        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        _jieba_ready = True


def normalise(text: str) -> list[str]:
    """NFKC + lower case, then split into runs at punctuation/whitespace (full or half width)."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return [run for run in _BREAK.split(text) if run]


def tokenize(text: str) -> list[str]:
    _jieba()
    tokens: list[str] = []
    for run in normalise(text):
        tokens.extend(t for t in jieba.lcut(run) if t.strip())
    return tokens


def _token_hash(token: str, cache: dict[str, int]) -> int:
    h = cache.get(token)
    if h is None:
        h = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "little")
        cache[token] = h
    return h


def _splitmix(x: np.ndarray) -> np.ndarray:
    # Finaliser so that the polynomial combination is spread over all 64 bits.
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def shingle_hashes(tokens: list[str], k: int, cache: dict[str, int]) -> np.ndarray:
    """Sorted unique 64-bit hashes of the k-token shingles (one shingle if the text is short)."""
    if not tokens:
        return np.empty(0, dtype=np.uint64)
    th = np.fromiter((_token_hash(t, cache) for t in tokens), dtype=np.uint64, count=len(tokens))
    k = min(k, len(th))
    n = len(th) - k + 1
    acc = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):  # uint64 arithmetic wraps, i.e. works mod 2**64
            acc = acc * _SHINGLE_MULT + th[j : j + n]
        return np.unique(_splitmix(acc))


@dataclass(frozen=True)
class _Perm:
    a: np.ndarray  # odd multipliers: x -> a*x+b is a bijection of the 64-bit space
    b: np.ndarray


def _perms(num_perm: int, seed: int = 40_4) -> _Perm:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    return _Perm(a, b)


def minhash(shingles: np.ndarray, perm: _Perm, chunk: int = 8192) -> np.ndarray:
    sig = np.full(len(perm.a), _EMPTY, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for start in range(0, len(shingles), chunk):
            x = shingles[start : start + chunk]
            h = _splitmix(perm.a[:, None] * x[None, :] + perm.b[:, None])
            np.minimum(sig, h.min(axis=1), out=sig)
    return sig


def auto_bands(threshold: float, num_perm: int, recall: float = 0.99) -> int:
    """The most rows per band (fewest false candidates) that still keeps a pair at the
    threshold with probability >= recall: P = 1 - (1 - t**r)**b, b = num_perm // r."""
    best = num_perm
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        if bands < 1:
            break
        if 1 - (1 - threshold**rows) ** bands >= recall:
            best = bands
        else:
            break
    return best


def lsh_candidates(sigs: np.ndarray, bands: int) -> set[tuple[int, int]]:
    rows = sigs.shape[1] // bands
    pairs: set[tuple[int, int]] = set()
    for band in range(bands):
        buckets: dict[bytes, list[int]] = defaultdict(list)
        block = np.ascontiguousarray(sigs[:, band * rows : (band + 1) * rows])
        for i in range(sigs.shape[0]):
            if sigs[i, 0] == _EMPTY:  # no shingles left: nothing to compare
                continue
            buckets[block[i].tobytes()].append(i)
        for members in buckets.values():
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    pairs.add((members[x], members[y]))
    return pairs


def _is_rare_form(token: str) -> bool:
    """Outside jieba's dictionary (typo, coined or mis-copied word, odd code), 2+ characters and
    not a bare number (numbers coincide by chance too easily)."""
    return len(token) >= 2 and not _NUMERIC.match(token) and jieba.dt.FREQ.get(token, 0) <= 0


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%" if x >= 0.01 else f"{x * 100:.1f}%"


def similar_pairs(
    proposals: Mapping[Hashable, str],
    tender_text: str,
    *,
    k: int = DEFAULT_K,
    threshold: float = DEFAULT_THRESHOLD,
    num_perm: int = DEFAULT_NUM_PERM,
    bands: int | None = None,
    min_rare: int = DEFAULT_MIN_RARE,
    rare_max_docs: int = DEFAULT_RARE_MAX_DOCS,
    boilerplate_docs: int | None = None,
) -> list[dict[str, Any]]:
    """Evidence for every pair of proposals whose non-tender text overlaps by ``threshold``
    (exact Jaccard of k-shingles) or that share ``min_rare`` rare errors.

    ``bands``: LSH bands (rows = num_perm // bands); ``None`` picks the largest row count that
    keeps a pair at the threshold with 99 % probability (for 0.15 and 128 permutations that is
    1 row x 128 bands; 32 x 4 would miss 98 % of pairs at J = 0.15).
    ``boilerplate_docs``: shingles found in more proposals than this are template text and get
    no weight (default max(5, 10 % of the proposals)).
    """
    keys = list(proposals)
    n = len(keys)
    if n < 2:
        return []
    cache: dict[str, int] = {}
    tender_tokens = tokenize(tender_text)
    tender_sh = shingle_hashes(tender_tokens, k, cache)
    tender_vocab = set(tender_tokens)

    # One text at a time, keeping only its shingle hashes and its set of distinct tokens: the
    # token lists of 200 x 50-page proposals would take about 600 MB.
    raw: list[np.ndarray] = []
    doc_sets: list[set[str]] = []
    for key in keys:
        toks = tokenize(proposals[key])
        raw.append(shingle_hashes(toks, k, cache))
        doc_sets.append(set(toks))
        del toks
    sh = [s[~np.isin(s, tender_sh, assume_unique=True)] for s in raw]

    # Boilerplate: shingles present in many proposals are not evidence between any two.
    limit = boilerplate_docs if boilerplate_docs is not None else max(5, math.ceil(0.1 * n))
    if n > limit and any(len(s) for s in sh):
        values, counts = np.unique(np.concatenate(sh), return_counts=True)
        common = values[counts > limit]
        if len(common):
            sh = [s[~np.isin(s, common, assume_unique=True)] for s in sh]

    perm = _perms(num_perm)
    sigs = np.stack([minhash(s, perm) for s in sh])
    nb = bands or auto_bands(threshold, num_perm)
    cand = lsh_candidates(sigs, nb)
    # Signature estimate as a cheap second filter: 3 standard errors below the threshold.
    margin = 3 * math.sqrt(threshold * (1 - threshold) / num_perm)

    # Rare errors: inverted index over non-dictionary tokens, so no pair loop is needed.
    df: Counter[str] = Counter()
    for s in doc_sets:
        df.update(s)
    rare_pairs: dict[tuple[int, int], list[str]] = defaultdict(list)
    holders: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(doc_sets):
        for tok in s:
            if 2 <= df[tok] <= rare_max_docs and tok not in tender_vocab and _is_rare_form(tok):
                holders[tok].append(i)
    for tok, idx in holders.items():
        for x in range(len(idx)):
            for y in range(x + 1, len(idx)):
                rare_pairs[(idx[x], idx[y])].append(tok)

    out: list[dict[str, Any]] = []
    for i, j in sorted(cand | set(rare_pairs)):
        rare = sorted(rare_pairs.get((i, j), []))
        est = float(np.mean(sigs[i] == sigs[j])) if len(sh[i]) and len(sh[j]) else 0.0
        if est < threshold - margin and len(rare) < min_rare:
            continue
        inter = len(np.intersect1d(sh[i], sh[j], assume_unique=True))
        union = len(sh[i]) + len(sh[j]) - inter
        jac = inter / union if union else 0.0
        small = min(len(sh[i]), len(sh[j]))
        cont = inter / small if small else 0.0
        if jac < threshold and len(rare) < min_rare:
            continue
        a, b = keys[i], keys[j]
        msg = (
            f"投标人{a}与投标人{b}的技术标在去除招标文件原文后仍有 {_pct(jac)} 的文本重合"
            f"（阈值 {_pct(threshold)}），较短一份有 {_pct(cont)} 的内容见于另一份"
        )
        if rare:
            shown = "、".join(f"“{t}”" for t in rare[:5])
            where = (
                "其他投标文件均无" if rare_max_docs <= 2 else f"至多 {rare_max_docs} 份投标文件出现"
            )
            msg += f"；其中罕见错误或生僻写法 {len(rare)} 处相同（如 {shown}），招标文件中没有，{where}"
        out.append(
            {
                "indicator": INDICATOR,
                "bidders": [a, b],
                "value": round(jac, 4),
                "threshold": threshold,
                "message_zh": msg + "。",
                "details": {
                    "article": ARTICLE,
                    "jaccard": round(jac, 4),
                    "containment": round(cont, 4),
                    "minhash_estimate": round(est, 4),
                    "shared_shingles": inter,
                    "shingles": [len(sh[i]), len(sh[j])],
                    # Removed as tender text or as boilerplate shared by many proposals.
                    "shingles_removed": [len(raw[i]) - len(sh[i]), len(raw[j]) - len(sh[j])],
                    "shared_rare_errors": len(rare),
                    "rare_examples": rare[:20],
                    "min_rare": min_rare,
                    "k": k,
                    "lsh_bands": nb,
                    # Rare errors weigh most: each counts like 5 points of overlap.
                    "score": round(jac + 0.05 * len(rare), 4),
                },
            }
        )
    out.sort(key=lambda e: -e["details"]["score"])
    return out
