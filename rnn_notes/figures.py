"""The site's figures, drawn from the layer and its tensors when the pages run.

Every figure goes through one mechanism, :func:`site_figure`: it takes a matplotlib figure
and returns a :class:`SiteFigure`, whose SVG is

- deterministic: fixed ``svg.hashsalt``, no date or creator metadata, glyphs as paths, so the
  same inputs write the same bytes (and a rebuild does not touch unchanged pages);
- themed: whatever is drawn in :data:`INK` (black) becomes ``currentColor``, so lines and text
  take the colour of the text around them in furo's light and dark themes (and in Jupyter);
  the background is transparent and the accents are mid-tone colours legible on both;
- accessible and self-contained: ``role="img"``, Spanish alternative text (``aria-label`` and
  ``<title>``) and a caption, no fonts or scripts to fetch.

In a notebook the figure is a normal cell output: ``text/html`` (a ``<figure>`` holding the
inline SVG and its ``<figcaption>``), which myst-nb passes through as raw HTML, plus
``image/svg+xml`` and a ``text/plain`` alternative. Inline SVG rather than an image file is what
lets ``currentColor`` follow the page's theme, and the alternative text can hold computed numbers
(myst-nb's ``image: alt:`` cell option is static text and gives an ``<img>``, which cannot
follow the theme).

Diagrams are drawn with matplotlib patches and text, not by a hand-written SVG generator: one
drawing library for plots and diagrams, mathtext for the labels (``$h_{t-1}$``), fonts embedded
as paths, and tests that read the artists instead of parsing SVG. Layouts use axes whose data
units are points, so positions and font sizes are in the same unit.

matplotlib is imported inside the functions: pages that draw nothing never load it. Code and
docstrings are English; the Spanish words the figures show (labels, alternative text, captions)
are generated here, next to the numbers they contain, from the one table :data:`TEXT`.
"""

from __future__ import annotations

import hashlib
import html
import io
import logging
import re
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import PackedSequence

from . import _checks
from .bptt import decay_layers, jacobian_norms
from .layer import trace_rnn
from .streaming import run_in_chunks

INK = "#000000"  # drawn in this colour, shown in the text colour of the page (currentColor)
ACCENTS = ("#d9730d", "#3d8bd9", "#2ca25f", "#c2459b")  # legible on white and on furo's dark grey
FONT_SIZE = 11.5  # points, for labels; SVG units are points, so at 390 px labels are >= 10 px
SMALL = 10.0  # points, for shapes, values and legends: >= 9 px at 390 px
WIDTH_PT = 360.0  # natural width of a figure: 5 inches
MAX_STEPS = 5  # the unrolled network draws at most this many steps legibly at 390 px
SALT = "rnn_notes"  # svg.hashsalt: the ids matplotlib generates are the same on every run

# The Spanish the figures show. Keys are English; values may use str.format fields.
TEXT = {
    "step": "paso {t}",
    "step_axis": "paso $t$",
    "component": "componente {j}",
    "one_call": "una llamada",
    "chunked": "en trozos de {size}",
    "saturation": "saturación",
    "unrolled_alt": (
        "Red desplegada en {T} pasos: el estado inicial h₀ {h0} entra en el paso 1; en cada "
        "paso t = 1…{T} entra xₜ {x_step} y sale hₜ {h_step}, que pasa al paso siguiente por "
        "la misma Wₕₕ {w_hh}; todas las entradas usan la misma Wᵢₕ {w_ih}. "
        "Entrada x {x_shape}, output {out_shape}, hₙ {hn_shape}.{values}"
    ),
    "unrolled_values": " Valores: {values}.",
    "unrolled_caption": (
        "La capa desplegada en el tiempo: los pasos t = 1…{T} comparten Wᵢₕ y Wₕₕ; "
        "h₀ es el estado inicial y hₙ = h{T_sub}."
    ),
    "shapes_alt": (
        "Formas de un paso como bloques de celdas, un cuadrado por número: {products}."
    ),
    "shapes_caption_column": (
        "Matriz por columna: cada producto da una columna de Hₒᵤₜ = {H_out} "
        "filas, una por neurona oculta."
    ),
    "shapes_caption_row": (
        "Fila por matriz traspuesta: cada producto da una fila de Hₒᵤₜ = {H_out} "
        "columnas, la forma de un paso de output."
    ),
    "params_alt": "Los {n} parámetros de la capa como bloques de celdas, un cuadrado por número: {items}.",
    "params_caption": (
        "Los parámetros de la capa: todos tienen Hₒᵤₜ = {H_out} filas; weight_ih_l0 tiene "
        "Hᵢₙ = {H_in} columnas y weight_hh_l0, Hₒᵤₜ = {H_out}."
    ),
    "tanh_alt": (
        "Curva de tanh entre {lo} y {hi}, con las {n} preactivaciones zₜ de la secuencia "
        "marcadas sobre ella: {points}."
    ),
    "tanh_caption": (
        "tanh(z) con las preactivaciones zₜ de los pasos t = 1…{T}: cuanto más lejos de 0 "
        "está zₜ, más cerca de −1 o de 1 queda hₜ."
    ),
    "chunks_alt": (
        "Las {H} componentes de hₜ a lo largo de {T} pasos, calculadas en una llamada "
        "(línea ancha) y en trozos de {size} pasos (línea discontinua, cortes en gris): las "
        "curvas coinciden, con una diferencia máxima de {diff}."
    ),
    "decay_axis": "$T - t$",
    "decay_norm": "$\\Vert \\partial h_T / \\partial h_t \\Vert$",
    "decay_sigma": "$\\sigma = {sigma}$",
    "decay_alt": (
        "Norma de ∂h_T/∂h_t frente a T − t = 0…{T}, en escala logarítmica, para una capa de "
        "Hₒᵤₜ = {H} con Wₕₕ = σ·Q (Q ortogonal) y σ = {sigmas}: {curves}."
    ),
    "decay_curve": "con {act} y σ = {sigma}, va de 1 a {last} en T − t = {T} (máximo {peak})",
    "decay_caption": (
        "‖∂h_T/∂h_t‖ según la distancia T − t, con tanh (arriba) y relu (abajo), para tres "
        "escalas de Wₕₕ: todos sus valores singulares valen σ."
    ),
    "chunks_caption": (
        "hₜ para t = 1…{T}, en una llamada y en trozos de {size} pasos: cada trozo empieza "
        "con el último estado del anterior, y las curvas se superponen."
    ),
}


# -- The mechanism ----------------------------------------------------------


