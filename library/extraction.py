"""Reading the text of a PDF or DOCX, run in a child process with a memory and CPU bound.

``library.services.extract_text`` starts ``python -m library.extraction`` for
each PDF or DOCX: the child lowers its own limits (``resource.setrlimit``:
address space and CPU seconds) before it reads anything, reads the file from
its standard input and writes ``{"text": ..., "pages": ...}`` as JSON. A file
that makes pypdf or python-docx run away kills the child, not the worker (or
the web process in the embedded mode, where tasks run eagerly).

Plain Python on purpose: no Django here (the child does not set it up), only
pypdf and python-docx.
"""

from __future__ import annotations

import io
import json
import sys
import warnings


def extract_text(data: bytes, extension: str, *, max_chars: int) -> tuple[str, int | None]:
    """The text of a PDF or DOCX and its page count (None for a DOCX); "" for other types."""
    if extension == ".pdf":
        return pdf_text(data, max_chars=max_chars)
    if extension == ".docx":
        return docx_text(data), None
    return "", None


def pdf_text(data: bytes, *, max_chars: int) -> tuple[str, int]:
    from pypdf import PdfReader

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pypdf warns about fixable damage
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            reader.decrypt("")
        pages = len(reader.pages)
        parts, total = [], 0
        for page in reader.pages:
            part = page.extract_text() or ""
            parts.append(part)
            total += len(part) + 1
            if total >= max_chars:
                break
    return "\n".join(parts), pages


def docx_text(data: bytes) -> str:
    import docx

    word = docx.Document(io.BytesIO(data))
    parts = [paragraph.text for paragraph in word.paragraphs]
    for table in word.tables:
        for row in table.rows:
            cells, seen = [], set()
            for cell in row.cells:  # a merged cell comes once per grid column
                if id(cell._tc) not in seen:
                    seen.add(id(cell._tc))
                    cells.append(cell.text)
            parts.append("\t".join(cells))
    return "\n".join(part for part in parts if part)


def limit_resources(*, memory_bytes: int, cpu_seconds: int) -> None:
    """Lower this process's address space and CPU time (where the system has ``resource``)."""
    try:
        import resource
    except ImportError:  # not a Unix system: the parent's wall-clock timeout still holds
        return
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    if cpu_seconds > 0:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))


def main(argv: list[str] | None = None) -> int:
    """``python -m library.extraction EXTENSION MEMORY_BYTES CPU_SECONDS MAX_CHARS`` < file."""
    extension, memory_bytes, cpu_seconds, max_chars = (argv or sys.argv[1:])[:4]
    limit_resources(memory_bytes=int(memory_bytes), cpu_seconds=int(cpu_seconds))
    data = sys.stdin.buffer.read()
    text, pages = extract_text(data, extension, max_chars=int(max_chars))
    sys.stdout.write(json.dumps({"text": text[: int(max_chars)], "pages": pages}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
