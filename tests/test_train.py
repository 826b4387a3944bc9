"""train: the same steps as a plain Adam loop in torch, deterministic, and its loss falls."""

import itertools

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from rnn_notes import train

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
    ({"steps": 0}, ValueError, "steps must be an int >= 1, got 0"),
    ({"steps": 2.0}, ValueError, "steps must be an int >= 1, got 2.0"),
    ({"lr": 0}, ValueError, "lr must be a number > 0, got 0"),
])
def test_bad_arguments_are_refused(kwargs, error, message):
    x, y = majority_task()
    arguments = {"model": fresh(0), "x": x, "y": y, "loss_fn": F.cross_entropy, "steps": 2, "lr": 0.1} | kwargs
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        train(**arguments)
