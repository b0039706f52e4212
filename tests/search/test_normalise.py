"""The one normaliser: how text is cut, and proof that the index and the queries both cut with it."""
import pytest

from search import documents, normalise, query
from search.backends import fts_query, tsquery
from search.documents import document_for, plain_text
from search.normalise import characters, stream, units
from search.query import parse_query


def test_han_runs_become_bigrams_and_characters_other_text_lowercased_words():
    text_units = units("Django 模板，方鸿渐回到上海! ＣＡＣＨＥ café")
    assert [(u.text, u.is_han) for u in text_units] == [
        ("django", False), ("模板", True), ("方鸿渐回到上海", True), ("cache", False), ("café", False)]
    assert stream(text_units) == ["django", "模板", "方鸿", "鸿渐", "渐回", "回到", "到上", "上海", "cache", "café"]
    assert characters(text_units) == ["模", "板", "方", "鸿", "渐", "回", "到", "上", "海"]


def test_a_one_character_run_is_its_character():
    assert stream(units("我 爱 NY")) == ["我", "爱", "ny"]


def test_punctuation_symbols_and_emoji_separate_and_vanish():
    assert stream(units("a&b|c:* <-> !d (e) 🍞 — f_g")) == ["a", "b", "c", "d", "e", "f", "g"]


def test_han_queries_are_phrases_over_bigrams():
    parsed = parse_query("回到上海 海上 猫 Django")
    assert [t.tokens for t in parsed.terms] == [("回到", "到上", "上海"), ("海上",), ("猫",), ("django",)]
    assert [t.one_char for t in parsed.terms] == [False, False, True, False]
    assert tsquery(parsed.terms, in_title=False) == "('回到':AC <-> '到上':AC <-> '上海':AC) & '海上' & '猫' & 'django'"
    assert fts_query(parsed.terms, in_title=True) == (
        '{title} : "回到 到上 上海" AND {title} : "海上" AND {title title_chars} : "猫" AND {title} : "django"')


def test_filter_words_are_taken_out_of_the_text():
    parsed = parse_query('board:烘焙交流 @李雷 after:2026-01-01 before:2026-02-01 in:title no:replies '
                         '"exact phrase" 酵种')
    assert (parsed.board, parsed.author, str(parsed.after), str(parsed.before)) == (
        "烘焙交流", "李雷", "2026-01-01", "2026-02-01")
    assert parsed.in_title and parsed.no_replies
    assert [t.tokens for t in parsed.terms] == [("酵种",), ("exact", "phrase")]
    assert parse_query("author:Mara").author == "Mara" and parse_query("board：pastry").board == "pastry"


def test_operators_of_the_query_languages_are_only_words():
    for text in ["a & !b | c:*", "'a' <-> 'b'", 'NEAR(a b) OR c NOT d', "title : x", "{title body} : y"]:
        for term in parse_query(text).terms:
            assert all(token.isalnum() for token in term.tokens), (text, term)


# Texts of every kind: what the index holds for each must contain every token its own query asks for,
# in the place the query asks for it. That holds only because both sides cut with search.normalise.
CORPUS = [
    "这是一个测试文档，方鸿渐回到上海。", "Django 的模板缓存很好用。", "我的猫很乖", "ＦＵＬＬ－ｗｉｄｔｈ Ｔｅｘｔ",
    "Crème brûlée, CAFÉ au lait", "mixed中文and English混排text", "한국어 テキスト ελληνικά", "〇二三 年",
    "a1b2 3.14 x²",
]


@pytest.mark.parametrize("text", CORPUS)
def test_a_text_is_found_by_itself_and_its_parts(text):
    document = document_for(title=None, body_html=f"<p>{text}</p>")
    vector = document.tsvector()
    body_stream, body_chars = document.fts_columns()[2:]
    for piece in [text, *text.split()]:
        for term in parse_query(piece).terms:
            for token in term.tokens:
                assert f"'{token}':" in vector
                assert token in (body_chars.split() if term.one_char else body_stream.split()) or token in body_stream
            if len(term.tokens) > 1:
                assert " ".join(term.tokens) in body_stream  # the phrase is consecutive in the stream


def test_index_and_queries_import_the_same_normaliser():
    """search.documents (what is indexed) and search.query (what is asked) cut text with the very same
    functions; the corpus test above shows the cuts meet."""
    assert documents.units is query.units is normalise.units
    assert documents.stream is query.stream is normalise.stream


def test_plain_text_is_what_a_reader_sees():
    assert plain_text("<p>One <strong>bold</strong> word</p>\n<ul><li>a</li><li>b</li></ul><p>5 &lt; 6</p>") == (
        "One bold word a b 5 < 6")


def test_the_tsvector_weighs_the_title_and_keeps_phrases_apart():
    document = document_for(title="Rye 黑麦", body_html="<p>bread 面包</p>")
    assert document.tsvector() == "'rye':1A '黑麦':2A '黑':2B '麦':2B 'bread':4C '面包':5C '面':5D '包':5D"
