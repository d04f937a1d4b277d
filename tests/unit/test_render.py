"""Answer markup in the chat: [n] markers link to their citation cards, nothing else changes."""

from frontend.render import answer_html, citation_anchor, draft_html


def test_citation_markers_become_links_to_their_cards():
    out = answer_html("The hotel limit is 180 euros [1]. Taxis need receipts [2].", hosts=frozenset(),
                      key="812", cited=frozenset({1, 2}))
    assert f'<a class="citeqa-ref" href="#{citation_anchor("812", 1)}">[1]</a>' in out
    assert f'href="#{citation_anchor("812", 2)}"' in out and citation_anchor("812", 2) == "cite-812-2"


def test_only_cited_numbers_link_and_markup_stays_escaped():
    out = answer_html('<img src=x onerror=alert(1)> see [3] and [1]', hosts=frozenset(),
                      key="k", cited=frozenset({1}))
    assert "<img" not in out and "&lt;img" in out
    assert "[3]" in out and 'href="#cite-k-3"' not in out and 'href="#cite-k-1"' in out


def test_without_a_key_markers_stay_text_and_keys_cannot_inject():
    assert "citeqa-ref" not in answer_html("limit [1]", hosts=frozenset())
    assert citation_anchor('1" onmouseover="x', 1) == "cite-1onmouseoverx-1"


def test_a_streaming_draft_is_labelled_unchecked_and_links_nowhere():
    out = draft_html("See [the form](https://evil.example/phish) ![x](http://h/p.png) <b>now</b> [1]",
                     "Draft: being checked against the sources…")
    assert 'class="citeqa-draft"' in out and "being checked against the sources" in out
    assert "<a " not in out and "<img" not in out and "<b>" not in out and "&lt;b&gt;" in out
    assert "citeqa-answer" not in out  # only the checked answer is shown as an answer
