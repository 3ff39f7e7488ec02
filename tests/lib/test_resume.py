from __future__ import annotations

import io
import struct
import zipfile

import pytest

from hireloop.lib.resume import MAX_BYTES, MAX_CHARS, Extracted, ResumeError, extract

UNSUPPORTED = "Only PDF, DOCX or plain-text résumés can be uploaded."
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)


def docx(body: str, *, prolog: str = "") -> bytes:
    return archive(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "word/document.xml": (
                f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
                f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'
            ),
        }
    )


def archive(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return buffer.getvalue()


def para(*runs: str) -> str:
    return "<w:p>" + "".join(f"<w:r>{run}</w:r>" for run in runs) + "</w:p>"


@pytest.fixture(scope="module")
def pdf() -> bytes:
    from weasyprint import HTML

    html = "<p>Jane Doe Python PostgreSQL</p><p>Zürich — 10 years</p>"
    return HTML(string=html).write_pdf()


def test_pdf_text_is_extracted(pdf: bytes) -> None:
    result = extract("Jane CV.PDF", pdf)
    assert result.kind == "pdf"
    assert "Jane Doe Python PostgreSQL" in result.text
    assert "Zürich — 10 years" in result.text


@pytest.mark.parametrize("cut", [0.5, 0.1])
def test_corrupted_pdf_is_refused(pdf: bytes, cut: float) -> None:
    with pytest.raises(ResumeError, match="The PDF could not be read"):
        extract("cv.pdf", pdf[: int(len(pdf) * cut)])


def test_pdf_header_with_garbage_is_refused() -> None:
    with pytest.raises(ResumeError, match="The PDF could not be read"):
        extract("cv.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 10)


def test_docx_paragraphs_runs_and_tabs() -> None:
    body = (
        para("<w:t>Jane</w:t>", '<w:t xml:space="preserve"> Doe</w:t>')
        + para("<w:t>Backend engineer</w:t>", "<w:tab/>", "<w:t>2019-2024</w:t>")
        + para('<w:instrText xml:space="preserve"> HYPERLINK "x" </w:instrText>')
        + para("<w:t>Line</w:t>", "<w:br/>", "<w:t>break</w:t>")
        + "<w:tbl><w:tr><w:tc>"
        + para("<w:t>Python &amp; PostgreSQL</w:t>")
        + "</w:tc></w:tr></w:tbl>"
    )
    assert extract("cv.docx", docx(body)) == Extracted(
        "docx", "Jane Doe\nBackend engineer\t2019-2024\n\nLine\nbreak\nPython & PostgreSQL"
    )


def test_docx_with_doctype_is_refused() -> None:
    laughs = (
        '<!DOCTYPE w:document [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    with pytest.raises(ResumeError, match="could not be read"):
        extract("cv.docx", docx(para("<w:t>&lol2;</w:t>"), prolog=laughs))
    external = '<!DOCTYPE w:document SYSTEM "http://127.0.0.1:9/evil.dtd">'
    with pytest.raises(ResumeError, match="could not be read"):
        extract("cv.docx", docx(para("<w:t>x</w:t>"), prolog=external))


def test_malformed_docx_xml_is_refused() -> None:
    with pytest.raises(ResumeError, match="could not be read"):
        extract("cv.docx", docx("<w:p><w:t>unclosed</w:p>"))


def bomb() -> bytes:
    xml = (
        f'<w:document xmlns:w="{W_NS}"><w:body>'
        + " " * (21 * 1024 * 1024)
        + "</w:body></w:document>"
    )
    return archive({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": xml})


def test_docx_zip_bomb_is_refused() -> None:
    data = bomb()
    assert len(data) < 100_000
    with pytest.raises(ResumeError, match="too large"):
        extract("cv.docx", data)


def test_docx_that_under_declares_its_size_is_refused() -> None:
    data = bytearray(bomb())
    # Rewrite the uncompressed size in the local and central headers of document.xml to 1 KiB.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + 17] == b"word/document.xml":
                struct.pack_into("<I", data, start + offset, 1024)
            start += 4
    with pytest.raises(ResumeError):
        extract("cv.docx", bytes(data))


def test_zip_without_word_document_is_not_a_docx() -> None:
    with pytest.raises(ResumeError, match=UNSUPPORTED):
        extract("cv.docx", archive({"xl/workbook.xml": "<workbook/>"}))


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("cv.txt", "Jane Doe — Zürich, 🐍".encode(), "txt"),
        ("cv.md", "# Jane Doe — Zürich, 🐍".encode(), "txt"),
        ("cv.txt", "\ufeffJane Doe — Zürich, 🐍".encode(), "txt"),
        ("cv.txt", "\ufeffJane Doe — Zürich, 🐍".encode("utf-16-le"), "txt"),
        ("cv.txt", "\ufeffJane Doe — Zürich, 🐍".encode("utf-16-be"), "txt"),
    ],
)
def test_plain_text_encodings(name: str, data: bytes, kind: str) -> None:
    result = extract(name, data)
    assert result.kind == kind
    assert result.text.removeprefix("# ") == "Jane Doe — Zürich, 🐍"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
        b"Jane\x00Doe",
        "Jane Doe".encode("utf-16-le"),  # no BOM
        "Jane Doe".encode("latin-1") + b"\xe9",
        "Zürich".encode("utf-32"),
    ],
)
def test_binary_or_unknown_text_is_refused(data: bytes) -> None:
    with pytest.raises(ResumeError, match=UNSUPPORTED):
        extract("cv.txt", data)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("cv.docx", "pdf"),
        ("cv.txt", "pdf"),
        ("cv.pdf", "docx"),
        ("cv.txt", "docx"),
        ("cv.pdf", "txt"),
        ("cv.docx", "txt"),
        ("cv.rtf", "txt"),
        ("cv", "txt"),
        ("cv.pdf.exe", "pdf"),
    ],
)
def test_extension_must_match_content(name: str, kind: str, pdf: bytes) -> None:
    data = {"pdf": pdf, "docx": docx(para("<w:t>x</w:t>")), "txt": b"plain text"}[kind]
    with pytest.raises(ResumeError, match=UNSUPPORTED):
        extract(name, data)


def test_empty_file_is_refused() -> None:
    with pytest.raises(ResumeError, match="empty"):
        extract("cv.txt", b"")


def test_size_limit() -> None:
    assert len(extract("cv.txt", b"a" * MAX_BYTES).text) == MAX_CHARS
    with pytest.raises(ResumeError, match=r"^The file is larger than 5 MB\.$"):
        extract("cv.txt", b"a" * (MAX_BYTES + 1))


def test_whitespace_is_normalised() -> None:
    raw = "  Jane   Doe \r\n\r\n\r\n\r\nRole \t  2019\x1b\x0b2024\n \n\t\nEnd  \n\n"
    assert extract("cv.txt", raw.encode()).text == "Jane Doe\n\nRole\t2019 2024\n\nEnd"


def test_text_is_capped() -> None:
    text = extract("cv.txt", ("word " * 100_000).encode()).text
    assert len(text) == MAX_CHARS - 1  # the cut lands on a space, which is stripped
    assert text.startswith("word word")


def test_resume_error_is_a_value_error() -> None:
    assert issubclass(ResumeError, ValueError)
