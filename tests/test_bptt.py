"""bptt, trace_bptt and state_jacobians against autograd, in every configuration manual_rnn covers."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from rnn_notes import (BackStep, bptt, decay_layers, jacobian_norms, seed_rnn, seed_sequence, state_jacobians,
                       trace_bptt)

from strategies import NONLINEARITIES, NUM_LAYERS, SEEDS, SIZES, batches

pytestmark = pytest.mark.unit


@st.composite
def cases(draw, one_layer=False):
    """An nn.RNN, its input, h0 (or None) and the loss weights grad_output, grad_h_n (or None)."""
    torch.manual_seed(draw(SEEDS))
    dtype = draw(st.sampled_from([torch.float64, torch.float64, torch.float32]))
    num_layers = 1 if one_layer else draw(NUM_LAYERS)
    bidirectional = False if one_layer else draw(st.booleans())
    rnn = nn.RNN(
        draw(SIZES),
        draw(SIZES),
        num_layers=num_layers,
        nonlinearity=draw(NONLINEARITIES),
        bias=draw(st.booleans()),
        batch_first=draw(st.booleans()),
        bidirectional=bidirectional,
    ).to(dtype)
    states = num_layers * (2 if bidirectional else 1)
    batch = draw(batches(1 if one_layer else 3))  # None: unbatched
    seq_len = draw(st.integers(1, 5))
    if batch is None:
        x_shape, h_shape = (seq_len, rnn.input_size), (states, rnn.hidden_size)
    else:
        x_shape = (batch, seq_len, rnn.input_size) if rnn.batch_first else (seq_len, batch, rnn.input_size)
        h_shape = (states, batch, rnn.hidden_size)
    x = torch.randn(x_shape, dtype=dtype)
    h0 = torch.randn(h_shape, dtype=dtype) if draw(st.booleans()) else None
    output, h_n = rnn(x, h0)
    grad_output = torch.randn_like(output)
    grad_h_n = torch.randn_like(h_n) if draw(st.booleans()) else None
    return rnn, x, h0, grad_output, grad_h_n


def _autograd(rnn, x, h0, grad_output, grad_h_n):
    """The same gradients from loss.backward() on the layer itself."""
    rnn.zero_grad()
    x = x.clone().requires_grad_()
    states = rnn.num_layers * (2 if rnn.bidirectional else 1)
    if h0 is None:
        shape = (states, rnn.hidden_size) if x.dim() == 2 else (states, x.shape[0 if rnn.batch_first else 1], rnn.hidden_size)
        h0 = torch.zeros(shape, dtype=x.dtype)
    h0 = h0.clone().requires_grad_()
    output, h_n = rnn(x, h0)
    loss = (output * grad_output).sum()
    if grad_h_n is not None:
        loss = loss + (h_n * grad_h_n).sum()
    loss.backward()
    grads = {name: p.grad for name, p in rnn.named_parameters()}
    return {**grads, "x": x.grad, "h0": h0.grad}


def _assert_same(got, want):
    assert list(got) == list(want)
    for name in want:
        torch.testing.assert_close(got[name], want[name], msg=lambda m: f"{name}: {m}")


@settings(max_examples=150, deadline=None)
@given(cases())
def test_matches_autograd(case):
    _assert_same(bptt(*case), _autograd(*case))


def test_does_not_use_autograd(monkeypatch):
    torch.manual_seed(3)
    rnn = nn.RNN(3, 4, num_layers=2, bidirectional=True, batch_first=True).double()
    x, h0 = torch.randn(2, 5, 3, dtype=torch.float64), torch.randn(4, 2, 4, dtype=torch.float64)
    grad_output, grad_h_n = torch.randn(2, 5, 8, dtype=torch.float64), torch.randn(4, 2, 4, dtype=torch.float64)
    want = _autograd(rnn, x, h0, grad_output, grad_h_n)

    def refuse(*args, **kwargs):
        raise AssertionError("bptt called autograd")

    for owner, name in [(torch.autograd, "grad"), (torch.autograd, "backward"), (torch.Tensor, "backward")]:
        monkeypatch.setattr(owner, name, refuse)
    for p in rnn.parameters():
        p.requires_grad_(False)
    with torch.no_grad():
        got = bptt(rnn, x, h0, grad_output, grad_h_n)
    _assert_same(got, want)


def test_builds_no_graph():
    # Outside no_grad, with parameters that require grad, the results are still plain tensors.
    rnn, x = seed_rnn(), seed_sequence()
    grads = bptt(rnn, x, None, torch.ones(3, 2))
    assert all(g.grad_fn is None and not g.requires_grad for g in grads.values())


def test_relu_at_zero_like_autograd():
    # With every weight and bias zero, each pre-activation is exactly 0, where relu' is taken as 0.
    rnn = nn.RNN(2, 3, num_layers=2, nonlinearity="relu").double()
    with torch.no_grad():
        for p in rnn.parameters():
            p.zero_()
    case = (rnn, torch.randn(4, 2, dtype=torch.float64), None, torch.ones(4, 3, dtype=torch.float64), None)
    _assert_same(bptt(*case), _autograd(*case))


def test_dropout_in_eval_mode_matches():
    torch.manual_seed(0)
    rnn = nn.RNN(3, 2, num_layers=3, dropout=0.5).double().eval()
    case = (rnn, torch.randn(4, 2, 3, dtype=torch.float64), None, torch.randn(4, 2, 2, dtype=torch.float64), None)
    _assert_same(bptt(*case), _autograd(*case))


def test_empty_batch_gives_zero_parameter_gradients():
    rnn = nn.RNN(3, 2, bidirectional=True, batch_first=True)
    x = torch.zeros(0, 4, 3)
    grads = bptt(rnn, x, None, torch.zeros(0, 4, 4))
    for name, p in rnn.named_parameters():
        torch.testing.assert_close(grads[name], torch.zeros_like(p))
    assert grads["x"].shape == x.shape and grads["h0"].shape == (2, 0, 2)


@pytest.mark.parametrize(
    "grad_output, grad_h_n, error, message",
    [
        (torch.ones(3, 2), None, ValueError, r"grad_output must have shape \(1, 3, 2\) \(the shape of output\), got \(3, 2\)"),
        (torch.ones(1, 3, 4), None, ValueError, r"grad_output must have shape \(1, 3, 2\).*got \(1, 3, 4\)"),
        (torch.ones(1, 3, 2), torch.ones(1, 2), ValueError, r"grad_h_n must have shape \(1, 1, 2\) \(the shape of h_n\), got \(1, 2\)"),
        (torch.ones(1, 3, 2, dtype=torch.float64), None, TypeError, r"grad_output has dtype torch.float64, expected torch.float32"),
        (torch.ones(1, 3, 2), torch.ones(1, 1, 2, dtype=torch.int64), TypeError, r"grad_h_n must be a floating-point tensor, got dtype torch.int64"),
        ([[0.0, 0.0]], None, TypeError, r"grad_output must be a torch.Tensor, got list"),
    ],
)
def test_wrong_gradients_are_refused(grad_output, grad_h_n, error, message):
    with pytest.raises(error, match=message):
        bptt(seed_rnn(), seed_sequence().unsqueeze(0), None, grad_output, grad_h_n)


def test_unbatched_shapes_are_named():
    with pytest.raises(ValueError, match=r"grad_h_n must have shape \(1, 2\).*got \(1, 1, 2\)"):
        bptt(seed_rnn(), seed_sequence(), None, torch.ones(3, 2), torch.ones(1, 1, 2))


@pytest.mark.parametrize("kwargs, error, message", [
    ({"steps": 0}, ValueError, "steps must be >= 1, got 0"),
    ({"steps": True}, TypeError, "steps must be an int, got bool"),
    ({"hidden_size": 0}, ValueError, "hidden_size must be >= 1, got 0"),
    ({"hidden_size": 2.0}, TypeError, "hidden_size must be an int, got float"),
    ({"seed": "0"}, TypeError, "seed must be an int, got str"),
])
def test_decay_layers_refuses_bad_sizes(kwargs, error, message):
    with pytest.raises(error, match=f"^{message}$"):
        decay_layers(**kwargs)


def test_refuses_what_manual_rnn_refuses():
    rnn = nn.RNN(3, 2, num_layers=2, dropout=0.5)
    with pytest.raises(ValueError, match=r"dropout=0\.5.*expected dropout=0 or eval mode"):
        bptt(rnn, torch.randn(4, 3), None, torch.ones(4, 2))
    with pytest.raises(TypeError, match="expected a torch.nn.RNN module, got LSTM"):
        bptt(nn.LSTM(3, 2), torch.randn(4, 3), None, torch.ones(4, 2))
    with pytest.raises(ValueError, match="x has 4 features, but the layer expects input_size=5"):
        bptt(seed_rnn(), torch.ones(3, 4), None, torch.ones(3, 2))


def _autograd_steps(rnn, x_rows, h0_row, grad_output, grad_h_n):
    """h_t and z_t recomputed step by step with autograd; their .grad are δ_t and ε_t."""
    act = torch.tanh if rnn.nonlinearity == "tanh" else torch.relu
    h, hs, zs = h0_row, [], []
    for x_t in x_rows:
        z = F.linear(x_t, rnn.weight_ih_l0, rnn.bias_ih_l0 if rnn.bias else None)
        z = z + F.linear(h, rnn.weight_hh_l0, rnn.bias_hh_l0 if rnn.bias else None)
        h = act(z)
        for v in (z, h):
            v.retain_grad()
        hs.append(h)
        zs.append(z)
    loss = sum((h_t * g_t).sum() for h_t, g_t in zip(hs, grad_output)) + (hs[-1] * grad_h_n).sum()
    loss.backward()
    return hs, zs


@settings(max_examples=60, deadline=None)
@given(cases(one_layer=True))
def test_trace_bptt_matches_autograd(case):
    rnn, x, h0, grad_output, grad_h_n = case
    trace = trace_bptt(*case)
    x_rows = x.reshape(-1, rnn.input_size)
    zeros = torch.zeros(rnn.hidden_size, dtype=x.dtype)
    h0_row = zeros if h0 is None else h0.reshape(-1)
    g_n = zeros if grad_h_n is None else grad_h_n.reshape(-1)
    g = grad_output.reshape(-1, rnn.hidden_size)
    hs, zs = _autograd_steps(rnn, x_rows, h0_row, g, g_n)
    assert [step.t for step in trace] == list(range(1, len(x_rows) + 1))
    for step, h, z, g_t in zip(trace, hs, zs, g):
        assert isinstance(step, BackStep)
        torch.testing.assert_close(step.h, h.detach())
        torch.testing.assert_close(step.grad_output, g_t)
        torch.testing.assert_close(step.delta, h.grad)
        torch.testing.assert_close(step.carried, h.grad - g_t)
        torch.testing.assert_close(step.pre_activation_grad, z.grad)
        torch.testing.assert_close(step.derivative * step.delta, z.grad)
    torch.testing.assert_close(trace[-1].carried, g_n)


def test_trace_bptt_refuses_what_it_cannot_follow():
    with pytest.raises(ValueError, match="num_layers=2"):
        trace_bptt(nn.RNN(3, 2, num_layers=2), torch.randn(4, 3), None, torch.ones(4, 2))
    with pytest.raises(ValueError, match="batch of 2"):
        trace_bptt(nn.RNN(3, 2), torch.randn(4, 2, 3), None, torch.ones(4, 2, 2))
    with pytest.raises(ValueError, match=r"grad_output must have shape \(4, 2\)"):
        trace_bptt(nn.RNN(3, 2), torch.randn(4, 3), None, torch.ones(4, 3))


@settings(max_examples=40, deadline=None)
@given(cases(one_layer=True))
def test_state_jacobians_match_autograd(case):
    rnn, x, h0, _, _ = case
    x_rows = x.reshape(-1, rnn.input_size).detach()
    h = torch.zeros(rnn.hidden_size, dtype=x.dtype) if h0 is None else h0.reshape(-1)
    states = [h] + list(rnn(x_rows, h.unsqueeze(0))[0].detach())  # h_0, h_1, ..., h_T
    T = len(x_rows)
    jacobians, norms = state_jacobians(rnn, x, h0), jacobian_norms(rnn, x, h0)
    assert jacobians.shape == (T + 1, rnn.hidden_size, rnn.hidden_size)
    for k in range(T + 1):
        t = T - k  # jacobians[k] is ∂h_T/∂h_t: run steps t+1..T from h_t
        run_on = lambda h_t: rnn(x_rows[t:], h_t.unsqueeze(0))[1][0] if t < T else h_t  # noqa: E731
        want = torch.autograd.functional.jacobian(run_on, states[t])
        torch.testing.assert_close(jacobians[k], want)
        torch.testing.assert_close(norms[k], torch.linalg.svdvals(want)[0])
