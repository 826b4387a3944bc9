"""Diagrams of the gated cells: one step of an LSTM and of a GRU, and the gate blocks of the three layers."""

from __future__ import annotations

from torch import nn

from .. import _checks, _layout
from ..gru import gru_gates
from ._draw import ACCENTS, FONT_SIZE, MONO, SMALL, WIDTH_PT, arrow, box, canvas, grid, node, styled, text
from ._svg import SiteFigure, site_figure
from ._words import plural, shape, words

# Where lstm_cell draws each block, gate or candidate (x, in points), and its activation; drawn f, i, g, o from the left.
_LSTM_GATES = {"i": (150, "\\sigma"), "f": (98, "\\sigma"), "g": (202, "\\tanh"), "o": (254, "\\sigma")}


@styled
def lstm_cell(lstm: nn.LSTM) -> SiteFigure:
    """The LSTM cell of one step: the cell-state line, the gates i, f, o and the candidate g in PyTorch's order, and the output."""
    lstm = _checks.module_of(lstm, nn.LSTM)
    hidden, proj = lstm.hidden_size, lstm.proj_size
    h_shape, c_shape, x_shape = shape(((proj or hidden),)), shape((hidden,)), shape((lstm.input_size,))
    fig, ax = canvas(WIDTH_PT, 262.0)
    top, bus, gate_y = 220.0, 62.0, 112.0
    for start, end in ((34, 90), (106, 168), (184, 296)):  # the cell state line, broken at × and +
        ax.plot([start, end], [top, top], lw=2.2)
    arrow(ax, (296, top), (330, top))
    text(ax, 16, top + 10, "$c_{t-1}$")
    text(ax, 16, top - 8, c_shape, fontsize=SMALL)
    text(ax, 344, top + 10, "$c_t$")
    text(ax, 344, top - 8, c_shape, fontsize=SMALL)
    ax.plot([34, 262], [bus, bus], lw=1.2)  # h_{t-1} and x_t feed every gate
    text(ax, 16, bus + 10, "$h_{t-1}$")
    text(ax, 16, bus - 8, h_shape, fontsize=SMALL)
    arrow(ax, (64, 18), (64, bus))
    text(ax, 84, 22, "$x_t$")
    text(ax, 84, 8, x_shape, fontsize=SMALL)
    for k, name in enumerate(_layout.GATES[nn.LSTM]):  # PyTorch's order, each in its accent
        x, act = _LSTM_GATES[name]
        ax.add_patch(box(x - 19, gate_y - 13, 38, 26))
        text(ax, x, gate_y, f"${act}$", fontsize=SMALL)
        text(ax, x - 12, gate_y + 24, f"${name}_t$", color=ACCENTS[k])
        ax.plot([x, x], [bus, gate_y - 13], lw=1.2)
    node(ax, 98, top, 8, "×", fontsize=SMALL)
    arrow(ax, (98, gate_y + 13), (98, top - 8))
    node(ax, 176, 168, 8, "×", fontsize=SMALL)
    arrow(ax, (150, gate_y + 13), (170, 162))
    arrow(ax, (202, gate_y + 13), (182, 162))
    node(ax, 176, top, 8, "+", fontsize=SMALL)
    arrow(ax, (176, 176), (176, top - 8))
    ax.add_patch(box(296, 160, 36, 22))  # tanh(c_t)
    text(ax, 314, 171, "$\\tanh$", fontsize=SMALL)
    arrow(ax, (314, top), (314, 182))
    node(ax, 314, gate_y, 8, "×", fontsize=SMALL)
    arrow(ax, (314, 160), (314, gate_y + 8))
    arrow(ax, (273, gate_y), (306, gate_y))
    end = 30.0
    if proj:
        ax.add_patch(box(296, 60, 36, 22))
        text(ax, 314, 71, "$W_{hr}$", fontsize=SMALL, color=ACCENTS[1])
        arrow(ax, (314, gate_y - 8), (314, 82))
        arrow(ax, (314, 60), (314, end))
    else:
        arrow(ax, (314, gate_y - 8), (314, end))
    text(ax, 336, end + 4, "$h_t$")
    text(ax, 336, end - 12, h_shape, fontsize=SMALL)
    w_hr = _layout.projection(lstm, 0, False)
    extra = words("lstm_alt_proj", w_hr=shape(w_hr.shape)) if w_hr is not None else ""
    alt = words("lstm_alt", c_shape=c_shape, h_shape=h_shape, x_shape=x_shape,
                components=plural("components", hidden), proj=extra)
    return site_figure(fig, alt, words("lstm_caption"))


