"""Charts of the movement report, drawn on the server as SVG with matplotlib.

The same SVG goes into the page and into the PDF. Text is drawn as outlines with
the font matplotlib ships (DejaVu Sans, which covers Vietnamese), so a chart
looks the same in every browser and in WeasyPrint, needs no font from the host
and holds no text a browser or the PDF renderer could interpret: unit names
typed by users become shapes. Each chart carries a title for screen readers, and
the page shows the same numbers in a table beside it.

Drawing takes a tenth of a second, so charts are kept in the cache under a key
made of their data.
"""

import hashlib
import io
import json
import re
import threading

from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

CACHE_SECONDS = 60 * 60
THIS_YEAR_COLOUR = "#1f5fbf"
LAST_YEAR_COLOUR = "#a8b3c2"
LINE_COLOURS = ["#1f5fbf", "#d9822b", "#2e8b57", "#a23b72", "#6c757d", "#8c6d1f"]
MAX_BARS = 15
LABEL_CHARS = 42

# matplotlib's pyplot state is not thread-safe; Figure objects are, but the
# settings context is global, so drawing is serialised.
_lock = threading.Lock()
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_IDS = re.compile(r'(id="|href="#|url\(#)')
_SIZE = re.compile(r'<svg([^>]*?) width="[^"]*" height="[^"]*"')
_STYLE = re.compile(r'style="([^"]*)"')
# matplotlib's small style sheet (line joins and caps): dropped, since the
# Content Security Policy refuses inline CSS.
_STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.DOTALL)
_DECLARATION = re.compile(r"^\s*([a-z-]+)\s*:\s*(.*?)\s*$")


def _attributes(match) -> str:
    """Turn a style attribute into presentation attributes: no inline CSS (for
    the Content Security Policy), and the PDF renderer reads them natively."""
    pairs = []
    for declaration in match.group(1).split(";"):
        found = _DECLARATION.match(declaration)
        if found:
            pairs.append(f'{found.group(1)}="{found.group(2)}"')
    return " ".join(pairs)


def _short(label: str) -> str:
    label = " ".join(str(label).split())
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _settings():
    import matplotlib

    matplotlib.use("svg", force=False)
    return matplotlib.rc_context(
        {
            "svg.fonttype": "path",
            "svg.hashsalt": "sang-kien",
            "text.parse_math": False,
            "font.family": "DejaVu Sans",
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titlesize": 10,
        }
    )


def _svg(figure, key: str, title: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = _COMMENT.sub("", _PROLOGUE.sub("", buffer.getvalue()))
    svg = _STYLE_ELEMENT.sub("", _STYLE.sub(_attributes, svg))
    # Ids are made unique to the chart so that several charts on a page (or in
    # a PDF) never refer to each other's shapes.
    svg = _IDS.sub(lambda match: f"{match.group(1)}{key}-", svg)
    svg = _SIZE.sub(
        r'<svg\1 class="chart" role="img" aria-labelledby="' + key + '-title"',
        svg,
        count=1,
    )
    opening = svg.index(">") + 1
    return (
        f'{svg[:opening]}<title id="{key}-title">{escape(title)}</title>{svg[opening:]}'
    )


def _cached(kind: str, title: str, data, draw) -> SafeString:
    digest = hashlib.sha256(
        json.dumps([kind, title, data], ensure_ascii=False, default=str).encode()
    ).hexdigest()[:16]
    key = f"chart-{digest}"
    svg = cache.get(key)
    if svg is None:
        from matplotlib.figure import Figure

        with _lock, _settings():
            figure = draw(Figure)
            svg = _svg(figure, f"c{digest[:8]}", title)
        cache.set(key, svg, CACHE_SECONDS)
    # Built from our own numbers and escaped labels drawn as outlines.
    return mark_safe(svg)  # noqa: S308


def compare_bars(
    title: str,
    labels: list[str],
    series: list[tuple[str, list[int]]],
) -> SafeString:
    """Horizontal bars, one group per label, one bar per series (e.g. two years)."""
    labels = [_short(label) for label in labels][:MAX_BARS]
    series = [(name, list(values)[:MAX_BARS]) for name, values in series]

    def draw(new_figure):
        height = 0.9 + 0.32 * len(labels) * max(1, len(series))
        figure = new_figure(figsize=(7.0, min(height, 9.0)))
        axes = figure.add_subplot()
        size = 0.8 / max(1, len(series))
        colours = [THIS_YEAR_COLOUR, LAST_YEAR_COLOUR, *LINE_COLOURS[1:]]
        for index, (name, values) in enumerate(series):
            positions = [
                place - 0.4 + size * (index + 0.5) for place in range(len(labels))
            ]
            bars = axes.barh(
                positions, values, height=size, label=str(name), color=colours[index]
            )
            axes.bar_label(bars, padding=2, fontsize=8)
        axes.set_yticks(range(len(labels)), labels)
        axes.invert_yaxis()
        axes.xaxis.get_major_locator().set_params(integer=True)
        figure.suptitle(title, x=0.01, ha="left", fontsize=10)
        if len(series) > 1:
            axes.legend(loc="lower right", frameon=False)
        figure.tight_layout()
        return figure

    return _cached("bars", title, [labels, series], draw)


def trend_lines(
    title: str, years: list[int], series: list[tuple[str, list[int]]]
) -> SafeString:
    """One line per series across the years."""

    def draw(new_figure):
        figure = new_figure(figsize=(7.0, 3.2))
        axes = figure.add_subplot()
        for index, (name, values) in enumerate(series):
            axes.plot(
                years,
                values,
                marker="o",
                label=str(name),
                color=LINE_COLOURS[index % len(LINE_COLOURS)],
            )
        axes.set_xticks(years, [str(year) for year in years])
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.set_ylim(bottom=0)
        figure.suptitle(title, x=0.01, ha="left", fontsize=10)
        axes.legend(loc="upper left", frameon=False, ncols=3, fontsize=8)
        figure.tight_layout()
        return figure

    return _cached("lines", title, [years, series], draw)
