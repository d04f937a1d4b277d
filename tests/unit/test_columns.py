"""Reading a page column by column (ingest/columns.py): the cut, on boxes laid out by hand.
The real pages (i1040nr.pdf, naacl06-shinyama.pdf) are read in tests/integration/test_parsers.py."""

import numpy as np

from ingest.columns import (LINE_END_HYPHEN, _blocks, _built_up_fractions, _edge_lines, _flush,
                             _fractions_joined, _gutters, _separator, _words)


def _column_line(y: float, left: float, right: float, shift: float):
    """A line of 30 pt words 3 pt apart from ``left`` to ``right``, starting ``shift`` in: word
    spaces fall elsewhere on every line, as in set text."""
    xs, x = [left], left + shift
    while x + 30 <= right:
        xs.append(x)
        x += 33
    return [(a, y, min(a + 30, right), y + 12) for a in xs]


def _two_columns(lines: int = 20):
    """Columns at 50-250 and 300-500 (a 50 pt gutter between)."""
    boxes = []
    for k in range(lines):
        shift = 7 * k % 30
        boxes += _column_line(700 - 14 * k, 50, 250, shift)
        boxes += _column_line(700 - 14 * k, 300, 500, shift)
    return boxes


def _named(boxes, prefix):
    return [(f"{prefix}{k}", box) for k, box in enumerate(boxes)]


def test_a_gutter_is_the_strip_words_leave_free():
    gutters = _gutters(_two_columns())
    assert len(gutters) == 1 and 250 <= gutters[0] <= 300
    # prose over the whole width has none
    prose = [b for k in range(20) for b in _column_line(700 - 14 * k, 50, 500, 7 * k % 30)]
    assert _gutters(prose) == []


def test_a_strip_in_a_ragged_columns_line_ends_is_no_gutter():
    """Lines of a ragged column end anywhere from 200 to 250: the strip where few reach is
    followed by more line ends, not by a column's flush edge."""
    boxes = []
    for k in range(30):
        boxes += _column_line(700 - 14 * k, 50, 200 + (37 * k) % 50, 7 * k % 30)
        boxes += _column_line(700 - 14 * k, 300, 500, 7 * k % 30)
    gutters = _gutters(boxes)
    assert len(gutters) == 1 and 250 <= gutters[0] <= 300


def test_a_column_starts_flush_after_a_gutter_not_after_line_ends():
    """Word counts measured on i1040nr.pdf: p7's middle column, where its lines end (23 words
    an x, then 27, of 59 at the busiest); the gutter before its right column (16, then 59); p16's
    gutter with a worksheet across it (18-26, then 53 of 66)."""
    assert not _flush(27, np.array([23, 22, 23, 22, 23, 23]), 59)
    assert _flush(59, np.array([16] * 14), 59)
    assert _flush(53, np.array([26, 25, 20, 18, 20, 20, 19, 19, 19]), 66)


def test_columns_are_read_left_to_right_a_table_across_two_is_read_row_by_row():
    """A left column beside a right block whose table runs across its two columns (i1040nr
    p7): the left column whole, then the table's rows, then the right block's columns."""
    left = [b for k in range(40) for b in _column_line(700 - 14 * k, 50, 200, 7 * k % 30)]
    table = [b for k in range(10) for b in _column_line(700 - 14 * k, 230, 500, 7 * k % 30)]
    below = []
    for k in range(10, 40):
        below += _column_line(700 - 14 * k, 230, 350, 7 * k % 30)
        below += _column_line(700 - 14 * k, 380, 500, 7 * k % 30)
    words = _named(left, "L") + _named(table, "T") + _named(below, "B")
    blocks = _blocks(words)
    order = [w for block in blocks for w, _ in block]
    assert order[:len(left)] == [w for w, _ in _named(left, "L")]
    rest = order[len(left):]
    assert rest[:len(table)] == [w for w, _ in _named(table, "T")]
    under = [box for _, box in _named(below, "B")]
    read = [dict(_named(below, "B"))[w] for w in rest[len(table):]]
    # the middle column's words all come before the right one's
    first_right = next(i for i, box in enumerate(read) if box[0] >= 380)
    assert all(box[0] >= 380 for box in read[first_right:]) and len(read) == len(under)


def test_the_running_head_is_read_first_whatever_the_gutters():
    boxes = _two_columns()
    head = [(50, 760, 70, 772), (440, 760, 470, 772)]  # "Page 2 of 48 …      7:48"
    top, bottom = _edge_lines(boxes + head)
    assert top == [(760, 772)] and bottom == []


def test_line_and_paragraph_breaks_come_from_where_the_next_word_stands():
    """A paragraph's gap is measured against the page's usual space between lines (here 0.17
    of a line: 2 pt between 12 pt lines)."""
    word = (50, 700, 90, 712)
    assert _separator(word, (95, 700, 130, 712), 0.42) == " "
    assert _separator(word, (50, 686, 90, 698), 0.42) == "\n"
    assert _separator(word, (50, 681, 90, 693), 0.42) == "\n\n"  # 7 pt apart


def test_a_word_broken_at_a_lines_end_keeps_its_hyphen():
    text = f"in{LINE_END_HYPHEN}tervention x"
    boxes = [(0, 10, 5, 20), (5, 10, 10, 20), (10, 10, 12, 20),
             (0, 0, 5, 10), (5, 0, 10, 10), *[(10 + 5 * i, 0, 15 + 5 * i, 10) for i in range(8)],
             (60, 0, 60, 0), (65, 0, 70, 10)]
    words = [w for w, _ in _words(text, boxes)]
    assert words == ["in-", "tervention", "x"]


def test_a_fraction_set_in_small_figures_is_one_word():
    """i1040nr p1: "48", a raised small "1", a line break, "/", a small "2" read "481 /2 cents
    a mile"; figures of the text's own size stay as they are ("41/2" here is no fraction)."""
    text = "is 481\r\n/2 cents 41/2 only 1 /6 of"
    small = {5, 9, 27, 30}  # the fractions' figures
    boxes = [(3.0 * i, 0.0, 3.0 * i, 0.0) if ch.isspace()  # white space takes no room
             else (3.0 * i, 0.0, 3.0 * i + 3, 5.0 if i in small else 9.0)
             for i, ch in enumerate(text)]
    words = [w for w, _ in _words(*_built_up_fractions(text, boxes))]
    assert words == ["is", "48½", "cents", "41/2", "only", "1\u20446", "of"]


def test_a_fractions_figures_put_apart_by_pdfium_are_joined_in_reading_order():
    """i1040nr p31: "usually", a small "1", then (after another column's words in PDFium's
    order) "/2" touching it; read in order, "usually 1 /2 of 1%"."""
    words = [("usually", (402.0, 371.6, 431.6, 380.4)), ("1", (434.2, 375.1, 437.3, 380.2)),
             ("/2", (436.6, 371.6, 442.4, 380.6)), ("of", (445.0, 371.6, 452.9, 380.5)),
             ("1", (455.0, 371.6, 460.0, 380.4)), ("/4", (462.0, 371.6, 467.0, 380.4))]
    assert [w for w, _ in _fractions_joined(words)] == ["usually", "½", "of", "1", "/4"]
