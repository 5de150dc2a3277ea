"""Checks on an uploaded file by its content, before anything is stored.

The library (documents) and the expert network (CVs) both use them; they live
in core so that neither imports the other.

``validate_upload`` takes the uploaded file (any Django ``File``) and answers
with its safe original name and its content type, or raises ``UploadRefused``
with a message a person can read. It trusts neither the name nor the browser's
content type: the extension must be on the allowlist *and* the bytes must be
what the extension says (a PDF header, the right parts of an Office or
OpenDocument ZIP, UTF-8 text). HTML and SVG are refused under any name, and a
PDF that carries script, launch actions or embedded files is refused too.

Hostile files are refused as well: archives whose directory says they would
unpack past the bounds (``check_archive_bounds``, judged before anything is
unpacked), PDF/HTML polyglots (a header not at offset 0, markup in the first
kilobyte), and Office or OpenDocument files with macros, embedded objects or
programs, external links other than hyperlinks, or HTML altChunks.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from rtcm.core.errors import DomainError

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
EPUB = "application/epub+zip"
TXT = "text/plain; charset=utf-8"

# Extension → the content type the file is served with.
ALLOWED_TYPES: dict[str, str] = {
    ".pdf": PDF,
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".pptx": PPTX,
    ".odt": ODT,
    ".epub": EPUB,
    ".txt": TXT,
}
# Office Open XML: the folder of the main part each kind must have.
OOXML_MAIN_FOLDER = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}
# OpenDocument and EPUB: what their first member, ``mimetype``, must hold.
ZIP_MIMETYPE = {".odt": ODT.encode(), ".epub": EPUB.encode()}
# What ``filetype`` may call a file of each extension (a ZIP-based format may be
# seen as a plain ZIP: its structure is checked here anyway).
COMPATIBLE_GUESSES = {
    ".pdf": {"pdf"},
    ".docx": {"docx", "zip"},
    ".xlsx": {"xlsx", "zip"},
    ".pptx": {"pptx", "zip"},
    ".odt": {"odt", "zip"},
    ".epub": {"epub", "zip"},
}
# Archives (the ZIP-based formats) are judged by their directory before anything
# is unpacked: the total unpacked size, the number of members and the compression
# ratio are bounded by settings (``RTCM_UPLOAD_ARCHIVE_*``). zipfile never unpacks
# a member past the size its directory declares, so the bound holds for whoever
# reads the file later (the text extraction checks it again). The ratio is only
# judged once a member (or the whole) unpacks to more than this: tiny members
# of a real document often compress far better than 100 to 1.
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
# Office and OpenDocument files are only ever stored or deflated; other methods
# (bzip2, LZMA) are unpacked by zipfile without an output bound per read.
ZIP_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
# Largest XML part read to look for macros and links ([Content_Types].xml, *.rels).
MAX_XML_PART_BYTES = 10 * 1024 * 1024
# Markup a browser would render, looked for in the first kilobyte of a PDF or an
# archive (a polyglot: a file that is a PDF and a web page at once).
POLYGLOT_WINDOW = 1024
POLYGLOT_MARKERS = (
    b"<html",
    b"<head",
    b"<body",
    b"<script",
    b"<!doctype",
    b"<svg",
    b"<iframe",
    b"<object",
    b"<embed",
)
# Office Open XML parts and content types that mean macros, ActiveX controls,
# embedded (OLE) objects or executables.
OOXML_MACRO_NAMES = ("vbaproject.bin", "vbadata.xml")
OOXML_MACRO_FOLDERS = ("xl/macrosheets/", "xl/dialogsheets/")
OOXML_MACRO_TYPES = ("macroenabled", "vbaproject", "vbadata", "macrosheet", "activex")
OOXML_EMBEDDED_FOLDERS = ("/embeddings/", "/activex/")
OOXML_EMBEDDED_TYPES = ("oleobject", "x-msdownload", "x-msdos-program")
EXECUTABLE_EXTENSIONS = frozenset(
    [
        ".exe",
        ".dll",
        ".com",
        ".scr",
        ".pif",
        ".bat",
        ".cmd",
        ".msi",
        ".ps1",
        ".vbs",
        ".vbe",
        ".js",
        ".jse",
        ".wsf",
        ".hta",
        ".jar",
        ".lnk",
        ".sh",
        ".elf",
        ".so",
        ".dylib",
        ".app",
        ".cpl",
    ]
)
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")
# Relationship types (the end of their URI) that load content into the document.
ALT_CHUNK_RELATIONSHIP = "/afchunk"
HYPERLINK_RELATIONSHIP = "/hyperlink"
RELS_NAME = re.compile(r"(^|/)_rels/[^/]*\.rels$", re.IGNORECASE)
OOXML_EXTERNAL_DATA = ("xl/connections.xml", "xl/externallinks/")

# Markup a browser would render: refused whatever the file is called.
MARKUP_MARKERS = (
    b"<html",
    b"<!doctype html",
    b"<svg",
    b"<script",
    b"<head",
    b"<body",
    b"<iframe",
    b"http://www.w3.org/1999/xhtml",
    b"http://www.w3.org/2000/svg",
)
# Bidirectional controls can make "exe.pdf" display as "fdp.exe" and the like.
BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# A PDF name token: "/JS" followed by a delimiter, whitespace or the end.
PDF_ACTIVE_NAMES = re.compile(
    rb"/(JS|JavaScript|Launch|EmbeddedFiles?|GoToE)(?=[\s()<>\[\]{}/%]|$)"
)
MAX_PDF_NODES = 200_000  # outline items and form fields walked at most

JAVASCRIPT, LAUNCH, EMBEDDED = "javascript", "launch", "embedded"
PDF_PROBLEMS = {
    JAVASCRIPT: _("This PDF contains JavaScript (or a form script), which is not allowed."),
    LAUNCH: _("This PDF contains an action that launches a program, which is not allowed."),
    EMBEDDED: _("This PDF contains embedded files, which are not allowed."),
}


class UploadRefused(DomainError):
    """The uploaded file may not go into the library."""

    default_message = _("This file cannot be added to the library.")
    status_code = 400
    code = "upload_refused"
    field = "file"


def allowed_extensions_text(extensions: Iterable[str] | None = None) -> str:
    return ", ".join(ext.lstrip(".").upper() for ext in extensions or ALLOWED_TYPES)


def validate_upload(
    uploaded_file,
    *,
    extensions: Iterable[str] | None = None,
    max_bytes: int | None = None,
) -> tuple[str, str]:
    """The file's safe original name and its content type, or ``UploadRefused``.

    ``extensions`` narrows the allowlist (an expert's CV takes PDF, DOCX and
    ODT only) and ``max_bytes`` sets the limit (by default the library's,
    ``RTCM_LIBRARY_MAX_UPLOAD_BYTES``); every other check is the same. Reads
    the whole file (it is at most the limit) and leaves it rewound for whoever
    stores it.
    """
    allowed = [ext for ext in ALLOWED_TYPES if extensions is None or ext in extensions]
    name = safe_file_name(getattr(uploaded_file, "name", "") or "")
    extension = PurePath(name).suffix.lower()
    if extension not in allowed:
        raise UploadRefused(
            _("Files of this type are not accepted. Allowed types: %(types)s.")
            % {"types": allowed_extensions_text(allowed)}
        )
    limit = max_bytes if max_bytes is not None else settings.RTCM_LIBRARY_MAX_UPLOAD_BYTES
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise _too_large(limit)
    data = _read_all(uploaded_file, limit)
    if not data:
        raise UploadRefused(_("The file is empty."))
    if len(data) > limit:
        raise _too_large(limit)
    if looks_like_markup(data):
        raise UploadRefused(_("HTML and SVG files are not accepted, whatever their name."))
    if extension != ".txt" and has_markup_near_start(data):
        raise UploadRefused(POLYGLOT_REFUSED)
    if extension == ".txt":
        _check_text(data)
    elif extension == ".pdf":
        _check_pdf(data)
    else:
        _check_zip_document(data, extension)
    return name, ALLOWED_TYPES[extension]


def safe_file_name(raw: str) -> str:
    """``raw`` in NFC, trimmed; refused when it has path parts or control characters."""
    name = unicodedata.normalize("NFC", str(raw)).strip()
    if not name:
        raise UploadRefused(_("The file has no name."))
    # "Cc" covers NUL, newlines and the other C0/C1 controls.
    if any(unicodedata.category(char) == "Cc" or char in BIDI_CONTROLS for char in name):
        raise UploadRefused(_("The file name contains control characters: please rename it."))
    if "/" in name or "\\" in name or ".." in name:
        raise UploadRefused(
            _("The file name must not contain a path (“/”, “\\” or “..”): please rename it.")
        )
    if len(name) > 255:
        raise UploadRefused(_("The file name is longer than 255 characters: please shorten it."))
    return name


def looks_like_markup(data: bytes) -> bool:
    """HTML, XHTML or SVG (what a browser would render or run scripts in)."""
    head = data[:4096]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    head = head.lstrip().lower()
    return head.startswith(b"<") and any(marker in head for marker in MARKUP_MARKERS)


def has_markup_near_start(data: bytes) -> bool:
    """HTML tags in the first kilobyte: a PDF or archive that a browser could also render."""
    head = data[:POLYGLOT_WINDOW].lower()
    return any(marker in head for marker in POLYGLOT_MARKERS)


def _too_large(limit: int) -> UploadRefused:
    return UploadRefused(
        _("The file is larger than the limit of %(limit)s.") % {"limit": filesizeformat(limit)}
    )


def _read_all(uploaded_file, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of the file (enough to tell it is too large)."""
    uploaded_file.seek(0)
    chunks, total = [], 0
    for chunk in uploaded_file.chunks():
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            break
    uploaded_file.seek(0)
    return b"".join(chunks)


