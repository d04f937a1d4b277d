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
    ("simple1.pdf", "corrupt"),
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
