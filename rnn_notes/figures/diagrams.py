"""Diagrams of a layer and its tensors: unrolled and stacked networks, prediction heads, blocks of
cells for shapes and parameters, and a packed batch."""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import PackedSequence

from .. import _checks, _layout
from ..display import format_vector
from ._draw import ACCENTS, FONT_SIZE, MONO, SMALL, WIDTH_PT, arrow, box, canvas, cell, grid, styled, text
from ._svg import SiteFigure, site_figure
from ._words import plain, plural, shape, sub, words

MAX_STEPS = 5  # the unrolled network draws at most this many steps legibly at 390 px
MAX_PACKED_ROWS = 12  # cells of data drawn legibly at 390 px


def _names(rnn: nn.RNN, x: Tensor) -> dict[str, str]:
    """The symbolic shapes of PyTorch's docs for this call: input, output and hidden state."""
    if x.dim() == 2:
        return {"x": "(L, H_{in})", "out": "(L, H_{out})", "h": "(D \\cdot num\\_layers, H_{out})"}
    seq = "N, L" if rnn.batch_first else "L, N"
    return {"x": f"({seq}, H_{{in}})", "out": f"({seq}, H_{{out}})",
            "h": "(D \\cdot num\\_layers, N, H_{out})"}


def _summary(ax: Any, top: float, lines: list[str]) -> None:
    """Lines of shapes at the bottom left, the first one at height ``top``."""
    for k, line in enumerate(lines):
        text(ax, 6, top - 14 * k, line, ha="left", va="bottom", fontsize=SMALL)


def _max_steps(what: str, steps: int) -> None:
    """Refuse a sequence longer than a diagram draws legibly."""
    if steps > MAX_STEPS:
        raise ValueError(f"{what} draws at most {MAX_STEPS} steps, got a sequence of {steps}")


# -- The unrolled network -----------------------------------------------------


@styled
def unrolled_network(rnn: nn.RNN, x: Tensor, h0: Tensor | None = None, show_values: bool = False) -> SiteFigure:
    """The layer unrolled over the steps of ``x``: boxes for t = 1..T, shapes taken from ``rnn`` and ``x``."""
    rnn = _checks.one_layer(rnn, "unrolled_network")
    seq, _, batched = _checks.rnn_inputs(rnn, x, h0)
    steps, batch = seq.shape[0], seq.shape[1]
    _max_steps("unrolled_network", steps)
    if show_values and batch != 1:
        raise ValueError(f"show_values needs a single sequence (batch of 1), got a batch of {batch}")
    with torch.no_grad():
        output, h_n = rnn(x, h0)
    out_steps = output.transpose(0, 1) if batched and rnn.batch_first else output
    step_x = (batch, rnn.input_size) if batched else (rnn.input_size,)
    step_h = (batch, rnn.hidden_size) if batched else (rnn.hidden_size,)
    names = _names(rnn, x)
    w_ih, w_hh, _, _ = _layout.parameters(rnn, 0, False)

    col, left, right = 80.0, 48.0, 40.0
    fig, ax = canvas(left + steps * col + right, 232.0 if show_values else 216.0)
    values = []
    for t in range(1, steps + 1):
        value = out_steps[t - 1].reshape(-1) if show_values else None
        _unrolled_step(ax, left + (t - 0.5) * col, col, t, rnn.nonlinearity, shape(step_x), shape(step_h), value)
        if value is not None:
            values.append(f"h{sub(t)} = {format_vector(value, 4)}")
    mid_y = _BOX_Y + _BOX_H / 2
    text(ax, left - 30, mid_y + 9, "$h_0$")
    text(ax, left - 30, mid_y - 9, shape(step_h), fontsize=SMALL)
    last = left + (steps - 0.5) * col + _BOX_W / 2
    arrow(ax, (last, mid_y), (last + 18, mid_y))
    text(ax, last + 29, mid_y, "$h_n$")
    _summary(ax, 32, [f"x: ${names['x']} = {shape(x.shape)}$", f"output: ${names['out']} = {shape(output.shape)}$",
                      f"$h_0$, $h_n$: ${names['h']} = {shape(h_n.shape)}$"])
    alt = words(
        "unrolled_alt", steps=plural("steps", steps), times=plural("times", steps), h0=shape(step_h),
        x_step=shape(step_x), h_step=shape(step_h), w_hh=shape(w_hh.shape), w_ih=shape(w_ih.shape),
        x_shape=shape(x.shape), out_shape=shape(output.shape), hn_shape=shape(h_n.shape),
        values=words("unrolled_values", values="; ".join(values)) if values else "",
    )
    return site_figure(fig, alt, plural("unrolled_caption", steps, T_sub=sub(steps)))


