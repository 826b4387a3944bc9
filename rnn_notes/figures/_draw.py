"""The drawing kit: sizes, colours, the site's one matplotlib style, and the shapes diagrams are made of.

Diagrams are drawn with matplotlib patches and text, not by a hand-written SVG generator: one
drawing library for plots and diagrams, mathtext for the labels (``$h_{t-1}$``), fonts embedded
as paths, and tests that read the artists instead of parsing SVG. Layouts use axes whose data
units are points, so positions and font sizes are in the same unit.

Every figure is drawn and saved under :data:`STYLE` (see :func:`styled`): text, lines, edges,
axis labels, ticks and legends take the site's ink and sizes from it, so the drawing code names
a colour or a size only where it differs. matplotlib is imported inside the functions, as in ``_svg``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from ._svg import INK, import_matplotlib

ACCENTS = ("#d9730d", "#3d8bd9", "#2ca25f", "#c2459b")  # legible on white and on furo's dark grey
FONT_SIZE = 11.5  # points, for labels; SVG units are points, so at 390 px labels are >= 10 px
SMALL = 10.0  # points, for shapes, values and legends: >= 9 px at 390 px
WIDTH_PT = 360.0  # natural width of a figure: 5 inches
MONO = {"fontsize": SMALL, "family": "DejaVu Sans Mono"}  # parameter names, as code
FAINT = (0, 0, 0, 0.06)  # the fill of boxes and cells

# The site's one style (matplotlib rcParams): text, lines and the edges of patches in ink, text at
# FONT_SIZE; ticks, tick labels and legends in ink at SMALL; legends without a frame; plots without
# a top or right spine. A colour or a size is named in the drawing code only where it differs.
STYLE = {
    "font.size": FONT_SIZE,
    "text.color": INK,
    "lines.color": INK,  # axhline, axvline
    "axes.prop_cycle": f"cycler(color=['{INK}'])",  # ax.plot without a colour
    "patch.edgecolor": INK,
    "patch.force_edgecolor": True,  # filled patches get an edge too
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "axes.labelsize": FONT_SIZE,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": INK,
    "ytick.color": INK,
    "xtick.labelsize": SMALL,
    "ytick.labelsize": SMALL,
    "legend.fontsize": SMALL,
    "legend.frameon": False,
    "legend.labelcolor": INK,
}

F = TypeVar("F", bound=Callable[..., Any])


def styled(draw: F) -> F:
    """Run a figure function under :data:`STYLE`, from its first artist to its saved SVG.

    matplotlib reads rcParams when an artist is made, and makes ticks only when it draws
    (``savefig``): the whole function, ``site_figure`` included, runs inside the style.
    """

    @functools.wraps(draw)
    def run(*args: Any, **kwargs: Any) -> Any:
        import_matplotlib()
        import matplotlib

        with matplotlib.rc_context(STYLE):
            return draw(*args, **kwargs)

    return run  # type: ignore[return-value]


def canvas(width: float, height: float) -> tuple[Any, Any]:
    """A transparent figure ``width`` x ``height`` points whose one axes uses points as data units."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width / 72, height / 72))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    return fig, ax


def plot_axes(height: float, rows: int = 1) -> tuple[Any, Any]:
    """A figure WIDTH_PT wide with ``rows`` axes sharing x (one axes, or an array of them)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_PT / 72, height / 72), layout="constrained")
    return fig, fig.add_subplot() if rows == 1 else fig.subplots(rows, 1, sharex=True)


def label_axes(ax: Any, x: str | None, y: str, **legend: Any) -> None:
    """Name the axes (``x=None`` leaves x unnamed) and, given legend options, add the legend."""
    if x is not None:
        ax.set_xlabel(x)
    ax.set_ylabel(y)
    if legend:
        ax.legend(**legend)


def text(ax: Any, x: float, y: float, label: str, **kwargs: Any) -> Any:
    """Text centred at (x, y), in the style's ink and size unless ``kwargs`` say otherwise."""
    return ax.text(x, y, label, **({"ha": "center", "va": "center"} | kwargs))


def arrow(ax: Any, start: tuple[float, float], end: tuple[float, float], **props: Any) -> None:
    """An arrow in ink from ``start`` to ``end`` (``props``: more arrowprops, e.g. a curve)."""
    # The head scales with mutation_scale, which is otherwise the (empty) annotation's font size.
    ax.annotate("", end, start, arrowprops={"arrowstyle": "-|>", "color": INK, "lw": 1.2, "shrinkA": 0,
                                            "shrinkB": 0, "mutation_scale": SMALL} | props)


def box(x: float, y: float, w: float, h: float) -> Any:
    """A rounded box in ink with a faint fill."""
    from matplotlib.patches import FancyBboxPatch

    return FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0,rounding_size=6",
                          facecolor=FAINT, lw=1.2)


def cell(x: float, y: float, w: float, h: float, colour: str | None) -> Any:
    """A square-cornered cell in ink, filled with ``colour`` (a final state) or faintly."""
    from matplotlib.patches import Rectangle

    face = FAINT if colour is None else colour
    return Rectangle((x, y), w, h, facecolor=face, alpha=None if colour is None else 0.55, lw=1.2)


def grid(ax: Any, x: float, y: float, rows: int, cols: int, side: float, colour: str) -> None:
    """A ``rows`` x ``cols`` block of square cells of ``side`` points, top-left corner at (x, y)."""
    from matplotlib.patches import Rectangle

    for i in range(rows):
        for j in range(cols):
            ax.add_patch(Rectangle((x + j * side, y - (i + 1) * side), side, side,
                                   facecolor=colour, alpha=0.35, lw=0.6))
    ax.add_patch(Rectangle((x, y - rows * side), cols * side, rows * side,
                           fill=False, lw=1.2))


def node(ax: Any, x: float, y: float, radius: float, symbol: str, **kwargs: Any) -> None:
    """A circle on a line of a cell with ``symbol`` in it (× or + where two lines meet)."""
    from matplotlib.patches import Circle

    ax.add_patch(Circle((x, y), radius, facecolor="none", lw=1.2))
    text(ax, x, y, symbol, **kwargs)
