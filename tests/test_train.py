"""train: the same steps as a plain Adam loop in torch, deterministic, and its loss falls; the predictions chapter's task."""

import itertools
import re

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from rnn_notes import ManyToOne, majority_sequences, train, train_many_to_one

pytestmark = pytest.mark.unit


class LastState(nn.Module):
    """An RNN and a linear head on h_n[-1], as the predictions chapter trains it."""

    def __init__(self, hidden_size: int = 3, layers: int = 1):
        super().__init__()
        self.rnn = nn.RNN(1, hidden_size, num_layers=layers, batch_first=True)
        self.head = nn.Linear(hidden_size, 2)

    def forward(self, x):
        return self.head(self.rnn(x)[1][-1])


def majority_task(steps: int = 3):
    x = torch.tensor(list(itertools.product([-1.0, 1.0], repeat=steps))).unsqueeze(-1)
    return x, (x.sum(dim=(1, 2)) > 0).long()


def fresh(seed: int, **kwargs) -> LastState:
    torch.manual_seed(seed)
    return LastState(**kwargs)


@pytest.mark.parametrize("seed, layers", [(0, 1), (3, 2)])
def test_losses_and_weights_are_torchs_adam_loop(seed, layers):
    x, y = majority_task()
    model, reference = fresh(seed, layers=layers), fresh(seed, layers=layers)
    losses = train(model, x, y, F.cross_entropy, steps=12, lr=0.03)
    optimizer = torch.optim.Adam(reference.parameters(), lr=0.03)
    expected = []
    for _ in range(12):
        optimizer.zero_grad()
        loss = F.cross_entropy(reference(x), y)
        loss.backward()
        optimizer.step()
        expected.append(loss.item())
    assert losses == expected
    for (name, got), (_, want) in zip(model.named_parameters(), reference.named_parameters()):
        assert torch.equal(got, want), name


def test_first_loss_is_the_untrained_models():
    x, y = majority_task()
    model = fresh(1)
    with torch.no_grad():
        untrained = F.cross_entropy(model(x), y).item()
    assert train(model, x, y, F.cross_entropy, steps=1, lr=0.01) == [untrained]


def test_same_seed_same_losses():
    x, y = majority_task(4)
    first = train(fresh(2), x, y, F.cross_entropy, steps=20, lr=0.05)
    second = train(fresh(2), x, y, F.cross_entropy, steps=20, lr=0.05)
    assert first == second


def test_loss_falls_and_model_is_left_in_eval_mode():
    x, y = majority_task(5)
    model = fresh(0, hidden_size=4)
    losses = train(model, x, y, F.cross_entropy, steps=60, lr=0.05)
    assert len(losses) == 60
    with torch.no_grad():
        final = F.cross_entropy(model(x), y).item()
    assert final < losses[-1] < losses[0] / 10
    assert not model.training


@pytest.mark.parametrize("kwargs, error, message", [
    ({"model": "rnn"}, TypeError, "model must be a torch.nn.Module, got str"),
    ({"x": [1.0]}, TypeError, "x must be a torch.Tensor, got list"),
    ({"steps": 0}, ValueError, "steps must be >= 1, got 0"),
    ({"steps": 2.0}, TypeError, "steps must be an int, got float"),
    ({"lr": 0}, ValueError, "lr must be a number > 0, got 0"),
    ({"lr": -0.1}, ValueError, "lr must be a number > 0, got -0.1"),
    ({"lr": float("inf")}, ValueError, "lr must be a finite number, got inf"),
    ({"lr": float("nan")}, ValueError, "lr must be a finite number, got nan"),
    ({"lr": True}, TypeError, "lr must be a real number, got bool"),
    ({"lr": "0.1"}, TypeError, "lr must be a real number, got str"),
    ({"loss_fn": None}, TypeError, "loss_fn must be a function of (prediction, target), got NoneType"),
    ({"loss_fn": "cross_entropy"}, TypeError, "loss_fn must be a function of (prediction, target), got str"),
    ({"model": nn.Sequential(nn.Flatten())}, ValueError,
     "model must have parameters to train, got a Sequential without any"),
    ({"model": fresh(0).requires_grad_(False)}, ValueError,
     "model must have parameters to train, got a LastState whose 6 parameters are all frozen"),
])
def test_bad_arguments_are_refused(kwargs, error, message):
    x, y = majority_task()
    arguments = {"model": fresh(0), "x": x, "y": y, "loss_fn": F.cross_entropy, "steps": 2, "lr": 0.1} | kwargs
    with pytest.raises(error, match=re.escape(message)):
        train(**arguments)


# -- The predictions chapter's task, model and deterministic training ----------------------