_BOX_W, _BOX_H, _BOX_Y = 52.0, 36.0, 118.0  # the step boxes of the unrolled network, in points


def _unrolled_step(ax: Any, cx: float, col: float, t: int, act: str, x_shape: str, h_shape: str,
                   value: Tensor | None) -> None:
    """Step ``t`` of the unrolled network, centred at ``cx``: x_t in, h_t out, h_{t-1} from the left."""
    mid_y = _BOX_Y + _BOX_H / 2
    top = _BOX_Y + _BOX_H
    ax.add_patch(box(cx - _BOX_W / 2, _BOX_Y, _BOX_W, _BOX_H))
    text(ax, cx, mid_y + 8, words("step", t=t), fontsize=SMALL)
    text(ax, cx, mid_y - 8, act)
    arrow(ax, (cx, 78), (cx, _BOX_Y))
    text(ax, cx + 4, 98, "$W_{ih}$", ha="left", color=ACCENTS[1])
    text(ax, cx, 67, f"$x_{{{t}}}$")
    text(ax, cx, 52, x_shape, fontsize=SMALL)
    arrow(ax, (cx, top), (cx, top + 24))
    text(ax, cx, top + 36, f"$h_{{{t}}}$")
    text(ax, cx, top + 52, h_shape, fontsize=SMALL)
    if value is not None:
        text(ax, cx, top + 67, format_vector(value, 2), fontsize=SMALL, color=ACCENTS[0])
    start = cx - col + _BOX_W / 2 if t > 1 else cx - col / 2 - 16
    arrow(ax, (start, mid_y), (cx - _BOX_W / 2, mid_y))
    if t > 1:
        text(ax, cx - col / 2, mid_y + 10, "$W_{hh}$", fontsize=SMALL, color=ACCENTS[1])


# -- Stacked and bidirectional layers ----------------------------------------------------


@styled
def stacked_network(rnn: nn.RNN, x: Tensor) -> SiteFigure:
    """Every layer and direction of ``rnn`` unrolled over ``x``; the final states numbered by their row of h_n."""
    rnn = _checks.rnn_module(rnn)
    seq, _, batched = _checks.rnn_inputs(rnn, x, None)
    steps, layers, directions = seq.shape[0], rnn.num_layers, _layout.directions(rnn)
    dirs = len(directions)
    _max_steps("stacked_network", steps)
    if layers > 3:
        raise ValueError(f"stacked_network draws at most 3 layers, got num_layers={layers}")
    # Shapes only: calling the layer would draw dropout masks in training mode.
    out_shape = tuple(x.shape[:-1]) + (dirs * rnn.hidden_size,)
    hn_shape = (_layout.num_states(rnn),) + ((seq.shape[1],) if batched else ()) + (rnn.hidden_size,)
    names = _names(rnn, x)
    left, right, cell_h, box_w = 64.0, 22.0, 16.0, 34.0
    col = min(76.0, (WIDTH_PT - left - right) / steps)
    box_h, gap, base = dirs * cell_h, 40.0, 112.0
    top_layer = base + (layers - 1) * (box_h + gap)
    fig, ax = canvas(left + steps * col + right, top_layer + box_h + 44)
    finals = []
    for k in range(layers):
        y = base + k * (box_h + gap)
        text(ax, 6, y + box_h / 2, words("layer", k=k), ha="left")
        for t in range(1, steps + 1):
            cx = left + (t - 0.5) * col
            below = y - gap if k else 78.0
            arrow(ax, (cx, below), (cx, y))
            for d, reverse in enumerate(directions):
                cy = y + box_h - (d + 1) * cell_h  # forward on top
                last = t == (1 if reverse else steps)
                row = _layout.state_index(rnn, k, reverse)
                ax.add_patch(cell(cx - box_w / 2, cy, box_w, cell_h, ACCENTS[d] if last else None))
                text(ax, cx, cy + cell_h / 2, str(row) if last else ("←" if reverse else "→"), fontsize=SMALL)
                if last:
                    finals.append((row, words("stacked_final", row=row, k=k, t=t,
                                              direction=words("reverse" if reverse else "forward"))))
                mid = cy + cell_h / 2  # the state comes in from the previous step: left, or right if reverse
                if reverse:
                    start = cx + col - box_w / 2 if t < steps else cx + col / 2 + 6
                    arrow(ax, (start, mid), (cx + box_w / 2, mid))
                else:
                    start = cx - col + box_w / 2 if t > 1 else cx - col / 2 - 6
                    arrow(ax, (start, mid), (cx - box_w / 2, mid))
    for t in range(1, steps + 1):
        cx = left + (t - 0.5) * col
        text(ax, cx, 68, f"$x_{{{t}}}$")
        arrow(ax, (cx, top_layer + box_h), (cx, top_layer + box_h + 18))
    text(ax, 6, top_layer + box_h + 28, "output", ha="left", **MONO)
    w_ih = [_layout.parameters(rnn, k, False)[0].shape for k in range(min(layers, 2))]
    out_name = names["out"].replace("H_{out}", "D \\cdot H_{out}")
    _summary(ax, 40, [f"x: ${names['x']} = {shape(x.shape)}$", f"output: ${out_name} = {shape(out_shape)}$",
                      f"$h_n$: ${names['h']} = {shape(hn_shape)}$"])
    step_x = (seq.shape[1], rnn.input_size) if batched else (rnn.input_size,)
    size = plural("numbers", dirs * rnn.hidden_size)
    upper = words("stacked_upper", size=size, w_ih1=shape(w_ih[1])) if layers > 1 else ""
    alt = words(
        "stacked_alt", layers=plural("layers", layers), directions=plural("directions", dirs),
        steps=plural("steps", steps), times=plural("times", steps), cells=plural("stacked_cells", dirs),
        x_step=shape(step_x), w_ih0=shape(w_ih[0]), upper=upper, hn_shape=shape(hn_shape),
        finals="; ".join(line for _, line in sorted(finals)), x_shape=shape(x.shape), out_shape=shape(out_shape),
    )
    caption = words("stacked_caption", steps=plural("steps", steps), layers=plural("stacked_layers", layers),
                    bi=plural("bidirectional", layers) if dirs == 2 else "")
    return site_figure(fig, alt, caption)


