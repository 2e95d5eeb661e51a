"""The child process of documents.parallel: lays out one part of a long document
with WeasyPrint and sends back its PDF.

It runs without Django (started with "spawn", it imports only WeasyPrint and
documents.fetching): it loads the print stylesheet and its fonts while the
parent renders the templates, then waits for its part's HTML. Every URL goes
through the same checks as in the parent and is served from the map of static
files the parent made; nothing else is read.
"""

import contextlib
import logging
import resource
import sys
import time
import traceback


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


PAGE_LINE = "Step 5 - Creating layout - Page %d"


class _PageReporter(logging.Handler):
    """Passes WeasyPrint's "Creating layout - Page N" lines to the parent, which
    logs them as its own so that a job's progress counts the parts' pages."""

    def __init__(self, conn):
        super().__init__(logging.INFO)
        self.conn = conn

    def emit(self, record):
        if record.msg == PAGE_LINE and record.args:
            self.conn.send(("page", record.args[0], None))


def _stamp(pdf: bytes, overlay_html: bytes, sheets, fonts, fetcher) -> bytes:
    """The part's pages with the pages of the overlay document (its page
    numbers) laid over them one by one."""
    import io

    from pypdf import PdfReader, PdfWriter
    from weasyprint import HTML

    from documents.fetching import STATIC_BASE_URL

    overlay = PdfReader(
        io.BytesIO(
            HTML(
                string=overlay_html.decode(),
                base_url=STATIC_BASE_URL,
                url_fetcher=fetcher,
            ).write_pdf(stylesheets=sheets, font_config=fonts)
        )
    )
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    if len(overlay.pages) != len(writer.pages):
        raise ValueError(
            f"The page numbers have {len(overlay.pages)} pages for "
            f"{len(writer.pages)} pages of the part."
        )
    for page, numbers in zip(writer.pages, overlay.pages, strict=True):
        page.merge_page(numbers)
        page.compress_content_streams()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def serve(conn, stylesheet: str, files: dict[str, str]) -> None:
    """Say ("ready", …) once WeasyPrint and the stylesheet are loaded; receive one
    part (HTML as UTF-8, extra CSS); send ("page", N, …) as pages are laid out
    and ("laid", pages, …) once all are; receive the HTML of its page numbers
    (UTF-8; None for none) and send ("ok", PDF, facts), or ("error", text, None)
    on any failure. A part None means the part is not needed."""
    try:
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration

        from documents.fetching import STATIC_BASE_URL, MappedStaticFetcher

        pages = logging.getLogger("weasyprint.progress")
        reporter = _PageReporter(conn)
        pages.addHandler(reporter)
        pages.setLevel(logging.INFO)
        pages.propagate = False
        fetcher = MappedStaticFetcher(files)
        if stylesheet not in files:
            raise FileNotFoundError(f"The stylesheet {stylesheet} is not in the map")
        fonts = FontConfiguration()
        sheet = CSS(
            url=STATIC_BASE_URL + stylesheet, url_fetcher=fetcher, font_config=fonts
        )
        started_cpu = _cpu()
        conn.send(("ready", None, None))
        task = conn.recv()
        if task is None:
            return
        html, extra_css = task
        waited = time.perf_counter()
        sheets = [sheet]
        if extra_css:
            sheets.append(CSS(string=extra_css, font_config=fonts))
        document = HTML(
            string=html.decode(), base_url=STATIC_BASE_URL, url_fetcher=fetcher
        ).render(stylesheets=sheets, font_config=fonts)
        # The page numbers' pages are not the part's: no more progress.
        pages.removeHandler(reporter)
        # The parent needs every part's page count to number the pages; the PDF
        # is written meanwhile.
        conn.send(("laid", len(document.pages), None))
        pdf = document.write_pdf()
        del document
        numbers = conn.recv()
        if numbers is not None:
            pdf = _stamp(pdf, numbers, sheets, fonts, fetcher)
        conn.send(
            (
                "ok",
                pdf,
                {
                    "start_cpu": started_cpu,
                    "layout_cpu": _cpu() - started_cpu,
                    "layout_seconds": time.perf_counter() - waited,
                    "refused": fetcher.refused,
                    "django_loaded": "django" in sys.modules,
                },
            )
        )
    except BaseException as error:
        lines = traceback.format_exception_only(type(error), error)
        with contextlib.suppress(OSError, ValueError):
            conn.send(("error", "".join(lines).strip()[:2000], None))
    finally:
        conn.close()