@dataclass(frozen=True)
class SiteFigure:
    """An SVG figure with alternative text and a caption; shows itself in Jupyter and on the site."""

    svg: str
    alt: str
    caption: str
    figure: object = field(default=None, repr=False, compare=False)  # the matplotlib Figure, for tests

    def html(self) -> str:
        """A ``<figure>`` with the inline SVG and its caption."""
        return (
            '<figure class="rnn-figure" style="margin: 1rem 0; max-width: 100%;">'
            f'{self.svg}<figcaption style="font-size: 0.9em; margin-top: 0.5rem;">'
            f"{html.escape(self.caption)}</figcaption></figure>"
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """What IPython shows: the figure as HTML (themed) and SVG, and its alternative text."""
        return {"text/html": self.html(), "image/svg+xml": self.svg, "text/plain": self.alt}

    def __repr__(self) -> str:
        return f"SiteFigure({self.alt!r})"


def _import_matplotlib() -> None:
    """Import matplotlib; a first import that builds its font cache logs nothing into the page."""
    logger = logging.getLogger("matplotlib.font_manager")
    level = logger.level
    logger.setLevel(logging.ERROR)  # "Matplotlib is building the font cache" would be a cell output
    try:
        import matplotlib.figure  # noqa: F401
    finally:
        logger.setLevel(level)


def site_figure(fig: object, alt: str, caption: str) -> SiteFigure:
    """Turn a matplotlib figure into the site's deterministic, themed, alt-texted SVG."""
    _import_matplotlib()
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib.figure.Figure, got {type(fig).__name__}")
    for name, value in (("alt", alt), ("caption", caption)):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{name} must be a non-empty str, got {value!r}")
    alt, caption = _singular_step(alt), _singular_step(caption)
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": SALT, "svg.fonttype": "path"}):
        fig.savefig(buffer, format="svg", transparent=True,
                    metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    return SiteFigure(_site_svg(buffer.getvalue(), alt), alt, caption, fig)


def _singular_step(text: str) -> str:
    """A text with one step in the singular: "1 pasos" becomes "1 paso", "t = 1…1" becomes "t = 1"."""
    return re.sub(r"t = 1…1(?![0-9])", "t = 1", re.sub(r"(?<![0-9,])1 pasos\b", "1 paso", text))


def _site_svg(svg: str, alt: str) -> str:
    """matplotlib's SVG made inline-ready: no prolog or metadata, unique ids, INK as currentColor, alt text."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    prefix = "f" + hashlib.sha256(svg.encode()).hexdigest()[:8] + "-"  # ids unique on a page
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}\1"', svg)
    svg = re.sub(r'(href="#|url\(#)([^")]+)', rf"\1{prefix}\2", svg)
    svg = svg.replace(INK, "currentColor")
    width = float(re.search(r'<svg[^>]*\bwidth="([\d.]+)pt"', svg)[1])
    svg = re.sub(
        r'<svg([^>]*?) width="[\d.]+pt" height="[\d.]+pt"',
        rf'<svg\1 role="img" aria-label="{html.escape(alt)}" '
        rf'style="display: block; width: {width * 4 / 3:.0f}px; max-width: 100%; height: auto; fill: currentColor;"',
        svg, count=1,
    )
    return svg.replace(">", f"><title>{html.escape(alt, quote=False)}</title>", 1).strip()


def _canvas(width: float, height: float) -> tuple[Any, Any]:
    """A transparent figure ``width`` x ``height`` points whose one axes uses points as data units."""
    _import_matplotlib()
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width / 72, height / 72))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    return fig, ax


def _text(ax: Any, x: float, y: float, text: str, **kwargs: Any) -> Any:
    """Centred text in the site's font size and ink."""
    options = {"ha": "center", "va": "center", "fontsize": FONT_SIZE, "color": INK} | kwargs
    return ax.text(x, y, text, **options)


def _arrow(ax: Any, start: tuple[float, float], end: tuple[float, float]) -> None:
    """An arrow in ink from ``start`` to ``end``."""
    ax.annotate("", end, start, arrowprops={"arrowstyle": "-|>", "color": INK, "lw": 1.2,
                                            "shrinkA": 0, "shrinkB": 0})


_SUBSCRIPTS = str.maketrans("0123456789+-aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")


def _sub(text: object) -> str:
    """``text`` in Unicode subscripts, for plain text: ``_sub("t-1")`` is ``ₜ₋₁``."""
    return str(text).translate(_SUBSCRIPTS)


def _shape(shape: tuple[int, ...]) -> str:
    """``(1, 3, 5)``, and ``(5,)`` for one dimension, as Python prints shapes."""
    return str(tuple(shape))


# -- The unrolled network -----------------------------------------------------


def _one_layer(rnn: nn.RNN, what: str) -> nn.RNN:
    """``rnn`` if it is a one-layer, one-direction ``nn.RNN``."""
    rnn = _checks.rnn_module(rnn)
    if rnn.num_layers != 1 or rnn.bidirectional:
        raise ValueError(
            f"{what} draws one layer in one direction (num_layers=1, bidirectional=False), "
            f"got num_layers={rnn.num_layers}, bidirectional={rnn.bidirectional}"
        )
    return rnn


def _names(rnn: nn.RNN, x: Tensor) -> dict[str, str]:
    """The symbolic shapes of PyTorch's docs for this call: input, output and hidden state."""
    if x.dim() == 2:
        return {"x": "(L, H_{in})", "out": "(L, H_{out})", "h": "(D \\cdot num\\_layers, H_{out})"}
    seq = "N, L" if rnn.batch_first else "L, N"
    return {"x": f"({seq}, H_{{in}})", "out": f"({seq}, H_{{out}})",
            "h": "(D \\cdot num\\_layers, N, H_{out})"}


def unrolled_network(rnn: nn.RNN, x: Tensor, h0: Tensor | None = None, show_values: bool = False) -> SiteFigure:
    """The layer unrolled over the steps of ``x``: boxes for t = 1..T, shapes taken from ``rnn`` and ``x``."""
    from .display import format_vector

    rnn = _one_layer(rnn, "unrolled_network")
    seq, _, batched = _checks.rnn_inputs(rnn, x, h0)
    steps, batch = seq.shape[0], seq.shape[1]
    if steps > MAX_STEPS:
        raise ValueError(f"unrolled_network draws at most {MAX_STEPS} steps, got a sequence of {steps}")
    if show_values and batch != 1:
        raise ValueError(f"show_values needs a single sequence (batch of 1), got a batch of {batch}")
    with torch.no_grad():
        output, h_n = rnn(x, h0)
    out_steps = output.transpose(0, 1) if batched and rnn.batch_first else output
    step_x = (batch, rnn.input_size) if batched else (rnn.input_size,)
    step_h = (batch, rnn.hidden_size) if batched else (rnn.hidden_size,)
    names = _names(rnn, x)
    w_ih, w_hh = tuple(rnn.weight_ih_l0.shape), tuple(rnn.weight_hh_l0.shape)

    col, left, right = 80.0, 48.0, 40.0
    fig, ax = _canvas(left + steps * col + right, 232.0 if show_values else 216.0)
    values = []
    for t in range(1, steps + 1):
        value = out_steps[t - 1].reshape(-1) if show_values else None
        _unrolled_step(ax, left + (t - 0.5) * col, col, t, rnn.nonlinearity, _shape(step_x), _shape(step_h), value)
        if value is not None:
            values.append(f"h{_sub(t)} = {format_vector(value, 4)}")
    mid_y = _BOX_Y + _BOX_H / 2
    _text(ax, left - 30, mid_y + 9, "$h_0$")
    _text(ax, left - 30, mid_y - 9, _shape(step_h), fontsize=SMALL)
    last = left + (steps - 0.5) * col + _BOX_W / 2
    _arrow(ax, (last, mid_y), (last + 18, mid_y))
    _text(ax, last + 29, mid_y, "$h_n$")
    summary = [f"x: ${names['x']} = {_shape(x.shape)}$", f"output: ${names['out']} = {_shape(output.shape)}$",
               f"$h_0$, $h_n$: ${names['h']} = {_shape(h_n.shape)}$"]
    for k, line in enumerate(summary):
        _text(ax, 6, 32 - 14 * k, line, ha="left", va="bottom", fontsize=SMALL)
    alt = TEXT["unrolled_alt"].format(
        T=steps, h0=_shape(step_h),
        x_step=_shape(step_x), h_step=_shape(step_h), w_hh=_shape(w_hh), w_ih=_shape(w_ih),
        x_shape=_shape(x.shape), out_shape=_shape(output.shape), hn_shape=_shape(h_n.shape),
        values=TEXT["unrolled_values"].format(values="; ".join(values)) if values else "",
    )
    return site_figure(fig, alt, TEXT["unrolled_caption"].format(T=steps, T_sub=_sub(steps)))


_BOX_W, _BOX_H, _BOX_Y = 52.0, 36.0, 118.0  # the step boxes of the unrolled network, in points


def _unrolled_step(ax: Any, cx: float, col: float, t: int, act: str, x_shape: str, h_shape: str,
                   value: Tensor | None) -> None:
    """Step ``t`` of the unrolled network, centred at ``cx``: x_t in, h_t out, h_{t-1} from the left."""
    from .display import format_vector

    mid_y = _BOX_Y + _BOX_H / 2
    top = _BOX_Y + _BOX_H
    ax.add_patch(_box(cx - _BOX_W / 2, _BOX_Y, _BOX_W, _BOX_H))
    _text(ax, cx, mid_y + 8, TEXT["step"].format(t=t), fontsize=SMALL)
    _text(ax, cx, mid_y - 8, act)
    _arrow(ax, (cx, 78), (cx, _BOX_Y))
    _text(ax, cx + 4, 98, "$W_{ih}$", ha="left", color=ACCENTS[1])
    _text(ax, cx, 67, f"$x_{{{t}}}$")
    _text(ax, cx, 52, x_shape, fontsize=SMALL)
    _arrow(ax, (cx, top), (cx, top + 24))
    _text(ax, cx, top + 36, f"$h_{{{t}}}$")
    _text(ax, cx, top + 52, h_shape, fontsize=SMALL)
    if value is not None:
        _text(ax, cx, top + 67, format_vector(value, 2), fontsize=SMALL, color=ACCENTS[0])
    start = cx - col + _BOX_W / 2 if t > 1 else cx - col / 2 - 16
    _arrow(ax, (start, mid_y), (cx - _BOX_W / 2, mid_y))
    if t > 1:
        _text(ax, cx - col / 2, mid_y + 10, "$W_{hh}$", fontsize=SMALL, color=ACCENTS[1])


def _box(x: float, y: float, w: float, h: float) -> Any:
    """A rounded box in ink with a faint fill."""
    from matplotlib.patches import FancyBboxPatch

    return FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0,rounding_size=6",
                          facecolor=(0, 0, 0, 0.06), edgecolor=INK, lw=1.2)


# -- Blocks of cells: shapes of products and parameters ----------------------------------


def _grid(ax: Any, x: float, y: float, rows: int, cols: int, cell: float, colour: str) -> None:
    """A ``rows`` x ``cols`` block of square cells with its top-left corner at (x, y)."""
    from matplotlib.patches import Rectangle

    for i in range(rows):
        for j in range(cols):
            ax.add_patch(Rectangle((x + j * cell, y - (i + 1) * cell), cell, cell,
                                   facecolor=colour, alpha=0.35, edgecolor=INK, lw=0.6))
    ax.add_patch(Rectangle((x, y - rows * cell), cols * cell, rows * cell,
                           fill=False, edgecolor=INK, lw=1.2))


def _products(rnn: nn.RNN, layout: str) -> list[tuple[tuple[str, tuple[int, int]], ...]]:
    """The two products of a step, each as (name, shape) of left, right and result."""
    h_in, h_out = rnn.input_size, rnn.hidden_size
    w_ih, w_hh = tuple(rnn.weight_ih_l0.shape), tuple(rnn.weight_hh_l0.shape)
    if layout == "column":
        return [(("W_{ih}", w_ih), ("x_t", (h_in, 1)), ("", (h_out, 1))),
                (("W_{hh}", w_hh), ("h_{t-1}", (h_out, 1)), ("", (h_out, 1)))]
    return [(("x_t", (1, h_in)), ("W_{ih}^\\top", w_ih[::-1]), ("", (1, h_out))),
            (("h_{t-1}", (1, h_out)), ("W_{hh}^\\top", w_hh[::-1]), ("", (1, h_out)))]


def step_shapes(rnn: nn.RNN, layout: str = "column") -> SiteFigure:
    """The two products of one step as blocks of cells, sides proportional to the layer's sizes."""
    rnn = _one_layer(rnn, "step_shapes")
    if layout not in ("column", "row"):
        raise ValueError(f"layout must be 'column' or 'row', got {layout!r}")
    products = _products(rnn, layout)
    units = max(sum(s[1] for _, s in p) for p in products)  # widest row of blocks, in cells
    tall = [max(s[0] for _, s in p) for p in products]
    cell = min(18.0, (WIDTH_PT - 110) / units)
    gap, label = 26.0, 2.6 * FONT_SIZE
    height = sum(rows * cell + 2 * label for rows in tall) + 10
    fig, ax = _canvas(WIDTH_PT, height)
    top = height - label - 2
    described = []
    for product, rows in zip(products, tall):
        x, centre = 10.0, top - rows * cell / 2
        for k, (name, (r, c)) in enumerate(product):
            colour = ACCENTS[k] if k < 2 else ACCENTS[2]
            y = centre + r * cell / 2
            _grid(ax, x, y, r, c, cell, colour)
            if name:
                _text(ax, x + c * cell / 2, y + 9, f"${name}$")
            _text(ax, x + c * cell / 2, y - r * cell - 9, _shape((r, c)), fontsize=SMALL)
            x += c * cell
            if k < 2:
                _text(ax, x + gap / 2, centre, "$\\cdot$" if k == 0 else "$=$", fontsize=FONT_SIZE + 3)
                x += gap
        (a, sa), (b, sb), (_, sc) = product
        described.append(f"{_plain(a)} {_shape(sa)} · {_plain(b)} {_shape(sb)} = {_shape(sc)}")
        top -= rows * cell + 2 * label
    alt = TEXT["shapes_alt"].format(products="; ".join(described))
    return site_figure(fig, alt, TEXT[f"shapes_caption_{layout}"].format(H_out=rnn.hidden_size))


def _plain(name: str) -> str:
    """A mathtext name as plain text for the alternative text: ``W_{ih}^\\top`` to ``Wᵢₕᵀ``."""
    base, _, sub = name.replace("^\\top", "").partition("_")
    return base + _sub(sub.strip("{}")) + ("ᵀ" if name.endswith("^\\top") else "")


def parameter_shapes(rnn: nn.RNN) -> SiteFigure:
    """Every parameter of ``rnn`` as a block of cells; a 1-D bias is drawn as a column."""
    rnn = _checks.rnn_module(rnn)
    params = [(name, tuple(p.shape)) for name, p in rnn.named_parameters()]
    blocks = [(name, shape if len(shape) == 2 else (shape[0], 1)) for name, shape in params]
    slot = WIDTH_PT / len(blocks)
    cell = min(16.0, min(slot * 0.8 / c for _, (_, c) in blocks), 120.0 / max(r for _, (r, _) in blocks))
    rows = max(r for _, (r, _) in blocks)
    height = rows * cell + 4 * FONT_SIZE + 16
    fig, ax = _canvas(WIDTH_PT, height)
    top = height - 2 * SMALL
    for k, ((name, (r, c)), (_, shape)) in enumerate(zip(blocks, params)):
        centre = (k + 0.5) * slot
        _grid(ax, centre - c * cell / 2, top, r, c, cell, ACCENTS[k // 2 % len(ACCENTS)])
        _text(ax, centre, top + FONT_SIZE, name, fontsize=SMALL, family="DejaVu Sans Mono")
        _text(ax, centre, top - r * cell - FONT_SIZE, _shape(shape), fontsize=SMALL)
    items = ", ".join(f"{name} {_shape(shape)}" for name, shape in params)
    alt = TEXT["params_alt"].format(n=len(params), items=items)
    return site_figure(fig, alt, TEXT["params_caption"].format(H_out=rnn.hidden_size, H_in=rnn.input_size))


# -- Plots --------------------------------------------------------------------------


def _plot_axes(height: float) -> tuple[Any, Any]:
    """A figure WIDTH_PT wide with one axes styled in ink and the site's font size."""
    _import_matplotlib()
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_PT / 72, height / 72), layout="constrained")
    ax = fig.add_subplot()
    _style(ax)
    return fig, ax


def _style(ax: Any) -> None:
    """Ticks in ink and the site's small size; no top or right spine."""
    ax.tick_params(labelsize=SMALL, color=INK, labelcolor=INK)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)


