"""Forecasting a real daily series: windows, a seasonal baseline, early stopping and the chapter's plots.

The chapter «Una serie real» (docs/serie-real.md) predicts tomorrow's maximum temperature in
Seattle from the days before. What a student writes there (the ``Dataset``, the ``DataLoader``,
the split and the normalisation) stays on the page; this module holds what other series reuse:
:func:`windows` (every window at once), :func:`seasonal_mean`, :class:`Forecaster`, :func:`fit`
(training with early stopping on a validation set); the chapter's figures are in
:mod:`rnn_notes.figures.series`.
"""

import datetime
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from . import _checks

KINDS = (nn.RNN, nn.LSTM, nn.GRU)
SEASONS = ("invierno", "primavera", "verano", "otoño")  # meteorological: Dec-Feb, Mar-May, Jun-Aug, Sep-Nov
MONTHS = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")



def celsius(value: float, digits: int = 2) -> str:
    """``2,15 °C``: a temperature as Spanish prose writes it, decimal comma and a non-breaking space."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"value must be a real number, got {type(value).__name__}")
    return f"{value:.{_checks.decimals(digits)}f}".replace(".", ",").replace("-", "−") + "\u00a0°C"


def _index(name: str, value: object) -> Tensor:
    """Return ``value`` if it is a 1-D int64 tensor (positions in a series)."""
    value = _checks.tensor(name, value)
    if value.dtype != torch.int64 or value.dim() != 1:
        raise TypeError(f"{name} must be a 1-D torch.int64 tensor of positions, got {value.dim()}-D {value.dtype}")
    return value


def day_of_year_features(day_of_year: Tensor, period: float = 365.25) -> Tensor:
    """``(T, 2)`` float32: sine and cosine of the angle ``2π (d − 1) / period`` of each day of the year ``d``."""
    day_of_year = _checks.tensor("day_of_year", day_of_year)
    if day_of_year.dim() != 1:
        raise ValueError(f"day_of_year must be 1-D (one day of the year per day), got shape {tuple(day_of_year.shape)}")
    if isinstance(period, bool) or not isinstance(period, (int, float)) or not period > 0:
        raise ValueError(f"period must be a number > 0, got {period!r}")
    angle = 2 * math.pi * (day_of_year.double() - 1) / period
    return torch.stack([torch.sin(angle), torch.cos(angle)], dim=1).float()


def windows(features: Tensor, target: Tensor, length: int, days: Tensor) -> tuple[Tensor, Tensor]:
    """Every window at once: ``x[i] = features[days[i] - length : days[i]]`` and ``y[i] = target[days[i]]``.

    ``features`` is ``(T, F)``, ``target`` ``(T,)`` and ``days`` the positions of the days to
    predict; each needs ``length`` days before it. Returns ``x`` ``(N, length, F)`` and ``y`` ``(N,)``.
    """
    features = _checks.floating("features", features)
    target = _checks.floating("target", target)
    if features.dim() != 2:
        raise ValueError(f"features must be 2-D (days, features), got shape {tuple(features.shape)}")
    _checks.shape("target", target, (features.shape[0],), "one value per day of features")
    length = _checks.count("length", length)
    days = _index("days", days)
    if len(days) and (days.min() < length or days.max() >= len(target)):
        raise ValueError(
            f"days must be in {length}..{len(target) - 1} (each needs {length} days before it), "
            f"got {days.min().item()}..{days.max().item()}"
        )
    steps = days.unsqueeze(1) - length + torch.arange(length)  # (N, length): the days each window reads
    return features[steps], target[days]


def seasonal_mean(
    day_of_year: Tensor, values: Tensor, reference: Tensor, days: Tensor, half_width: int = 7, period: float = 365.25
) -> Tensor:
    """For each of ``days``, the mean of ``values`` over the ``reference`` days at most ``half_width`` days away in the calendar.

    The calendar distance wraps around the year (31 December is one day from 1 January).
    ``reference`` and ``days`` are positions in ``day_of_year`` and ``values``, both ``(T,)``.
    """
    day_of_year = _checks.tensor("day_of_year", day_of_year)
    values = _checks.floating("values", values)
    _checks.shape("day_of_year", day_of_year, tuple(values.shape), "one day of the year per value")
    reference, days = _index("reference", reference), _index("days", days)
    if isinstance(half_width, bool) or not isinstance(half_width, int) or half_width < 0:
        raise ValueError(f"half_width must be an int >= 0, got {half_width!r}")
    for name, positions in (("reference", reference), ("days", days)):
        if len(positions) and (positions.min() < 0 or positions.max() >= len(values)):
            raise ValueError(f"{name} must be positions in 0..{len(values) - 1}")
    gap = (day_of_year[days].double().unsqueeze(1) - day_of_year[reference].double()).abs() % period
    near = torch.minimum(gap, period - gap) <= half_width  # (days, reference)
    counts = near.sum(dim=1)
    if (counts == 0).any():
        raise ValueError(f"no reference day within {half_width} days of day of the year "
                         f"{day_of_year[days][counts == 0][0].item()}")
    return (near.to(values.dtype) * values[reference]).sum(dim=1) / counts


class Forecaster(nn.Module):
    """A recurrent layer (``nn.RNN``, ``nn.LSTM`` or ``nn.GRU``) and a linear head on its last step: one number per window."""

    def __init__(self, kind: type[nn.RNNBase], input_size: int, hidden_size: int):
        if kind not in KINDS:
            raise TypeError(f"kind must be nn.RNN, nn.LSTM or nn.GRU, got {kind!r}")
        _checks.count("input_size", input_size)
        _checks.count("hidden_size", hidden_size)
        super().__init__()
        self.rnn = kind(input_size, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, x: Tensor) -> Tensor:
        output, _ = self.rnn(x)  # output: (N, L, hidden_size); h_n is the last step of it
        return self.head(output[:, -1]).squeeze(-1)  # (N,)


@dataclass(frozen=True)
class History:
    """Each epoch's mean training loss and validation loss; ``best_epoch`` (from 1) is the one kept."""

    train_loss: list[float]
    val_loss: list[float]
    best_epoch: int

    @property
    def best_val_loss(self) -> float:
        """The validation loss of the epoch kept."""
        return self.val_loss[self.best_epoch - 1]


