"""Chinese tokenisation, query parsing and snippet highlighting for the global search.

Pure: no Django. The index stores each object's text as jieba's search-mode words joined by
spaces (``index_tokens``), so that SQLite FTS5's ``unicode61`` tokenizer and PostgreSQL's
``to_tsvector('simple', ...)`` both see one index term per word: neither knows where Chinese
words end, jieba does. A query is cut with jieba's precise mode (``query_terms``) and every term
is matched as a prefix of an index term (or, failing that, all of its parts are), all terms
required: "污水处理" finds "污水处理厂" (cut 污水 / 处理厂 in its context), "礼贤" finds "礼贤镇",
"dx-2020" finds DX-2020-0001. SQLite keeps prefix indexes of 2 and 3 characters (fulltext.py),
so a two-character Chinese prefix reads one list instead of merging every word it starts.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass

import jieba

jieba.setLogLevel(logging.WARNING)

MIN_QUERY_CHARS = 2
MAX_QUERY_CHARS = 100
MAX_TERMS = 8

# Word characters: letters (Chinese included), digits. Everything else separates terms.
_NON_WORD = re.compile(r"[^\w]+|_+")
# Particles that carry no meaning on their own in a title (的, 和 ...): never a query term.
STOPWORDS = frozenset("的 了 和 与 及 或 在 是 对 于 之 等 其 为 把 被 由 从 向 以 而".split())


def normalise(text: str) -> str:
    """Full-width to half-width, lower case (ＡＢＣ１２ -> abc12)."""
    return unicodedata.normalize("NFKC", text or "").lower()


def _clean(word: str) -> list[str]:
    return [w for w in _NON_WORD.split(word) if w]


def index_tokens(text: str) -> str:
    """The text as the index stores it: search-mode words, space separated, in order."""
    out: list[str] = []
    for word in jieba.cut_for_search(normalise(text)):
        out.extend(_clean(word))
    return " ".join(out)


def query_terms(query: str) -> list[str]:
    """The words of a query (precise mode), without particles, duplicates kept out."""
    terms: list[str] = []
    for word in jieba.cut(normalise(query)):
        for term in _clean(word):
            if term not in STOPWORDS and term not in terms:
                terms.append(term)
    return terms[:MAX_TERMS]


def parts(term: str) -> list[str]:
    """The smaller words inside a term (污水处理 -> 污水, 处理), for when the indexed text was
    cut another way in its context (污水 / 处理厂); [] when jieba knows none."""
    out: list[str] = []
    for word in jieba.cut_for_search(term):
        for w in _clean(word):
            if w != term and w not in out and w not in STOPWORDS:
                out.append(w)
    # only parts that cover the term: a stray single character would match far too much
    return out if sum(len(w) for w in out) >= len(term) else []


def highlight_terms(terms: list[str]) -> list[str]:
    return list(dict.fromkeys(t for term in terms for t in [term, *parts(term)]))


def too_short(query: str) -> bool:
    return len("".join(_clean(normalise(query)))) < MIN_QUERY_CHARS


def _quote(t: str) -> str:
    return '"' + t.replace('"', '""') + '"*'


def _ts(t: str, exact_upto: int = 0) -> str:
    # A term no longer than the prefixes the index stores is itself an index term (fulltext.py
    # PREFIX_MAX): matched exactly it is one posting list, where a prefix match merges the lists
    # of every word starting with it (0.1 s for 小区 at a million documents).
    return f"'{t}'" if MIN_QUERY_CHARS <= len(t) <= exact_upto else f"'{t}':*"


def fts5_match(terms: list[str]) -> str:
    """An FTS5 MATCH expression: every term as a quoted prefix, or else all of its parts
    (("污水处理"* OR ("污水"* AND "处理"*)) AND "dx"*)."""
    out = []
    for t in terms:
        sub = parts(t)
        if sub:
            both = " AND ".join(_quote(w) for w in sub)
            out.append(f"({_quote(t)} OR ({both}))")
        else:
            out.append(_quote(t))
    return " AND ".join(out)


def tsquery(terms: list[str], exact_upto: int = 0) -> str:
    """The same for PostgreSQL's to_tsquery('simple', ...) ('污水处理':* | '污水':* & '处理':*).
    Terms of ``MIN_QUERY_CHARS`` to ``exact_upto`` characters are matched exactly: the index
    holds every word's prefixes up to that length as words of their own.

    Terms hold word characters only (``_clean``), so nothing in them is tsquery syntax."""
    out = []
    for t in terms:
        sub = parts(t)
        if sub:
            both = " & ".join(_ts(w, exact_upto) for w in sub)
            out.append(f"({_ts(t, exact_upto)} | ({both}))")
        else:
            out.append(_ts(t, exact_upto))
    return " & ".join(out)


@dataclass(frozen=True)
class Piece:
    text: str
    hit: bool


def snippet(text: str, terms: list[str], width: int = 80) -> list[Piece]:
    """A window of ``text`` around the first term found, cut into pieces, the terms marked.

    Matching ignores case and full/half width; the pieces keep the original characters."""
    text = " ".join((text or "").split())
    if not text:
        return []
    folded = normalise(text)
    if len(folded) != len(text):  # NFKC changed a length (rare ligatures): match on the original
        folded = text.lower()
    wanted = sorted({t for t in terms if t}, key=len, reverse=True)
    first = min((i for t in wanted if (i := folded.find(t)) >= 0), default=0)
    start = max(0, first - width // 4)
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    spans: list[tuple[int, int]] = []
    for t in wanted:
        i = folded.find(t, start)
        while 0 <= i < end:
            spans.append((i, min(i + len(t), end)))
            i = folded.find(t, i + len(t))
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    pieces: list[Piece] = []
    if start > 0:
        pieces.append(Piece("…", False))
    at = start
    for a, b in merged:
        if a > at:
            pieces.append(Piece(text[at:a], False))
        pieces.append(Piece(text[a:b], True))
        at = b
    if at < end:
        pieces.append(Piece(text[at:end], False))
    if end < len(text):
        pieces.append(Piece("…", False))
    return pieces


def plain(pieces: list[Piece]) -> str:
    return "".join(p.text for p in pieces)
