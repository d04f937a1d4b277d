"""Real pypdf / python-docx / charset-normalizer on real files."""

import io

import docx
import pytest
from pypdf import PdfWriter

from ingest.parsers import ParseError, parse_bytes
from tests.conftest import SAMPLES, SHARED_FILES


def test_pdf_keeps_page_numbers():
    doc = parse_bytes((SAMPLES / "employee_handbook.pdf").read_bytes(), "employee_handbook.pdf")
    assert doc.pages == 5
    assert [s.page for s in doc.sections] == [1, 2, 3, 4, 5]
    assert "25 days of paid annual leave" in " ".join(doc.sections[2].text.split())


def test_docx_keeps_headings_paragraphs_and_tables_in_reading_order():
    d = docx.Document()
    d.add_heading("Policy", 1)
    d.add_paragraph("Intro paragraph.")
    d.add_heading("Limits", 2)
    d.add_paragraph("Before the table.")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Hotel", "180 euros"
    table.cell(1, 0).text, table.cell(1, 1).text = "Meals", "60 euros"
    d.add_paragraph("After the table.")
    buf = io.BytesIO()
    d.save(buf)
    doc = parse_bytes(buf.getvalue(), "p.docx")
    assert [s.heading for s in doc.sections] == ["Policy", "Policy > Limits"]
    body = doc.sections[1].text
    assert body.index("Before the table.") < body.index("Hotel | 180 euros") \
        < body.index("Meals | 60 euros") < body.index("After the table.")


def test_sample_docx_sections_become_metadata():
    doc = parse_bytes((SAMPLES / "travel_reimbursement_policy.docx").read_bytes(), "t.docx")
    headings = [s.heading for s in doc.sections]
    assert "Travel and Expense Reimbursement Policy > Reimbursement limits" in headings


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "big5", "gbk"])
def test_text_encodings_do_not_turn_into_mojibake(encoding):
    text = "# 差旅規定\n\n出差時，住宿費用上限為每晚五百元。員工餐廳提供免費午餐。"
    if encoding == "gbk":
        text = "# 差旅规定\n\n出差时，住宿费用上限为每晚五百元。员工餐厅提供免费午餐。"
    doc = parse_bytes(text.encode(encoding), "policy.txt")
    assert doc.sections[0].text == text.split("\n\n", 1)[1]
    assert doc.sections[0].heading == text.split("\n")[0][2:]


def test_sample_big5_and_gbk_files_decode():
    hant = parse_bytes((SAMPLES / "employee_benefits_zh_hant.txt").read_bytes(), "a.txt")
    hans = parse_bytes((SAMPLES / "domestic_travel_zh_hans.txt").read_bytes(), "b.txt")
    assert "一萬二千元的健康補助" in hant.sections[0].text
    assert "每晚五百元人民币" in hans.sections[0].text


def _encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=str(SAMPLES / "employee_handbook.pdf"))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


@pytest.mark.parametrize("name,data,message", [
    ("empty.txt", b"", "empty file"),
    ("blank.pdf", b"   \n", "empty file"),
    ("notes.exe", b"MZ...", "unsupported file type '.exe'"),
    ("noext", b"hello", "unsupported file type '(none)'"),
    ("fake.pdf", b"this is not a pdf", "not a PDF file"),
    ("fake.docx", b"plain text pretending", "not a Word .docx file"),
    ("truncated.pdf", (SAMPLES / "employee_handbook.pdf").read_bytes()[:900], "PDF"),
    ("locked.pdf", _encrypted_pdf(), "encrypted PDF: a password is required"),
    ("garbage.txt", bytes(range(256)) * 40, "binary"),
])
def test_bad_files_get_a_clear_error(name, data, message):
    with pytest.raises(ParseError, match=message.replace("(", r"\(").replace(")", r"\)")
                       .replace(".", r"\.")):
        parse_bytes(data, name)