def _decimal(value: float, math: bool = False) -> str:
    """``1.5`` with a decimal comma, ``1,5`` (``1{,}5`` in mathtext, which would space a bare comma)."""
    return f"{value:g}".replace(".", "{,}" if math else ",")


def tanh_saturation(rnn: nn.RNN, x: Tensor, h0: Tensor | None = None) -> SiteFigure:
    """The tanh curve with the pre-activations z_t of ``x`` (from trace_rnn) marked on it."""
    rnn = _one_layer(rnn, "tanh_saturation")
    if rnn.nonlinearity != "tanh":
        raise ValueError(f"tanh_saturation needs nonlinearity='tanh', got {rnn.nonlinearity!r}")
    trace = trace_rnn(rnn, x, h0)
    z = torch.stack([step.pre_activation for step in trace])  # (T, H_out)
    reach = max(3.0, float(z.abs().max()) * 1.15)
    fig, ax = _plot_axes(210)
    grid = torch.linspace(-reach, reach, 241)
    ax.plot(grid.tolist(), torch.tanh(grid).tolist(), color=INK, lw=1.5, label="tanh")
    for level in (-1, 1):
        ax.axhline(level, color=INK, lw=0.8, ls=":", alpha=0.6)
    ax.text(-reach, 1.04, TEXT["saturation"], fontsize=SMALL, color=INK, va="bottom")
    points = []
    for j in range(z.shape[1]):
        colour = ACCENTS[j % len(ACCENTS)]
        zj = z[:, j]
        ax.plot(zj.tolist(), torch.tanh(zj).tolist(), ls="none", marker="o", ms=6, color=colour,
                label=TEXT["component"].format(j=j + 1), gid=f"z-component-{j + 1}")
        for t, value in enumerate(zj.tolist(), start=1):
            ax.annotate(f"$z_{{{t}}}$", (value, torch.tanh(torch.tensor(value)).item()),
                        xytext=(5, -12 if value > 0 else 5), textcoords="offset points",
                        fontsize=SMALL, color=colour)
            points.append(f"z{_sub(t)}[{j + 1}] = {value:.2f}")
    ax.set_xlabel("$z$", fontsize=FONT_SIZE, color=INK)
    ax.set_ylabel("$\\tanh(z)$", fontsize=FONT_SIZE, color=INK)
    ax.legend(fontsize=SMALL, frameon=False, labelcolor=INK, loc="lower right")
    alt = TEXT["tanh_alt"].format(lo=f"{-reach:.1f}", hi=f"{reach:.1f}", n=z.numel(), points=", ".join(points))
    return site_figure(fig, alt, TEXT["tanh_caption"].format(T=len(trace)))


