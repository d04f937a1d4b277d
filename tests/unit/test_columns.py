"""Reading a page column by column (ingest/columns.py): the cut, on boxes laid out by hand.
The real pages (i1040nr.pdf, naacl06-shinyama.pdf) are read in tests/integration/test_parsers.py."""

from ingest.columns import LINE_END_HYPHEN, _edge_lines, _gutters, _region, _separator, _words


def _line(y: float, lefts: list[float], width: float = 20.0):
    """Boxes of words on one line at height y (12 pt high)."""
    return [(x, y, x + width, y + 12) for x in lefts]


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


def test_a_gutter_is_the_strip_words_leave_free():
    gutters = _gutters(_two_columns(), 612)
    assert len(gutters) == 1 and 250 < gutters[0] < 300
    # prose over the whole width has none
    prose = [b for k in range(20) for b in _column_line(700 - 14 * k, 50, 500, 7 * k % 30)]
    assert _gutters(prose, 612) == []


def test_the_running_head_is_a_band_of_its_own_the_columns_come_left_to_right_under_it():
    boxes = _two_columns()
    head = _line(760, [50, 440])  # "Page 2 of 48 …      7:48": apart, on either side
    edges = _edge_lines(boxes + head)
    assert edges[0] == (760, 772)
    gutter = _gutters(boxes, 612)
    band = _region(head[1], gutter, edges)
    left, right = (_region(b, gutter, edges) for b in (boxes[0], boxes[-1]))
    lower_left = _region(next(b for b in reversed(boxes) if b[0] == 50), gutter, edges)
    assert band < left < right and left == lower_left


def test_line_and_paragraph_breaks_come_from_where_the_next_word_stands():
    word = (50, 700, 90, 712)
    assert _separator(word, (95, 700, 130, 712)) == " "
    assert _separator(word, (50, 686, 90, 698)) == "\n"
    assert _separator(word, (50, 670, 90, 682)) == "\n\n"


def test_a_word_broken_at_a_lines_end_keeps_its_hyphen():
    text = f"in{LINE_END_HYPHEN}tervention x"
    boxes = [(0, 10, 5, 20), (5, 10, 10, 20), (10, 10, 12, 20),
             (0, 0, 5, 10), (5, 0, 10, 10), *[(10 + 5 * i, 0, 15 + 5 * i, 10) for i in range(8)],
             (60, 0, 60, 0), (65, 0, 70, 10)]
    words = [w for w, _ in _words(text, boxes)]
    assert words == ["in-", "tervention", "x"]
