"""Follow-up questions are made standalone from the previous user turn, by rule."""

import pytest

from backend.rag.followup import Turn, rewrite, standalone_question, subject_of


def after(question: str) -> list[Turn]:
    return [Turn("user", question), Turn("assistant", "Some answer [1].")]


@pytest.mark.parametrize("previous,follow_up,expected", [
    ("What is our travel reimbursement limit?", "And for hotels?",
     "What is our travel reimbursement limit for hotels?"),
    ("How many people live in Warsaw?", "What about Berlin?", "How many people live in Berlin?"),
    ("When was Harvard University founded?", "What about the University of Chicago?",
     "When was University of Chicago founded?"),
    ("Which team won Super Bowl 50?", "And in 2015?", "Which team won Super Bowl 50 in 2015?"),
    # a phrase of the same kind replaces the previous question's (its head word and what
    # qualifies it there), instead of being added after the phrase it replaces
    ("How many days of paid annual leave do employees get?", "What about sick leave?",
     "How many days of sick leave do employees get?"),
    ("How large is Harvard's main campus?", "What about the Longwood campus?",
     "How large is Harvard's Longwood campus?"),
    ("Where are Harvard's medical, dental and public health schools?", "And the business school?",
     "Where are Harvard's business school?"),
    ("How many objects from China does the V&A hold?", "What about the costume collection?",
     "How many objects from China does the V&A hold the costume collection?"),
])
def test_a_continuation_reuses_the_previous_question(previous, follow_up, expected):
    asked = rewrite(follow_up, after(previous))
    assert asked.search == expected and asked.continues


def test_only_a_continuation_must_be_answered_about_its_focus():
    assert not rewrite("Who founded it?", after("When was Harvard University founded?")).continues
    assert not rewrite("How many people live in Paris?", after("Who founded Harvard?")).continues
    assert rewrite("那餐费呢？", after("国内出差的住宿标准是多少？")).continues


def test_a_pronoun_gets_the_previous_subject():
    q = standalone_question("Who founded it?", after("When was Harvard University founded?"))
    assert q.startswith("Who founded it?") and "Harvard University" in q
    q = standalone_question("And how many did they win?", after("Which team won Super Bowl 50?"))
    assert q.startswith("How many did they win?") and "Super Bowl 50" in q


def test_chinese_follow_ups():
    assert standalone_question("那婚假呢？", after("员工每年有几天带薪年假？")) == "员工每年有几天带薪年假（婚假）"
    # a phrase ending in two characters of the previous question's takes that word's place
    assert standalone_question("那朗伍德校区呢？", after("哈佛大学的主校区有多大？")) == "哈佛大学的朗伍德校区有多大"
    assert standalone_question("那餐费呢？", after("国内出差的住宿标准是多少？")) == "国内出差的住宿标准是多少（餐费）"
    q = standalone_question("它是什麼時候建的？", after("台北101有多高？"))
    assert q.startswith("它是什麼時候建的") and "台北101" in q


@pytest.mark.parametrize("question", [
    "How many people live in Paris?", "出差期间每天的餐费补贴是多少？",
    "What is the phone extension of the IT help desk?",
    # one term, but a subject of its own: after "a"/"an", or a name
    "What is a sabbatical?", "What is SnowNLP?"])
def test_a_new_question_is_searched_as_it_is(question):
    assert standalone_question(question, after("When was Harvard University founded?")) == question


def test_one_term_with_the_is_about_the_previous_question():
    asked = standalone_question("What is the limit?", after("What is our travel reimbursement limit?"))
    assert asked.startswith("What is the limit?") and "travel reimbursement" in asked


def test_no_history_no_change_and_only_user_turns_count():
    assert standalone_question("And for hotels?", []) == "And for hotels?"
    assistant_only = [Turn("assistant", "The travel reimbursement limit is 2,500 euros.")]
    assert standalone_question("And for hotels?", assistant_only) == "And for hotels?"


def test_a_pronoun_gets_the_previous_questions_names_not_its_other_words():
    """The pronoun stands for the subject; the previous question's other words ("championship")
    would pull the answer towards the previous question's fact."""
    q = standalone_question("What was its first literary cabaret?",
                            after("When did Polonia Warsaw win the country's championship prior to 2000?"))
    assert q == "What was its first literary cabaret? (Polonia Warsaw)"
    # without a name, the previous question's content words stand in
    q = standalone_question("How long does it take?", after("How do I reset my password?"))
    assert "reset" in q and "password" in q


def subjects(mapping: dict[str, str | list[str]]):
    """The subjects of the documents that answer each previous question, best first (the
    caller's lookup)."""
    return lambda previous: ([mapping[previous]] if isinstance(mapping[previous], str)
                             else mapping[previous]) if previous in mapping else []


