"""Exercises of the chapter «Gradientes a mano» (gradientes)."""

from __future__ import annotations

import torch
from torch import Tensor

from ..example import seed_rnn, seed_sequence
from ._registry import exercise


@exercise("gradientes-jacobiana")
def jacobian_from_a_nonzero_state() -> Tensor:
    """∂h_T/∂h_0, shape (2, 2), of the seed layer on the seed sequence at h_0 = (0.5, -0.5)."""
    rnn, x = seed_rnn(), seed_sequence().unsqueeze(0)
    h0 = torch.tensor([0.5, -0.5]).view(1, 1, 2)
    jacobian = torch.autograd.functional.jacobian(lambda h: rnn(x, h)[1], h0)
    return jacobian.reshape(2, 2)


@exercise("gradientes-solo-final")
def weight_hh_grad_of_a_last_state_loss() -> Tensor:
    """∂ℒ/∂W_hh, shape (2, 2), for ℒ = ½‖h_T − (0.5, −0.5)‖² on the seed layer and sequence."""
    rnn, x = seed_rnn(), seed_sequence().unsqueeze(0)
    _, h_n = rnn(x)
    loss = 0.5 * ((h_n[0, 0] - torch.tensor([0.5, -0.5])) ** 2).sum()
    (grad,) = torch.autograd.grad(loss, rnn.weight_hh_l0)
    return grad


@exercise("gradientes-paso-menor")
def step_of_smallest_pre_activation_grad() -> int:
    """The step t (from 1) whose ε_t = ∂ℒ/∂z_t has the smallest norm, for ℒ = ½ Σ_t ‖h_t‖²."""
    rnn, x = seed_rnn(), seed_sequence()
    w_ih, w_hh, b_ih, b_hh = (p.detach() for p in rnn.parameters())
    h, pre_activations, states = torch.zeros(2), [], []
    for x_t in x:  # z_t as tensors of their own, so that autograd gives ∂ℒ/∂z_t
        z = (w_ih @ x_t + b_ih + w_hh @ h + b_hh).requires_grad_()
        h = torch.tanh(z)
        pre_activations.append(z)
        states.append(h)
    loss = 0.5 * sum((h**2).sum() for h in states)
    grads = torch.autograd.grad(loss, pre_activations)
    return int(torch.stack(grads).norm(dim=1).argmin()) + 1
