"""Plots of what a layer computes: tanh's saturation, states in chunks, how gradients fade, a loss curve."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from .. import _checks
from ..bptt import decay_layers, jacobian_norms
from ..display import spanish_number
from ..layer import trace_rnn
from ..lstm import cell_jacobians, forget_products, with_forget_bias
from ..streaming import run_in_chunks
from ._draw import ACCENTS, SMALL, label_axes, plot_axes, styled
from ._svg import SiteFigure, site_figure
from ._words import decimal, plural, sub, words


@styled
def tanh_saturation(rnn: nn.RNN, x: Tensor, h0: Tensor | None = None) -> SiteFigure:
    """The tanh curve with the pre-activations z_t of ``x`` (from trace_rnn) marked on it."""
    rnn = _checks.one_layer(rnn, "tanh_saturation")
    if rnn.nonlinearity != "tanh":
        raise ValueError(f"tanh_saturation needs nonlinearity='tanh', got {rnn.nonlinearity!r}")
    trace = trace_rnn(rnn, x, h0)
    z = torch.stack([step.pre_activation for step in trace])  # (T, H_out)
    reach = max(3.0, float(z.abs().max()) * 1.15)
    fig, ax = plot_axes(210)
    grid = torch.linspace(-reach, reach, 241)
    ax.plot(grid.tolist(), torch.tanh(grid).tolist(), lw=1.5, label="tanh")
    for level in (-1, 1):
        ax.axhline(level, lw=0.8, ls=":", alpha=0.6)
    ax.text(-reach, 1.04, words("saturation"), fontsize=SMALL, va="bottom")
    points = []
    for j in range(z.shape[1]):
        colour = ACCENTS[j % len(ACCENTS)]
        zj = z[:, j]
        ax.plot(zj.tolist(), torch.tanh(zj).tolist(), ls="none", marker="o", ms=6, color=colour,
                label=words("component", j=j + 1), gid=f"z-component-{j + 1}")
        for t, value in enumerate(zj.tolist(), start=1):
            ax.annotate(f"$z_{{{t}}}$", (value, torch.tanh(torch.tensor(value)).item()),
                        xytext=(5, -12 if value > 0 else 5), textcoords="offset points",
                        fontsize=SMALL, color=colour)
            points.append(f"z{sub(t)}[{j + 1}] = {value:.2f}")
    label_axes(ax, "$z$", "$\\tanh(z)$", loc="lower right")
    alt = plural("tanh_alt", z.numel(), lo=f"{-reach:.1f}", hi=f"{reach:.1f}", points=", ".join(points))
    return site_figure(fig, alt, plural("tanh_caption", len(trace)))


@styled
def chunked_states(rnn: nn.RNN, x: Tensor, chunk_size: int, h0: Tensor | None = None) -> SiteFigure:
    """Each component of h_t over ``x``, from one call and from run_in_chunks, drawn on top of each other."""
    rnn = _checks.one_layer(rnn, "chunked_states")
    seq, _, _ = _checks.rnn_inputs(rnn, x, h0)
    steps = seq.shape[0]
    if seq.shape[1] != 1:
        raise ValueError(f"chunked_states draws a single sequence (batch of 1), got a batch of {seq.shape[1]}")
    with torch.no_grad():
        whole, _ = rnn(x, h0)
        parts, _ = run_in_chunks(rnn, x, chunk_size, h0)
    time = 1 if x.dim() == 3 and rnn.batch_first else 0
    whole, parts = whole.movedim(time, 0).reshape(steps, -1), parts.movedim(time, 0).reshape(steps, -1)
    t = list(range(1, steps + 1))
    fig, ax = plot_axes(200)
    for cut in range(chunk_size, steps, chunk_size):
        ax.axvline(cut + 0.5, lw=0.6, alpha=0.25)
    for j in range(whole.shape[1]):
        colour = ACCENTS[j % len(ACCENTS)]
        ax.plot(t, whole[:, j].tolist(), color=colour, lw=3.5, alpha=0.4,
                gid=f"one-call-{j + 1}", label=words("component", j=j + 1))
        ax.plot(t, parts[:, j].tolist(), color=colour, lw=1.1, ls="--", gid=f"chunked-{j + 1}")
    ax.plot([], [], lw=3.5, alpha=0.4, label=words("one_call"))
    ax.plot([], [], lw=1.1, ls="--", label=words("chunked", size=chunk_size))
    label_axes(ax, words("step_axis"), "$h_t$", ncols=2, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    ax.set_xlim(1, steps)
    diff = spanish_number(float((whole - parts).abs().max()))
    size = plural("steps", chunk_size)
    alt = plural("chunks_alt", whole.shape[1], steps=plural("steps", steps), size=size, diff=diff)
    return site_figure(fig, alt, words("chunks_caption", times=plural("times", steps), size=size))


@styled
def jacobian_decay(
    steps: int = 30, hidden_size: int = 8, sigmas: tuple[float, ...] = (0.5, 1.0, 1.5), seed: int = 0
) -> SiteFigure:
    """jacobian_norms of the layers of decay_layers against T − t, log scale: tanh above, relu below."""
    layers, x = decay_layers(steps, hidden_size, sigmas, seed)
    fig, axes = plot_axes(330, rows=2)
    distance = list(range(steps + 1))
    curves = []
    for ax, act in zip(axes, ("tanh", "relu")):
        for k, sigma in enumerate(float(s) for s in sigmas):
            norms = jacobian_norms(layers[act, sigma], x)
            ax.plot(distance, norms.tolist(), color=ACCENTS[k % len(ACCENTS)], lw=1.6, gid=f"{act}-{sigma}",
                    label=words("decay_sigma", sigma=decimal(sigma, math=True)))
            curves.append(words("decay_curve", act=act, sigma=decimal(sigma), last=spanish_number(float(norms[-1])),
                                T=steps, peak=spanish_number(float(norms.max()))))
        ax.set_yscale("log")
        ax.axhline(1.0, lw=0.6, ls=":", alpha=0.6)
        label_axes(ax, None, words("decay_norm"))
        ax.text(0.03, 0.05, act, transform=ax.transAxes, ha="left", va="bottom")
    axes[0].legend(ncols=len(sigmas), loc="lower center", bbox_to_anchor=(0.5, 1.0))
    axes[1].set_xlabel(words("decay_axis"))
    axes[1].set_xlim(0, steps)
    names = [decimal(float(s)) for s in sigmas]
    sigma_list = names[0] if len(names) == 1 else "; ".join(names[:-1]) + " y " + names[-1]
    alt = words("decay_alt", T=steps, H=hidden_size, sigmas=sigma_list, curves="; ".join(curves))
    return site_figure(fig, alt, words("decay_caption"))


@styled
def cell_state_gradients(rnn: nn.RNN, lstm: nn.LSTM, x: Tensor, forget_bias: float = 3.0) -> SiteFigure:
    """Spectral norms of ∂h_T/∂h_t (RNN) and ∂c_T/∂c_t (LSTM, and ``with_forget_bias(lstm, forget_bias)``) against T − t."""
    rnn = _checks.one_layer(rnn, "cell_state_gradients")
    lstm = _checks.module_of(lstm, nn.LSTM)
    opened = with_forget_bias(lstm, forget_bias)
    curves = {
        words("paths_rnn"): (jacobian_norms(rnn, x), None),
        words("paths_lstm"): (torch.linalg.matrix_norm(cell_jacobians(lstm, x), ord=2), forget_products(lstm, x)),
        words("paths_open", bias=decimal(forget_bias, math=True)): (
            torch.linalg.matrix_norm(cell_jacobians(opened, x), ord=2), forget_products(opened, x)),
    }
    fig, ax = plot_axes(230)
    for k, (label, (norms, direct)) in enumerate(curves.items()):
        lags = list(range(norms.shape[0]))
        ax.plot(lags, norms.tolist(), color=ACCENTS[k], lw=1.8, label=label, gid=f"paths-{k}")
        if direct is not None:
            ax.plot(lags, direct.max(dim=1).values.tolist(), color=ACCENTS[k], lw=1.0, ls="--")
    ax.plot([], [], lw=1.0, ls="--", label=words("paths_direct"))
    ax.set_yscale("log")
    label_axes(ax, words("paths_axis"), words("paths_norm"), loc="lower left")
    steps = len(lags) - 1
    last = [spanish_number(float(norms[-1])) for norms, _ in curves.values()]
    alt = words("paths_alt", T=steps, rnn=last[0], lstm=last[1], open=last[2], bias=decimal(forget_bias))
    return site_figure(fig, alt, words("paths_caption", steps=plural("steps", steps)))


@styled
def loss_curve(losses: list[float], threshold: float) -> SiteFigure:
    """The loss of each training step (log scale) with ``threshold`` as a dotted line."""
    if not isinstance(losses, (list, tuple)) or not losses:
        raise ValueError(f"losses must be a non-empty list of numbers, got {losses!r}"[:120])
    if any(isinstance(v, bool) or not isinstance(v, (int, float)) or not v > 0 for v in losses):
        raise ValueError("losses must be positive numbers (the plot is logarithmic)")
    threshold = _checks.positive("threshold", threshold)
    steps = list(range(1, len(losses) + 1))
    fig, ax = plot_axes(200)
    ax.plot(steps, list(losses), color=ACCENTS[1], lw=1.6, gid="loss")
    ax.axhline(threshold, lw=0.9, ls=":", gid="threshold")
    ax.text(steps[-1], threshold * 1.15, words("threshold", value=spanish_number(threshold)),
            fontsize=SMALL, ha="right", va="bottom")
    ax.set_yscale("log")
    label_axes(ax, words("training_step"), words("loss"))
    ax.set_xlim(1, max(2, len(losses)))
    below = next((k for k, v in enumerate(losses, start=1) if v < threshold), None)
    fields = {"steps": plural("steps", len(losses)), "first": spanish_number(losses[0]),
              "last": spanish_number(losses[-1]), "threshold": spanish_number(threshold), "below": below}
    key = "loss_alt" if below is not None and losses[-1] < threshold else "loss_alt_above"
    return site_figure(fig, words(key, **fields), words("loss_caption"))
