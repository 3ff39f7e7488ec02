"""Plain text from uploaded résumés, with the file type taken from its content, not its name."""

from __future__ import annotations

import io
import lzma
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal
from xml.etree.ElementTree import ParseError, XMLParser

from pypdf import PdfReader

MAX_BYTES = 5 * 1024 * 1024
MAX_DOCX_XML = 20 * 1024 * 1024
MAX_CHARS = 200_000

Kind = Literal["pdf", "docx", "txt"]
_EXTENSIONS: dict[str, Kind] = {".pdf": "pdf", ".docx": "docx", ".txt": "txt", ".md": "txt"}
_UNSUPPORTED = "Only PDF, DOCX or plain-text résumés can be uploaded."
_DOCX_BODY = "word/document.xml"
_DOCX_UNREADABLE = "The DOCX file could not be read. It may be damaged."

# What zipfile raises on damaged or hostile archives, across its compression methods.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    OSError,
    ValueError,
    EOFError,
    NotImplementedError,
    RuntimeError,
)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DOCX_MARKS = {f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n"}

# Extracted text is stored in PostgreSQL, which rejects NUL; other controls are PDF noise.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BLANKS = re.compile(r"[^\S\n]+")
_EXTRA_LINES = re.compile(r"\n{3,}")


class ResumeError(ValueError):
    """A problem with the upload itself; the message is shown to the user as is."""


@dataclass(frozen=True)
class Extracted:
    kind: Kind
    text: str


def extract(name: str, data: bytes) -> Extracted:
    if not data:
        raise ResumeError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise ResumeError("The file is larger than 5 MB.")
    kind: Kind
    reader: Callable[[bytes], str]
    if data.startswith(b"%PDF-"):
        kind, reader = "pdf", _pdf_text
    elif _is_docx(data):
        kind, reader = "docx", _docx_text
    else:
        kind, reader = "txt", _plain_text
    # A mismatch means a renamed file, which is refused rather than guessed at.
    if _EXTENSIONS.get(PurePosixPath(name).suffix.lower()) != kind:
        raise ResumeError(_UNSUPPORTED)
    return Extracted(kind, _normalise(reader(data)))


def _is_docx(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _DOCX_BODY in archive.namelist()
    except _ZIP_ERRORS:
        return False


def _plain_text(data: bytes) -> str:
    # Without a BOM, UTF-16 is indistinguishable from binary, so only BOM-marked UTF-16 is read.
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise ResumeError(_UNSUPPORTED) from None
    if "\x00" in text:
        raise ResumeError(_UNSUPPORTED)
    return text


def _pdf_text(data: bytes) -> str:
    pages: list[str] = []
    length = 0
    try:
        for page in PdfReader(io.BytesIO(data)).pages:
            pages.append(page.extract_text())
            length += len(pages[-1])
            # Later pages would be cut off anyway; stopping bounds the work on huge documents.
            if length > MAX_CHARS:
                break
    # pypdf surfaces damaged input as assorted exception types, not only PyPdfError.
    except Exception:
        raise ResumeError(
            "The PDF could not be read. It may be damaged or password-protected."
        ) from None
    return "\n".join(pages)


def _docx_text(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entry = archive.getinfo(_DOCX_BODY)
            with archive.open(entry) as stream:
                # The declared size refuses a bomb without inflating it; the bounded read covers a
                # header that under-declares.
                xml = stream.read(MAX_DOCX_XML + 1) if entry.file_size <= MAX_DOCX_XML else None
    except _ZIP_ERRORS:
        raise ResumeError(_DOCX_UNREADABLE) from None
    if xml is None or len(xml) > MAX_DOCX_XML:
        raise ResumeError("The DOCX file is too large to read.")
    # Safe without defusedxml: expat never fetches external entities and _DocxText refuses DTDs.
    parser: XMLParser[str] = XMLParser(target=_DocxText())  # noqa: S314
    try:
        parser.feed(xml)
        text = parser.close()
    except ParseError:
        raise ResumeError(_DOCX_UNREADABLE) from None
    return text


class _DocxText:
    """ElementTree parser target that keeps only visible body text, without building a tree."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._in_text = False

    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        # DOCX never needs a DTD, and refusing one rules out entity-expansion tricks entirely.
        raise ResumeError(_DOCX_UNREADABLE)

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if tag == f"{_W}t":
            self._in_text = True
        elif tag in _DOCX_MARKS:
            self._parts.append(_DOCX_MARKS[tag])

    def end(self, tag: str) -> None:
        if tag == f"{_W}t":
            self._in_text = False
        elif tag == f"{_W}p":
            self._parts.append("\n")

    def data(self, text: str) -> None:
        if self._in_text:
            self._parts.append(text)

    def close(self) -> str:
        return "".join(self._parts)


def _normalise(text: str) -> str:
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    # A run holding a tab stays a tab: it usually separates columns such as role and dates.
    text = _BLANKS.sub(lambda m: "\t" if "\t" in m[0] else " ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _EXTRA_LINES.sub("\n\n", text).strip()[:MAX_CHARS].rstrip()