def _mismatch(data: bytes, extension: str) -> UploadRefused:
    guess = filetype.guess(data[:8192])
    if guess is not None and guess.extension not in COMPATIBLE_GUESSES.get(extension, ()):
        return UploadRefused(
            _(
                "The content of this file does not match its extension “%(extension)s”: "
                "its content is of type %(kind)s (%(mime)s)."
            )
            % {"extension": extension, "kind": guess.extension.upper(), "mime": guess.mime}
        )
    return UploadRefused(
        _("The content of this file does not match its extension “%(extension)s”.")
        % {"extension": extension}
    )


def _check_text(data: bytes) -> None:
    if b"\x00" in data:
        raise UploadRefused(_("This is not a text file: it contains binary data."))
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UploadRefused(
            _("A .txt file must be plain text encoded as UTF-8; this one is not.")
        ) from error


def _damaged(extension: str) -> UploadRefused:
    return UploadRefused(
        _("This %(extension)s file is damaged and cannot be read.") % {"extension": extension}
    )


MACROS_REFUSED = _("Documents with macros are not accepted.")
EMBEDDED_REFUSED = _(
    "Documents with embedded programs or objects (OLE objects, ActiveX controls, other files "
    "inside the document) are not accepted: remove them, or save the document as PDF."
)
EXTERNAL_REFUSED = _(
    "Documents that load content from elsewhere (an attached template, a linked object, "
    "frame or picture, external data) are not accepted: remove those links (ordinary "
    "hyperlinks are fine) and try again."
)
ALT_CHUNK_REFUSED = _(
    "Documents with imported HTML or other foreign content (“alternative format” chunks) "
    "are not accepted: paste the content as ordinary text and try again."
)
POLYGLOT_REFUSED = _(
    "This file also contains web page markup (HTML) at its start, so a browser could run it "
    "as a page: it is not accepted."
)