def chunked_states(rnn: nn.RNN, x: Tensor, chunk_size: int, h0: Tensor | None = None) -> SiteFigure:
    """Each component of h_t over ``x``, from one call and from run_in_chunks, drawn on top of each other."""
    rnn = _one_layer(rnn, "chunked_states")
    seq, _, _ = _checks.rnn_inputs(rnn, x, h0)
    if seq.shape[1] != 1:
        raise ValueError(f"chunked_states draws a single sequence (batch of 1), got a batch of {seq.shape[1]}")
    with torch.no_grad():
        whole, _ = rnn(x, h0)
        parts, _ = run_in_chunks(rnn, x, chunk_size, h0)
    time = 1 if x.dim() == 3 and rnn.batch_first else 0
    whole, parts = whole.movedim(time, 0).reshape(seq.shape[0], -1), parts.movedim(time, 0).reshape(seq.shape[0], -1)
    steps = list(range(1, seq.shape[0] + 1))
    fig, ax = _plot_axes(200)
    for cut in range(chunk_size, seq.shape[0], chunk_size):
        ax.axvline(cut + 0.5, color=INK, lw=0.6, alpha=0.25)
    for j in range(whole.shape[1]):
        colour = ACCENTS[j % len(ACCENTS)]
        ax.plot(steps, whole[:, j].tolist(), color=colour, lw=3.5, alpha=0.4, gid=f"one-call-{j + 1}",
                label=TEXT["component"].format(j=j + 1))
        ax.plot(steps, parts[:, j].tolist(), color=colour, lw=1.1, ls="--", gid=f"chunked-{j + 1}")
    ax.plot([], [], color=INK, lw=3.5, alpha=0.4, label=TEXT["one_call"])
    ax.plot([], [], color=INK, lw=1.1, ls="--", label=TEXT["chunked"].format(size=chunk_size))
    ax.set_xlabel(TEXT["step_axis"], fontsize=FONT_SIZE, color=INK)
    ax.set_ylabel("$h_t$", fontsize=FONT_SIZE, color=INK)
    ax.set_xlim(1, seq.shape[0])
    ax.legend(fontsize=SMALL, frameon=False, labelcolor=INK, ncols=2, loc="lower center",
              bbox_to_anchor=(0.5, 1.0))
    from .display import spanish_number

    diff = spanish_number(float((whole - parts).abs().max()))
    alt = TEXT["chunks_alt"].format(H=whole.shape[1], T=seq.shape[0], size=chunk_size, diff=diff)
    return site_figure(fig, alt, TEXT["chunks_caption"].format(T=seq.shape[0], size=chunk_size))


# -- A packed batch ------------------------------------------------------------------

TEXT.update({
    "sequence": "secuencia",
    "row": "fila",
    "packed_alt": (
        "Arriba, un lote de {N} secuencias de longitudes {lengths} rellenado hasta {T} pasos: "
        "{real} celdas reales y {pad} de relleno. Abajo, data con sus {total} filas, paso a paso "
        "(batch_sizes = {sizes}): {groups}."
    ),
    "packed_group": "paso {t}, secuencias {seqs} en las filas {first}–{last}",
    "packed_group_one": "paso {t}, secuencia {seqs} en la fila {first}",
    "packed_caption": (
        "Arriba, el lote con relleno: una fila por secuencia, una columna por paso; cada paso "
        "real lleva el número de la fila de data que lo guarda, y el relleno queda en gris. "
        "Abajo, data: el paso t ocupa batch_sizes[t − 1] filas seguidas, de la secuencia más "
        "larga a la más corta, y el relleno no se guarda."
    ),
})
MAX_PACKED_ROWS = 12  # cells of data drawn legibly at 390 px


def _packed_layout(packed: PackedSequence) -> tuple[list[int], list[int], list[int]]:
    """The batch sizes, each packed row's sequence (the caller's index) and each sequence's length."""
    if not isinstance(packed, PackedSequence):
        raise TypeError(f"packed must be a torch.nn.utils.rnn.PackedSequence, got {type(packed).__name__}")
    sizes = packed.batch_sizes.tolist()
    order = list(range(sizes[0])) if packed.sorted_indices is None else packed.sorted_indices.tolist()
    lengths = [0] * sizes[0]
    for j, sequence in enumerate(order):
        lengths[sequence] = sum(n > j for n in sizes)
    return sizes, order, lengths


def packed_batch(packed: PackedSequence) -> SiteFigure:
    """A packed batch: the padded grid (sequences x steps, real or padding) over ``data`` laid out by ``batch_sizes``."""
    from matplotlib.patches import Rectangle

    sizes, order, lengths = _packed_layout(packed)
    steps, batch, total = len(sizes), sizes[0], sum(sizes)
    if total > MAX_PACKED_ROWS or steps > MAX_PACKED_ROWS:
        raise ValueError(f"packed_batch draws at most {MAX_PACKED_ROWS} rows of data, got {total}")
    starts = [sum(sizes[:t]) for t in range(steps)]
    row_of = {(order[j], t): starts[t] + j for t in range(steps) for j in range(sizes[t])}
    label_w, cell = 78.0, min(30.0, (WIDTH_PT - 80) / steps)
    strip = min(30.0, (WIDTH_PT - label_w - 6) / total)
    grid_h, top_pad, gap, strip_h = batch * cell, 2 * FONT_SIZE, 3.2 * FONT_SIZE, strip + 3.8 * FONT_SIZE
    height = top_pad + grid_h + gap + strip_h + 6
    fig, ax = _canvas(WIDTH_PT, height)
    top = height - top_pad
    _text(ax, label_w / 2, top + FONT_SIZE * 0.8, TEXT["sequence"], fontsize=SMALL)
    for t in range(steps):
        _text(ax, label_w + (t + 0.5) * cell, top + FONT_SIZE * 0.8, f"$t{{=}}{t + 1}$", fontsize=SMALL)
    for s in range(batch):
        y = top - (s + 1) * cell
        _text(ax, label_w / 2, y + cell / 2, f"{s}", fontsize=SMALL)
        for t in range(steps):
            real = (s, t) in row_of
            ax.add_patch(Rectangle((label_w + t * cell, y), cell, cell, edgecolor=INK, lw=0.8,
                                   facecolor=ACCENTS[t % len(ACCENTS)] if real else (0.5, 0.5, 0.5),
                                   alpha=0.45 if real else 0.18,
                                   gid=f"real-{s}-{t + 1}-row-{row_of[s, t]}" if real else f"padding-{s}-{t + 1}"))
            if real:
                _text(ax, label_w + (t + 0.5) * cell, y + cell / 2, f"{row_of[s, t]}", fontsize=SMALL)
    y, x0, mono = 6 + 2.4 * FONT_SIZE, label_w, {"fontsize": SMALL, "family": "DejaVu Sans Mono"}
    _text(ax, label_w / 2, y + strip / 2, "data", **mono)
    _text(ax, label_w / 2, y - 0.7 * FONT_SIZE, TEXT["row"], fontsize=SMALL * 0.9, alpha=0.7)
    _text(ax, label_w / 2, y - 1.9 * FONT_SIZE, "batch_sizes", **mono)
    groups = []
    for t, n in enumerate(sizes):
        for j in range(n):
            k = starts[t] + j
            ax.add_patch(Rectangle((x0 + k * strip, y), strip, strip, edgecolor=INK, lw=0.8,
                                   facecolor=ACCENTS[t % len(ACCENTS)], alpha=0.45, gid=f"data-{k}"))
            _text(ax, x0 + (k + 0.5) * strip, y + strip / 2, f"{order[j]}", fontsize=SMALL)
            _text(ax, x0 + (k + 0.5) * strip, y - 0.7 * FONT_SIZE, f"{k}", fontsize=SMALL * 0.9, alpha=0.7)
        left, right = x0 + starts[t] * strip, x0 + (starts[t] + n) * strip
        ax.add_patch(Rectangle((left, y), right - left, strip, fill=False, edgecolor=INK, lw=2.0))
        _text(ax, (left + right) / 2, y + strip + 1.1 * FONT_SIZE, f"$t{{=}}{t + 1}$", fontsize=SMALL)
        _text(ax, (left + right) / 2, y - 1.9 * FONT_SIZE, f"{n}", fontsize=SMALL)
        seqs = ", ".join(str(order[j]) for j in range(n))
        key = "packed_group" if n > 1 else "packed_group_one"
        groups.append(TEXT[key].format(t=t + 1, seqs=seqs, first=starts[t], last=starts[t] + n - 1))
    alt = TEXT["packed_alt"].format(N=batch, lengths=", ".join(map(str, lengths)), T=steps,
                                    real=total, pad=batch * steps - total, total=total, sizes=sizes,
                                    groups="; ".join(groups))
    return site_figure(fig, alt, TEXT["packed_caption"])


