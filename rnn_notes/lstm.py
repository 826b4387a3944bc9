"""A whole ``nn.LSTM`` recomputed with plain tensor operations, its gates by name, and its cell-state Jacobians.

Notation as on the site (row vectors, steps t = 1..T, h_0 and c_0 the initial states). For one
layer and one direction, PyTorch stacks the four gates in the order i, f, g, o:

    i_t = σ(x_t W_iiᵀ + b_ii + h_{t-1} W_hiᵀ + b_hi)      input gate
    f_t = σ(x_t W_ifᵀ + b_if + h_{t-1} W_hfᵀ + b_hf)      forget gate
    g_t = tanh(x_t W_igᵀ + b_ig + h_{t-1} W_hgᵀ + b_hg)   candidate cell
    o_t = σ(x_t W_ioᵀ + b_io + h_{t-1} W_hoᵀ + b_ho)      output gate
    c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
    h_t = o_t ⊙ tanh(c_t),   then h_t W_hrᵀ when ``proj_size > 0``.

``weight_ih_l{k}`` is ``[W_ii; W_if; W_ig; W_io]`` (4·hidden_size rows), ``weight_hh_l{k}`` likewise.
With ``proj_size`` P > 0, h has P features (so ``weight_hh`` has P columns) and c keeps hidden_size.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from . import _checks, _layout
from ._ops import as_called, stack_layers, time_steps


@dataclass(frozen=True)
class LSTMGates:
    """The parameters of one layer and direction of an ``nn.LSTM``, split into the gates i, f, g, o.

    ``W_i*`` are ``(hidden, input)`` blocks of ``weight_ih``, ``W_h*`` ``(hidden, h features)`` blocks
    of ``weight_hh``; biases are ``(hidden,)`` or ``None`` without bias; ``W_hr`` is
    ``weight_hr`` ``(proj_size, hidden)`` or ``None`` without projection. All are views of the
    layer's parameters (gradients flow back to them).
    """

    W_ii: Tensor
    W_if: Tensor
    W_ig: Tensor
    W_io: Tensor
    W_hi: Tensor
    W_hf: Tensor
    W_hg: Tensor
    W_ho: Tensor
    b_ii: Tensor | None
    b_if: Tensor | None
    b_ig: Tensor | None
    b_io: Tensor | None
    b_hi: Tensor | None
    b_hf: Tensor | None
    b_hg: Tensor | None
    b_ho: Tensor | None
    W_hr: Tensor | None


def lstm_gates(lstm: nn.LSTM, layer: int = 0, reverse: bool = False) -> LSTMGates:
    """The parameters of ``layer`` (reverse direction if ``reverse``) split into named gates i, f, g, o."""
    lstm = _checks.module_of(lstm, nn.LSTM)
    _checks.layer_index(lstm, layer, reverse)
    return _gates(lstm, layer, reverse)


def _gates(lstm: nn.LSTM, layer: int, reverse: bool) -> LSTMGates:
    """``lstm_gates`` without its checks."""
    return LSTMGates(*_layout.gate_parameters(lstm, layer, reverse), _layout.projection(lstm, layer, reverse))


def _hx(lstm: nn.LSTM, hx: object, seq: Tensor, batched: bool) -> tuple[Tensor, Tensor]:
    """Check ``hx`` (``None`` or an ``(h0, c0)`` pair); return both as ``(layers*dirs, batch, size)``."""
    if hx is None:
        h0 = c0 = None
    elif isinstance(hx, (tuple, list)) and len(hx) == 2:
        h0, c0 = _checks.tensor("h0", hx[0]), _checks.tensor("c0", hx[1])
    else:
        given = f"a {type(hx).__name__} of length {len(hx)}" if isinstance(hx, (tuple, list)) else type(hx).__name__
        raise TypeError(f"hx must be None or a pair (h0, c0) of tensors, got {given}")
    proj, batch = lstm.proj_size, seq.shape[1] if batched else None
    h0 = _checks.initial_state("h0", h0, lstm, seq, batch, proj or lstm.hidden_size,
                               "proj_size" if proj else "hidden_size")
    c0 = _checks.initial_state("c0", c0, lstm, seq, batch, lstm.hidden_size, "hidden_size")
    return h0, c0


def lstm_direction(
    inputs: Tensor, h: Tensor, c: Tensor, gates: LSTMGates, reverse: bool
) -> tuple[Tensor, Tensor, Tensor]:
    """One layer, one direction over ``(seq, batch, input)``; return the h states, last h and last c.

    Like the layer's generic CPU path: every step's input projected in one ``F.linear``, then each
    step adds ``F.linear(h, W_hh, b_hh)`` and splits the sum into the four gates. Where PyTorch
    uses that path (float64, or ``proj_size > 0``) the results are the same bits; its oneDNN kernel
    (float32 without projection) rounds differently, within float tolerance.
    """
    w_ih = torch.cat([gates.W_ii, gates.W_if, gates.W_ig, gates.W_io])
    w_hh = torch.cat([gates.W_hi, gates.W_hf, gates.W_hg, gates.W_ho])
    b_ih = None if gates.b_ii is None else torch.cat([gates.b_ii, gates.b_if, gates.b_ig, gates.b_io])
    b_hh = None if gates.b_hi is None else torch.cat([gates.b_hi, gates.b_hf, gates.b_hg, gates.b_ho])
    projected = F.linear(inputs, w_ih, b_ih)
    states = [None] * inputs.shape[0]
    for t in time_steps(inputs.shape[0], reverse):
        i, f, g, o = (F.linear(h, w_hh, b_hh) + projected[t]).chunk(4, dim=-1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        if gates.W_hr is not None:
            h = h @ gates.W_hr.T
        states[t] = h
    return torch.stack(states), h, c


def manual_lstm(
    lstm: nn.LSTM, x: Tensor, hx: tuple[Tensor, Tensor] | None = None
) -> tuple[Tensor, tuple[Tensor, Tensor]]:
    """Same call, same ``(output, (h_n, c_n))`` as ``lstm(x, hx)``, from ``F.linear``, σ, tanh and products.

    ``x`` is ``(seq, input)``, ``(seq, batch, input)`` or, with ``batch_first``,
    ``(batch, seq, input)``; ``hx`` is ``None`` (zeros) or ``(h0, c0)``. With ``proj_size`` P > 0,
    ``h0`` and ``h_n`` have P features and ``c0``, ``c_n`` hidden_size. Dropout between layers in
    training mode raises ``ValueError``, as in ``manual_rnn``; call ``lstm.eval()`` first.
    """
    lstm = _checks.module_of(lstm, nn.LSTM)
    _checks.no_training_dropout(lstm)
    seq, batched = _checks.sequence(lstm, x)
    h0, c0 = _hx(lstm, hx, seq, batched)

    def direction(inputs: Tensor, h: Tensor, c: Tensor, layer: int, reverse: bool) -> tuple[Tensor, Tensor, Tensor]:
        return lstm_direction(inputs, h, c, _gates(lstm, layer, reverse), reverse)

    seq, states = stack_layers(lstm, seq, (h0, c0), direction)
    output, (h_n, c_n) = as_called(lstm, seq, states, batched)
    return output, (h_n, c_n)


@dataclass(frozen=True)
class LSTMStep:
    """Step ``t`` (1..T) of a one-layer, one-direction LSTM on one sequence; vectors, no batch axis.

    ``i, f, g, o`` are the gates after σ or tanh; ``h`` is h_t after the projection (if any).
    """

    t: int
    x: Tensor
    h_prev: Tensor
    c_prev: Tensor
    i: Tensor
    f: Tensor
    g: Tensor
    o: Tensor
    c: Tensor
    h: Tensor


def _gate(x: Tensor, h: Tensor, w_i: Tensor, b_i: Tensor | None, w_h: Tensor, b_h: Tensor | None) -> Tensor:
    """One gate's pre-activation, ``x W_iᵀ + b_i + h W_hᵀ + b_h``."""
    total = x @ w_i.T + h @ w_h.T
    return total if b_i is None else total + b_i + b_h