@pytest.mark.parametrize("previous,follow_up,subject,expected", [
    ("What was named \"The Tesla\" in his honor?", "What year did he die?", "Nikola Tesla",
     "What year did Nikola Tesla die?"),
    ("What type of heating element is often used in toy steam engines?",
     "What instrument is used to examine its performance?", "Steam engine",
     "What instrument is used to examine steam engine's performance?"),
    ("Who was the Normans' main enemy in Italy?", "Who did they team up with in Anatolia?",
     "Normans", "Who did Normans team up with in Anatolia?"),
    ("What three things are needed for construction to take place?",
     "It takes place on location for who?", "Construction",
     "Construction takes place on location for who?"),
])
def test_a_pronoun_is_replaced_by_the_subject_the_previous_question_names(
        previous, follow_up, subject, expected):
    assert standalone_question(follow_up, after(previous), subjects({previous: subject})) == expected


def test_a_subject_is_used_only_where_the_previous_question_is_about_it():
    # "employees" only brushes "Employee handbook": the pronoun is the leave, not the handbook
    previous = "How many days of annual leave do employees get?"
    q = standalone_question("Who approves it?", after(previous), subjects({previous: "Employee handbook"}))
    assert "handbook" not in q.lower() and "annual leave" in q
    # a name of the follow-up's own is what its "he" stands for
    previous = "When did Super Bowl 50 take place?"
    q = standalone_question("How old was Peyton Manning when he played?", after(previous),
                            subjects({previous: "Super Bowl 50"}))
    assert q.startswith("How old was Peyton Manning when he played?")
    # a demonstrative qualifies a noun of the follow-up ("this policy"); nothing to replace
    previous = "What is the Nikola Tesla award?"
    q = standalone_question("Who funds this award?", after(previous), subjects({previous: "Nikola Tesla"}))
    assert q.startswith("Who funds this award?")
    # the best document is not the one named, the second is
    previous = "What does the employee handbook cover?"
    q = standalone_question("How long is parental leave in it?", after(previous),
                            subjects({previous: ["employee benefits zh hant", "employee handbook"]}))
    assert q == "How long is parental leave in employee handbook?"
    # no document found for the previous question
    q = standalone_question("Who founded it?", after("When was Harvard University founded?"),
                            subjects({}))
    assert q == "Who founded it? (Harvard University)"


@pytest.mark.parametrize("filename,subject", [
    ("Nikola_Tesla.txt", "Nikola Tesla"), ("Sky_(United_Kingdom).txt", "Sky"),
    ("reports/travel policy 2026.pdf", "travel policy 2026")])
def test_the_subject_of_a_document_is_its_name(filename, subject):
    assert subject_of(filename) == subject


def test_a_chinese_pronoun_is_replaced_by_the_subject_the_previous_question_named():
    topic = subjects
    q = standalone_question("它是什麼時候建的？", after("台北101有多高？"),
                            topic({"台北101有多高？": subject_of("台北101.txt")}))
    assert q == "台北101是什麼時候建的？"
    # an English name in a Chinese conversation, as the previous question wrote it
    q = standalone_question("它和其他分词工具比有什么优点？", after("jieba 支持哪几种分词模式？"),
                            topic({"jieba 支持哪几种分词模式？": subject_of("Jieba.md")}))
    assert q == "jieba和其他分词工具比有什么优点？"  # the first pronoun only, never 其他
    # a document the previous question does not name: its words are added instead
    q = standalone_question("它是什麼時候建的？", after("台北101有多高？"),
                            topic({"台北101有多高？": subject_of("employee_handbook.pdf")}))
    assert q.startswith("它是什麼時候建的") and "台北101" in q
    # no personal pronoun (其 qualifies a noun): the previous question is added, as before
    q = standalone_question("其高度是多少？", after("台北101是什麼時候建的？"),
                            topic({"台北101是什麼時候建的？": "台北101"}))
    assert q.startswith("其高度是多少") and "台北101" in q


def test_a_chinese_pronoun_after_a_chinese_name_of_an_english_documents_subject():
    """特斯拉 names Nikola_Tesla.txt through the dictionary (CC-CEDICT: "Tesla")."""
    from backend.rag.bilingual import Lexicon

    lexicon = Lexicon.from_packages()
    previous = "特斯拉是哪一年去世的？"
    found = rewrite("他在大众文化中的形象是什么？", after(previous),
                    subjects({previous: "Nikola Tesla"}), lexicon.english_pairs)
    assert found.search == "特斯拉在大众文化中的形象是什么？"
    previous = "免疫系统紊乱会导致什么？"  # a dictionary word holding all of the subject's words
    found = rewrite("它过度活跃时叫什么？", after(previous), subjects({previous: "Immune system"}),
                    lexicon.english_pairs)
    assert found.search == "免疫系统过度活跃时叫什么？"
    # a word sharing one of several glosses with the subject is no name of it
    previous = "员工每年有几天年假？"
    found = rewrite("它在哪里？", after(previous), subjects({previous: "annual report"}),
                    lexicon.english_pairs)
    assert found.search.startswith("它在哪里") and "年假" in found.search