@styled
def gru_cell(gru: nn.GRU) -> SiteFigure:
    """One step of a one-layer ``nn.GRU`` as a diagram: the r, z, n boxes, r inside n, and the mix into h_t."""
    gru = _checks.one_layer(gru, "gru_cell", nn.GRU)
    gates = gru_gates(gru)
    order = _layout.GATES[nn.GRU]
    colour = {gate: ACCENTS[k] for k, gate in enumerate(order)}  # as in gate_blocks
    fig, ax = canvas(WIDTH_PT, 230.0)
    top, bottom, box_y, box_h, box_w = 205.0, 12.0, 96.0, 44.0, 62.0
    boxes = {"r": (80.0, "\\sigma", "gru_reset"), "n": (170.0, "\\tanh", "gru_candidate"),
             "z": (250.0, "\\sigma", "gru_update")}
    text(ax, 4, top, "$h_{t-1}$", ha="left")
    text(ax, 4, bottom + 26, "$x_t$", ha="left")
    ax.plot([40, 320], [top, top], lw=1.2)
    ax.plot([14, 250], [bottom + 14, bottom + 14], lw=1.2)
    for gate, (cx, act, word) in boxes.items():
        ax.add_patch(box(cx - box_w / 2, box_y, box_w, box_h))
        text(ax, cx, box_y + box_h - 13, f"${gate}_t$", color=colour[gate])
        text(ax, cx, box_y + 13, f"${act}$")
        text(ax, cx - 12, bottom, words(word), fontsize=SMALL, color=colour[gate])
        arrow(ax, (cx - 12, bottom + 14), (cx - 12, box_y))
        arrow(ax, (cx + 12, top), (cx + 12, box_y + box_h))
    # r multiplies the state's term inside n
    r_x, n_x = boxes["r"][0], boxes["n"][0]
    arrow(ax, (r_x + box_w / 2, box_y + box_h / 2), (n_x - box_w / 2, box_y + box_h / 2))
    text(ax, (r_x + n_x) / 2, box_y + box_h / 2 + 10, "$\\odot$", fontsize=SMALL)
    # the mix: h_t = (1 - z) n + z h_{t-1}
    mix_x, mix_y = 320.0, box_y + box_h / 2
    node(ax, mix_x, mix_y, 11, "$+$")
    arrow(ax, (mix_x, top), (mix_x, mix_y + 11))
    text(ax, mix_x + 6, (top + mix_y) / 2 + 8, "$z$", ha="left", fontsize=SMALL, color=colour["z"])
    arrow(ax, (boxes["z"][0] + box_w / 2, mix_y), (mix_x - 11, mix_y))
    arrow(ax, (n_x + 6, box_y), (mix_x - 8, mix_y - 8), connectionstyle="arc3,rad=0.35")
    text(ax, 268, 62, "$1 - z$", fontsize=SMALL, color=colour["z"])
    arrow(ax, (mix_x, mix_y - 11), (mix_x, bottom + 14))
    text(ax, mix_x, bottom, "$h_t$")
    w_i, w_h = shape(gates.W_ir.shape), shape(gates.W_hr.shape)
    h, x = shape((gru.hidden_size,)), shape((gru.input_size,))
    alt = words("gru_alt", h=h, x=x, w_i=w_i, w_h=w_h)
    caption = words("gru_caption", numbers=plural("numbers", gru.hidden_size), H_in=gru.input_size)
    return site_figure(fig, alt, caption)


@styled
def gate_blocks(input_size: int, hidden_size: int) -> SiteFigure:
    """``weight_ih_l0`` of nn.RNN, nn.LSTM and nn.GRU of these sizes as blocks of cells, one colour per block (gates and candidate)."""
    input_size = _checks.count("input_size", input_size)
    hidden_size = _checks.count("hidden_size", hidden_size)
    layers = [(kind, _layout.parameters(kind(input_size, hidden_size), 0, False)[0].shape, gates)
              for kind, gates in _layout.GATES.items()]
    tallest = max(size[0] for _, size, _ in layers)
    slot = WIDTH_PT / len(layers)
    side = min(14.0, 150.0 / tallest, slot * 0.55 / input_size)
    height = tallest * side + 3 * FONT_SIZE + 14
    fig, ax = canvas(WIDTH_PT, height)
    top = height - 2 * FONT_SIZE
    items = []
    for k, (kind, (rows, cols), gates) in enumerate(layers):
        name = kind.__name__
        left = (k + 0.5) * slot - cols * side / 2
        text(ax, (k + 0.5) * slot, top + FONT_SIZE, f"nn.{name}", **MONO)
        for b, gate in enumerate(gates or ("",)):
            y = top - b * hidden_size * side
            grid(ax, left, y, hidden_size, cols, side, ACCENTS[b % len(ACCENTS)])
            if gate:
                text(ax, left - 9, y - hidden_size * side / 2, f"${gate}$", color=ACCENTS[b % len(ACCENTS)])
        text(ax, (k + 0.5) * slot, top - rows * side - FONT_SIZE, shape((rows, cols)), fontsize=SMALL)
        gated = words("blocks_gated", blocks=", ".join(gates), candidate=_layout.CANDIDATE.get(kind))
        blocks = gated if gates else words("blocks_one")
        items.append(words("blocks_item", name=f"nn.{name}", shape=shape((rows, cols)), blocks=blocks))
    alt = words("blocks_alt", H_in=input_size, H_out=hidden_size, items="; ".join(items))
    return site_figure(fig, alt, words("blocks_caption", rows=plural("rows", hidden_size)))
