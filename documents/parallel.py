"""Render a long document in parts laid out side by side, then number its pages.

WeasyPrint's cost grows with the text (about 15-25 ms of CPU per Gold Book
row), all of it in one process. A long document is cut into parts, each a
complete HTML document (the first with the header, the last with the signature,
each with its own headings); Django renders them in this process
(cheap) and child processes lay each out to PDF, one part each, side by side on
the machine's cores. Once every part is laid out, the parent knows where each
part's pages fall in the whole and sends each child the HTML of its page numbers
("Trang x/y", running on across the parts); the child lays those pages over its
own, and the parent joins the numbered parts with pypdf.

The children are started with "spawn", never "fork": the web and worker
processes hold threads and connections that a forked copy must not inherit.
They do not start Django: the parent gives them the map of static files they
may load (documents.fetching keeps the checks of every URL). Start-up costs a
child about half a second of CPU (Python, WeasyPrint, the stylesheet and its
fonts), on a two-core machine under load about 1.5 s of wall time; the children
are started before the templates are rendered so that this overlaps the
parent's own work. No pool is kept alive between prints: the parts are used only
for prints of hundreds of rows (several seconds), a kept pool would hold about
60 MB per idle child (measured) in every web and worker process for prints that
come a few times a day, and a fresh child never carries a previous print's state.

A failed child, one that dies, or one past the timeout ends the print with
PartsPrintError (the other children are stopped); nothing waits forever. The
whole print (render_pdf_in_parts) has the time limit of a print
(documents.time_limit): past it, PrintTimeLimitError says so to the person.
"""

import contextlib
import io
import logging
import multiprocessing
import time
from collections.abc import Callable, Iterable
from multiprocessing.connection import wait

from documents import assets, chunk_worker, time_limit
from documents.fetching import allowed_type

log = logging.getLogger(__name__)
# The pages the children lay out are logged here as WeasyPrint logs its own, for
# the progress of a print job (jobs.services.Progress.counting_pages).
PROGRESS = logging.getLogger("weasyprint.progress")


class PartsPrintError(RuntimeError):
    """A part of a document could not be laid out (failed, died, too slow)."""


class PartsTimeoutError(PartsPrintError):
    """A part of a document was not laid out within the timeout."""


def split_evenly(rows: list, parts: int, weight: Callable | None = None) -> list[list]:
    """Cut rows into at most `parts` runs in order, of about equal weight (a row's
    weight is weight(row), 1 by default), none empty."""
    parts = max(1, min(parts, len(rows)))
    weights = [max(weight(row), 1) if weight else 1 for row in rows]
    total = sum(weights)
    runs, current, done = [], [], 0
    for index, (row, row_weight) in enumerate(zip(rows, weights, strict=True)):
        current.append(row)
        done += row_weight
        left_rows = len(rows) - index - 1
        left_runs = parts - len(runs) - 1
        if left_runs and (
            done >= total * (len(runs) + 1) / parts or left_rows == left_runs
        ):
            runs.append(current)
            current = []
    runs.append(current)
    return [run for run in runs if run]


def render_parts(
    make_parts: Callable[[int], Iterable[str]],
    *,
    processes: int,
    timeout: float,
    numbers: Callable[[int, int, int], str] | None = None,
    extra_css: str = "",
    stylesheet: str = assets.PRINT_STYLESHEET,
    facts: dict | None = None,
) -> list[bytes]:
    """Lay out the HTML documents make_parts(processes) yields (at most
    `processes` of them), each in a child process, and return their PDFs.

    The children start first and load WeasyPrint while make_parts runs. With
    `numbers`, once every part is laid out each child lays the pages of the HTML
    document numbers(first page, its pages, all pages) over its own (the page
    numbers, running on across the parts). Raises PartsPrintError when a child
    fails, dies or is not done within `timeout` seconds. `facts`, when given,
    receives the children's timings.
    """
    context = multiprocessing.get_context("spawn")
    files = assets.static_file_map(allowed_type)
    children = []
    try:
        for _ in range(processes):
            ours, theirs = context.Pipe()
            child = context.Process(
                target=chunk_worker.serve,
                args=(theirs, stylesheet, files),
                daemon=True,
                name="document-part",
            )
            child.start()
            theirs.close()
            children.append((child, ours))
        deadline = time.monotonic() + timeout
        # Each part goes to its child as soon as it is rendered, so that the
        # first child lays out while the next part's template is rendered. A
        # child takes it once ready (it says so): a send never waits on a child
        # that is stuck starting.
        sent = 0
        rendering = 0.0
        started = time.perf_counter()
        for html in make_parts(processes):
            rendering += time.perf_counter() - started
            if sent == processes:
                raise ValueError(f"More parts than the {processes} processes")
            child, conn = children[sent]
            _next_answer({sent: (child, conn)}, deadline, timeout, expect="ready")
            # As UTF-8 bytes: Django's safe strings would bring Django into the child.
            conn.send((html.encode(), extra_css))
            sent += 1
            started = time.perf_counter()
        if not sent:
            raise ValueError("A document of no parts")
        for _child, conn in children[sent:]:
            with contextlib.suppress(OSError):
                conn.send(None)
        if facts is not None:
            facts["html_seconds"] = rendering
        working = children[:sent]
        pages = _collect(working, "laid", deadline, timeout)
        started = time.perf_counter()
        first = 1
        for (_child, conn), count in zip(working, pages, strict=True):
            overlay = numbers(first, count, sum(pages)) if numbers else None
            conn.send(overlay.encode() if overlay is not None else None)
            first += count
        if facts is not None:
            facts["numbers_seconds"] = time.perf_counter() - started
        return _collect(working, "ok", deadline, timeout, facts)
    finally:
        for child, conn in children:
            if child.is_alive():
                child.terminate()
            child.join(5)
            conn.close()


