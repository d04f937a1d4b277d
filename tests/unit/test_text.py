from backend.rag.text import has_cjk, sentence_spans, tokenize


def test_english_terms_are_lowercased_without_punctuation_or_stopwords():
    assert tokenize("What is OUR Travel-Reimbursement limit?") == ["travel", "reimbursement", "limit"]


def test_chinese_runs_become_character_bigrams():
    assert tokenize("差旅报销") == ["差旅", "旅报", "报销"]
    assert tokenize("年") == ["年"]


def test_mixed_chinese_and_english():
    assert tokenize("VPN连接 guide") == ["vpn", "连接", "guide"]


def test_traditional_chinese_is_tokenized_too():
    assert tokenize("健康補助") == ["健康", "康補", "補助"]


def test_sentences_split_on_latin_and_chinese_ends():
    text = "First one. Second! 第一句。第二句？Third"
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "First one.", "Second!", "第一句。", "第二句？", "Third"]


def test_sentences_split_on_blank_lines_and_keep_exact_offsets():
    text = "  A heading\n\nBody text, no stop\n"
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == ["A heading", "Body text, no stop"]


def test_has_cjk():
    assert has_cjk("年假有几天") and not has_cjk("annual leave")


def test_citation_markers_after_the_stop_stay_with_their_sentence():
    text = "Limit is 2,500. [1] Hotels cost 180. [2][3] 年假十五天。[1]下一句。"
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "Limit is 2,500. [1]", "Hotels cost 180. [2][3]", "年假十五天。[1]", "下一句。"]


def test_stemming_analyzer_conflates_english_forms_and_keeps_chinese():
    from backend.rag.text import analyzer

    analyze = analyzer(stem=True)
    assert analyze("Hotels reimbursed") == analyze("hotel reimbursement")[:1] + ["reimburs"]
    assert analyze("差旅报销") == ["差旅", "旅报", "报销"]
    assert analyzer(stem=False) is tokenize


def test_numbers_reads_digits_chinese_numerals_and_english_number_words():
    from backend.rag.text import numbers

    assert numbers("up to three days per week, 2,500 euros") == {"3", "2500"}
    assert numbers("每天一百五十元") == {"150"}
    assert numbers("someone, none, often") == set()  # no number words inside other words
