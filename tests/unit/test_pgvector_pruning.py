"""Which of a question's terms the engine reads whole (pure logic of the MaxScore split)."""

from backend.adapters.pgvector_search import split_by_postings


def test_the_rarest_terms_within_the_budget_are_essential():
    df = {"cell": 90_000.0, "marker": 300.0, "protein": 40_000.0, "tp53": 12.0}
    weight = {t: 1.0 for t in df}
    assert split_by_postings(weight, df, 1_000) == (["tp53", "marker"], ["protein", "cell"])


def test_the_rarest_term_is_read_even_over_the_budget():
    df = {"cell": 90_000.0, "protein": 40_000.0}
    assert split_by_postings({t: 1.0 for t in df}, df, 100) == (["protein"], ["cell"])


def test_a_budget_covering_everything_leaves_nothing_common():
    df = {"cell": 9.0, "protein": 4.0}
    assert split_by_postings({t: 1.0 for t in df}, df, 100) == (["protein", "cell"], [])