def _next_answer(pending: dict, deadline: float, timeout: float, expect=None):
    """The next message of one of the pending children, as (index, status,
    payload, facts); raises PartsPrintError when a child failed or stopped, or
    at the deadline. With `expect`, waits for that status from the only child."""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise PartsTimeoutError(
                f"A part of the document was not laid out within {timeout:.0f} s."
            )
        waiting = {}
        for index, (child, conn) in pending.items():
            waiting[conn] = index
            waiting[child.sentinel] = index
        for ready in wait(list(waiting), timeout=left):
            index = waiting[ready]
            child, conn = pending[index]
            try:
                answer = conn.recv() if conn.poll() else None
            except (EOFError, OSError):
                answer = None
            if answer is None:
                if child.is_alive():
                    continue
                raise PartsPrintError(
                    f"The process laying out part {index + 1} of the document "
                    f"stopped (exit code {child.exitcode})."
                )
            status, payload, facts = answer
            if status == "error":
                raise PartsPrintError(
                    f"Part {index + 1} of the document failed: {payload}"
                )
            if expect is None or status == expect:
                return index, status, payload, facts


def _collect(children, status: str, deadline, timeout, facts=None) -> list:
    """Every child's next answer of this status ("laid": its page count; "ok":
    its PDF), in the children's order; the children's pages laid out so far are
    logged as they come."""
    results: list = [None] * len(children)
    pending = dict(enumerate(children))
    laid = [0] * len(children)
    while pending:
        index, answer, payload, child_facts = _next_answer(pending, deadline, timeout)
        if answer == "page":
            laid[index] = payload
            PROGRESS.info(chunk_worker.PAGE_LINE, sum(laid))
            continue
        if answer != status:
            raise PartsPrintError(
                f"Part {index + 1} of the document answered {answer!r}, not {status!r}."
            )
        results[index] = payload
        del pending[index]
        if status == "ok":
            if child_facts["refused"]:
                log.warning(
                    "A document part asked for files outside the static files: %s",
                    ", ".join(child_facts["refused"]),
                )
            if facts is not None:
                facts.setdefault("parts", []).append({"index": index, **child_facts})
    return results


def join(parts: list[bytes]) -> bytes:
    """The PDFs one after the other, with the first one's metadata; identical
    objects (the fonts' shared parts, the page numbers' font) kept once."""
    from pypdf import PdfReader, PdfWriter

    if len(parts) == 1:
        return parts[0]
    writer = PdfWriter()
    readers = [PdfReader(io.BytesIO(part)) for part in parts]
    for reader in readers:
        writer.append(reader)
    if readers[0].metadata:
        writer.add_metadata(
            {key: str(value) for key, value in readers[0].metadata.items()}
        )
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render_pdf_in_parts(
    make_parts: Callable[[int], Iterable[str]],
    numbers: Callable[[int, int, int], str],
    *,
    processes: int,
    timeout: float | None = None,
    extra_css: str = "",
    facts: dict | None = None,
) -> bytes:
    """The whole document: its parts laid out side by side, each with its page
    numbers (render_parts), joined. The children have `timeout` seconds (by
    default the time limit of a print, time_limit.seconds()); the whole print a
    little more, for the parent's own work. Past either, PrintTimeLimitError."""
    timeout = timeout or time_limit.seconds()
    try:
        # The children's deadline comes first: render_parts stops them then.
        with time_limit.enforced(timeout + GRACE_SECONDS):
            parts = render_parts(
                make_parts,
                processes=processes,
                timeout=timeout,
                numbers=numbers,
                extra_css=extra_css,
                facts=facts,
            )
            started = time.perf_counter()
            pdf = join(parts)
    except PartsTimeoutError as error:
        raise time_limit.PrintTimeLimitError(timeout) from error
    if facts is not None:
        facts["join_seconds"] = time.perf_counter() - started
    return pdf


# What the parent may take beyond its children's timeout (joining the parts).
GRACE_SECONDS = 5