def jacobian_decay(
    steps: int = 30, hidden_size: int = 8, sigmas: tuple[float, ...] = (0.5, 1.0, 1.5), seed: int = 0
) -> SiteFigure:
    """jacobian_norms of the layers of decay_layers against T − t, log scale: tanh above, relu below."""
    from .display import spanish_number

    layers, x = decay_layers(steps, hidden_size, sigmas, seed)
    _import_matplotlib()
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_PT / 72, 330 / 72), layout="constrained")
    axes = fig.subplots(2, 1, sharex=True)
    distance = list(range(steps + 1))
    curves = []
    for ax, act in zip(axes, ("tanh", "relu")):
        for k, sigma in enumerate(float(s) for s in sigmas):
            norms = jacobian_norms(layers[act, sigma], x)
            ax.plot(distance, norms.tolist(), color=ACCENTS[k % len(ACCENTS)], lw=1.6, gid=f"{act}-{sigma}",
                    label=TEXT["decay_sigma"].format(sigma=_decimal(sigma, math=True)))
            curves.append(TEXT["decay_curve"].format(act=act, sigma=_decimal(sigma),
                                                     last=spanish_number(float(norms[-1])), T=steps,
                                                     peak=spanish_number(float(norms.max()))))
        ax.set_yscale("log")
        ax.axhline(1.0, color=INK, lw=0.6, ls=":", alpha=0.6)
        _style(ax)
        ax.set_ylabel(TEXT["decay_norm"], fontsize=FONT_SIZE, color=INK)
        ax.text(0.03, 0.05, act, transform=ax.transAxes, ha="left", va="bottom", fontsize=FONT_SIZE, color=INK)
    axes[0].legend(fontsize=SMALL, frameon=False, labelcolor=INK, ncols=len(sigmas), loc="lower center",
                   bbox_to_anchor=(0.5, 1.0))
    axes[1].set_xlabel(TEXT["decay_axis"], fontsize=FONT_SIZE, color=INK)
    axes[1].set_xlim(0, steps)
    names = [_decimal(float(s)) for s in sigmas]
    sigma_list = names[0] if len(names) == 1 else "; ".join(names[:-1]) + " y " + names[-1]
    alt = TEXT["decay_alt"].format(T=steps, H=hidden_size, sigmas=sigma_list, curves="; ".join(curves))
    return site_figure(fig, alt, TEXT["decay_caption"])


# -- The LSTM cell and its cell-state gradient ------------------------------------------------

TEXT |= {
    "lstm_alt": (
        "Celda LSTM de un paso. Arriba, el estado de celda c₍ₜ₋₁₎ {c_shape} cruza la celda de izquierda "
        "a derecha: se multiplica por la puerta de olvido fₜ y se le suma iₜ ⊙ gₜ, y sale como cₜ. "
        "Abajo, h₍ₜ₋₁₎ {h_shape} y xₜ {x_shape} alimentan las cuatro puertas, en el orden de PyTorch: "
        "iₜ (σ), fₜ (σ), gₜ (tanh) y oₜ (σ), cada una con {H} componentes. A la derecha, tanh(cₜ) "
        "se multiplica por oₜ{proj} y da hₜ {h_shape}."
    ),
    "lstm_alt_proj": ", se proyecta con W_hr {w_hr}",
    "lstm_caption": (
        "La celda de nn.LSTM en el paso t: el estado de celda cₜ (arriba) solo se multiplica por fₜ "
        "y se le suma iₜ ⊙ gₜ; las puertas leen h₍ₜ₋₁₎ y xₜ (abajo)."
    ),
    "paths_rnn": "RNN: $\\|\\partial h_T / \\partial h_t\\|$",
    "paths_lstm": "LSTM: $\\|\\partial c_T / \\partial c_t\\|$",
    "paths_open": "LSTM, $b_{{hf}} + {bias:g}$",
    "paths_direct": "solo $\\prod f$",
    "paths_axis": "$T - t$",
    "paths_norm": "norma",
    "paths_alt": (
        "Norma de la jacobiana frente a T − t, de 0 a {T}, en escala logarítmica: la de la RNN, "
        "∂h_T/∂h_t, cae hasta {rnn}; la del estado de celda de la LSTM, ∂c_T/∂c_t, hasta "
        "{lstm}; y la de la misma LSTM con {bias} más en el sesgo de la puerta de olvido, "
        "hasta {open}. En discontinua, para las dos LSTM, el mayor producto de sus "
        "puertas de olvido."
    ),
    "paths_caption": (
        "Cuánto llega de cada estado al último, a lo largo de {T} pasos: la norma espectral de "
        "∂h_T/∂h_t en la RNN y de ∂c_T/∂c_t (completa) en la LSTM; en discontinua, el camino "
        "directo, el producto de las puertas de olvido."
    ),
}


def _lstm_node(ax: Any, x: float, y: float, symbol: str) -> None:
    """A small circle with ``symbol`` (× or +) on a line of the cell."""
    from matplotlib.patches import Circle

    ax.add_patch(Circle((x, y), 8, facecolor="none", edgecolor=INK, lw=1.2))
    _text(ax, x, y, symbol, fontsize=SMALL)


def lstm_cell(lstm: nn.LSTM) -> SiteFigure:
    """The LSTM cell of one step: the cell-state line, the four gates in PyTorch's order, and the output."""
    lstm = _checks.module_of(lstm, nn.LSTM)
    hidden, proj = lstm.hidden_size, lstm.proj_size
    h_shape, c_shape, x_shape = _shape(((proj or hidden),)), _shape((hidden,)), _shape((lstm.input_size,))
    fig, ax = _canvas(WIDTH_PT, 262.0)
    top, bus, gate_y = 220.0, 62.0, 112.0
    for start, end in ((34, 90), (106, 168), (184, 296)):  # the cell state line, broken at × and +
        ax.plot([start, end], [top, top], color=INK, lw=2.2)
    _arrow(ax, (296, top), (330, top))
    _text(ax, 16, top + 10, "$c_{t-1}$")
    _text(ax, 16, top - 8, c_shape, fontsize=SMALL)
    _text(ax, 344, top + 10, "$c_t$")
    _text(ax, 344, top - 8, c_shape, fontsize=SMALL)
    ax.plot([34, 262], [bus, bus], color=INK, lw=1.2)  # h_{t-1} and x_t feed every gate
    _text(ax, 16, bus + 10, "$h_{t-1}$")
    _text(ax, 16, bus - 8, h_shape, fontsize=SMALL)
    _arrow(ax, (64, 18), (64, bus))
    _text(ax, 84, 22, "$x_t$")
    _text(ax, 84, 8, x_shape, fontsize=SMALL)
    gates = {"i": (150, "\\sigma"), "f": (98, "\\sigma"), "g": (202, "\\tanh"), "o": (254, "\\sigma")}
    for k, (name, (x, act)) in enumerate(gates.items()):  # i, f, g, o: PyTorch's order, drawn f, i, g, o
        ax.add_patch(_box(x - 19, gate_y - 13, 38, 26))
        _text(ax, x, gate_y, f"${act}$", fontsize=SMALL)
        _text(ax, x - 12, gate_y + 24, f"${name}_t$", color=ACCENTS[k])
        ax.plot([x, x], [bus, gate_y - 13], color=INK, lw=1.2)
    _lstm_node(ax, 98, top, "×")
    _arrow(ax, (98, gate_y + 13), (98, top - 8))
    _lstm_node(ax, 176, 168, "×")
    _arrow(ax, (150, gate_y + 13), (170, 162))
    _arrow(ax, (202, gate_y + 13), (182, 162))
    _lstm_node(ax, 176, top, "+")
    _arrow(ax, (176, 176), (176, top - 8))
    ax.add_patch(_box(296, 160, 36, 22))  # tanh(c_t)
    _text(ax, 314, 171, "$\\tanh$", fontsize=SMALL)
    _arrow(ax, (314, top), (314, 182))
    _lstm_node(ax, 314, gate_y, "×")
    _arrow(ax, (314, 160), (314, gate_y + 8))
    _arrow(ax, (273, gate_y), (306, gate_y))
    end = 30.0
    if proj:
        ax.add_patch(_box(296, 60, 36, 22))
        _text(ax, 314, 71, "$W_{hr}$", fontsize=SMALL, color=ACCENTS[1])
        _arrow(ax, (314, gate_y - 8), (314, 82))
        _arrow(ax, (314, 60), (314, end))
    else:
        _arrow(ax, (314, gate_y - 8), (314, end))
    _text(ax, 336, end + 4, "$h_t$")
    _text(ax, 336, end - 12, h_shape, fontsize=SMALL)
    extra = TEXT["lstm_alt_proj"].format(w_hr=_shape(tuple(lstm.weight_hr_l0.shape))) if proj else ""
    alt = TEXT["lstm_alt"].format(c_shape=c_shape, h_shape=h_shape, x_shape=x_shape, H=hidden, proj=extra)
    return site_figure(fig, alt, TEXT["lstm_caption"])


