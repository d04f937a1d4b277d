from backend.rag.citations import held_terms, terms
from backend.rag.compounds import compound_alternatives, other_forms, with_other_forms


def test_a_hyphenated_name_is_also_written_joined_and_figures_are_split_from_letters():
    assert other_forms("Which style gives Wade-Giles romanization?") == [("Wade-Giles", "wadegiles")]
    assert other_forms("Is Form 1040NR due? And COVID-19?") == [
        ("COVID-19", "covid19"), ("1040NR", "1040 NR")]
    assert with_other_forms("When is Form 1040-NR due?") == "When is Form 1040-NR due? 1040nr"


def test_ranges_and_names_that_mix_figures_into_a_word_are_left_alone():
    assert other_forms("pages 10-12 of the 2007-2008 report") == []
    assert other_forms("cn2an converts mp3 names; H2O and GPT4 too") == []
    assert with_other_forms("How long is annual leave?") == "How long is annual leave?"


def test_a_sentence_writing_the_name_the_other_way_holds_its_terms():
    question = "Which style gives Wade-Giles romanization?"
    code = ">>> lazy_pinyin('威妥玛拼音', style=Style.WADEGILES)"
    alternatives = compound_alternatives(question, terms)
    assert held_terms(terms(question), terms(code), alternatives) >= {"wade", "gile", "style"}
    assert not held_terms(terms(question), terms(code)) & {"wade", "gile"}
    split = compound_alternatives("When is Form 1040NR due?", terms)
    assert held_terms(terms("Form 1040NR"), terms("File Form 1040-NR by April 15."), split) == {
        "form", "1040nr"}
