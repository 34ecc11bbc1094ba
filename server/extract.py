"""Text of uploaded documents, for search: PDF (pypdf), Word (python-docx), plain text and CSV.

Extraction never fails an upload: a damaged or encrypted document is stored all the same,
only without text. PDF and Word parsers run in a child process of their own, one per
document, under a CPU-time and address-space limit set in the child and a wall-clock
deadline kept by the server: a crafted document (a ZIP bomb, pages sharing one huge content
stream) costs at most the budget, is killed when over it, and is stored without text. The
server's event loop only waits on a pipe; the child runs at a lower scheduling priority.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import weakref
from dataclasses import dataclass
from pathlib import Path

from server import filetypes
from server.config import PROJECT_ROOT

MAX_CHARS = 1_000_000
MAX_PDF_PAGES = 500
# The child also pays for starting an interpreter and importing its parser.
WALL_FACTOR, WALL_MARGIN = 2, 5.0
log = logging.getLogger(__name__)

EXTRACTED, NO_TEXT, NOT_EXTRACTED, OVER_BUDGET = "extracted", "no_text", "not_extracted", "over_budget"


@dataclass(frozen=True)
class Budget:
    cpu_seconds: int
    memory_bytes: int
    max_inflated_bytes: int
    workers: int = 2

    @classmethod
    def from_settings(cls, settings) -> Budget:
        return cls(
            cpu_seconds=settings.extract_cpu_seconds,
            memory_bytes=settings.extract_memory_mb * 1024 * 1024,
            max_inflated_bytes=settings.extract_max_inflated_bytes,
            workers=settings.extract_workers,
        )


@dataclass(frozen=True)
class Extraction:
    text: str | None  # None: a type we do not read; "": none we could read
    status: str  # EXTRACTED, NO_TEXT, NOT_EXTRACTED or OVER_BUDGET

    @property
    def extracted(self) -> bool:
        return self.status == EXTRACTED


class OverBudget(Exception):
    """The document would cost more than the budget allows."""


# --- the parsers (run in the child) --------------------------------------------


def _pdf(path: Path, budget: Budget) -> str:
    from pypdf import PdfReader

    reader = PdfReader(path)
    if reader.is_encrypted:
        return ""
    parts, size = [], 0
    for page in reader.pages[:MAX_PDF_PAGES]:
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
        if size > MAX_CHARS:
            break
    return "\n".join(parts)


def _docx(path: Path, budget: Budget) -> str:
    import docx

    # python-docx inflates every part of the package whole: bound them before it opens one.
    try:
        with filetypes.open_zip(path) as archive:
            filetypes.check_inflated(archive, budget.max_inflated_bytes)
    except filetypes.ZipTooLarge as error:
        raise OverBudget(str(error)) from None
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _text(path: Path) -> str:
    with open(path, "rb") as handle:
        data = handle.read(MAX_CHARS * 4)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


SANDBOXED = {filetypes.PDF: _pdf, filetypes.DOCX: _docx}
IN_PROCESS = {filetypes.TEXT: _text, filetypes.CSV: _text}


def _clean(text: str) -> Extraction:
    text = text.replace("\x00", "")[:MAX_CHARS]
    return Extraction(text, EXTRACTED if text.strip() else NO_TEXT)


def _reached(memory: int) -> bool:
    """Whether this process's address space came near its limit: lxml reports a failed
    allocation as an XML syntax error, not as MemoryError."""
    try:
        with open("/proc/self/status") as status:
            peak_kib = next(int(line.split()[1]) for line in status if line.startswith("VmPeak:"))
    except (OSError, StopIteration, ValueError, IndexError):
        return False
    return peak_kib * 1024 > memory * 0.9


def _child_main(argv: list[str]) -> None:
    """`python -I -c ... ROOT CONTENT_TYPE PATH CPU MEMORY INFLATED`: limit this process, parse,
    write the status on the first line of stdout and the text after it."""
    import resource

    content_type, path, cpu, memory, inflated = argv[0], Path(argv[1]), *map(int, argv[2:5])
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    os.nice(10)
    logging.disable(logging.CRITICAL)  # parsers warn per damaged object; nobody reads the child's stderr
    budget = Budget(cpu, memory, inflated)
    try:
        status, text = "ok", SANDBOXED[content_type](path, budget)
    except (OverBudget, MemoryError, RecursionError):
        status, text = OVER_BUDGET, ""
    except Exception:  # any parser failure only means "no text", unless memory ran out
        status, text = (OVER_BUDGET if _reached(memory) else NO_TEXT), ""
    text = text.replace("\x00", "")[:MAX_CHARS]
    sys.stdout.buffer.write(status.encode() + b"\n" + text.encode("utf-8", "replace"))


_CHILD = (
    "import sys; sys.path.insert(0, sys.argv[1]); from server.extract import _child_main; _child_main(sys.argv[2:])"
)
_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


def _slot(budget: Budget) -> asyncio.Semaphore:
    # One semaphore per event loop (tests run several servers in one process).
    loop = asyncio.get_running_loop()
    if loop not in _slots:
        _slots[loop] = asyncio.Semaphore(budget.workers)
    return _slots[loop]


async def _run_child(path: Path, content_type: str, budget: Budget) -> Extraction:
    args = [content_type, str(path), str(budget.cpu_seconds), str(budget.memory_bytes), str(budget.max_inflated_bytes)]
    # -I: no environment variables, no user site, no current directory on the path; and a
    # bare environment, so a parser that is made to misbehave has no secret to read.
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-I",
        "-c",
        _CHILD,
        str(PROJECT_ROOT),
        *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"},
    )
    try:
        deadline = budget.cpu_seconds * WALL_FACTOR + WALL_MARGIN
        output, _ = await asyncio.wait_for(process.communicate(), deadline)
    except TimeoutError:
        log.warning("text extraction of a %s upload passed its wall-clock deadline; killed", content_type)
        return Extraction("", OVER_BUDGET)
    finally:
        if process.returncode is None:  # timed out, or the request was cancelled
            process.kill()
            await process.wait()
    status, _, body = output.partition(b"\n")
    if process.returncode > 0:  # the worker itself failed (a budget too small to start in?)
        log.error("the text extraction worker exited with status %s", process.returncode)
        return Extraction("", NO_TEXT)
    if process.returncode < 0 or status == OVER_BUDGET.encode():
        # Killed by SIGXCPU/SIGKILL at the CPU limit, by a signal, or out of address space.
        log.warning("text extraction of a %s upload went over its budget (exit %s)", content_type, process.returncode)
        return Extraction("", OVER_BUDGET)
    if status != b"ok":
        log.warning("could not extract text from a %s upload", content_type)
        return Extraction("", NO_TEXT)
    return _clean(body.decode("utf-8", "replace"))


async def extract(path: Path, content_type: str, budget: Budget) -> Extraction:
    """The document's text (at most MAX_CHARS) and how its extraction went."""
    if content_type in IN_PROCESS:
        # Decoding at most 4 MB is bounded and runs at C speed.
        return _clean(await asyncio.to_thread(IN_PROCESS[content_type], path))
    if content_type not in SANDBOXED:
        return Extraction(None, NOT_EXTRACTED)
    async with _slot(budget):
        return await _run_child(path, content_type, budget)