def cell_state_gradients(rnn: nn.RNN, lstm: nn.LSTM, x: Tensor, forget_bias: float = 3.0) -> SiteFigure:
    """Spectral norms of ∂h_T/∂h_t (RNN) and ∂c_T/∂c_t (LSTM, and ``with_forget_bias(lstm, forget_bias)``) against T − t."""
    from .bptt import jacobian_norms
    from .display import spanish_number
    from .lstm import cell_jacobians, forget_products, with_forget_bias

    rnn = _one_layer(rnn, "cell_state_gradients")
    lstm = _checks.module_of(lstm, nn.LSTM)
    opened = with_forget_bias(lstm, forget_bias)
    curves = {
        TEXT["paths_rnn"]: (jacobian_norms(rnn, x), None),
        TEXT["paths_lstm"]: (torch.linalg.matrix_norm(cell_jacobians(lstm, x), ord=2), forget_products(lstm, x)),
        TEXT["paths_open"].format(bias=forget_bias): (
            torch.linalg.matrix_norm(cell_jacobians(opened, x), ord=2), forget_products(opened, x)),
    }
    fig, ax = _plot_axes(230)
    for k, (label, (norms, direct)) in enumerate(curves.items()):
        lags = list(range(norms.shape[0]))
        ax.plot(lags, norms.tolist(), color=ACCENTS[k], lw=1.8, label=label, gid=f"paths-{k}")
        if direct is not None:
            ax.plot(lags, direct.max(dim=1).values.tolist(), color=ACCENTS[k], lw=1.0, ls="--")
    ax.plot([], [], color=INK, lw=1.0, ls="--", label=TEXT["paths_direct"])
    ax.set_yscale("log")
    ax.set_xlabel(TEXT["paths_axis"], fontsize=FONT_SIZE, color=INK)
    ax.set_ylabel(TEXT["paths_norm"], fontsize=FONT_SIZE, color=INK)
    ax.legend(fontsize=SMALL, frameon=False, labelcolor=INK, loc="lower left")
    last = [float(norms[-1]) for norms, _ in curves.values()]
    steps = len(lags) - 1
    last = [spanish_number(v) for v in last]
    alt = TEXT["paths_alt"].format(T=steps, rnn=last[0], lstm=last[1], open=last[2],
                                   bias=f"{forget_bias:g}".replace(".", ","))
    return site_figure(fig, alt, TEXT["paths_caption"].format(T=steps))


# -- Stacked and bidirectional layers ----------------------------------------------------

TEXT |= {
    "layer": "capa {k}",
    "stacked_alt": (
        "Red de {layers} y {directions}, desplegada en {T} pasos. Cada capa es una fila "
        "de cajas, una por paso t = 1…{T}; {cells}. La capa 0 lee xₜ {x_step} con weight_ih_l0 "
        "{w_ih0}{upper}. Las celdas coloreadas son los estados finales, numerados por su fila en "
        "hₙ {hn_shape}: {finals}. Entrada x {x_shape}, output {out_shape}."
    ),
    "layers_1": "una capa",
    "layers_n": "{n} capas",
    "directions_1": "una dirección",
    "directions_2": "dos direcciones",
    "stacked_cells_1": "la dirección directa va de izquierda a derecha",
    "stacked_cells_2": (
        "en cada caja, la celda de arriba es la dirección directa (de izquierda a derecha) y la de "
        "abajo la inversa (de derecha a izquierda), y la caja entera, las dos concatenadas, es lo "
        "que sube a la capa siguiente"
    ),
    "stacked_upper": "; cada capa siguiente lee la salida de la anterior, de {size} números por paso, con weight_ih_l1 {w_ih1}",
    "stacked_final": "fila {row}: capa {k}, {direction}, paso {t}",
    "forward": "directa",
    "reverse": "inversa",
    "stacked_caption": (
        "La red desplegada en {T} pasos, con {layers}{bi}: cada capa lee los estados de la "
        "de abajo; los números de las celdas coloreadas son sus filas en hₙ."
    ),
    "stacked_bi": " bidireccionales",
    "stacked_n": "{n} capas apiladas",
}


def stacked_network(rnn: nn.RNN, x: Tensor) -> SiteFigure:
    """Every layer and direction of ``rnn`` unrolled over ``x``; the final states numbered by their row of h_n."""
    rnn = _checks.rnn_module(rnn)
    seq, _, batched = _checks.rnn_inputs(rnn, x, None)
    steps, layers, dirs = seq.shape[0], rnn.num_layers, 2 if rnn.bidirectional else 1
    if steps > MAX_STEPS:
        raise ValueError(f"stacked_network draws at most {MAX_STEPS} steps, got a sequence of {steps}")
    if layers > 3:
        raise ValueError(f"stacked_network draws at most 3 layers, got num_layers={layers}")
    # Shapes only: calling the layer would draw dropout masks in training mode.
    out_shape = tuple(x.shape[:-1]) + (dirs * rnn.hidden_size,)
    hn_shape = (layers * dirs,) + ((seq.shape[1],) if batched else ()) + (rnn.hidden_size,)
    names = _names(rnn, x)
    left, right, cell_h, box_w = 64.0, 22.0, 16.0, 34.0
    col = min(76.0, (WIDTH_PT - left - right) / steps)
    box_h, gap, base = dirs * cell_h, 40.0, 112.0
    top_layer = base + (layers - 1) * (box_h + gap)
    fig, ax = _canvas(left + steps * col + right, top_layer + box_h + 44)
    finals = []
    for k in range(layers):
        y = base + k * (box_h + gap)
        _text(ax, 6, y + box_h / 2, TEXT["layer"].format(k=k), ha="left")
        for t in range(1, steps + 1):
            cx = left + (t - 0.5) * col
            below = y - gap if k else 78.0
            _arrow(ax, (cx, below), (cx, y))
            for d in range(dirs):
                cy = y + box_h - (d + 1) * cell_h  # forward on top
                last = t == (1 if d else steps)
                row = k * dirs + d
                ax.add_patch(_cell(cx - box_w / 2, cy, box_w, cell_h, ACCENTS[d] if last else None))
                _text(ax, cx, cy + cell_h / 2, str(row) if last else ("←" if d else "→"), fontsize=SMALL)
                if last:
                    finals.append((row, TEXT["stacked_final"].format(
                        row=row, k=k, direction=TEXT["reverse" if d else "forward"], t=t)))
                mid = cy + cell_h / 2  # the state comes in from the previous step: left, or right if reverse
                if d:
                    start = cx + col - box_w / 2 if t < steps else cx + col / 2 + 6
                    _arrow(ax, (start, mid), (cx + box_w / 2, mid))
                else:
                    start = cx - col + box_w / 2 if t > 1 else cx - col / 2 - 6
                    _arrow(ax, (start, mid), (cx - box_w / 2, mid))
    for t in range(1, steps + 1):
        cx = left + (t - 0.5) * col
        _text(ax, cx, 68, f"$x_{{{t}}}$")
        _arrow(ax, (cx, top_layer + box_h), (cx, top_layer + box_h + 18))
    _text(ax, 6, top_layer + box_h + 28, "output", ha="left", fontsize=SMALL, family="DejaVu Sans Mono")
    w_ih = [tuple(getattr(rnn, f"weight_ih_l{k}").shape) for k in range(min(layers, 2))]
    out_name = names["out"].replace("H_{out}", "D \\cdot H_{out}")
    summary = [f"x: ${names['x']} = {_shape(x.shape)}$",
               f"output: ${out_name} = {_shape(out_shape)}$",
               f"$h_n$: ${names['h']} = {_shape(hn_shape)}$"]
    for k, line in enumerate(summary):
        _text(ax, 6, 40 - 14 * k, line, ha="left", va="bottom", fontsize=SMALL)
    step_x = (seq.shape[1], rnn.input_size) if batched else (rnn.input_size,)
    upper = TEXT["stacked_upper"].format(size=dirs * rnn.hidden_size, w_ih1=_shape(w_ih[1])) if layers > 1 else ""
    alt = TEXT["stacked_alt"].format(
        layers=TEXT["layers_1"] if layers == 1 else TEXT["layers_n"].format(n=layers), directions=TEXT[f"directions_{dirs}"], T=steps, cells=TEXT[f"stacked_cells_{dirs}"], x_step=_shape(step_x),
        w_ih0=_shape(w_ih[0]), upper=upper, hn_shape=_shape(hn_shape),
        finals="; ".join(text for _, text in sorted(finals)), x_shape=_shape(x.shape), out_shape=_shape(out_shape),
    )
    stacked = TEXT["layers_1"] if layers == 1 else TEXT["stacked_n"].format(n=layers)
    caption = TEXT["stacked_caption"].format(layers=stacked, bi=TEXT["stacked_bi"][: -2 if layers == 1 else None] if dirs == 2 else "", T=steps)
    return site_figure(fig, alt, caption)


