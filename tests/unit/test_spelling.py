from backend.rag.citations import held_terms, match_strength, terms
from backend.rag.spelling import other_spellings, spelling_alternatives, with_other_spellings


def test_a_word_gets_its_other_spelling_both_ways():
    assert other_spellings("Under which licence? The colour of TUMORS.") == [
        ("licence", "license"), ("colour", "color"), ("tumors", "tumours")]
    assert with_other_spellings("What is the licence fee?") == "What is the licence fee? license"
    assert with_other_spellings("How many days of leave?") == "How many days of leave?"


def test_a_sentence_spelt_the_other_way_holds_the_question_term():
    question = "Under which licence is text2vec released?"
    alternatives = spelling_alternatives(question, terms)
    sentence = "It is released under the Apache License 2.0."
    assert held_terms(terms(question), terms(sentence), alternatives) >= {"licenc", "releas"}
    assert (match_strength(question, sentence, translations=alternatives)
            > match_strength(question, sentence))
