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
    from backend.rag.compounds import written_split

    sentence = "File Form 1040-NR by April 15."
    said = terms(sentence) | written_split("When is Form 1040NR due?", sentence, terms)
    assert held_terms(terms("Form 1040NR"), said) == {"form", "1040nr"}


def test_a_name_joined_from_figures_and_letters_is_held_only_where_they_stand_together():
    """The walk's collection (the samples and four real files): "Where do I file Form 1040NR?"
    quoted "2. Estimated tax paid with Form 1040-ES or Form 1040-ES (NR).", which held 1040 and
    NR apart, over the address; and "20th" is an ordinal, no figure and word."""
    from backend.rag.citations import match_strength, terms
    from backend.rag.compounds import other_forms, written_split

    question = "Where do I file Form 1040NR?"
    assert written_split(question, "Form 1040-ES (NR)", terms) == frozenset()
    assert written_split(question, "File Form 1040-NR with", terms) == terms("1040NR")
    assert written_split(question, "Form 1040 NR", terms) == terms("1040NR")
    assert (match_strength(question, "2. Estimated tax paid with Form 1040-ES or Form 1040-ES (NR).")
            < match_strength(question, "File Form 1040-NR with the Department of the Treasury, "
                                       "Austin, TX 73301-0215 U.S.A."))
    assert other_forms("Who acquired 20th Century Fox? Which won at the 92nd Awards?") == []
