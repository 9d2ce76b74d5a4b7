"""The pure half of the search: tokenisation, query terms, match expressions, snippets."""

from __future__ import annotations

from jianguan.workbench.search import text


def test_index_tokens_cut_chinese_into_words_and_sub_words():
    tokens = text.index_tokens("大兴区礼贤镇污水处理厂改扩建工程").split()
    assert "大兴" in tokens and "大兴区" in tokens
    assert "污水" in tokens and "扩建" in tokens and "改扩建" in tokens


def test_index_tokens_fold_width_and_case_and_drop_punctuation():
    assert text.index_tokens("ＤＸ－２０２４（一期）") == "dx 2024 一期"


def test_query_terms_drop_particles_and_duplicates():
    assert text.query_terms("学校 的 学校 扩建") == ["学校", "扩建"]


def test_too_short_counts_word_characters():
    assert text.too_short("路")
    assert text.too_short("  ！ ")
    assert not text.too_short("道路")
    assert not text.too_short("A1")


def test_match_expressions_quote_every_term_as_prefix():
    assert text.fts5_match(["学校", "dx2024"]) == '"学校"* AND "dx2024"*'
    assert text.fts5_match(['a"b']) == '"a""b"*'
    assert text.fts5_match(["污水处理"]) == '("污水处理"* OR ("污水"* AND "处理"*))'
    assert text.tsquery(["污水处理"]) == "('污水处理':* | ('污水':* & '处理':*))"
    assert text.tsquery(["学校", "dx2024"]) == "'学校':* & 'dx2024':*"
    # up to exact_upto characters a term is an index term of its own (PostgreSQL's prefixes)
    assert text.tsquery(["学校", "d", "dx2024"], 4) == "'学校' & 'd':* & 'dx2024':*"


def test_snippet_marks_terms_and_keeps_original_characters():
    pieces = text.snippet("大兴区第一小学ＡＢＣ扩建工程", ["小学", "abc"], width=80)
    assert [p.text for p in pieces if p.hit] == ["小学ＡＢＣ"]  # touching hits merge
    assert text.plain(pieces) == "大兴区第一小学ＡＢＣ扩建工程"


def test_snippet_windows_long_text_around_the_first_hit():
    long = "甲" * 200 + "污水处理" + "乙" * 200
    pieces = text.snippet(long, ["污水"], width=40)
    assert pieces[0].text == "…" and pieces[-1].text == "…"
    assert any(p.hit and p.text == "污水" for p in pieces)
    assert len(text.plain(pieces)) <= 42


def test_snippet_of_nothing_is_empty():
    assert text.snippet("", ["x"]) == []
    assert text.plain(text.snippet("没有命中", ["学校"])) == "没有命中"
