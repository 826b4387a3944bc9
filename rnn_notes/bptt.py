"""Backpropagation through time by hand: the gradients autograd gives ``nn.RNN``, from a loop over steps.

Notation as on the site: steps t = 1..T, h_0 the initial state (PyTorch's ``h0``), and for one
layer and one direction

    z_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh,        h_t = act(z_t).

The loss is L = Σ_t g_t · h_t + g_n · h_T, where g_t is step t's slice of ``grad_output`` and g_n
the layer's slice of ``grad_h_n``. Going back from t = T to t = 1:

    δ_t = ∂ℒ/∂h_t = g_t + c_t,          c_T = g_n,   c_t = W_hhᵀ ε_{t+1}  (t < T)
    ε_t = ∂ℒ/∂z_t = act'(z_t) ⊙ δ_t,    tanh'(z_t) = 1 − h_t²,   relu'(z_t) = [z_t > 0] = [h_t > 0]

so δ_t adds the step's own output gradient g_t to what the later steps send back, c_t. The
weights are used at every step, so their gradients are sums over t of outer products:

    ∂ℒ/∂W_ih = Σ_t ε_t x_tᵀ,    ∂ℒ/∂W_hh = Σ_t ε_t h_{t-1}ᵀ,    ∂ℒ/∂b_ih = ∂ℒ/∂b_hh = Σ_t ε_t,
    ∂ℒ/∂x_t = W_ihᵀ ε_t,         ∂ℒ/∂h_0 = W_hhᵀ ε_1.

Both biases enter z_t as a plain sum, so they get identical gradients. With several layers, the
x-gradient of one layer is the ``grad_output`` of the layer below; the reverse direction runs the
same recursion on the time-reversed sequence. The code keeps the batch in rows, so W_hhᵀ ε_t is
written ``eps @ w_hh``, and ∂h_T/∂h_t is the product of the T − t step Jacobians
∂h_s/∂h_{s-1} = diag(act'(z_s)) W_hh for s = T..t+1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from . import _checks, _layout
from ._core import ACTIVATIONS, Weights, run_direction, weights_of
from ._ops import as_called, stack_layers, time_first
from .layer import trace_rnn


def _tanh_derivative(h: Tensor) -> Tensor:
    """tanh'(z) from h = tanh(z): 1 − h²."""
    return 1 - h * h


def _relu_derivative(h: Tensor) -> Tensor:
    """relu'(z) from h = relu(z): 1 where z > 0 (exactly where h > 0), else 0."""
    return (h > 0).to(h.dtype)


DERIVATIVES: dict[str, Callable[[Tensor], Tensor]] = {"tanh": _tanh_derivative, "relu": _relu_derivative}


@dataclass(frozen=True)
class _Run:
    """One layer and direction of the forward pass, kept for the backward one (time in processing order)."""

    name: str  # the parameters' suffix, e.g. "_l1_reverse"
    index: int  # its row in h0 and h_n
    reverse: bool
    weights: Weights
    inputs: Tensor  # (seq, batch, input)
    h0: Tensor  # (batch, hidden)
    states: Tensor  # (seq, batch, hidden)


def _in_order(seq: Tensor, reverse: bool) -> Tensor:
    """``seq`` (time first) in the order a direction reads it."""
    return seq.flip(0) if reverse else seq


def _forward(rnn: nn.RNN, seq: Tensor, h0: Tensor) -> list[_Run]:
    """The forward pass of every layer and direction, with what the backward pass needs."""
    act = ACTIVATIONS[rnn.nonlinearity]
    runs = []

    def record(inputs: Tensor, h: Tensor, layer: int, reverse: bool) -> tuple[Tensor, Tensor]:
        weights, ordered = weights_of(rnn, layer, reverse), _in_order(inputs, reverse)
        states, last = run_direction(ordered, h, weights, act, reverse=False)
        index = _layout.state_index(rnn, layer, reverse)
        runs.append(_Run(_layout.suffix(layer, reverse), index, reverse, weights, ordered, h, states))
        return _in_order(states, reverse), last

    stack_layers(rnn, seq, (h0,), record)
    return runs


def _steps_back(
    states: Tensor, grad_states: Tensor, grad_last: Tensor, w_hh: Tensor, derivative: Callable[[Tensor], Tensor]
) -> Iterator[tuple[int, Tensor, Tensor, Tensor]]:
    """Yield ``(t, c_t, δ_t, ε_t)`` from the last step to the first (``t`` counts from 0 here)."""
    carried = grad_last
    for t in reversed(range(states.shape[0])):
        delta = grad_states[t] + carried
        eps = derivative(states[t]) * delta
        yield t, carried, delta, eps
        carried = eps @ w_hh