@pytest.mark.skipif(not SHARED_FILES.exists(), reason="../shared/eval/files not present")
@pytest.mark.parametrize("name,outcome", [
    ("GeoTopo-komprimiert.pdf", "ok"),           # 117 pages
    ("multicolumn.pdf", "ok"),
    ("zen_of_python_corrupted.pdf", "ok"),       # corrupt stream: what is readable goes in
    ("libreoffice-writer-password.pdf", "encrypted"),
    ("crazyones-encrypted-256.pdf", "encrypted"),
    ("simple1.pdf", "ok"),                      # no xref table: PDFium reads it
    ("strict.docx", "Strict"),
    ("libreoffice_conversion.docx", "ok"),
    ("merged_cells.docx", "ok"),
])
def test_real_world_files_end_as_ingest_or_specific_error(name, outcome):
    data = (SHARED_FILES / name).read_bytes()
    if outcome == "ok":
        doc = parse_bytes(data, name)
        assert sum(len(s.text) for s in doc.sections) > 50
    else:
        with pytest.raises(ParseError, match=outcome):
            parse_bytes(data, name)


# Issue 13: real documents come through whole ----------------------------------------------------
needs_shared = pytest.mark.skipif(not SHARED_FILES.exists(), reason="../shared/eval/files not present")


def _flat(text: str) -> str:
    return " ".join(text.split())


def _chunks_of(name: str, embedder):
    from ingest.chunking import chunk_sections

    doc = parse_bytes((SHARED_FILES / name).read_bytes(), name)
    return doc, chunk_sections(doc.sections, embedder.count_tokens, 200, 40)


def _in_one_chunk_in_order(chunks, facts: list[str]) -> bool:
    for chunk in chunks:
        text, at = _flat(chunk.text), 0
        for fact in facts:
            at = text.find(fact, at)
            if at < 0:
                break
        else:
            return True
    return False


