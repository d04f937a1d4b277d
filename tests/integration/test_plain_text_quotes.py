"""Questions a new employee asks of plain-text policies, through the real models (MiniLM +
multilingual-e5, FAISS, BM25) in quote mode: the quote is the sentence stating what is asked.
Each case was answered with another sentence of the same paragraph before: a "where" question
with the one naming months (no place), a sentence under a sentence-case heading together with
the heading, one opening with "They" with the sentence before it (a term more), one about a
laptop with the one writing the guide title's "new employees" (the title heads every section);
"the minimum password length" was refused ("14 characters long" states a length), and "What
happens if I lose my laptop?" ("Lost or stolen laptops…": another form of "lose")."""

from __future__ import annotations

import pytest

from backend.container import Container
from backend.settings import Settings
from tests.conftest import quoted_from

pytestmark = pytest.mark.slow

DOCS = {
    "drills.txt": (
        "Quarterly safety drills\n\n"
        "The fire evacuation drill is held every March and September. "
        "The assembly point is the north car park.\n\n"
        "First-aid training runs every Tuesday in room 4.12 of the Halden building."),
    "it_security_policy.txt": (
        "IT Security Policy\n\n1. Passwords\nPasswords must be at least 14 characters long. "
        "They expire every 180 days. Multi-factor authentication is required for email and VPN "
        "access.\n\n2. Laptops\nEvery laptop is encrypted with BitLocker. Lost or stolen laptops "
        "must be reported to the service desk within 24 hours."),
    "onboarding_guide.txt": (
        "Onboarding guide for new employees\n\nYour first day\nNew employees start at 9:00 on "
        "Monday at the reception desk in the main lobby. Bring a photo ID and your signed "
        "contract. Your manager will give you a tour of the office.\n\nEquipment\nYou "
        "receive a laptop and a headset on your first day.\n\nProbation\nThe probation "
        "period lasts six months."),
}


@pytest.fixture(scope="module")
def container(tmp_path_factory):
    data = tmp_path_factory.mktemp("plain-text-quotes")
    for name, text in DOCS.items():
        (data / name).write_text(text, encoding="utf-8")
    c = Container(Settings(data_dir=data, reranker="none", answer_mode="quote"))
    c.ingestor.ingest_paths([data / name for name in DOCS])
    return c


@pytest.mark.parametrize("question, filename, fact", [
    ("Where is the assembly point for the fire evacuation drill?", "drills.txt",
     "The assembly point is the north car park."),
    ("When is the fire evacuation drill held?", "drills.txt", "every March and September"),
    ("Where does the first-aid training run?", "drills.txt", "room 4.12"),
    ("How often do passwords expire?", "it_security_policy.txt",
     "Passwords must be at least 14 characters long. They expire every 180 days."),
    ("What is the minimum password length?", "it_security_policy.txt",
     "at least 14 characters long"),
    ("What happens if I lose my laptop?", "it_security_policy.txt", "within 24 hours"),
    ("What should I bring on my first day?", "onboarding_guide.txt", "Bring a photo ID"),
    ("What laptop do new employees get?", "onboarding_guide.txt", "You receive a laptop"),
])
def test_the_quote_states_what_is_asked(container, question, filename, fact):
    answer = container.answers.answer(question, 5)
    source, quoted = quoted_from(answer)
    assert source == filename and fact in quoted


def test_a_heading_in_sentence_case_is_not_quoted_with_its_paragraph(container):
    answer = container.answers.answer("Where do new employees start on their first day?", 5)
    _, quoted = quoted_from(answer)
    assert quoted.startswith("New employees start at 9:00")
    assert "Your first day" not in answer.answer


def test_a_citation_of_plain_text_names_its_title_and_heading(container):
    """A TXT file's plain headings are sections: the citation says where in the policy it is."""
    answer = container.answers.answer("Within how many hours must a lost laptop be reported?", 5)
    source, quoted = quoted_from(answer)
    assert source == "it_security_policy.txt" and "within 24 hours" in quoted
    assert answer.citations[0].chunk.section == "IT Security Policy > 2. Laptops"