def check_archive_bounds(data: bytes, *, extension: str = ".zip") -> list[zipfile.ZipInfo]:
    """The archive's members, or ``UploadRefused`` when unpacking it would be out of bounds.

    Reads only the ZIP directory, nothing is unpacked: refused when it holds more
    than ``RTCM_UPLOAD_ARCHIVE_MAX_MEMBERS`` members (or two with one name), would
    unpack to more than ``RTCM_UPLOAD_ARCHIVE_MAX_UNCOMPRESSED_BYTES``, compresses
    a member or the whole better than ``RTCM_UPLOAD_ARCHIVE_MAX_RATIO`` to 1, or
    uses a compression method other than stored or deflated. The library's text
    extraction calls it again before reading a stored document.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise _damaged(extension) from error
    too_much = UploadRefused(
        _(
            "This file unpacks to far more data than a document holds "
            "(a “zip bomb”): it is not accepted."
        )
    )
    if len(members) > settings.RTCM_UPLOAD_ARCHIVE_MAX_MEMBERS:
        raise UploadRefused(
            _("This file holds more than %(count)s parts, far more than a document has.")
            % {"count": settings.RTCM_UPLOAD_ARCHIVE_MAX_MEMBERS}
        )
    max_ratio = settings.RTCM_UPLOAD_ARCHIVE_MAX_RATIO
    total = total_compressed = 0
    for member in members:
        if member.compress_type not in ZIP_METHODS:
            raise _damaged(extension)
        if member.flag_bits & 0x1:
            raise UploadRefused(
                _("Password-protected documents cannot be checked: please upload it unprotected.")
            )
        total += member.file_size
        total_compressed += member.compress_size
        if total > settings.RTCM_UPLOAD_ARCHIVE_MAX_UNCOMPRESSED_BYTES:
            raise too_much
        if member.file_size > RATIO_CHECKED_FROM_BYTES and (
            member.file_size > max_ratio * member.compress_size
        ):
            raise too_much
    if total > RATIO_CHECKED_FROM_BYTES and total > max_ratio * total_compressed:
        raise too_much
    if len({member.filename for member in members}) != len(members):
        raise _damaged(extension)  # one name twice: readers disagree on which is the part
    return members


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, extension: str) -> bytes:
    """A member's bytes (bounded by the directory, checked before); damaged → refused."""
    try:
        with archive.open(member) as handle:
            return handle.read(member.file_size + 1)
    except Exception as error:  # BadZipFile, a bad CRC, zlib.error on a forged stream
        raise _damaged(extension) from error


