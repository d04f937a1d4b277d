"""Running heads and feet dropped from PDF pages (pure logic; real PDFs in
tests/integration/test_parsers.py)."""

from ingest.running_lines import drop_running_lines

WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
         "juliet")


def _pages(n: int) -> list[str]:
    return [f"Annual Report 2024\nPage {k} of {n}\nThe {WORDS[k - 1]} section says something.\n"
            f"7:48 - 6-DEC-2007\n-{k}-" for k in range(1, n + 1)]


def test_heads_feet_and_folios_repeated_on_most_pages_are_dropped_after_the_title_page():
    pages = drop_running_lines(_pages(5))
    assert pages[0] == _pages(5)[0]  # the title page keeps its title
    for k, page in enumerate(pages[1:], start=2):
        assert page == f"The {WORDS[k - 1]} section says something.", page


def test_lines_repeated_on_few_pages_and_lone_figures_that_are_no_folio_stay():
    pages = [f"The {w} part.\n42" for w in WORDS]
    for k in (3, 4, 5):
        pages[k] = "Methods\n" + pages[k]
    assert drop_running_lines(pages) == pages  # 3 of 10 pages: a chapter's title; 42 no folio


def test_a_short_document_is_left_as_it_is():
    pages = _pages(2)
    assert drop_running_lines(pages) == pages


def test_running_lines_an_extractor_ran_into_an_edge_line_are_cut_from_it():
    pages = _pages(5)
    pages[3] = ("Annual Report 2024 Page 4 of 5\nThe delta section says something.\n"
                "7:48 - 6-DEC-2007 -4-")
    assert drop_running_lines(pages)[3] == "The delta section says something."


def test_a_folio_run_into_the_first_word_of_a_running_line_goes_with_it():
    pages = _pages(5)
    pages[3] = "Page 4 of 5\nThe delta section says something.\n-4-Annual Report 2024"
    assert drop_running_lines(pages)[3] == "The delta section says something."
    pages[3] = "The delta section says something.\n-3-Annual Report 2024"  # not this page's
    assert "-3-Annual Report 2024" in drop_running_lines(pages)[3]


def test_a_section_numbered_as_its_page_keeps_its_number():
    """data/samples/employee_handbook.pdf: page 2 opens with "2. Working hours and remote work",
    and its "2." was cut as the page's folio (so were "3.", "4.", "5." on the next pages)."""
    pages = [f"{k}. The {w} section\nWhat the {w} section says." for k, w in enumerate(WORDS[:5], 1)]
    assert drop_running_lines(pages) == pages
