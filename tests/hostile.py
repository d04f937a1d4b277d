"""A corpus of broken and hostile files, generated in code: (name, bytes, expectation).

The expectation is "ok" (ingests), a substring of the error the user must see, "" for "any
clear error", or "either" (a clean ingest or a clear error). None may crash, hang or exhaust the memory of the process that ingests them.
"""

from __future__ import annotations

import io
import os
import random
import struct
import zipfile
import zlib
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"


def raw_pdf(objects: list[bytes], root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """A PDF from numbered object bodies (1-based), with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, root, trailer_extra, xref)
    return bytes(out)


def text_page_pdf(content: bytes, filter_: bytes = b"", extra_resources: bytes = b"") -> bytes:
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> " + extra_resources + b">> >>",
        b"<< /Length %d %s>>\nstream\n" % (len(content), filter_) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def hello_pdf(text: str = "Hostile corpus control document about parking permits.") -> bytes:
    return text_page_pdf(b"BT /F1 12 Tf 72 720 Td (" + text.encode() + b") Tj ET")


def pypdf_pdf(pages: int = 1, encrypt: tuple[str, str] | None = None, text: bool = True) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    if text:
        for page in PdfReader(io.BytesIO(hello_pdf())).pages:
            writer.add_page(page)
    for _ in range(pages - (1 if text else 0)):
        writer.add_blank_page(612, 792)
    if encrypt:
        writer.encrypt(user_password=encrypt[0], owner_password=encrypt[1], algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def docx_bytes(paragraphs: list[str] | None = None) -> bytes:
    import docx

    d = docx.Document()
    for p in paragraphs or ["Hostile corpus control paragraph about bicycle storage."]:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def replace_part(data: bytes, part: str, new: bytes | None) -> bytes:
    """A copy of a zip with one member replaced (or removed with ``new=None``)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename == part:
                if new is not None:
                    out.writestr(part, new)
            else:
                out.writestr(info, src.read(info))
    return buf.getvalue()


def zip_bomb_docx(megabytes: int) -> bytes:
    """A .docx whose document.xml inflates to ``megabytes`` MiB (written in pieces)."""
    buf = io.BytesIO()
    base = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in base.infolist():
            if info.filename != "word/document.xml":
                out.writestr(info, base.read(info))
        with out.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                       b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>')
            block = b" " * 2**20
            for _ in range(megabytes):
                part.write(block)
            part.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return buf.getvalue()


def many_entries_docx(n: int) -> bytes:
    buf = io.BytesIO(docx_bytes())
    with zipfile.ZipFile(buf, "a") as out:
        for i in range(n):
            out.writestr(f"customXml/extra{i}.xml", b"<a/>")
    return buf.getvalue()


def entity_docx(kind: str, comment: int = 0, encoding: str = "UTF-8") -> bytes:
    """A DTD with entities; ``comment`` bytes of XML comment before it (the old check read only
    the first 4,096 bytes); ``encoding`` UTF-16 hides it from a byte scan."""
    body = ('<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body>' if kind == "laughs"
            else '<w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body>')
    if kind == "laughs":
        dtd = '<!DOCTYPE w:document [<!ENTITY lol "lol">' + "".join(
            f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
            for i in range(1, 10)) + "]>"
    else:
        dtd = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    padding = f"<!--{'x' * comment}-->" if comment else ""
    xml = (f'<?xml version="1.0" encoding="{encoding}"?>' + padding + dtd +
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           + body + "</w:document>")
    return replace_part(docx_bytes(), "word/document.xml",
                        xml.encode("utf-16" if encoding == "UTF-16" else "utf-8"))


def nested_xml_docx(depth: int) -> bytes:
    xml = ('<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
           'wordprocessingml/2006/main"><w:body>' + "<w:tbl><w:tr><w:tc>" * depth
           + "<w:p><w:r><w:t>deep</w:t></w:r></w:p>" + "</w:tc></w:tr></w:tbl>" * depth
           + "</w:body></w:document>")
    return replace_part(docx_bytes(), "word/document.xml", xml.encode())


def overlapping_zip_bomb() -> bytes:
    """Entries that declare huge sizes (like overlapping-file bombs); the directory tells."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for i in range(300):
            out.writestr(f"word/media/image{i}.bin", b"\0" * 2**20)  # 300 MiB declared
        out.writestr("word/document.xml", b"<w:document/>")
    return buf.getvalue()


def words(n: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    vocab = ["policy", "invoice", "approval", "manager", "travel", "budget", "office", "laptop",
             "contract", "holiday", "expense", "report", "meeting", "security", "access"]
    return " ".join(rng.choice(vocab) for _ in range(n))


def corpus() -> list[tuple[str, bytes, str]]:
    handbook = (SAMPLES / "employee_handbook.pdf").read_bytes()
    policy = (SAMPLES / "travel_reimbursement_policy.docx").read_bytes()
    rng = random.Random(42)
    garbage = bytes(rng.getrandbits(8) for _ in range(64 * 1024))
    nested = b"<< /Type /Catalog /Pages 2 0 R /Deep " + b"[" * 50_000 + b"]" * 50_000 + b" >>"
    bomb_stream = zlib.compress(b"BT /F1 12 Tf 72 720 Td (bomb) Tj ET\n" + b" " * (200 * 2**20), 9)
    files = [
        # PDF
        ("empty.pdf", b"", "empty file"),
        ("header_only.pdf", b"%PDF-1.7\n", ""),
        ("truncated_half.pdf", handbook[: len(handbook) // 2], ""),
        ("truncated_tail.pdf", handbook[:-200], ""),
        ("no_header.pdf", handbook[20:], "not a PDF"),
        ("docx_named.pdf", policy, "not a PDF"),
        ("text_named.pdf", b"Just some text pretending to be a PDF.", "not a PDF"),
        ("encrypted_user_password.pdf", pypdf_pdf(encrypt=("s3cret", "owner")), "encrypted PDF"),
        ("encrypted_owner_only.pdf", pypdf_pdf(encrypt=("", "owner")), "ok"),
        ("two_thousand_pages.pdf", pypdf_pdf(pages=2000), "2000 pages"),
        ("blank_scanned.pdf", pypdf_pdf(pages=3, text=False), "scanned PDF"),
        ("deeply_nested.pdf", raw_pdf([nested, b"<< /Type /Pages /Kids [] /Count 0 >>"]), ""),
        ("flate_bomb.pdf", text_page_pdf(bomb_stream, b"/Filter /FlateDecode "), ""),
        ("bad_flate.pdf", text_page_pdf(b"\x78\x9c" + garbage[:500], b"/Filter /FlateDecode "), ""),
        ("circular_pages.pdf", raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                                        b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"]), ""),
        ("lying_count.pdf", raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                                     b"<< /Type /Pages /Kids [] /Count 999999999 >>"]), ""),
        ("huge_length.pdf", text_page_pdf(b"BT (x) Tj ET").replace(b"/Length 12", b"/Length 999999999999"), ""),
        ("garbage_after_header.pdf", b"%PDF-1.4\n" + garbage, ""),
        ("missing_root.pdf", raw_pdf([b"<< /Type /Font >>"], root=7), ""),
        ("javascript_action.pdf", hello_pdf().replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction "
                                                       b"<< /S /JavaScript /JS (app.alert(1)) >>"), "ok"),
        ("valid_upper.PDF", hello_pdf(), "ok"),
        ("unicode_name_\u202egpj.pdf", hello_pdf("Unicode file name control document."), "ok"),
        # DOCX
        ("empty.docx", b"", "empty file"),
        ("truncated.docx", policy[: len(policy) // 2], ""),
        ("pdf_named.docx", handbook, "not a zip"),
        ("text_named.docx", b"plain words, not a Word file", "not a zip"),
        ("ole_legacy.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + garbage[:4096], "not a zip"),
        ("zip_bomb.docx", zip_bomb_docx(300), "decompression bomb"),
        ("ratio_bomb.docx", zip_bomb_docx(20), "decompression bomb"),
        ("many_entries.docx", many_entries_docx(3000), "entries"),
        ("overlap_bomb.docx", overlapping_zip_bomb(), "decompression bomb"),
        ("billion_laughs.docx", entity_docx("laughs"), "DTD"),
        ("xxe.docx", entity_docx("xxe"), "DTD"),
        ("late_dtd.docx", entity_docx("xxe", comment=5000), "DTD"),
        ("utf16_dtd.docx", entity_docx("xxe", encoding="UTF-16"), "DTD"),
        ("no_document_part.docx", replace_part(docx_bytes(), "word/document.xml", None), ""),
        ("empty_document_part.docx", replace_part(docx_bytes(), "word/document.xml", b""), ""),
        ("nested_tables.docx", nested_xml_docx(5000), ""),
        ("random_zip.docx", _zip({"a.txt": b"hello", "b.bin": garbage[:1000]}), ""),
        ("long_paragraph.docx", docx_bytes([words(6000)]), "ok"),
        ("valid.docx", docx_bytes(), "ok"),
        # TXT / Markdown
        ("empty.txt", b"", "empty file"),
        ("whitespace.txt", b" \n\t\r\n   \n", "empty file"),
        ("random_bytes.txt", garbage, ""),
        ("elf_named.txt", b"\x7fELF\x02\x01\x01\x00" + garbage[:4096], "binary"),
        ("png_named.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + garbage[:2048], "binary"),
        ("gzip_named.txt", b"\x1f\x8b\x08\x00" + zlib.compress(b"x" * 10000), ""),
        ("nul_sprinkled.txt", b"policy\x00text\x00" * 100, "binary"),
        ("invalid_utf8.txt", "Invalid UTF-8 control document about the canteen menu. ".encode()
         + b"\xff\xfe\xc3\x28 broken \xa0\xa1 bytes " + "more text here.".encode(), "ok"),
        ("utf16_no_bom.txt", "Das Kantinenmenü wechselt jeden Montag.".encode("utf-16-le"), ""),
        ("huge_line.txt", words(15000, seed=3).encode(), "ok"),
        ("one_giant_word.txt", b"x" * 2_000_000, "either"),
        ("slow_content.pdf", text_page_pdf(zlib.compress(b"BT /F1 12 Tf " + b"(a) Tj 1 0 Td " * 2_000_000
                                                         + b"ET", 9), b"/Filter /FlateDecode "), "either"),
        ("many_lines.md", b"\n".join(b"- item %d" % i for i in range(20000)), "ok"),
        ("nested_headings.md", b"\n".join(b"#" * (1 + i % 6) + b" Heading %d\ntext %d" % (i, i)
                                          for i in range(3000)), "ok"),
        ("ansi_escapes.txt", b"\x1b[31mRed alert\x1b[0m: the fire drill is on Friday.\r\n", "ok"),
        ("bidi_controls.txt", "The \u202eexit door\u202c is on the left.".encode(), "ok"),
        # page images (read by OCR)
        ("pixel_bomb.png", png_header(200_000, 200_000), "decompression bomb"),
        ("truncated.png", png_page()[:300], "corrupt image"),
        ("text_named.png", b"Just some text pretending to be an image.", "not a PNG"),
        ("pdf_named.jpg", handbook, "not a PNG"),
        ("blank_page.png", png_page(text=False), ""),
        # wrong or missing types
        ("program.exe", b"MZ" + garbage[:1024], "unsupported file type"),
        ("no_extension", b"plain text without an extension", "unsupported file type"),
        ("archive.zip", _zip({"x.txt": b"hi"}), "unsupported file type"),
        ("page.html", b"<html><body>hi</body></html>", "unsupported file type"),
    ]
    return files


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` x ``height`` pixels but carries almost no data."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + chunk(b"IEND", b""))


def png_page(text: bool = True) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("L", (800, 200), 255)
    if text:
        ImageDraw.Draw(image).text((20, 80), "Hostile corpus scanned page.", fill=0)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in members.items():
            out.writestr(name, data)
    return buf.getvalue()


def write_corpus(folder: Path) -> dict[str, str]:
    """Write the corpus into ``folder``; returns name -> expectation."""
    folder.mkdir(parents=True, exist_ok=True)
    expected = {}
    for name, data, expectation in corpus():
        (folder / name).write_bytes(data)
        expected[name] = expectation
    return expected


if __name__ == "__main__":  # python -m tests.hostile DIR: look at the files by hand
    import sys

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-files")
    print(len(write_corpus(target)), "files in", target, os.linesep)
