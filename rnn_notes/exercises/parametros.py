"""Exercises of the chapter «Parámetros y formas» (parametros)."""

from __future__ import annotations

from torch import Tensor, nn

from ..example import seed_rnn
from ._registry import exercise


@exercise("parametros-sesgo-unico")
def single_bias() -> Tensor:
    """The one bias, shape (2,), that can stand for the seed layer's two biases."""
    layer = seed_rnn()
    return (layer.bias_ih_l0 + layer.bias_hh_l0).detach()


@exercise("parametros-formas")
def parameter_shapes() -> tuple:
    """The shapes of the four parameters of nn.RNN(input_size=4, hidden_size=3), in PyTorch's order."""
    return tuple(tuple(p.shape) for p in nn.RNN(input_size=4, hidden_size=3).parameters())


@exercise("parametros-sin-sesgos")
def count_without_biases() -> int:
    """How many numbers a layer of the seed layer's sizes learns with bias=False."""
    seed = seed_rnn()
    layer = nn.RNN(input_size=seed.input_size, hidden_size=seed.hidden_size, bias=False)
    return sum(p.numel() for p in layer.parameters())


@exercise("parametros-segunda-capa")
def second_layer_input_weights() -> tuple:
    """The shape of weight_ih_l1 of a two-layer nn.RNN of the seed layer's sizes."""
    seed = seed_rnn()
    layer = nn.RNN(input_size=seed.input_size, hidden_size=seed.hidden_size, num_layers=2)
    return tuple(layer.weight_ih_l1.shape)