def _member_head(archive: zipfile.ZipFile, member: zipfile.ZipInfo, extension: str) -> bytes:
    """The first bytes of a member (enough for a file signature), unpacking no more."""
    try:
        with archive.open(member) as handle:
            return handle.read(8)
    except Exception as error:  # a forged or unsupported stream
        raise _damaged(extension) from error


def _xml_attributes(data: bytes, extension: str) -> list[dict[str, str]]:
    """The attributes of every element of an XML part (no DTD, entities or network)."""
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise _damaged(extension) from error
    return [dict(element.attrib) for element in root.iter() if element.attrib]


def _check_members_not_executable(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], extension: str
) -> None:
    for member in members:
        if member.is_dir():
            continue
        if PurePath(member.filename.lower()).suffix in EXECUTABLE_EXTENSIONS:
            raise UploadRefused(EMBEDDED_REFUSED)
        if member.file_size >= 2 and _member_head(archive, member, extension).startswith(
            EXECUTABLE_MAGIC
        ):
            raise UploadRefused(EMBEDDED_REFUSED)


def _check_ooxml_parts(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], extension: str
) -> None:
    """Macros, embedded objects, external links and altChunks of a DOCX, XLSX or PPTX."""
    by_name = {member.filename: member for member in members}
    lowered = [name.lower() for name in by_name]
    if any(
        name.endswith(OOXML_MACRO_NAMES) or name.startswith(OOXML_MACRO_FOLDERS) for name in lowered
    ):
        raise UploadRefused(MACROS_REFUSED)
    if any(folder in f"/{name}" for name in lowered for folder in OOXML_EMBEDDED_FOLDERS):
        raise UploadRefused(EMBEDDED_REFUSED)
    if any(name.startswith(OOXML_EXTERNAL_DATA) for name in lowered):
        raise UploadRefused(EXTERNAL_REFUSED)
    _check_members_not_executable(archive, members, extension)
    for member in members:
        if member.file_size > MAX_XML_PART_BYTES and (
            member.filename == "[Content_Types].xml" or RELS_NAME.search(member.filename)
        ):
            raise _damaged(extension)
    present_extensions = {PurePath(name).suffix.lstrip(".") for name in lowered}
    for attributes in _xml_attributes(
        _read_member(archive, by_name["[Content_Types].xml"], extension), extension
    ):
        content_type = attributes.get("ContentType", "").lower()
        if "Extension" in attributes and attributes["Extension"].lower() not in present_extensions:
            continue  # a default for files the package does not have
        if any(marker in content_type for marker in OOXML_MACRO_TYPES):
            raise UploadRefused(MACROS_REFUSED)
        if any(marker in content_type for marker in OOXML_EMBEDDED_TYPES):
            raise UploadRefused(EMBEDDED_REFUSED)
    for member in members:
        if not RELS_NAME.search(member.filename):
            continue
        for attributes in _xml_attributes(_read_member(archive, member, extension), extension):
            kind = attributes.get("Type", "").lower()
            if kind.endswith(ALT_CHUNK_RELATIONSHIP):
                raise UploadRefused(ALT_CHUNK_REFUSED)
            external = attributes.get("TargetMode", "").lower() == "external"
            if external and not kind.endswith(HYPERLINK_RELATIONSHIP):
                raise UploadRefused(EXTERNAL_REFUSED)
            if "oleobject" in kind or kind.endswith("/package"):
                raise UploadRefused(EMBEDDED_REFUSED)


