"""Technical-proposal similarity (条例 40 四): copies found, tender boilerplate and chance ignored."""

from __future__ import annotations

import json
import random

import jieba
import pytest

from jianguan.tendering.collusion import similarity
from jianguan.tendering.collusion.similarity import auto_bands, similar_pairs, tokenize

# Typos a copier would carry over; each is outside jieba's dictionary (checked below).
TYPOS = ["涉计", "帮扎", "养户", "脚于"]


@pytest.fixture(scope="module")
def vocab() -> list[str]:
    similarity._jieba()
    # Common dictionary words, so that jieba segments generated text back into real words.
    return sorted(
        w
        for w, f in jieba.dt.FREQ.items()
        if f > 2000 and 2 <= len(w) <= 4 and all("\u4e00" <= c <= "\u9fff" for c in w)
    )


def sentences(rng: random.Random, vocab: list[str], n: int) -> list[str]:
    return ["".join(rng.choices(vocab, k=rng.randint(8, 18))) + "。" for _ in range(n)]


def edit(rng: random.Random, vocab: list[str], sentence: str, rate: float) -> str:
    """Light edit: replace some words (re-segmented with jieba) by random others."""
    words = jieba.lcut(sentence)
    return "".join(rng.choice(vocab) if rng.random() < rate else w for w in words)


def test_typos_are_out_of_dictionary() -> None:
    for typo in TYPOS:
        assert typo in tokenize(f"本工程{typo}完成"), typo


def test_light_edit_copy_found_with_rare_errors(vocab: list[str]) -> None:
    rng = random.Random(7)
    tender = sentences(rng, vocab, 150)
    own = sentences(rng, vocab, 300)
    for t, typo in enumerate(TYPOS):  # A's own typos
        own[10 + 40 * t] = own[10 + 40 * t][:-1] + typo + "。"
    a = "".join(tender[:60] + own)
    b = "".join(tender[30:90] + [edit(rng, vocab, s, 0.04) for s in own])
    others = {f"X{i}": "".join(tender[:50] + sentences(rng, vocab, 300)) for i in range(5)}
    ev = similar_pairs({"A": a, "B": b, **others}, "".join(tender))
    assert len(ev) == 1
    e = ev[0]
    assert e["bidders"] == ["A", "B"] and e["indicator"] == "proposal_similarity"
    assert e["value"] > 0.5 and e["value"] >= e["threshold"] == 0.15
    assert e["details"]["shared_rare_errors"] >= 3
    assert set(e["details"]["rare_examples"]) & set(TYPOS)
    assert "投标人A与投标人B" in e["message_zh"] and "罕见错误" in e["message_zh"]
    assert e["details"]["article"] == "《招标投标法实施条例》第四十条第（四）项"
    json.dumps(ev, ensure_ascii=False)  # evidence must be JSON-serialisable


def test_rare_errors_alone_flag_a_pair(vocab: list[str]) -> None:
    """Rewritten text but the same odd words: found through the rare-token index, not LSH."""
    rng = random.Random(11)
    a = "".join(sentences(rng, vocab, 200)) + "".join(f"采用{t}工艺。" for t in TYPOS)
    b = "".join(sentences(rng, vocab, 200)) + "".join(f"注意{t}要求。" for t in TYPOS)
    ev = similar_pairs({"A": a, "B": b, "C": "".join(sentences(rng, vocab, 200))}, "")
    assert [e["bidders"] for e in ev] == [["A", "B"]]
    assert ev[0]["value"] < 0.15 and ev[0]["details"]["shared_rare_errors"] == len(TYPOS)


def test_tender_text_copied_by_both_is_not_flagged(vocab: list[str]) -> None:
    rng = random.Random(3)
    tender = sentences(rng, vocab, 400)
    a = "".join(tender[:300] + sentences(rng, vocab, 120))
    b = "".join(tender[50:350] + sentences(rng, vocab, 120))
    assert similar_pairs({"A": a, "B": b}, "".join(tender)) == []
    # Without the tender text the same pair is (rightly) very similar: the removal is what works.
    assert similar_pairs({"A": a, "B": b}, "")[0]["value"] > 0.3


def test_thirty_independent_proposals_give_no_pair(vocab: list[str]) -> None:
    rng = random.Random(2026)
    tender = sentences(rng, vocab, 100)
    props = {f"B{i:02d}": "".join(tender[:40] + sentences(rng, vocab, 250)) for i in range(30)}
    assert similar_pairs(props, "".join(tender)) == []


def test_normalisation_full_width_and_punctuation() -> None:
    assert tokenize("ＡＢＣ　１２３，混凝土！") == tokenize("abc 123, 混凝土!")


def test_auto_bands_keeps_pairs_at_threshold() -> None:
    assert auto_bands(0.15, 128) == 128
    assert auto_bands(0.5, 128) == 42  # 3 rows: P(J=0.5) = 1 - (7/8)**42 = 0.996; 4 rows: 0.87


def test_degenerate_inputs() -> None:
    assert similar_pairs({}, "x") == []
    assert similar_pairs({"A": "", "B": ""}, "") == []
