"""Hypothesis strategies shared by the tests: the parameter spaces of a recurrent layer and its input.

Import as ``from strategies import ...`` (tests/ is on pytest's pythonpath). The dictionaries hold
keyword strategies for ``@given(**...)``; the test's own signature still names every argument.
"""

import torch
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

SEEDS = st.integers(0, 2**16)
"""Seeds for ``torch.manual_seed``: the layer's initial weights and the random input."""

SIZES = st.integers(1, 4)
"""``input_size`` or ``hidden_size`` small enough for every configuration to run quickly."""

NUM_LAYERS = st.integers(1, 3)
"""``num_layers``: one layer, and stacks where layer 2 reads layer 1 (and 3 reads 2)."""

NONLINEARITIES = st.sampled_from(["tanh", "relu"])
"""The two ``nonlinearity`` values nn.RNN accepts."""

DTYPES = st.sampled_from([torch.float32, torch.float64])
"""The floating-point dtypes the layers are compared in."""


def batches(largest: int = 3) -> SearchStrategy[int | None]:
    """A batch size in 1..largest, or None for unbatched input (x of shape (L, H_in))."""
    return st.one_of(st.none(), st.integers(1, largest))


def layer_args(input_sizes: SearchStrategy[int] = SIZES,
               hidden_sizes: SearchStrategy[int] = SIZES) -> dict[str, SearchStrategy]:
    """``seed`` and a stacked layer's input_size, hidden_size, num_layers, bidirectional, bias, batch_first."""
    return {"seed": SEEDS, "input_size": input_sizes, "hidden_size": hidden_sizes, "num_layers": NUM_LAYERS,
            "bidirectional": st.booleans(), "bias": st.booleans(), "batch_first": st.booleans()}


def call_args() -> dict[str, SearchStrategy]:
    """``dtype``, ``batch`` (None: unbatched) and ``seq_len`` in 1..4: one small call compared with torch."""
    return {"dtype": DTYPES, "batch": batches(), "seq_len": st.integers(1, 4)}


def bit_for_bit_args() -> dict[str, SearchStrategy]:
    """layer_args with wider sizes (input 1..40, hidden 1..12), plus ``batch`` and ``seq_len`` in 1..8."""
    return {**layer_args(st.integers(1, 40), st.integers(1, 12)), "batch": batches(), "seq_len": st.integers(1, 8)}


def sequence_lengths(longest: int) -> SearchStrategy[list[int]]:
    """The lengths of a packed batch: 1 to 4 sequences of 1..longest steps, in any order."""
    return st.lists(st.integers(1, longest), min_size=1, max_size=4)


def equal_sequence_lengths(longest: int) -> SearchStrategy[list[int]]:
    """1 to 4 sequences that all have the same length in 1..longest (every batch_sizes entry equal)."""
    return st.tuples(st.integers(1, longest), st.integers(1, 4)).map(lambda nb: [nb[0]] * nb[1])