def _check_opendocument_parts(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], extension: str
) -> None:
    """Macros, embedded OLE objects and executables of an ODT (or an EPUB's executables)."""
    names = [member.filename for member in members]
    if extension == ".odt":
        if any(n.startswith(("Basic/", "Scripts/")) for n in names):
            raise UploadRefused(MACROS_REFUSED)
        manifest = next((m for m in members if m.filename == "META-INF/manifest.xml"), None)
        if manifest is not None:
            if manifest.file_size > MAX_XML_PART_BYTES:
                raise _damaged(extension)
            for attributes in _xml_attributes(
                _read_member(archive, manifest, extension), extension
            ):
                if "oleobject" in " ".join(attributes.values()).lower():
                    raise UploadRefused(EMBEDDED_REFUSED)
    _check_members_not_executable(archive, members, extension)


def _check_zip_document(data: bytes, extension: str) -> None:
    if not data.startswith(b"PK\x03\x04"):
        raise _mismatch(data, extension)
    members = check_archive_bounds(data, extension=extension)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        _check_zip_parts(archive, members, data, extension)


def _check_zip_parts(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], data: bytes, extension: str
) -> None:
    names = [member.filename for member in members]
    if extension in OOXML_MAIN_FOLDER:
        folder = OOXML_MAIN_FOLDER[extension]
        if "[Content_Types].xml" not in names or not any(n.startswith(folder) for n in names):
            raise _mismatch(data, extension)
        _check_ooxml_parts(archive, members, extension)
        return
    first = members[0] if members else None
    if first is None or first.filename != "mimetype" or first.file_size > 100:
        raise _mismatch(data, extension)
    mimetype = _read_member(archive, first, extension).strip()
    if mimetype != ZIP_MIMETYPE[extension]:
        raise _mismatch(data, extension)
    _check_opendocument_parts(archive, members, extension)


# --- PDF ---------------------------------------------------------------------------


