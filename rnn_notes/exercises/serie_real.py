"""Exercises of the chapter «Una serie real» (serie-real): Seattle's daily weather, 2012-2015."""

from __future__ import annotations

import functools

import torch
from torch import Tensor, nn
from torch.utils.data import DataLoader, TensorDataset

from ..series import Forecaster, day_of_year_features, fit, windows
from ._registry import exercise

# The chapter's settings (docs/serie-real.md); if the page changes them, its solutions fail the build.
LENGTH, HIDDEN, LR, EPOCHS, PATIENCE, BATCH = 14, 16, 0.01, 30, 5, 32


@functools.cache
def weather() -> dict[str, Tensor]:
    """The chapter's columns as tensors: year, month, day of the year, temp_max, temp_min, precipitation."""
    # vega_datasets is the optional extra rnn_notes[series]; only these answers need it, so importing
    # rnn_notes (which registers every exercise) must not.
    from vega_datasets import data

    frame = data.seattle_weather()
    dates = frame["date"].dt
    columns = {"year": dates.year, "month": dates.month, "day": dates.day_of_year}
    tensors = {name: torch.tensor(values.to_numpy(), dtype=torch.int64) for name, values in columns.items()}
    for name in ("temp_max", "temp_min", "precipitation"):
        tensors[name] = torch.tensor(frame[name].to_numpy(), dtype=torch.float32)
    return tensors


def positions(years: Tensor) -> Tensor:
    """The positions (0..T-1) of the days whose year is True in ``years``, a boolean per day."""
    return torch.arange(len(years))[years]


@exercise("serie-real-persistencia-validacion")
def persistence_on_validation() -> Tensor:
    """The MAE (°C) of persistence, tomorrow's maximum = today's, on the validation year 2014."""
    w = weather()
    days = positions(w["year"] == 2014)
    return (w["temp_max"][days - 1] - w["temp_max"][days]).abs().mean()


@exercise("serie-real-lluvia")
def rain_persistence() -> Tensor:
    """Shape (2,): the share of 2015's days whose rain (precipitation > 0) persistence gets right, and 'never rains' does."""
    w = weather()
    days = positions(w["year"] == 2015)
    rain = w["precipitation"] > 0
    return torch.stack([(rain[days - 1] == rain[days]).float().mean(), (~rain[days]).float().mean()])


@exercise("serie-real-sin-precipitacion")
def gru_without_precipitation() -> Tensor:
    """The test MAE (°C) of the chapter's GRU, seed 0, trained without the precipitation feature."""
    w = weather()
    measured = torch.stack([w["temp_max"], w["temp_min"], w["precipitation"]], dim=1)
    train_rows = w["year"] <= 2013
    mean, std = measured[train_rows].mean(dim=0), measured[train_rows].std(dim=0)
    features = torch.cat([(measured - mean) / std, day_of_year_features(w["day"])], dim=1)
    features, target = features[:, [0, 1, 3, 4]], features[:, 0]  # without column 2, precipitation
    train_days = positions(train_rows)[LENGTH:]
    x_val, y_val = windows(features, target, LENGTH, positions(w["year"] == 2014))
    x_test, _ = windows(features, target, LENGTH, test_days := positions(w["year"] == 2015))
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(1)  # as the page trains: the same sums in the same order, the same bits
        torch.manual_seed(0)
        model = Forecaster(nn.GRU, input_size=features.shape[1], hidden_size=HIDDEN)
        loader = DataLoader(TensorDataset(*windows(features, target, LENGTH, train_days)), batch_size=BATCH,
                            shuffle=True, generator=torch.Generator().manual_seed(0))
        fit(model, loader, x_val, y_val, epochs=EPOCHS, patience=PATIENCE, lr=LR)
        with torch.no_grad():
            predicted = model(x_test) * std[0] + mean[0]
    finally:
        torch.set_num_threads(threads)
    return (predicted - w["temp_max"][test_days]).abs().mean()
