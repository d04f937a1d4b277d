from backend.rag.acronyms import acronyms, spelled_pairs
from backend.rag.citations import best_sentence, match_strength


def test_a_phrase_of_the_question_is_held_by_its_capitals_and_capitals_by_their_phrase():
    assert spelled_pairs("Which tag set does fastHan use for named entity recognition?",
                         "NER使用msra标签集。") == [("named entity recognition", "NER")]
    assert spelled_pairs("What is part of speech tagging?", "POS tagging labels words.") == [
        ("part of speech", "POS")]
    assert spelled_pairs("Which NFL team won?", "The National Football League (NFL) champion") \
        == [("NFL", "National Football League")]
    assert spelled_pairs("How do I call the APIs?", "The application programming interface") \
        == [("API", "application programming interface")]


def test_capitals_inside_a_name_or_two_common_capitals_stand_for_nothing():
    """"NLP" in "SnowNLP" is part of a name; "PM" at "5 PM" is no "per month"."""
    assert acronyms("SnowNLP and CnSTD") == frozenset()
    assert spelled_pairs("How much is paid per month?", "Payments run at 5 PM.") == []
    assert spelled_pairs("How do I use it?", "Nothing here is in capitals.") == []


def test_the_sentence_writing_the_acronym_is_the_quote():
    """"Which tag set does fastHan use for named entity recognition?" quoted the sentence on
    the tag set of the POS and parsing tasks: the one answering writes "NER"."""
    question = "Which tag set does fastHan use for named entity recognition?"
    parsing = "The POS and parsing tasks use the CTB tag set."
    ner = "NER uses the MSRA tag set."
    assert match_strength(question, ner) > match_strength(question, parsing)
    assert best_sentence(question, [parsing + " " + ner])[1] == ner
