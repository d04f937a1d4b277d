"""Tables as labelled rows (ingest/tables.py) and pdfplumber's cells cleaned (ingest/pdf_tables.py)."""

from ingest.pdf_tables import clean_rows
from ingest.tables import (looks_like_header, markdown_table_at, markdown_table_lines, pipe_cells,
                           row_lines)


def test_rows_under_a_header_carry_its_names_and_skip_empty_values():
    rows = [["Item", "Limit", "Note"], ["Hotel", "180 euros", ""], ["Taxi", "40 euros", "day"]]
    assert row_lines(rows) == [None, "Item: Hotel | Limit: 180 euros", "Item: Taxi | Limit: 40 euros | Note: day"]


def test_a_row_of_another_width_stays_plain_and_a_header_nobody_took_stays():
    assert row_lines([["Item", "Limit"], ["Hotel", "180", "extra"]]) == ["Item | Limit", "Hotel | 180 | extra"]


def test_headers_are_short_labels_without_figures_or_sentence_ends():
    assert looks_like_header(["Expense", "Limit"]) and looks_like_header(["费用", "上限"])
    assert not looks_like_header(["Hotel", "180 euros"])
    assert not looks_like_header(["Bring your badge.", "Sign"])
    assert not looks_like_header(["Name", ""]) and not looks_like_header(["Name"])
    assert not looks_like_header(["Name", "Name"])


def test_a_marked_header_row_may_hold_figures():
    assert row_lines([["2024", "2025"], ["180", "190"]], header_marked=True) == [None, "2024: 180 | 2025: 190"]


def test_cells_stacked_in_one_ruled_row_become_rows():
    rows = [["Date", "Storm"], ["2005-09-23\n2005-10-02", "Katrina\nLongwang"]]
    assert clean_rows(rows) == [["Date", "Storm"], ["2005-09-23", "Katrina"], ["2005-10-02", "Longwang"]]


def test_a_multi_line_description_stays_one_row():
    rows = [["Date", "Description"], ["May 2004", "Update from\nthe workshop"]]
    assert clean_rows(rows) == [["Date", "Description"], ["May 2004", "Update from the workshop"]]


def test_diagram_boxes_and_single_columns_are_no_table():
    assert clean_rows([["Box", None], [None, "Arrow"], ["x", None]]) is None
    assert clean_rows([["a"], ["b"]]) is None
    assert clean_rows([["Header", "Other"]]) is None


def test_a_markdown_pipe_table_is_found_by_its_delimiter_row():
    lines = ["intro", "| Name | Size |", "|:---|---:|", "| Base | 344MB |", "| Tiny | 26MB |", "", "after"]
    assert markdown_table_at(lines, 0) == 0 and markdown_table_at(lines, 1) == 4
    assert markdown_table_at(["Name | Size", "--- | ---", "Base | 344MB"], 0) == 3  # no outer pipes
    assert markdown_table_at(["a | b", "---"], 0) == 0  # a rule under a line, no table
    assert markdown_table_at(["| a | b |", "|---|---|---|"], 0) == 0  # widths differ


def test_markdown_rows_read_like_word_rows_and_an_escaped_pipe_is_text():
    assert pipe_cells("| A \\| B |  c  |") == ["A | B", "c"]
    table = ["| 名称 | 模型大小 |", "| :-: | :-: |", "| SimBERT Base | 344MB |"]
    assert markdown_table_lines(table) == ["名称: SimBERT Base | 模型大小: 344MB"]