def fit(model: nn.Module, loader: Iterable, val_x: Tensor, val_y: Tensor, *,
        epochs: int, patience: int, lr: float) -> History:
    """Train ``model`` with Adam and the L1 loss, one pass over ``loader`` per epoch, with early stopping.

    After each epoch the L1 loss on ``(val_x, val_y)`` is measured; training stops when it has
    not improved for ``patience`` epochs (or after ``epochs``), and the model gets back the
    weights of its best epoch. The model is left in eval mode.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not isinstance(loader, Iterable):
        raise TypeError(f"loader must be an iterable of (x, y) batches such as a DataLoader, got {type(loader).__name__}")
    val_x, val_y = _checks.floating("val_x", val_x), _checks.floating("val_y", val_y)
    _checks.shape("val_y", val_y, (val_x.shape[0],), "one target per window of val_x")
    epochs, patience = _checks.count("epochs", epochs), _checks.count("patience", patience)
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not lr > 0:
        raise ValueError(f"lr must be a number > 0, got {lr!r}")
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.L1Loss()
    train_loss, val_loss, best, best_state = [], [], 0, None
    for epoch in range(1, epochs + 1):
        model.train()
        total, seen = 0.0, 0
        for x, y in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            total, seen = total + loss.item() * len(y), seen + len(y)
        if seen == 0:
            raise ValueError("loader gave no batch: nothing to train on")
        model.eval()
        with torch.no_grad():
            val_loss.append(loss_fn(model(val_x), val_y).item())
        train_loss.append(total / seen)
        if best == 0 or val_loss[-1] < val_loss[best - 1]:
            best, best_state = epoch, {k: v.detach().clone() for k, v in model.state_dict().items()}
        elif epoch - best >= patience:
            break
    model.load_state_dict(best_state)
    return History(train_loss, val_loss, best)


def season_index(months: Tensor) -> Tensor:
    """The season of each month 1..12, as an index into ``SEASONS`` (December is winter)."""
    months = _checks.tensor("months", months)
    if months.is_floating_point() or months.dim() != 1 or (len(months) and (months.min() < 1 or months.max() > 12)):
        raise ValueError(f"months must be a 1-D integer tensor of months 1..12, got {months.dim()}-D {months.dtype}")
    return (months % 12) // 3