def trace_lstm(lstm: nn.LSTM, x: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> list[LSTMStep]:
    """Every gate of a one-layer, one-direction LSTM on a single sequence, steps t = 1..T, gate by gate."""
    lstm = _checks.one_layer(lstm, "trace_lstm", nn.LSTM)
    seq, batched = _checks.sequence(lstm, x)
    if seq.shape[1] != 1:
        raise ValueError(f"trace_lstm follows a single sequence (batch of 1), got a batch of {seq.shape[1]}")
    h0, c0 = _hx(lstm, hx, seq, batched)
    p = _gates(lstm, 0, False)
    trace = []
    with torch.no_grad():
        h, c = h0[0, 0], c0[0, 0]
        for t, x_t in enumerate(seq[:, 0], start=1):
            i = torch.sigmoid(_gate(x_t, h, p.W_ii, p.b_ii, p.W_hi, p.b_hi))
            f = torch.sigmoid(_gate(x_t, h, p.W_if, p.b_if, p.W_hf, p.b_hf))
            g = torch.tanh(_gate(x_t, h, p.W_ig, p.b_ig, p.W_hg, p.b_hg))
            o = torch.sigmoid(_gate(x_t, h, p.W_io, p.b_io, p.W_ho, p.b_ho))
            c_new = f * c + i * g
            h_new = o * torch.tanh(c_new)
            if p.W_hr is not None:
                h_new = h_new @ p.W_hr.T
            trace.append(LSTMStep(t, x_t, h, c, i, f, g, o, c_new, h_new))
            h, c = h_new, c_new
    return trace


def _step_jacobian(step: LSTMStep, p: LSTMGates) -> Tensor:
    """∂(h_t, c_t)/∂(h_{t-1}, c_{t-1}) of one step, as one ``(P + H, P + H)`` matrix (h rows first)."""
    i, f, g, o, c = step.i, step.f, step.g, step.o, step.c
    # d(gate)/d h_{t-1} = diag(derivative of the activation) W_h*
    di = (i * (1 - i)).unsqueeze(1) * p.W_hi
    df = (f * (1 - f)).unsqueeze(1) * p.W_hf
    dg = (1 - g * g).unsqueeze(1) * p.W_hg
    do = (o * (1 - o)).unsqueeze(1) * p.W_ho
    dc_dh = step.c_prev.unsqueeze(1) * df + g.unsqueeze(1) * di + i.unsqueeze(1) * dg
    dc_dc = torch.diag(f)
    tanh_c = torch.tanh(c)
    out_h = torch.diag(o * (1 - tanh_c * tanh_c))  # ∂(o ⊙ tanh c)/∂c at fixed o
    dh_dh = tanh_c.unsqueeze(1) * do + out_h @ dc_dh
    dh_dc = out_h @ dc_dc
    if p.W_hr is not None:
        dh_dh, dh_dc = p.W_hr @ dh_dh, p.W_hr @ dh_dc
    return torch.cat([torch.cat([dh_dh, dh_dc], dim=1), torch.cat([dc_dh, dc_dc], dim=1)])


def cell_jacobians(lstm: nn.LSTM, x: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> Tensor:
    """``(T + 1, H, H)``: entry ``k`` is the full ∂c_T/∂c_{T-k} of a one-layer LSTM on one sequence.

    Full: a change in c_t reaches c_T through every path, the direct one (the forget gates) and
    through h_t = o_t ⊙ tanh(c_t) and the gates of the later steps (o_t is fixed: it does not
    depend on c_t). Entry ``T`` is ∂c_n/∂c_0 at fixed h_0.
    """
    trace = trace_lstm(lstm, x, hx)
    p = _gates(lstm, 0, False)
    hidden, out = lstm.hidden_size, lstm.proj_size or lstm.hidden_size
    with torch.no_grad():
        eye = torch.eye(hidden, dtype=trace[0].c.dtype)
        rows = torch.cat([torch.zeros(hidden, out, dtype=eye.dtype), eye], dim=1)  # picks c_T out of (h_T, c_T)
        products = []
        for k, step in enumerate(reversed(trace)):
            tanh_c = torch.tanh(step.c)
            dh_dc = torch.diag(step.o * (1 - tanh_c * tanh_c))  # h_t moves with c_t
            if p.W_hr is not None:
                dh_dc = p.W_hr @ dh_dc
            products.append(rows @ torch.cat([dh_dc, eye]))  # ∂c_T/∂c_t for t = T - k
            rows = rows @ _step_jacobian(step, p)
        products.append(rows[:, out:])  # ∂c_T/∂c_0 with h_0 held fixed
    return torch.stack(products)


def forget_products(lstm: nn.LSTM, x: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> Tensor:
    """``(T + 1, H)``: entry ``k`` is f_T ⊙ ... ⊙ f_{T-k+1}, the diagonal of ∂c_T/∂c_{T-k} along the direct path only."""
    trace = trace_lstm(lstm, x, hx)
    product = torch.ones(lstm.hidden_size, dtype=trace[0].c.dtype)
    products = [product]
    for step in reversed(trace):
        product = product * step.f
        products.append(product)
    return torch.stack(products)


def with_forget_bias(lstm: nn.LSTM, value: float) -> nn.LSTM:
    """A copy of ``lstm`` with ``value`` added to b_hf, the forget gate's block of every ``bias_hh``."""
    lstm = _checks.module_of(lstm, nn.LSTM)
    if not lstm.bias:
        raise ValueError("with_forget_bias needs a layer with biases, got bias=False")
    value = _checks.real("value", value)
    copy = deepcopy(lstm)
    hidden, f = lstm.hidden_size, _layout.gates(lstm).index("f")
    with torch.no_grad():
        for layer in range(copy.num_layers):
            for reverse in _layout.directions(copy):
                *_, bias_hh = _layout.parameters(copy, layer, reverse)
                bias_hh[f * hidden : (f + 1) * hidden] += value
    return copy