def _backward_run(
    run: _Run, grad_states: Tensor, grad_last: Tensor, derivative: Callable[[Tensor], Tensor]
) -> tuple[dict[str, Tensor], Tensor, Tensor]:
    """Parameter gradients, ∂ℒ/∂inputs and ∂ℒ/∂h_0 of one layer and direction."""
    steps = _steps_back(run.states, grad_states, grad_last, run.weights.w_hh, derivative)
    eps = torch.stack([e for *_, e in steps][::-1])  # ε_t for every step, (seq, batch, hidden)
    h_prev = torch.cat([run.h0.unsqueeze(0), run.states[:-1]])
    grads = {
        "weight_ih": torch.einsum("tbh,tbi->hi", eps, run.inputs),
        "weight_hh": torch.einsum("tbh,tbj->hj", eps, h_prev),
    }
    if run.weights.b_ih is not None:
        grads["bias_ih"] = eps.sum(dim=(0, 1))
        grads["bias_hh"] = eps.sum(dim=(0, 1))
    return grads, eps @ run.weights.w_ih, eps[0] @ run.weights.w_hh


def _backward(
    rnn: nn.RNN, runs: list[_Run], grad_seq: Tensor, grad_h_n: Tensor
) -> tuple[dict[str, Tensor], Tensor, Tensor]:
    """From the top layer down: parameter gradients, ∂ℒ/∂x and ∂ℒ/∂h0, time first."""
    derivative, hidden = DERIVATIVES[rnn.nonlinearity], rnn.hidden_size
    grads, grad_h0 = {}, torch.zeros_like(grad_h_n)
    per_layer = len(_layout.directions(rnn))
    for layer in reversed(range(rnn.num_layers)):
        grad_inputs = torch.zeros_like(runs[layer * per_layer].inputs)
        for d, run in enumerate(runs[layer * per_layer : (layer + 1) * per_layer]):
            grad_states = _in_order(grad_seq[..., d * hidden : (d + 1) * hidden], run.reverse)
            params, grad_in, grad_h0[run.index] = _backward_run(run, grad_states, grad_h_n[run.index], derivative)
            grads.update({name + run.name: value for name, value in params.items()})
            grad_inputs += _in_order(grad_in, run.reverse)
        grad_seq = grad_inputs
    return grads, grad_seq, grad_h0