def _check_pdf(data: bytes) -> None:
    if not data.startswith(b"%PDF-"):
        if b"%PDF-" in data[:POLYGLOT_WINDOW]:
            raise UploadRefused(
                _(
                    "This PDF does not begin with its PDF header: something is placed before "
                    "it, as in files disguised as two formats at once. It is not accepted."
                )
            )
        raise _mismatch(data, ".pdf")
    # Cheap first: the names in the raw bytes (not those inside compressed
    # object streams, which the structural scan below reads).
    match = PDF_ACTIVE_NAMES.search(data)
    if match:
        raise UploadRefused(PDF_PROBLEMS[_problem_of_name(match.group(1))])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf warns about fixable damage
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not _decrypts_without_password(reader):
                raise UploadRefused(
                    _("Password-protected PDFs cannot be checked: please upload it unprotected.")
                )
            problem = pdf_active_content(reader)
    except UploadRefused:
        raise
    except Exception as error:  # pypdf raises many kinds on a broken file
        raise UploadRefused(
            _("This PDF is damaged and cannot be read, so it cannot be checked.")
        ) from error
    if problem:
        raise UploadRefused(PDF_PROBLEMS[problem])


def _problem_of_name(name: bytes) -> str:
    if name == b"Launch":
        return LAUNCH
    if name in (b"EmbeddedFile", b"EmbeddedFiles", b"GoToE"):
        return EMBEDDED
    return JAVASCRIPT


def _decrypts_without_password(reader: PdfReader) -> bool:
    try:
        return bool(reader.decrypt(""))
    except Exception:  # an unsupported algorithm or a broken dictionary
        return False


def _resolve(obj):
    return obj.get_object() if obj is not None else None


def _action_problem(action, depth: int = 0) -> str | None:
    """What is wrong with an action dictionary (and the actions chained after it)."""
    action = _resolve(action)
    if depth > 32 or not isinstance(action, DictionaryObject):
        return None
    kind = _resolve(action.get("/S"))
    if "/JS" in action or kind == "/JavaScript":
        return JAVASCRIPT
    if kind == "/Launch":
        return LAUNCH
    if kind == "/GoToE":
        return EMBEDDED
    following = _resolve(action.get("/Next"))
    for item in following if isinstance(following, ArrayObject) else [following]:
        problem = _action_problem(item, depth + 1)
        if problem:
            return problem
    return None


def _triggers_problem(triggers) -> str | None:
    """An additional-actions (``/AA``) dictionary: one action per trigger."""
    triggers = _resolve(triggers)
    if not isinstance(triggers, DictionaryObject):
        return None
    for action in triggers.values():
        problem = _action_problem(action)
        if problem:
            return problem
    return None


def _node_problem(node) -> str | None:
    """An annotation, form field or outline item: its ``/A`` and ``/AA`` actions."""
    node = _resolve(node)
    if not isinstance(node, DictionaryObject):
        return None
    if _resolve(node.get("/Subtype")) == "/FileAttachment":
        return EMBEDDED
    return _action_problem(node.get("/A")) or _triggers_problem(node.get("/AA"))


def _walk_linked(first, link_keys: tuple[str, ...]):
    """Dictionaries reached from ``first`` through ``link_keys`` (each once, bounded)."""
    stack, seen, steps = [first], set(), 0
    while stack and steps < MAX_PDF_NODES:
        steps += 1
        item = stack.pop()
        node = _resolve(item)
        if isinstance(node, ArrayObject):
            stack.extend(node)
            continue
        key = (item.idnum, item.generation) if hasattr(item, "idnum") else id(node)
        if key in seen or not isinstance(node, DictionaryObject):
            continue
        seen.add(key)
        yield node
        stack.extend(node.get(link) for link in link_keys if node.get(link) is not None)


