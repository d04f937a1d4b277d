"""The cited span boxed on a PDF page's picture (real PDFium), on a page set in three columns:
i1040nr.pdf page 2. PDFium's own text order runs across the columns line by line, so a
sentence over two lines of one column was not found whole (one line boxed) and a definition
with a list not at all."""

from __future__ import annotations

import io

from ingest.page_image import DPI, render_page_png
from tests.conftest import SHARED_FILES

PRESENCE = "You are considered a U.S. resident if you meet the substantial presence test for 2007."
EXEMPT = ("For these purposes, an exempt individual is generally an individual who is a: "
          "• Foreign government-related individual, • Teacher or trainee, • Student, or "
          "• Professional athlete who is temporarily in the United States to compete in a "
          "charitable sports event.")


def marked_area(marked: str) -> tuple[float, float, int] | None:
    """(left, right) of the yellow pixels in PDF points, and how many pixel rows they cover."""
    from PIL import Image

    png = render_page_png((SHARED_FILES / "i1040nr.pdf").read_bytes(), 2, marked)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    pixels = image.load()
    xs, rows = [], set()
    for y in range(height):
        for x in range(width):
            r, g, b = pixels[x, y]
            if r > 200 and g > 200 and b < 190:
                xs.append(x)
                rows.add(y)
    if not xs:
        return None
    scale = 72 / DPI
    return min(xs) * scale, max(xs) * scale, len(rows)


def test_a_sentence_over_three_lines_of_the_middle_column_is_boxed_whole_and_alone():
    left, right, rows = marked_area(PRESENCE)
    assert 215 < left and right < 400  # the middle column: 222-392 pt
    assert rows * 72 / DPI > 25  # three lines of about 10 pt, not the first alone


def test_a_definition_with_its_list_in_the_right_column_is_boxed():
    area = marked_area(EXEMPT)
    assert area is not None
    left, right, rows = area
    assert left > 395 and rows * 72 / DPI > 80  # ten lines of the right column