def test_the_default_model_answers_without_the_labels_it_reads(tmp_path):
    """The real GGUF reads each passage under its label, "(it_security_policy.txt, IT Security
    Policy > 2. Laptops)", and copied its tail once ("Laptops) [1] Every laptop…"): the answer
    holds no label, cites the policy and states the fact, in the model's words or quoted."""
    import re

    (tmp_path / "it_security_policy.txt").write_text(DOCS["it_security_policy.txt"], "utf-8")
    c = Container(Settings(data_dir=tmp_path, reranker="none"))
    c.ingestor.ingest_paths([tmp_path / "it_security_policy.txt"])
    answer = c.answers.answer("What happens if I lose my laptop?", 5)
    assert answer.mode in ("generated", "extractive") and answer.citations
    assert {x.chunk.filename for x in answer.citations} == {"it_security_policy.txt"}
    assert not re.search(r"(^|[.\]]\s)[^.()\[\]]*\)", answer.answer), answer.answer
    assert "24 hours" in answer.answer




POLICY = DOCS["it_security_policy.txt"].replace(
    "within 24 hours.", "within 24 hours. The service desk is on the second floor of Building B "
                        "and can be reached at extension 4400.") + (
    "\n\n3. Responsibilities\nThe Chief Information Security Officer, Priya Raman, owns this "
    "policy. Department heads approve access requests for their teams. The policy is reviewed "
    "every January.\n\n4. Backups\nFile servers are backed up every night at 02:00. Backups are "
    "kept for 90 days in the Frankfurt data centre.")
GUIDE = DOCS["onboarding_guide.txt"].replace(
    "on your first day.", "on your first day. Additional monitors can be ordered through the IT "
                          "portal. The standard laptop is a 14-inch ThinkPad.").replace(
    "six months.", "six months. During probation the notice period is two weeks; afterwards it "
                   "is one month.\n\nCanteen\nThe canteen on the ground floor serves lunch from "
                   "11:30 to 14:00. Meals are subsidised by 50 percent.")


@pytest.mark.parametrize("question,source,fact,unasked", [
    ("What happens if I lose my laptop?", "it_security_policy.txt", "24 hours",
     ("BitLocker", "ThinkPad")),
    ("What is the standard laptop?", "onboarding_guide.txt", "ThinkPad", ("24 hours",)),
    # "14-inch" passed for the figure a "how many hours" question asks for
    ("Within how many hours must a lost laptop be reported?", "it_security_policy.txt",
     "24 hours", ("ThinkPad",)),
])
def test_the_default_model_answer_keeps_only_what_is_about_the_question(
        tmp_path, question, source, fact, unasked):
    """The real GGUF answered "What happens if I lose my laptop?" with every laptop sentence it
    read ("Every laptop is encrypted with BitLocker. [1] Lost or stolen laptops… [1] The
    standard laptop is a 14-inch ThinkPad. [2]"), each supported and sharing "laptop"; and
    "What is the standard laptop?" with the ThinkPad and then the lost-laptop rule. A sentence
    only brushing the question is dropped beside one about it; a figure in another unit than a
    "how many hours" question counts in does not make one about it."""
    for name, text in (("it_security_policy.txt", POLICY), ("onboarding_guide.txt", GUIDE)):
        (tmp_path / name).write_text(text, "utf-8")
    c = Container(Settings(data_dir=tmp_path))
    c.ingestor.ingest_paths(sorted(tmp_path.glob("*.txt")))
    answer = c.answers.answer(question, 5)
    assert fact in answer.answer
    assert not any(x in answer.answer for x in unasked), answer.answer
    assert {x.chunk.filename for x in answer.citations} == {source}


def test_the_default_model_gives_no_subject_another_sentences_figure(tmp_path):
    """The real GGUF answered "What is the notice period after probation?" with "The probation
    period lasts two weeks; after the notice period is one month. [1]": the probation lasts six
    months, the two weeks are the notice period during it. Such a clause is not supported, so
    the answer is the model's without it or the source sentence quoted."""
    import re

    for name, text in (("it_security_policy.txt", POLICY), ("onboarding_guide.txt", GUIDE)):
        (tmp_path / name).write_text(text, "utf-8")
    c = Container(Settings(data_dir=tmp_path))
    c.ingestor.ingest_paths(sorted(tmp_path.glob("*.txt")))
    answer = c.answers.answer("What is the notice period after probation?", 5)
    assert "one month" in answer.answer
    assert not re.search(r"probation period (lasts|is) (two|2) weeks", answer.answer), answer.answer
    assert not re.search(r"\b(two|2) months\b", answer.answer), answer.answer  # seen via the API
    assert {x.chunk.filename for x in answer.citations} == {"onboarding_guide.txt"}