# -- From states to predictions ----------------------------------------------------------


@styled
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
    _max_steps("prediction_heads", steps)
    with torch.no_grad():
        output, h_n = rnn(x)
        one, many = head(h_n[-1]), head(output)
    lead = (seq.shape[1],) if batched else ()
    gap, side = 18.0, 26.0
    col = min(56.0, (WIDTH_PT - gap - 8) / (2 * steps))
    fig, ax = canvas(2 * steps * col + gap + 8, 196.0)
    ys = {"x": 52.0, "h": 100.0, "y": 150.0}

    def square(cx: float, row: str, colour: str, label: str) -> None:
        ax.add_patch(cell(cx - side / 2, ys[row] - side / 2, side, side, colour))
        text(ax, cx, ys[row], label, fontsize=SMALL)

    for panel, title in enumerate(("many_to_one", "many_to_many")):
        x0 = 4 + panel * (steps * col + gap)
        text(ax, x0 + steps * col / 2, 182, words(title))
        for t in range(1, steps + 1):
            cx = x0 + (t - 0.5) * col
            square(cx, "x", ACCENTS[0], f"$x_{{{t}}}$")
            square(cx, "h", ACCENTS[2], f"$h_{{{t}}}$")
            arrow(ax, (cx, ys["x"] + side / 2), (cx, ys["h"] - side / 2))
            if t > 1:
                arrow(ax, (cx - col + side / 2, ys["h"]), (cx - side / 2, ys["h"]))
            if panel == 1 or t == steps:
                square(cx, "y", ACCENTS[1], "$\\hat{y}$" if panel == 0 else f"$\\hat{{y}}_{{{t}}}$")
                arrow(ax, (cx, ys["h"] + side / 2), (cx, ys["y"] - side / 2))
    _summary(ax, 20, [f"$h_t$: {shape(lead + (rnn.hidden_size,))}, Linear({head.in_features}, {head.out_features})",
                      f"$\\hat{{y}}$: {shape(one.shape)}; $\\hat{{y}}_t$: {shape(many.shape)}"])
    alt = words(
        "heads_alt", steps=plural("steps", steps), x_step=shape(lead + (rnn.input_size,)),
        h_step=shape(lead + (rnn.hidden_size,)), H_out=head.in_features, C=head.out_features,
        y_one=shape(one.shape), out_shape=shape(output.shape), y_many=shape(many.shape),
    )
    return site_figure(fig, alt, words("heads_caption", H_out=head.in_features, C=head.out_features))