def _cell(x: float, y: float, w: float, h: float, colour: str | None) -> Any:
    """A square-cornered cell in ink, filled with ``colour`` (a final state) or faintly."""
    from matplotlib.patches import Rectangle

    face = (0, 0, 0, 0.06) if colour is None else colour
    return Rectangle((x, y), w, h, facecolor=face, alpha=None if colour is None else 0.55,
                     edgecolor=INK, lw=1.2)


# -- From states to predictions ----------------------------------------------------------

TEXT |= {
    "many_to_one": "muchos a uno",
    "many_to_many": "muchos a muchos",
    "heads_alt": (
        "Dos esquemas de {T} pasos. Abajo, las entradas xₜ {x_step}; en medio, la capa, que "
        "pasa hₜ {h_step} de un paso al siguiente; arriba, la cabeza Linear({H_out}, {C}). "
        "Muchos a uno: solo el último estado, hₙ[-1] {h_step}, pasa por la cabeza, y sale una "
        "predicción ŷ {y_one} por secuencia. Muchos a muchos: cada paso de output {out_shape} "
        "pasa por la misma cabeza, y sale una predicción por paso, ŷ {y_many}."
    ),
    "heads_caption": (
        "La misma capa con una cabeza Linear({H_out}, {C}) encima: muchos a uno (una predicción "
        "por secuencia, desde hₙ) y muchos a muchos (una por paso, desde output)."
    ),
    "training_step": "paso de entrenamiento",
    "loss": "pérdida",
    "threshold": "umbral {value}",
    "loss_alt": (
        "Curva de la pérdida en {n} pasos de entrenamiento, escala logarítmica: empieza en {first} "
        "y termina en {last}, por debajo del umbral {threshold} (línea de puntos) desde el paso {below}."
    ),
    "loss_alt_above": (
        "Curva de la pérdida en {n} pasos de entrenamiento, escala logarítmica: empieza en {first} "
        "y termina en {last}, sin bajar del umbral {threshold} (línea de puntos)."
    ),
    "loss_caption": "La pérdida de cada paso de entrenamiento, calculada antes de actualizar los pesos.",
}


def prediction_heads(rnn: nn.RNN, head: nn.Linear, x: Tensor) -> SiteFigure:
    """Many-to-one (h_n through ``head``) beside many-to-many (every step of output through ``head``)."""
    rnn = _checks.rnn_module(rnn)
    if rnn.bidirectional:
        raise ValueError("prediction_heads draws one direction (h_n[-1] is the last step), got bidirectional=True")
    if not isinstance(head, nn.Linear):
        raise TypeError(f"head must be a torch.nn.Linear, got {type(head).__name__}")
    if head.in_features != rnn.hidden_size:
        raise ValueError(
            f"head must read the layer's states: in_features={rnn.hidden_size}, got {head.in_features}"
        )
    seq, _, batched = _checks.rnn_inputs(rnn, x, None)
    steps = seq.shape[0]
    if steps > MAX_STEPS:
        raise ValueError(f"prediction_heads draws at most {MAX_STEPS} steps, got a sequence of {steps}")
    with torch.no_grad():
        output, h_n = rnn(x)
        one, many = head(h_n[-1]), head(output)
    lead = (seq.shape[1],) if batched else ()
    gap, box = 18.0, 26.0
    col = min(56.0, (WIDTH_PT - gap - 8) / (2 * steps))
    width = 2 * steps * col + gap + 8
    fig, ax = _canvas(width, 196.0)
    ys = {"x": 52.0, "h": 100.0, "y": 150.0}
    for panel, title in enumerate(("many_to_one", "many_to_many")):
        x0 = 4 + panel * (steps * col + gap)
        _text(ax, x0 + steps * col / 2, 182, TEXT[title])
        for t in range(1, steps + 1):
            cx = x0 + (t - 0.5) * col
            for row, colour, label in (("x", ACCENTS[0], f"$x_{{{t}}}$"), ("h", ACCENTS[2], f"$h_{{{t}}}$")):
                ax.add_patch(_cell(cx - box / 2, ys[row] - box / 2, box, box, colour))
                _text(ax, cx, ys[row], label, fontsize=SMALL)
            _arrow(ax, (cx, ys["x"] + box / 2), (cx, ys["h"] - box / 2))
            if t > 1:
                _arrow(ax, (cx - col + box / 2, ys["h"]), (cx - box / 2, ys["h"]))
            if panel == 1 or t == steps:
                label = "$\\hat{y}$" if panel == 0 else f"$\\hat{{y}}_{{{t}}}$"
                ax.add_patch(_cell(cx - box / 2, ys["y"] - box / 2, box, box, ACCENTS[1]))
                _text(ax, cx, ys["y"], label, fontsize=SMALL)
                _arrow(ax, (cx, ys["h"] + box / 2), (cx, ys["y"] - box / 2))
    summary = [f"$h_t$: {_shape(lead + (rnn.hidden_size,))}, "
               f"Linear({head.in_features}, {head.out_features})",
               f"$\\hat{{y}}$: {_shape(tuple(one.shape))}; $\\hat{{y}}_t$: {_shape(tuple(many.shape))}"]
    for k, line in enumerate(summary):
        _text(ax, 6, 20 - 14 * k, line, ha="left", va="bottom", fontsize=SMALL)
    alt = TEXT["heads_alt"].format(
        T=steps, x_step=_shape(lead + (rnn.input_size,)), h_step=_shape(lead + (rnn.hidden_size,)),
        H_out=head.in_features, C=head.out_features, y_one=_shape(tuple(one.shape)),
        out_shape=_shape(tuple(output.shape)), y_many=_shape(tuple(many.shape)),
    )
    return site_figure(fig, alt, TEXT["heads_caption"].format(H_out=head.in_features, C=head.out_features))


def loss_curve(losses: list[float], threshold: float) -> SiteFigure:
    """The loss of each training step (log scale) with ``threshold`` as a dotted line."""
    from .display import spanish_number

    if not isinstance(losses, (list, tuple)) or not losses:
        raise ValueError(f"losses must be a non-empty list of numbers, got {losses!r}"[:120])
    if any(not isinstance(v, (int, float)) or not v > 0 for v in losses):
        raise ValueError("losses must be positive numbers (the plot is logarithmic)")
    if not isinstance(threshold, (int, float)) or not threshold > 0:
        raise ValueError(f"threshold must be a number > 0, got {threshold!r}")
    steps = list(range(1, len(losses) + 1))
    fig, ax = _plot_axes(200)
    ax.plot(steps, list(losses), color=ACCENTS[1], lw=1.6, gid="loss")
    ax.axhline(threshold, color=INK, lw=0.9, ls=":", gid="threshold")
    ax.text(steps[-1], threshold * 1.15, TEXT["threshold"].format(value=spanish_number(threshold)),
            fontsize=SMALL, color=INK, ha="right", va="bottom")
    ax.set_yscale("log")
    ax.set_xlabel(TEXT["training_step"], fontsize=FONT_SIZE, color=INK)
    ax.set_ylabel(TEXT["loss"], fontsize=FONT_SIZE, color=INK)
    ax.set_xlim(1, max(2, len(losses)))
    below = next((k for k, v in enumerate(losses, start=1) if v < threshold), None)
    fields = {"n": len(losses), "first": spanish_number(losses[0]), "last": spanish_number(losses[-1]),
              "threshold": spanish_number(threshold), "below": below}
    alt = TEXT["loss_alt" if below is not None and losses[-1] < threshold else "loss_alt_above"].format(**fields)
    return site_figure(fig, alt, TEXT["loss_caption"])