def counted_sequences(length: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Every ±1 sequence as a binary count (bit 1 is +1, first step most significant), and its majority class."""
    rows = [[1.0 if (k >> (length - 1 - t)) & 1 else -1.0 for t in range(length)] for k in range(2**length)]
    classes = [int(row.count(1.0) > row.count(-1.0)) for row in rows]
    return torch.tensor(rows).unsqueeze(-1), torch.tensor(classes)


@pytest.mark.parametrize("length", [1, 2, 5, 6, 7])
def test_majority_sequences_are_every_sequence_and_its_majority(length):
    x, y = majority_sequences(length)
    want_x, want_y = counted_sequences(length)
    assert x.dtype == torch.float32 and y.dtype == torch.int64
    assert torch.equal(x, want_x) and torch.equal(y, want_y)  # even lengths: a tie is class 0


@pytest.mark.parametrize("hidden_size, classes", [(4, 2), (3, 5)])
def test_many_to_one_is_a_head_on_the_rnns_last_output(hidden_size, classes):
    torch.manual_seed(hidden_size)
    model = ManyToOne(hidden_size, classes)
    assert isinstance(model.rnn, nn.RNN) and model.rnn.batch_first
    assert (model.rnn.input_size, model.rnn.hidden_size, model.rnn.num_layers) == (1, hidden_size, 1)
    assert model.head.weight.shape == (classes, hidden_size)
    x = torch.randn(6, 4, 1)
    with torch.no_grad():
        output, _ = model.rnn(x)
        want = output[:, -1] @ model.head.weight.T + model.head.bias
        torch.testing.assert_close(model(x), want)


def adam_loop(x, y, hidden_size: int, steps: int, lr: float, seed: int):
    """The page's old recipe, in plain torch: seed, an RNN and a head, Adam on cross entropy."""
    torch.manual_seed(seed)
    model = LastState(hidden_size=hidden_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return model, losses


@pytest.fixture
def torch_settings():
    """Put the thread count and deterministic setting back after the test, whatever it changed."""
    threads, deterministic = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
    warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    yield
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(deterministic, warn_only=warn_only)


@pytest.mark.parametrize("seed", [0, 5])
def test_train_many_to_one_is_torchs_adam_loop_from_the_seed(seed, torch_settings):
    x, y = majority_task(4)
    model, losses = train_many_to_one(x, y, hidden_size=3, classes=2, steps=15, lr=0.05, seed=seed)
    reference, expected = adam_loop(x, y, hidden_size=3, steps=15, lr=0.05, seed=seed)
    assert losses == expected
    for (name, got), (_, want) in zip(model.named_parameters(), reference.named_parameters()):
        assert torch.equal(got, want), name
    assert not model.training


def test_train_many_to_one_gives_back_the_callers_settings_and_random_state(torch_settings):
    x, y = majority_task(3)
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True, warn_only=True)
    torch.manual_seed(7)
    state = torch.get_rng_state()
    with torch.no_grad():  # it trains even when the caller has switched gradients off
        _, losses = train_many_to_one(x, y, hidden_size=2, classes=2, steps=3, lr=0.1, seed=1)
    assert len(losses) == 3
    assert torch.get_num_threads() == 2
    assert torch.are_deterministic_algorithms_enabled()
    assert torch.is_deterministic_algorithms_warn_only_enabled()
    assert torch.equal(torch.get_rng_state(), state)
    torch.use_deterministic_algorithms(False)
    with pytest.raises(ValueError):
        train_many_to_one(x, y, hidden_size=2, classes=2, steps=0, lr=0.1)
    assert torch.get_num_threads() == 2 and not torch.are_deterministic_algorithms_enabled()


def test_train_many_to_one_trains_with_one_thread_and_deterministic_algorithms(monkeypatch, torch_settings):
    seen, cross_entropy = [], F.cross_entropy

    def spy(*args, **kwargs):
        seen.append((torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()))
        return cross_entropy(*args, **kwargs)

    monkeypatch.setattr(F, "cross_entropy", spy)
    torch.set_num_threads(2)
    train_many_to_one(*majority_task(3), hidden_size=2, classes=2, steps=2, lr=0.1)
    assert seen == [(1, True), (1, True)]


X3, Y3 = majority_task(3)


@pytest.mark.parametrize("call, error, message", [
    (lambda: majority_sequences(0), ValueError, "length must be >= 1, got 0"),
    (lambda: majority_sequences(3.0), TypeError, "length must be an int, got float"),
    (lambda: majority_sequences(True), TypeError, "length must be an int, got bool"),
    (lambda: majority_sequences(21), ValueError, "length must be <= 20 (2**length sequences), got 21"),
    (lambda: ManyToOne(0, 2), ValueError, "hidden_size must be >= 1, got 0"),
    (lambda: ManyToOne(4, 2.0), TypeError, "classes must be an int, got float"),
    (lambda: train_many_to_one(X3.tolist(), Y3, 2, 2, 3, 0.1), TypeError, "x must be a torch.Tensor, got list"),
    (lambda: train_many_to_one(X3.long(), Y3, 2, 2, 3, 0.1), TypeError,
     "x must be a floating-point tensor, got dtype torch.int64"),
    (lambda: train_many_to_one(X3[..., 0], Y3, 2, 2, 3, 0.1), ValueError,
     "x must have shape (N, L, 1) with N >= 1, got (8, 3)"),
    (lambda: train_many_to_one(X3.repeat(1, 1, 2), Y3, 2, 2, 3, 0.1), ValueError,
     "x must have shape (N, L, 1) with N >= 1, got (8, 3, 2)"),
    (lambda: train_many_to_one(X3, Y3.float(), 2, 2, 3, 0.1), TypeError,
     "y must hold classes as torch.int64, got dtype torch.float32"),
    (lambda: train_many_to_one(X3, Y3[:5], 2, 2, 3, 0.1), ValueError,
     "y must have shape (8,) (one class per sequence of x), got (5,)"),
    (lambda: train_many_to_one(X3, Y3 + 1, 2, 2, 3, 0.1), ValueError, "y must hold classes in 0..1, got 1..2"),
    (lambda: train_many_to_one(X3, Y3, 2, 0, 3, 0.1), ValueError, "classes must be >= 1, got 0"),
    (lambda: train_many_to_one(X3, Y3, 2, 2, 3, 0.1, seed=0.5), TypeError, "seed must be an int, got float"),
    (lambda: train_many_to_one(X3, Y3, 2, 2, 3, -0.1), ValueError, "lr must be a number > 0, got -0.1"),
])
def test_bad_input_to_the_chapters_task_is_refused(call, error, message, torch_settings):
    with pytest.raises(error, match=re.escape(message)):
        call()