# -- Blocks of cells: shapes of products and parameters ----------------------------------


def _products(rnn: nn.RNN, layout: str) -> list[tuple[tuple[str, tuple[int, int]], ...]]:
    """The two products of a step, each as (name, shape) of left, right and result."""
    h_in, h_out = rnn.input_size, rnn.hidden_size
    w_ih, w_hh = (tuple(w.shape) for w in _layout.parameters(rnn, 0, False)[:2])
    if layout == "column":
        return [(("W_{ih}", w_ih), ("x_t", (h_in, 1)), ("", (h_out, 1))),
                (("W_{hh}", w_hh), ("h_{t-1}", (h_out, 1)), ("", (h_out, 1)))]
    return [(("x_t", (1, h_in)), ("W_{ih}^\\top", w_ih[::-1]), ("", (1, h_out))),
            (("h_{t-1}", (1, h_out)), ("W_{hh}^\\top", w_hh[::-1]), ("", (1, h_out)))]


@styled
def step_shapes(rnn: nn.RNN, layout: str = "column") -> SiteFigure:
    """The two products of one step as blocks of cells, sides proportional to the layer's sizes."""
    rnn = _checks.one_layer(rnn, "step_shapes")
    if layout not in ("column", "row"):
        raise ValueError(f"layout must be 'column' or 'row', got {layout!r}")
    products = _products(rnn, layout)
    units = max(sum(s[1] for _, s in p) for p in products)  # widest row of blocks, in cells
    tall = [max(s[0] for _, s in p) for p in products]
    side = min(18.0, (WIDTH_PT - 110) / units)
    gap, label = 26.0, 2.6 * FONT_SIZE
    height = sum(rows * side + 2 * label for rows in tall) + 10
    fig, ax = canvas(WIDTH_PT, height)
    top = height - label - 2
    described = []
    for product, rows in zip(products, tall):
        x, centre = 10.0, top - rows * side / 2
        for k, (name, (r, c)) in enumerate(product):
            y = centre + r * side / 2
            grid(ax, x, y, r, c, side, ACCENTS[k] if k < 2 else ACCENTS[2])
            if name:
                text(ax, x + c * side / 2, y + 9, f"${name}$")
            text(ax, x + c * side / 2, y - r * side - 9, shape((r, c)), fontsize=SMALL)
            x += c * side
            if k < 2:
                text(ax, x + gap / 2, centre, "$\\cdot$" if k == 0 else "$=$", fontsize=FONT_SIZE + 3)
                x += gap
        (a, sa), (b, sb), (_, sc) = product
        described.append(f"{plain(a)} {shape(sa)} · {plain(b)} {shape(sb)} = {shape(sc)}")
        top -= rows * side + 2 * label
    alt = words("shapes_alt", products="; ".join(described))
    sizes = {"rows": plural("rows", rnn.hidden_size), "columns": plural("columns", rnn.hidden_size)}
    return site_figure(fig, alt, words(f"shapes_caption_{layout}", **sizes))