# -- The GRU cell -------------------------------------------------------------------

TEXT |= {
    "gru_alt": (
        "Celda GRU de un paso: el estado anterior hₜ₋₁ {h} y la entrada xₜ {x} entran en tres "
        "cajas, la puerta de reinicio r y la de actualización z (sigmoides) y la candidata n "
        "(tanh), cada una con su bloque de weight_ih_l0, {w_i}, y de weight_hh_l0, {w_h}; r "
        "multiplica, dentro de n, el término del estado hₜ₋₁ Wₕₙᵀ + bₕₙ; la salida es "
        "hₜ = (1 − z) ⊙ n + z ⊙ hₜ₋₁ {h}."
    ),
    "gru_caption": (
        "Un paso de nn.GRU: r y z salen de sigmoides, n de una tanh en la que r multiplica "
        "hₜ₋₁ Wₕₙᵀ + bₕₙ; z reparte hₜ entre n y hₜ₋₁. Todas las flechas llevan vectores de "
        "Hₒᵤₜ = {H_out} números, salvo xₜ, que lleva Hᵢₙ = {H_in}."
    ),
    "gru_reset": "reinicio",
    "gru_update": "actualización",
    "gru_candidate": "candidata",
}


def gru_cell(gru: nn.GRU) -> SiteFigure:
    """One step of a one-layer ``nn.GRU`` as a diagram: the r, z, n boxes, r inside n, and the mix into h_t."""
    from .gru import GRU_GATES, gru_gates

    gates = gru_gates(gru)  # checks that gru is an nn.GRU
    if gru.num_layers != 1 or gru.bidirectional:
        raise ValueError(
            "gru_cell draws one layer in one direction (num_layers=1, bidirectional=False), "
            f"got num_layers={gru.num_layers}, bidirectional={gru.bidirectional}"
        )
    fig, ax = _canvas(WIDTH_PT, 230.0)
    top, bottom, box_y, box_h, box_w = 205.0, 12.0, 96.0, 44.0, 62.0
    boxes = {"r": (80.0, "\\sigma", "gru_reset"), "n": (170.0, "\\tanh", "gru_candidate"),
             "z": (250.0, "\\sigma", "gru_update")}
    _text(ax, 4, top, "$h_{t-1}$", ha="left")
    _text(ax, 4, bottom + 26, "$x_t$", ha="left")
    ax.plot([40, 320], [top, top], color=INK, lw=1.2)
    ax.plot([14, 250], [bottom + 14, bottom + 14], color=INK, lw=1.2)
    colour = {gate: ACCENTS[k] for k, gate in enumerate(GRU_GATES)}  # as in gate_blocks
    for gate, (cx, act, word) in boxes.items():
        k = GRU_GATES.index(gate)
        ax.add_patch(_box(cx - box_w / 2, box_y, box_w, box_h))
        _text(ax, cx, box_y + box_h - 13, f"${gate}_t$", color=ACCENTS[k])
        _text(ax, cx, box_y + 13, f"${act}$")
        _text(ax, cx - 12, bottom, TEXT[word], fontsize=SMALL, color=ACCENTS[k])
        _arrow(ax, (cx - 12, bottom + 14), (cx - 12, box_y))
        _arrow(ax, (cx + 12, top), (cx + 12, box_y + box_h))
    # r multiplies the state's term inside n
    r_x, n_x = boxes["r"][0], boxes["n"][0]
    _arrow(ax, (r_x + box_w / 2, box_y + box_h / 2), (n_x - box_w / 2, box_y + box_h / 2))
    _text(ax, (r_x + n_x) / 2, box_y + box_h / 2 + 10, "$\\odot$", fontsize=SMALL)
    # the mix: h_t = (1 - z) n + z h_{t-1}
    mix_x, mix_y = 320.0, box_y + box_h / 2
    from matplotlib.patches import Circle

    ax.add_patch(Circle((mix_x, mix_y), 11, facecolor="none", edgecolor=INK, lw=1.2))
    _text(ax, mix_x, mix_y, "$+$")
    _arrow(ax, (mix_x, top), (mix_x, mix_y + 11))
    _text(ax, mix_x + 6, (top + mix_y) / 2 + 8, "$z$", ha="left", fontsize=SMALL, color=colour["z"])
    z_x = boxes["z"][0]
    _arrow(ax, (z_x + box_w / 2, mix_y), (mix_x - 11, mix_y))
    ax.annotate("", (mix_x - 8, mix_y - 8), (n_x + 6, box_y),
                arrowprops={"arrowstyle": "-|>", "color": INK, "lw": 1.2, "shrinkA": 0, "shrinkB": 0,
                            "connectionstyle": "arc3,rad=0.35"})
    _text(ax, 268, 62, "$1 - z$", fontsize=SMALL, color=colour["z"])
    _arrow(ax, (mix_x, mix_y - 11), (mix_x, bottom + 14))
    _text(ax, mix_x, bottom, "$h_t$")
    w_i, w_h = _shape(tuple(gates.W_ir.shape)), _shape(tuple(gates.W_hr.shape))
    h, x = _shape((gru.hidden_size,)), _shape((gru.input_size,))
    alt = TEXT["gru_alt"].format(h=h, x=x, w_i=w_i, w_h=w_h)
    return site_figure(fig, alt, TEXT["gru_caption"].format(H_out=gru.hidden_size, H_in=gru.input_size))


# -- The gate blocks of the three layers ---------------------------------------------

TEXT |= {
    "blocks_alt": (
        "weight_ih_l0 de las tres capas con Hᵢₙ = {H_in} y Hₒᵤₜ = {H_out}, como bloques de "
        "celdas, un cuadrado por número y un color por puerta: {items}."
    ),
    "blocks_item": "{name} {shape}, {blocks}",
    "blocks_one": "un solo bloque",
    "blocks_caption": (
        "weight_ih_l0 de nn.RNN, nn.LSTM y nn.GRU con los mismos tamaños: cada puerta apila "
        "un bloque de Hₒᵤₜ = {H_out} filas."
    ),
}


def gate_blocks(input_size: int, hidden_size: int) -> SiteFigure:
    """``weight_ih_l0`` of nn.RNN, nn.LSTM and nn.GRU of these sizes as blocks of cells, one colour per gate."""
    from .comparison import GATES

    input_size = _checks.count("input_size", input_size)
    hidden_size = _checks.count("hidden_size", hidden_size)
    layers = [(kind.__name__, kind(input_size, hidden_size).weight_ih_l0.shape, gates)
              for kind, gates in GATES.items()]
    tallest = max(shape[0] for _, shape, _ in layers)
    slot = WIDTH_PT / len(layers)
    cell = min(14.0, 150.0 / tallest, slot * 0.55 / input_size)
    height = tallest * cell + 3 * FONT_SIZE + 14
    fig, ax = _canvas(WIDTH_PT, height)
    top = height - 2 * FONT_SIZE
    items = []
    for k, (name, (rows, cols), gates) in enumerate(layers):
        left = (k + 0.5) * slot - cols * cell / 2
        _text(ax, (k + 0.5) * slot, top + FONT_SIZE, f"nn.{name}", fontsize=SMALL, family="DejaVu Sans Mono")
        for b, gate in enumerate(gates or ("",)):
            y = top - b * hidden_size * cell
            _grid(ax, left, y, hidden_size, cols, cell, ACCENTS[b % len(ACCENTS)])
            if gate:
                _text(ax, left - 9, y - hidden_size * cell / 2, f"${gate}$", color=ACCENTS[b % len(ACCENTS)])
        _text(ax, (k + 0.5) * slot, top - rows * cell - FONT_SIZE, _shape((rows, cols)), fontsize=SMALL)
        blocks = ", ".join(gates) if gates else TEXT["blocks_one"]
        items.append(TEXT["blocks_item"].format(name=f"nn.{name}", shape=_shape((rows, cols)), blocks=blocks))
    alt = TEXT["blocks_alt"].format(H_in=input_size, H_out=hidden_size, items="; ".join(items))
    return site_figure(fig, alt, TEXT["blocks_caption"].format(H_out=hidden_size))