def test_tables_nested_in_table_cells_are_read_however_deep():
    d = docx.Document()
    outer = d.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "Step 1"
    inner = outer.cell(0, 1).add_table(rows=2, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "Hazard", "Control"
    inner.cell(1, 0).text = "Pinch points"
    deepest = inner.cell(1, 1).add_table(rows=1, cols=1)
    deepest.cell(0, 0).text = "Keep hands clear of the slips"
    buf = io.BytesIO()
    d.save(buf)
    text = parse_bytes(buf.getvalue(), "procedure.docx").sections[0].text
    lines = text.split("\n\n")
    assert lines[0].startswith("Step 1")
    assert lines.index("Hazard: Pinch points") < lines.index("Keep hands clear of the slips")


def _docx_with_table(rows: list[list[str]], mark_header: bool = False) -> bytes:
    d = docx.Document()
    d.add_heading("Travel limits", 1)
    table = d.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    if mark_header:  # Word's "Repeat as header row at the top of each page"
        from docx.oxml import OxmlElement

        table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_table_rows_carry_their_column_names():
    data = _docx_with_table([["Expense", "Limit", "Receipt needed"],
                             ["Hotel", "180 euros per night", "yes"],
                             ["Taxi", "40 euros per day", "above 10 euros"]])
    lines = parse_bytes(data, "limits.docx").sections[0].text.split("\n\n")
    assert lines == ["Expense: Hotel | Limit: 180 euros per night | Receipt needed: yes",
                     "Expense: Taxi | Limit: 40 euros per day | Receipt needed: above 10 euros"]


def test_a_row_of_values_or_sentences_is_not_taken_for_a_header():
    values = _docx_with_table([["Hotel", "180 euros"], ["Meals", "60 euros"]])
    assert parse_bytes(values, "v.docx").sections[0].text.split("\n\n") == [
        "Hotel | 180 euros", "Meals | 60 euros"]
    prose = _docx_with_table([["Bring your badge.", "Sign the form."], ["Hotel", "Taxi"]])
    assert parse_bytes(prose, "p.docx").sections[0].text.split("\n\n") == [
        "Bring your badge. | Sign the form.", "Hotel | Taxi"]
    marked = _docx_with_table([["Year 2024", "Year 2025"], ["180 euros", "190 euros"]], True)
    assert parse_bytes(marked, "m.docx").sections[0].text == (
        "Year 2024: 180 euros | Year 2025: 190 euros")


@needs_shared
def test_a_chinese_tender_keeps_its_column_names_in_every_row():
    """libreoffice_conversion.docx: staffing and budget tables of a real procurement notice."""
    doc = parse_bytes((SHARED_FILES / "libreoffice_conversion.docx").read_bytes(), "t.docx")
    text = "\n".join(s.text for s in doc.sections)
    assert "序号: 3 | 岗位: 保洁员 | 人数: 2 | 备注: 负责市场的室内保洁、室外保洁工作" in text


def test_a_row_far_from_its_header_is_found_with_its_column_names(embedder):
    """A long table is cut into several chunks; the row asked about still says what its values
    are, so the passage cited for "hotel limit in Oslo" holds both "City: Oslo" and "Hotel"."""
    from ingest.chunking import chunk_sections

    cities = ["Amsterdam", "Berlin", "Copenhagen", "Dublin", "Edinburgh", "Frankfurt", "Geneva",
              "Helsinki", "Istanbul", "Krakow", "Lisbon", "Madrid", "Naples", "Oslo", "Prague"]
    rows = [["City", "Hotel per night", "Meals per day"]] + [
        [city, f"{150 + 5 * i} euros", f"{40 + i} euros"] for i, city in enumerate(cities)]
    doc = parse_bytes(_docx_with_table(rows), "city_limits.docx")
    chunks = chunk_sections(doc.sections, embedder.count_tokens, 60, 0)
    assert len(chunks) > 2
    oslo = next(c for c in chunks if "Oslo" in c.text)
    assert "City: Oslo | Hotel per night: 215 euros | Meals per day: 53 euros" in oslo.text


def test_a_markdown_table_is_chunked_row_by_row_with_its_column_names(embedder):
    """A README's table had no sentence end: it was one long "sentence", cut into word runs, so
    a chunk began mid-row and the model size 344MB stood without its row's name or column."""
    from ingest.chunking import chunk_sections
    from ingest.parsers import parse_text

    rows = "\n".join(f"| SimBERT {name} | 2200万相似句组 | 13685 | {size} | [下载](https://pan.example/{name}) |"
                     for name, size in [("Tiny", "26MB"), ("Small", "49MB"), ("Base", "344MB")] * 4)
    md = f"# Models\n\n| 名称 | 训练数据大小 | 词表大小 | 模型大小 | 下载地址 |\n|:--:|:--:|:--:|:--:|:--:|\n{rows}\n\nDone.\n"
    chunks = chunk_sections(parse_text(md.encode()).sections, embedder.count_tokens, 80, 0)
    assert len(chunks) > 2
    for chunk in chunks:
        lines = [line for line in chunk.text.split("\n") if line.strip() and line != "Done."]
        assert lines and all(line.startswith("名称: SimBERT ") and "模型大小: " in line
                             for line in lines), chunk.text
    assert any("名称: SimBERT Base | 训练数据大小: 2200万相似句组 | 词表大小: 13685 | 模型大小: 344MB"
               in c.text for c in chunks)


@needs_shared
def test_a_procedure_laid_out_in_nested_tables_is_ingested_whole(embedder):
    """240-DOP-1013A keeps all its text in tables inside table cells: it failed with
    "no text could be extracted". Each step stays one row: action, hazards, controls."""
    doc, chunks = _chunks_of("240-DOP-1013A Lay Down Tubulars.docx", embedder)
    assert sum(len(s.text) for s in doc.sections) > 8000
    assert _in_one_chunk_in_order(chunks, [
        "Step: 1 | Work Activity: Check elevator and slip size and condition.",
        "| Known Hazards: Hand and body crush between the elevators and stump.",
        "| Base Line Control: Pay attention to hand placement."])
    assert _in_one_chunk_in_order(chunks, [
        "Step: 3 | Work Activity: Position the iron roughneck, break and spin out the joint.",
        "NEVER get between the iron roughneck and the drill pipe."])
    assert _in_one_chunk_in_order(chunks, ["Drill Crew and Crane Crew: Safety Harness"])


@needs_shared
def test_pages_whose_fonts_lack_a_unicode_map_are_read_not_indexed_as_glyph_codes(embedder):
    """nlp2004slides.pdf: pypdf returns glyph numbers ('ίϯύϥϒϧͳ৽ฉ', '$PNQVUFS'); PDFium reads
    the same pages as Japanese and English."""
    from ingest.text_quality import garbled_share

    doc, chunks = _chunks_of("nlp2004slides.pdf", embedder)
    assert all(garbled_share(c.text) == 0 for c in chunks)
    page = {s.page: _flat(s.text) for s in doc.sections}
    assert "コンパラブルな新聞記事からの 固有表現の発見" in page[1]
    assert "Computer Science Department New York University" in page[1]
    assert "機械学習を用いてコーパスから字句的な 規則を自動的に学習する。" in page[3]
    assert "ラビン首相暗殺" in page[9]  # a chart page: its labels are text too
    assert any("29" in w and "image" in w for w in doc.warnings)  # the one picture-only slide


def test_glyph_code_text_is_told_from_real_text_in_any_script():
    from ingest.text_quality import garbled_share

    for real in ("The hotel limit is 180 euros per night.", "住宿費用上限為每晚五百元。",
                 "コンパラブルな新聞記事 Computer Science", "حَبيبي habibi", "Москва — столица",
                 "使用Python进行 chunk_size = 512"):
        assert garbled_share(real) == 0, real
    for garbage in ("ίϯύϥϒϧͳ৽ฉࣄه͔Βͷ ݻ༗දݱͷൃݟ", "$PNQVUFS\x014DJFODF\x01%FQBSUNFOU",
                    "(cid:12)(cid:7)(cid:33)", "\ufffd\ufffd\ufffd text"):
        assert garbled_share(garbage) > 0.3, garbage


@needs_shared
def test_three_columns_are_read_column_by_column(embedder):
    """i1040nr.pdf: pypdf reads each line across all three columns ('...exemptionsDual-Status
    Tax Year you were a resident alien...'); a passage must be one column's coherent text."""
    doc, chunks = _chunks_of("i1040nr.pdf", embedder)
    assert _in_one_chunk_in_order(chunks, [
        "A dual-status year is one in which you change status between nonresident and resident "
        "alien. Different U.S. income tax rules apply to each status.",
        "Most dual-status years are the years of arrival or departure. Before you arrive in the "
        "United States, you are a nonresident alien."])
    assert _in_one_chunk_in_order(chunks, [
        "Tax credits. You cannot take the earned income credit, the credit for the elderly or "
        "disabled, or an education credit unless you elect to be taxed as a resident alien"])
    page5 = _flat(next(s.text for s in doc.sections if s.page == 5))
    assert "exemptionsDual-Status" not in page5 and "you Income" not in page5


@needs_shared
def test_words_pypdf_splits_at_a_justified_lines_letter_spacing_are_whole():
    """dmca.pdf: pypdf reads "Computer Maintenance Competition Assuranc e Act", "It provide s
    merely", "th e", about ten a page; quotes showed them and keyword search missed the words.
    PDFium reads them whole; the sentences as typed from the rendered pages."""
    doc = parse_bytes((SHARED_FILES / "dmca.pdf").read_bytes(), "dmca.pdf")
    page1 = _flat(doc.sections[0].text)
    assert ("Computer Maintenance Competition Assurance Act,” creates an exemption for making "
            "a copy of a computer program") in page1
    assert "It provides merely an overview of the law’s provisions" in page1
    everything = _flat(" ".join(s.text for s in doc.sections))
    for split in ("Assuranc e", "provide s", " th e ", " an y ", "WIP O", " o f "):
        assert split not in everything
    assert {s.page for s in doc.sections} == set(range(1, 19))  # no page lost on the way


@needs_shared
def test_running_heads_and_feet_are_dropped_the_title_page_keeps_its_title():
    """Each page of the 1040-NR instructions starts "Page 5 of 48 Instructions for Form 1040NR /
    7:48 - 6-DEC-2007 / The type and rule above prints on all proofs…" and ends "-5-"; each
    page of the DMCA summary after the first starts with the act's name and "Copyright Office
    Summary December 1998 Page 3". They joined the sentences beside them in quotes, and their
    dates stood in every passage for the date a "when" question asks for."""
    tax = parse_bytes((SHARED_FILES / "i1040nr.pdf").read_bytes(), "i1040nr.pdf")
    for section in tax.sections[1:]:
        for running in ("DEC-2007", "The type and rule above prints on all proofs",
                        f"Page {section.page} of"):
            assert running not in section.text, (section.page, running)
        assert f"\n-{section.page}-\n" not in f"\n{section.text}\n", section.page
    page5 = _flat(next(s.text for s in tax.sections if s.page == 5))
    assert page5.startswith("Dual-Status Tax Year A dual-status year is one in which you change "
                            "status between nonresident and resident alien.")
    dmca = parse_bytes((SHARED_FILES / "dmca.pdf").read_bytes(), "dmca.pdf")
    assert "THE DIGITAL MILLENNIUM COPYRIGHT ACT OF 1998" in dmca.sections[0].text
    for section in dmca.sections[1:]:
        assert "Copyright Office Summary December 1998" not in section.text, section.page
        assert not section.text.startswith("The Digital Millennium Copyright Act of 1998")
    assert {s.page for s in dmca.sections} == set(range(1, 19))


@needs_shared
def test_two_column_papers_keep_sentences_whole_across_line_ends():
    doc = parse_bytes((SHARED_FILES / "naacl06-shinyama.pdf").read_bytes(), "naacl.pdf")
    page1 = _flat(doc.sections[0].text)
    assert ("We propose a technique called Unrestricted Relation Discovery that discovers all "
            "possible relations from texts and presents them as tables.") in page1
    assert "An IE task can be defined as finding a relation among several entities" in page1


@needs_shared
def test_a_three_column_page_is_read_column_by_column():
    """Page 2 of the tax instructions stands in three columns with gutters about 11 pt wide.
    pdfminer's layout analysis ran lines of two columns into one ("information on receiving IRS
    assistance United States from a residence in") and put the heading "If you" of another
    column before them; the page is read column by column from PDFium's boxes now (the
    passages as typed from the rendered page)."""
    doc = parse_bytes((SHARED_FILES / "i1040nr.pdf").read_bytes(), "i1040nr.pdf")
    page2 = _flat(next(s.text for s in doc.sections if s.page == 2))
    assert ("Also see Taxpayer Assistance on page 32 for other ways to get them (as well as "
            "information on receiving IRS assistance in completing the forms).") in page2
    assert ("Substantial Presence Test You are considered a U.S. resident if you meet the "
            "substantial presence test for 2007. You meet this test if you were physically "
            "present in the United States for at least: 1. 31 days during 2007, and") in page2
    # the foot of the middle column goes on at the head of the right one
    assert ("Generally, you are treated as present in the United States on any day that you "
            "are physically present in the country at any time during the day.") in page2
    assert "Exempt individual. For these purposes, an exempt individual is generally" in page2


@needs_shared
def test_a_page_whose_worksheet_hides_its_gutters_is_cut_in_a_document_set_in_columns():
    """Page 19 of the tax instructions: three columns over a worksheet across the whole page,
    which covers the gutters so the page test sees none; 43 of the 50 pages are in columns, so
    the cut is tried on it too and finds them. Read line by line, the page's sentences mixed
    three columns ("…on line 38 of Form 1040NR to the distributions), that is effectively •
    You are filing Schedule D…") and one was the quote for "Where do I file Form 1040NR?"."""
    doc = parse_bytes((SHARED_FILES / "i1040nr.pdf").read_bytes(), "i1040nr.pdf")
    page19 = _flat(next(s.text for s in doc.sections if s.page == 19))
    assert ("Schedule D Tax Worksheet. If you have to file Schedule D (Form 1040) and Schedule D, "
            "line 18 or line 19, is more than zero, use the Schedule D Tax Worksheet on page D-10 "
            "of the Instructions for Schedule D to figure your tax.") in page19


@needs_shared
def test_every_real_world_file_is_ingested_readable_or_refused_with_a_reason():
    from ingest.text_quality import garbled_share

    refused = {}
    for path in sorted(SHARED_FILES.iterdir()):
        if path.suffix not in (".pdf", ".docx"):
            continue
        try:
            doc = parse_bytes(path.read_bytes(), path.name)
        except ParseError as exc:
            refused[path.name] = str(exc)
            continue
        assert doc.sections, path.name
        for section in doc.sections:
            assert garbled_share(section.text) < 0.3, (path.name, section.page, section.text[:80])
    assert refused == {
        "crazyones-encrypted-256.pdf": "encrypted PDF: a password is required",
        "libreoffice-writer-password.pdf": "encrypted PDF: a password is required",
        "nested_paragraphs_in_header3b.docx": "corrupt Word document: a part it refers to is "
                                              "missing from the file ('word/media/image16.png')",
        "strict.docx": "unsupported Word format (Strict Open XML): save it again as a standard .docx",
        "unreadablemetadata.pdf": "corrupt PDF: Invalid object in /Pages",
    }


@needs_shared
def test_a_pdf_pypdf_cannot_open_is_read_by_pdfium_and_says_so():
    doc = parse_bytes((SHARED_FILES / "simple1.pdf").read_bytes(), "simple1.pdf")
    assert doc.sections[0].text.startswith("Hello World")
    assert any("PDFium" in w and "startxref" in w for w in doc.warnings)


def test_markdown_comments_inside_fenced_code_are_code_not_headings():
    from ingest.parsers import parse_text

    md = ("# Usage\n\nConvert numbers:\n\n```python\n# strict mode (the default)\n"
          "cn2an.cn2an('一百二十三')\n# smart mode\ncn2an.cn2an('1百23', 'smart')\n```\n\n"
          "~~~\n# not a heading either\n~~~\n\n## Install\n\npip install cn2an\n")
    sections = parse_text(md.encode()).sections
    assert [s.heading for s in sections] == ["Usage", "Usage > Install"]
    assert "# strict mode" in sections[0].text and "'smart')" in sections[0].text
    assert "# not a heading either" in sections[0].text


def _ruled_table_pdf(rows: list[list[str]], intro: str = "Travel limits for 2026.") -> bytes:
    """A page with a sentence, then a table drawn as a PDF writer draws one: text in cells,
    lines between the rows and columns."""
    from tests.hostile import text_page_pdf

    left, top, col, height = 72, 660, 170, 24
    ops = [b"BT /F1 12 Tf 72 700 Td (%s) Tj ET" % intro.encode()]
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            x, y = left + c * col + 6, top - (r + 1) * height + 8
            ops.append(b"BT /F1 11 Tf %d %d Td (%s) Tj ET" % (x, y, cell.encode()))
    bottom, right = top - len(rows) * height, left + len(rows[0]) * col
    for r in range(len(rows) + 1):
        ops.append(b"%d %d m %d %d l S" % (left, top - r * height, right, top - r * height))
    for c in range(len(rows[0]) + 1):
        ops.append(b"%d %d m %d %d l S" % (left + c * col, top, left + c * col, bottom))
    ops.append(b"BT /F1 12 Tf 72 %d Td (Receipts are kept for ten years.) Tj ET" % (bottom - 40))
    return text_page_pdf(b"\n".join(ops))


def test_a_ruled_pdf_table_keeps_its_rows_and_column_names_in_reading_order():
    pdf = _ruled_table_pdf([["Expense", "Limit", "Receipt"],
                            ["Hotel", "180 euros per night", "always"],
                            ["Taxi", "40 euros per day", "above 10 euros"]])
    text = parse_bytes(pdf, "limits.pdf").sections[0].text
    assert text.index("Travel limits for 2026.") \
        < text.index("Expense: Hotel | Limit: 180 euros per night | Receipt: always") \
        < text.index("Expense: Taxi | Limit: 40 euros per day | Receipt: above 10 euros") \
        < text.index("Receipts are kept for ten years.")


def test_ruled_prose_is_not_given_column_names():
    """Rules drawn around sentences make no header: the cells stay as they were written."""
    pdf = _ruled_table_pdf([["The hotel limit is set by the board.", "It changes yearly."],
                            ["Ask the travel desk.", "They answer within a day."]])
    plain = parse_bytes(pdf, "prose.pdf").sections[0].text
    assert ":" not in plain.replace("2026.", "") and "The hotel limit is set by the board." in plain


@needs_shared
def test_a_real_revision_history_table_reads_as_labelled_rows():
    """GeoBase_NHNC1_Data_Model_UML_EN.pdf page 3: a ruled Date | Version | Description table."""
    doc = parse_bytes((SHARED_FILES / "GeoBase_NHNC1_Data_Model_UML_EN.pdf").read_bytes(), "g.pdf")
    page = next(s.text for s in doc.sections if s.page == 3)
    assert "Date: August 2004 | Version: 2004.1 | Description: The object metadata attribute" in page


GUIDE = ("Onboarding guide for new employees\n\n"
         "Your first day\nNew employees start at 9:00 at the reception desk. Bring a photo ID.\n\n"
         "2. Canteen\n" + " ".join(f"Rule {n} of the canteen applies on weekday {n}." for n in
                                  range(40)) + " Lunch is served from 11:30 to 14:00.\n\n"
         "Parking\n\nThe car park opens at 7:00.\n")


def test_plain_text_headings_head_their_sections_and_every_chunk_of_them(embedder):
    """A TXT file without ``#`` headings: its title and its plain headings (sentence case,
    numbered, title case; directly above their paragraph or apart from it) start sections, so
    a chunk far down a long section still says what it is about."""
    from ingest.chunking import chunk_sections
    from ingest.parsers import parse_text

    sections = parse_text(GUIDE.encode()).sections
    assert [s.heading for s in sections] == [
        "Onboarding guide for new employees > Your first day",
        "Onboarding guide for new employees > 2. Canteen",
        "Onboarding guide for new employees > Parking"]
    assert sections[0].text.startswith("New employees start at 9:00")
    chunks = chunk_sections(sections, embedder.count_tokens, 60, 0)
    lunch = next(c for c in chunks if "Lunch is served" in c.text)
    assert "canteen" not in lunch.text.split("Lunch")[1] and lunch.ordinal > 2
    assert lunch.section == "Onboarding guide for new employees > 2. Canteen"


@pytest.mark.parametrize("text", [
    "Opening hours:\nMonday to Friday, 8:00 to 18:00.\n",  # a label, not a heading
    "The policy applies to all staff at the\nHalden office. It was revised in May.\n",  # wrapped
    "Minutes of the meeting\n",  # a title alone: nothing to head, kept as the text
    "# Usage\n\nRun it.\n\nInstall notes\n\nUse pip.\n",  # Markdown: only its # headings count
])
def test_lines_that_head_nothing_are_not_plain_headings(text):
    from ingest.parsers import parse_text

    sections = parse_text(text.encode()).sections
    assert sections and all(s.heading in (None, "Usage") for s in sections)
    assert "".join(s.text for s in sections).replace("\n", "") != ""