@styled
def parameter_shapes(rnn: nn.RNN) -> SiteFigure:
    """Every parameter of ``rnn`` as a block of cells; a 1-D bias is drawn as a column."""
    rnn = _checks.rnn_module(rnn)
    params = [(name, tuple(p.shape)) for name, p in rnn.named_parameters()]
    blocks = [(name, size if len(size) == 2 else (size[0], 1)) for name, size in params]
    slot = WIDTH_PT / len(blocks)
    rows = max(r for _, (r, _) in blocks)
    side = min(16.0, min(slot * 0.8 / c for _, (_, c) in blocks), 120.0 / rows)
    height = rows * side + 4 * FONT_SIZE + 16
    fig, ax = canvas(WIDTH_PT, height)
    top = height - 2 * SMALL
    for k, ((name, (r, c)), (_, size)) in enumerate(zip(blocks, params)):
        centre = (k + 0.5) * slot
        grid(ax, centre - c * side / 2, top, r, c, side, ACCENTS[k // 2 % len(ACCENTS)])
        text(ax, centre, top + FONT_SIZE, name, **MONO)
        text(ax, centre, top - r * side - FONT_SIZE, shape(size), fontsize=SMALL)
    items = ", ".join(f"{name} {shape(size)}" for name, size in params)
    alt = words("params_alt", n=len(params), items=items)
    caption = words("params_caption", rows=plural("rows", rnn.hidden_size), H_out=rnn.hidden_size,
                    columns=plural("columns", rnn.input_size))
    return site_figure(fig, alt, caption)


# -- A packed batch ------------------------------------------------------------------


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


@styled
def packed_batch(packed: PackedSequence) -> SiteFigure:
    """A packed batch: the padded grid (sequences x steps, real or padding) over ``data`` laid out by ``batch_sizes``."""
    from matplotlib.patches import Rectangle  # lazily, as every matplotlib import (see _draw)

    sizes, order, lengths = _packed_layout(packed)
    steps, batch, total = len(sizes), sizes[0], sum(sizes)
    if total > MAX_PACKED_ROWS or steps > MAX_PACKED_ROWS:
        raise ValueError(f"packed_batch draws at most {MAX_PACKED_ROWS} rows of data, got {total}")
    starts = [sum(sizes[:t]) for t in range(steps)]
    row_of = {(order[j], t): starts[t] + j for t in range(steps) for j in range(sizes[t])}
    label_w, side = 78.0, min(30.0, (WIDTH_PT - 80) / steps)
    strip = min(30.0, (WIDTH_PT - label_w - 6) / total)
    grid_h, top_pad, gap, strip_h = batch * side, 2 * FONT_SIZE, 3.2 * FONT_SIZE, strip + 3.8 * FONT_SIZE
    height = top_pad + grid_h + gap + strip_h + 6
    fig, ax = canvas(WIDTH_PT, height)
    top = height - top_pad
    text(ax, label_w / 2, top + FONT_SIZE * 0.8, words("sequence"), fontsize=SMALL)
    for t in range(steps):
        text(ax, label_w + (t + 0.5) * side, top + FONT_SIZE * 0.8, f"$t{{=}}{t + 1}$", fontsize=SMALL)
    for s in range(batch):
        y = top - (s + 1) * side
        text(ax, label_w / 2, y + side / 2, f"{s}", fontsize=SMALL)
        for t in range(steps):
            real = (s, t) in row_of
            ax.add_patch(Rectangle((label_w + t * side, y), side, side, lw=0.8,
                                   facecolor=ACCENTS[t % len(ACCENTS)] if real else (0.5, 0.5, 0.5),
                                   alpha=0.45 if real else 0.18,
                                   gid=f"real-{s}-{t + 1}-row-{row_of[s, t]}" if real else f"padding-{s}-{t + 1}"))
            if real:
                text(ax, label_w + (t + 0.5) * side, y + side / 2, f"{row_of[s, t]}", fontsize=SMALL)
    y, x0 = 6 + 2.4 * FONT_SIZE, label_w
    text(ax, label_w / 2, y + strip / 2, "data", **MONO)
    text(ax, label_w / 2, y - 0.7 * FONT_SIZE, words("row"), fontsize=SMALL * 0.9, alpha=0.7)
    text(ax, label_w / 2, y - 1.9 * FONT_SIZE, "batch_sizes", **MONO)
    groups = []
    for t, n in enumerate(sizes):
        for j in range(n):
            k = starts[t] + j
            ax.add_patch(Rectangle((x0 + k * strip, y), strip, strip, lw=0.8,
                                   facecolor=ACCENTS[t % len(ACCENTS)], alpha=0.45, gid=f"data-{k}"))
            text(ax, x0 + (k + 0.5) * strip, y + strip / 2, f"{order[j]}", fontsize=SMALL)
            text(ax, x0 + (k + 0.5) * strip, y - 0.7 * FONT_SIZE, f"{k}", fontsize=SMALL * 0.9, alpha=0.7)
        left, right = x0 + starts[t] * strip, x0 + (starts[t] + n) * strip
        ax.add_patch(Rectangle((left, y), right - left, strip, fill=False, lw=2.0))
        text(ax, (left + right) / 2, y + strip + 1.1 * FONT_SIZE, f"$t{{=}}{t + 1}$", fontsize=SMALL)
        text(ax, (left + right) / 2, y - 1.9 * FONT_SIZE, f"{n}", fontsize=SMALL)
        seqs = ", ".join(str(order[j]) for j in range(n))
        groups.append(plural("packed_group", n, t=t + 1, seqs=seqs, first=starts[t], last=starts[t] + n - 1))
    alt = words("packed_alt", sequences=plural("packed_sequences", batch, lengths=", ".join(map(str, lengths))),
                steps=plural("steps", steps), real=plural("packed_real", total), pad=batch * steps - total,
                rows=plural("packed_rows", total), sizes=sizes, groups="; ".join(groups))
    return site_figure(fig, alt, words("packed_caption"))
