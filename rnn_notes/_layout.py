"""How PyTorch stores a recurrent layer (``nn.RNN``, ``nn.LSTM``, ``nn.GRU``): written once, here.

Parameter names (``weight_ih_l1_reverse``), the blocks stacked in each weight (the gate
order), the number of state rows (``num_layers * num_directions``) and the directions.
Unchecked: the callers check their arguments.
"""

from __future__ import annotations

from torch import Tensor, nn

# The blocks PyTorch stacks in every weight and bias, in its order (the gates and the candidate);
# nn.RNN has one block and no gate.
GATES: dict[type[nn.RNNBase], tuple[str, ...]] = {
    nn.RNN: (),
    nn.LSTM: ("i", "f", "g", "o"),
    nn.GRU: ("r", "z", "n"),
}
# The one block of GATES that is not a gate but the candidate (PyTorch's docs: cell gate g, new gate n).
CANDIDATE: dict[type[nn.RNNBase], str] = {nn.LSTM: "g", nn.GRU: "n"}


def gates(module: nn.RNNBase) -> tuple[str, ...]:
    """The gate blocks stacked in ``module``'s weights, in PyTorch's order (``()`` for ``nn.RNN``)."""
    return GATES[type(module)]


def suffix(layer: int, reverse: bool) -> str:
    """The parameters' suffix for a layer and direction, e.g. ``_l1_reverse``."""
    return f"_l{layer}" + ("_reverse" if reverse else "")


def parameter_name(kind: str, source: str, layer: int, reverse: bool) -> str:
    """A parameter's name, e.g. ``parameter_name("weight", "hh", 1, True)`` is ``weight_hh_l1_reverse``."""
    return f"{kind}_{source}{suffix(layer, reverse)}"


def parameters(
    module: nn.RNNBase, layer: int, reverse: bool
) -> tuple[Tensor, Tensor, Tensor | None, Tensor | None]:
    """``weight_ih, weight_hh, bias_ih, bias_hh`` of one layer and direction (biases ``None`` with ``bias=False``)."""
    end = suffix(layer, reverse)
    return (
        getattr(module, "weight_ih" + end),
        getattr(module, "weight_hh" + end),
        getattr(module, "bias_ih" + end) if module.bias else None,
        getattr(module, "bias_hh" + end) if module.bias else None,
    )


def gate_parameters(module: nn.RNNBase, layer: int, reverse: bool) -> tuple[Tensor | None, ...]:
    """An LSTM's or GRU's :func:`parameters` split into their gate blocks, in the same order.

    ``weight_ih``'s blocks in gate order, then ``weight_hh``'s, ``bias_ih``'s and ``bias_hh``'s
    (``None`` for each block without bias).
    """
    n = len(gates(module))
    return tuple(
        block
        for stacked in parameters(module, layer, reverse)
        for block in ((None,) * n if stacked is None else stacked.chunk(n, dim=0))
    )


def projection(module: nn.LSTM, layer: int, reverse: bool) -> Tensor | None:
    """An LSTM's ``weight_hr`` for one layer and direction, ``None`` without ``proj_size``."""
    return getattr(module, "weight_hr" + suffix(layer, reverse)) if module.proj_size > 0 else None


def directions(module: nn.RNNBase) -> tuple[bool, ...]:
    """``reverse`` for each direction, forward first: ``(False,)`` or ``(False, True)``."""
    return (False, True) if module.bidirectional else (False,)


def num_states(module: nn.RNNBase) -> int:
    """Rows of ``h_0``/``h_n``: ``num_layers * num_directions``."""
    return module.num_layers * len(directions(module))


def state_index(module: nn.RNNBase, layer: int, reverse: bool) -> int:
    """The row of ``h_0``/``h_n`` that belongs to one layer and direction."""
    return layer * len(directions(module)) + int(reverse)