def pdf_active_content(reader: PdfReader) -> str | None:
    """``JAVASCRIPT``, ``LAUNCH`` or ``EMBEDDED`` when the PDF has such content, else None.

    Looks where a viewer finds it: the catalog's name trees, its open action and
    additional actions, the form (fields and XFA), the outline, and every
    page's additional actions and annotations.
    """
    root = _resolve(reader.trailer["/Root"])
    names = _resolve(root.get("/Names"))
    if isinstance(names, DictionaryObject):
        if "/JavaScript" in names:
            return JAVASCRIPT
        if "/EmbeddedFiles" in names:
            return EMBEDDED
    problem = _action_problem(root.get("/OpenAction")) or _triggers_problem(root.get("/AA"))
    if problem:
        return problem
    form = _resolve(root.get("/AcroForm"))
    if isinstance(form, DictionaryObject):
        if "/XFA" in form:
            return JAVASCRIPT
        for field in _walk_linked(form.get("/Fields"), ("/Kids",)):
            problem = _node_problem(field)
            if problem:
                return problem
    outlines = _resolve(root.get("/Outlines"))
    if isinstance(outlines, DictionaryObject) and outlines.get("/First") is not None:
        for item in _walk_linked(outlines.get("/First"), ("/Next", "/First")):
            problem = _node_problem(item)
            if problem:
                return problem
    for page in reader.pages:
        problem = _triggers_problem(page.get("/AA"))
        if problem:
            return problem
        annotations = _resolve(page.get("/Annots"))
        for annotation in annotations if isinstance(annotations, ArrayObject) else ():
            problem = _node_problem(annotation)
            if problem:
                return problem
    return None


# --- images (decoded, re-encoded) -----------------------------------------------------

IMAGE_MAX_PIXELS = 40_000_000  # a larger image is refused before it is decoded


def image_check(
    uploaded_file,
    *,
    formats: Iterable[str],
    max_bytes: int,
    max_side: int,
    field: str,
    output_format: str = "PNG",
    max_pixels: int = IMAGE_MAX_PIXELS,
    messages: Mapping[str, str] | None = None,
) -> ContentFile:
    """The image checked by decoding it, returned re-encoded (``output_format``, at most
    ``max_side`` pixels wide and high), or ``UploadRefused`` on ``field``.

    Judged by content, never by name or browser type: a file Pillow cannot decode as
    one of ``formats`` (Pillow's names: "PNG", "JPEG" …) is refused. Re-encoding drops
    whatever else the file carried (metadata, trailing data, a polyglot's payload).
    PNG output keeps transparency. ``messages`` may word the refusals for the kind of
    image (keys ``too_large`` with ``%(limit)s``, ``empty``, ``not_image``, ``too_many_pixels``).
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    formats = frozenset(formats)
    words = {
        "too_large": _("The image is larger than the limit of %(limit)s."),
        "empty": _("The file is empty."),
        "not_image": _("This file is not an image of an accepted type (%(types)s).")
        % {"types": ", ".join(sorted(formats))},
        "too_many_pixels": _("The image has too many pixels."),
        **(messages or {}),
    }
    too_large = UploadRefused(
        words["too_large"] % {"limit": filesizeformat(max_bytes)}, field=field
    )
    if (getattr(uploaded_file, "size", 0) or 0) > max_bytes:
        raise too_large
    uploaded_file.seek(0)
    data = uploaded_file.read(max_bytes + 1)
    uploaded_file.seek(0)
    if not data:
        raise UploadRefused(words["empty"], field=field)
    if len(data) > max_bytes:
        raise too_large
    refused = UploadRefused(words["not_image"], field=field)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in formats:
                    raise refused
                if probe.width * probe.height > max_pixels:
                    raise UploadRefused(words["too_many_pixels"], field=field)
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image = ImageOps.exif_transpose(image)
                image = image.convert("RGBA" if output_format == "PNG" else "RGB")
                image.thumbnail((max_side, max_side))
                out = io.BytesIO()
                if output_format == "JPEG":
                    image.save(out, format="JPEG", quality=85, optimize=True)
                else:
                    image.save(out, format=output_format, optimize=True)
    except UploadRefused:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as error:
        raise refused from error
    return ContentFile(out.getvalue(), name=f"image.{output_format.lower()}")