def _result_shapes(rnn: nn.RNN, x: Tensor, batched: bool) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The shapes of ``output`` and ``h_n`` that ``rnn(x, h0)`` returns."""
    dirs, states, hidden = len(_layout.directions(rnn)), _layout.num_states(rnn), rnn.hidden_size
    if not batched:
        return (x.shape[0], dirs * hidden), (states, hidden)
    return (*x.shape[:2], dirs * hidden), (states, x.shape[0 if rnn.batch_first else 1], hidden)


def _grad_arg(name: str, value: object, expected: tuple[int, ...], like: str, reference: Tensor) -> Tensor:
    """Check a gradient argument against the shape of what it is the gradient of; ``None`` is zeros."""
    if value is None:
        return reference.new_zeros(expected)
    value = _checks.floating(name, value)
    _checks.same_dtype("the layer's weights", reference.dtype, **{name: value})
    _checks.shape(name, value, expected, f"the shape of {like}")
    return value


def _checked_grads(
    rnn: nn.RNN, x: Tensor, batched: bool, seq: Tensor, grad_output: object, grad_h_n: object
) -> tuple[Tensor, Tensor]:
    """``grad_output`` and ``grad_h_n`` checked and time first, zeros where ``None``."""
    out_shape, h_n_shape = _result_shapes(rnn, x, batched)
    grad_output = _grad_arg("grad_output", grad_output, out_shape, "output", seq)
    grad_h_n = _grad_arg("grad_h_n", grad_h_n, h_n_shape, "h_n", seq)
    grad_seq, (grad_h_n,) = time_first(rnn, grad_output, (grad_h_n,), batched)
    return grad_seq, grad_h_n


def bptt(
    rnn: nn.RNN, x: Tensor, h0: Tensor | None, grad_output: Tensor | None, grad_h_n: Tensor | None = None
) -> dict[str, Tensor]:
    """Gradients of ``(output * grad_output).sum() + (h_n * grad_h_n).sum()``, by hand, without autograd.

    ``output, h_n = rnn(x, h0)``; the keys are the names in ``rnn.named_parameters()``, ``"x"``
    and ``"h0"``, each gradient shaped like its tensor (``"h0"`` too when ``h0`` is ``None``, which
    means zeros). ``grad_output`` and ``grad_h_n`` have the shapes of ``output`` and ``h_n``;
    ``None`` means zeros. Same inputs as ``manual_rnn``, same refusals.
    """
    rnn = _checks.rnn_module(rnn)
    _checks.no_training_dropout(rnn)
    seq, h0, batched = _checks.rnn_inputs(rnn, x, h0)
    grad_seq, grad_h_n = _checked_grads(rnn, x, batched, seq, grad_output, grad_h_n)
    with torch.no_grad():
        grads, grad_x, grad_h0 = _backward(rnn, _forward(rnn, seq, h0), grad_seq, grad_h_n)
    result = {name: grads[name] for name, _ in rnn.named_parameters()}
    result["x"], (result["h0"],) = as_called(rnn, grad_x, (grad_h0,), batched)
    return result


@dataclass(frozen=True)
class BackStep:
    """Step ``t`` (1..T) of the backward recursion of a one-layer RNN on one sequence; all ``(hidden,)``."""

    t: int
    h: Tensor  # h_t
    grad_output: Tensor  # g_t, the step's own output gradient
    carried: Tensor  # c_t: W_hhᵀ ε_{t+1}, or g_n (grad_h_n) at t = T
    delta: Tensor  # δ_t = g_t + c_t = ∂ℒ/∂h_t
    derivative: Tensor  # act'(z_t)
    pre_activation_grad: Tensor  # ε_t = act'(z_t) ⊙ δ_t = ∂ℒ/∂z_t


def _one_sequence(rnn: nn.RNN, x: Tensor, h0: Tensor | None) -> tuple[Tensor, Tensor, bool]:
    """``x`` time first, the states ``(T, hidden)`` and whether ``x`` is batched, for one layer, direction and sequence."""
    _checks.one_layer(rnn, "the backward recursion")
    trace = trace_rnn(rnn, x, h0)  # checks: one sequence
    seq, _, batched = _checks.rnn_inputs(rnn, x, h0)
    return seq, torch.stack([step.h for step in trace]), batched


def trace_bptt(
    rnn: nn.RNN, x: Tensor, h0: Tensor | None, grad_output: Tensor | None, grad_h_n: Tensor | None = None
) -> list[BackStep]:
    """Every step of the backward recursion of a one-layer, one-direction RNN on one sequence, t = 1..T."""
    seq, states, batched = _one_sequence(rnn, x, h0)
    grad_seq, grad_h_n = _checked_grads(rnn, x, batched, seq, grad_output, grad_h_n)
    derivative = DERIVATIVES[rnn.nonlinearity]
    with torch.no_grad():
        steps = _steps_back(states, grad_seq[:, 0], grad_h_n[0, 0], weights_of(rnn, 0, False).w_hh, derivative)
        trace = [
            BackStep(t + 1, states[t], grad_seq[t, 0], carried, delta, derivative(states[t]), eps)
            for t, carried, delta, eps in steps
        ]
    return trace[::-1]


def state_jacobians(rnn: nn.RNN, x: Tensor, h0: Tensor | None = None) -> Tensor:
    """``(T + 1, hidden, hidden)``: entry ``k`` is ∂h_T/∂h_{T-k}, a product of k step Jacobians diag(act'(z)) W_hh."""
    _, states, _ = _one_sequence(rnn, x, h0)
    derivative = DERIVATIVES[rnn.nonlinearity]
    with torch.no_grad():
        w_hh = weights_of(rnn, 0, False).w_hh
        product = torch.eye(rnn.hidden_size, dtype=states.dtype, device=states.device)
        products = [product]
        for h_t in states.flip(0):  # h_T, ..., h_1: each multiplies in ∂h_t/∂h_{t-1}
            product = product @ (derivative(h_t).unsqueeze(1) * w_hh)
            products.append(product)
    return torch.stack(products)


def jacobian_norms(rnn: nn.RNN, x: Tensor, h0: Tensor | None = None) -> Tensor:
    """``(T + 1,)``: entry ``k`` is the spectral norm (largest singular value) of ∂h_T/∂h_{T-k}."""
    return torch.linalg.matrix_norm(state_jacobians(rnn, x, h0), ord=2)


def decay_layers(
    steps: int = 30, hidden_size: int = 8, sigmas: tuple[float, ...] = (0.5, 1.0, 1.5), seed: int = 0
) -> tuple[dict[tuple[str, float], nn.RNN], Tensor]:
    """One random layer with W_hh = σ·Q (Q orthogonal, so every singular value is σ), for each σ in ``sigmas``, tanh and relu.

    Returns the layers, keyed ``(nonlinearity, sigma)``, and the one input ``(1, steps, hidden_size)``
    they all read; the other parameters are the same in every layer. Everything is drawn from
    ``seed`` without touching the global random state.
    """
    _checks.count("steps", steps)
    _checks.count("hidden_size", hidden_size)
    _checks.integer("seed", seed)
    if not isinstance(sigmas, (tuple, list)):
        raise TypeError(f"sigmas must be a tuple or list of numbers, got {type(sigmas).__name__}")
    if not sigmas or not all(isinstance(s, (int, float)) and not isinstance(s, bool) and s > 0 for s in sigmas):
        raise ValueError(f"sigmas must be a non-empty sequence of positive numbers, got {sigmas!r}")
    if len(set(sigmas)) != len(sigmas):
        raise ValueError(f"sigmas must be different from each other, got {sigmas!r}")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        base = nn.RNN(hidden_size, hidden_size, batch_first=True)
        x = torch.randn(1, steps, hidden_size)
        orthogonal, _ = torch.linalg.qr(torch.randn(hidden_size, hidden_size))
        layers, w_hh = {}, _layout.parameter_name("weight", "hh", 0, False)
        for nonlinearity in ("tanh", "relu"):
            for sigma in sigmas:  # nn.RNN draws its initial weights; load_state_dict replaces them
                layer = nn.RNN(hidden_size, hidden_size, batch_first=True, nonlinearity=nonlinearity)
                layer.load_state_dict(base.state_dict() | {w_hh: orthogonal * sigma})
                layers[nonlinearity, float(sigma)] = layer.requires_grad_(False)
    return layers, x
