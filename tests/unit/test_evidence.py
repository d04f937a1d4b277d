"""Evidence windows: the model reads the sentences that match the question, and their neighbours."""

from backend.rag.evidence import evidence_window, readable

FILLER = " ".join(f"Sentence number {i} is about the weather in spring." for i in range(30))
PASSAGE = (FILLER + " Employees who use their own car are reimbursed 0.30 euros per kilometre. "
           + FILLER)


def test_the_matching_sentence_and_its_neighbours_within_the_budget():
    window = evidence_window("How much is the car mileage reimbursement?", PASSAGE, budget=300)
    assert "0.30 euros per kilometre" in window
    assert len(window) <= 300 + 4  # the ellipses at both ends
    assert window.startswith("…") and window.endswith("…")


def test_a_short_passage_is_kept_whole():
    text = "The hotel limit is 180 euros per night."
    assert evidence_window("hotel limit?", text, budget=300) == text


def test_chinese_matches_by_bigrams():
    filler = "这是一段关于天气的说明。" * 40
    text = filler + "出差期间每天的餐费补贴是一百五十元。" + filler
    window = evidence_window("每天的餐费补贴是多少？", text, budget=200)
    assert "一百五十元" in window and len(window) <= 204


def test_a_passage_matching_no_term_keeps_its_head():
    window = evidence_window("zeppelin forecast?", PASSAGE, budget=200)
    assert window.startswith("Sentence number 0")


def test_the_model_reads_links_as_their_label_and_no_markup():
    assert readable("关键词（[TextRank](http://acl.ldc.upenn.edu/Mihalcea.pdf)算法）") == "关键词（TextRank算法）"
    assert readable("![](./assets/6.png) see [docs](https://x.y/a_(b))") == " see docs"
    assert readable("使用 `《汉语拼音方案》 <http://www.moe.gov.cn/t.html>`__ 的数据") == "使用 《汉语拼音方案》 的数据"
    assert readable('<p align="center"><b>购书<a href="https://jd.com/1.html">链接</a></b><br>') == "购书链接"


def test_code_and_bare_urls_stay_as_written():
    for text in ("std::vector<int> v; if a < b and c > d", "Visit https://example.com/docs now."):
        assert readable(text) == text


def test_a_sentence_longer_than_the_budget_is_cut_to_its_matching_clauses():
    """A Chinese README's list runs on for hundreds of tokens without a full stop; kept whole,
    one passage cost a window twice its budget."""
    filler = "，".join(f"第{i}项是关于天气的说明" for i in range(40))
    text = f"前言。{filler}，每个词向量是200维，{filler}。后记。"
    window = evidence_window("每个词向量是多少维？", text, budget=60)
    assert "每个词向量是200维" in window and len(window) <= 60
    assert window.startswith("… ") and window.endswith(" …")
    english = ", ".join(f"item {i} is about the weather" for i in range(40))
    text = f"Intro. {english}, the limit is 2,500 euros, {english}. End."
    window = evidence_window("What is the limit in euros?", text, budget=80)
    assert "the limit is 2,500 euros" in window and len(window) <= 80
    one_clause = "x" * 300
    assert len(evidence_window("x?", one_clause + ". Next.", budget=50)) == 50  # not 48: one " …"
    one_clause = " ".join(["weather"] * 60)
    window = evidence_window("The weather?", "Intro. " + one_clause + ". Next.", budget=50)
    assert len(window) == 50 and window.startswith("… weather") and window.endswith(" …")
