"""rnn_notes.series: windows, the seasonal mean, Forecaster, fit and the chapter's figures, against plain torch/numpy."""

import datetime
import math

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from rnn_notes import (
    Forecaster,
    History,
    celsius,
    day_of_year_features,
    fit,
    forecast_year,
    learning_curves,
    season_errors,
    season_index,
    seasonal_mean,
    split_series,
    windows,
)
from helpers import texts

pytestmark = pytest.mark.unit


# -- windows -------------------------------------------------------------------------


@pytest.mark.parametrize("length", [1, 3, 7])
def test_windows_are_the_slices_before_each_day(length):
    torch.manual_seed(0)
    features, target = torch.randn(20, 4), torch.randn(20)
    days = torch.tensor([length, 11, 19, length + 2])
    x, y = windows(features, target, length, days)
    assert x.shape == (4, length, 4) and y.shape == (4,)
    for i, day in enumerate(days.tolist()):
        assert torch.equal(x[i], torch.from_numpy(features.numpy()[day - length:day]))
        assert y[i].item() == target.numpy()[day]


def test_windows_of_no_days_are_empty():
    x, y = windows(torch.zeros(5, 2), torch.zeros(5), 2, torch.tensor([], dtype=torch.int64))
    assert x.shape == (0, 2, 2) and y.shape == (0,)


def test_windows_refuse_bad_input():
    features, target = torch.zeros(10, 3), torch.zeros(10)
    with pytest.raises(ValueError, match=r"days must be in 3\.\.9 \(each needs 3 days before it\), got 2\.\.5"):
        windows(features, target, 3, torch.tensor([2, 5]))
    with pytest.raises(ValueError, match=r"got 4\.\.10"):
        windows(features, target, 3, torch.tensor([4, 10]))
    with pytest.raises(TypeError, match="days must be a 1-D torch.int64 tensor of positions, got 1-D torch.float32"):
        windows(features, target, 3, torch.tensor([4.0]))
    with pytest.raises(ValueError, match=r"features must be 2-D \(days, features\), got shape \(10,\)"):
        windows(target, target, 3, torch.tensor([4]))
    with pytest.raises(ValueError, match=r"target must have shape \(10,\) \(one value per day of features\), got \(9,\)"):
        windows(features, torch.zeros(9), 3, torch.tensor([4]))
    with pytest.raises(ValueError, match="length must be >= 1, got 0"):
        windows(features, target, 0, torch.tensor([4]))
    with pytest.raises(TypeError, match="features must be a floating-point tensor"):
        windows(features.long(), target, 3, torch.tensor([4]))


# -- the calendar and the seasonal mean ------------------------------------------------------


def test_day_of_year_features_are_sine_and_cosine_of_the_angle():
    days = torch.tensor([1, 2, 92, 183, 365, 366])
    angle = 2 * np.pi * (days.numpy() - 1) / 365.25
    expected = torch.from_numpy(np.stack([np.sin(angle), np.cos(angle)], axis=1)).float()
    got = day_of_year_features(days)
    assert got.dtype == torch.float32
    torch.testing.assert_close(got, expected)
    torch.testing.assert_close(got[0], torch.tensor([0.0, 1.0]))
    with pytest.raises(ValueError, match="period must be a number > 0, got 0"):
        day_of_year_features(days, period=0)
    with pytest.raises(ValueError, match=r"day_of_year must be 1-D"):
        day_of_year_features(days.view(2, 3))


def reference_seasonal_mean(day_of_year, values, reference, days, half_width, period=365.25):
    """The seasonal mean as a loop: every reference day whose wrapped calendar distance is small enough."""
    means = []
    for d in days.tolist():
        near = []
        for r in reference.tolist():
            gap = abs(day_of_year[d].item() - day_of_year[r].item()) % period
            if min(gap, period - gap) <= half_width:
                near.append(values[r].item())
        means.append(sum(near) / len(near))
    return torch.tensor(means)


def test_seasonal_mean_is_the_mean_of_nearby_days_of_the_year_wrapping_around():
    torch.manual_seed(1)
    day_of_year = torch.cat([torch.arange(1, 367), torch.arange(1, 366)])  # a leap year and another
    values = torch.randn(len(day_of_year))
    reference, days = torch.arange(366), torch.tensor([366, 366 + 364, 366 + 100, 366 + 3])
    got = seasonal_mean(day_of_year, values, reference, days, half_width=5)
    torch.testing.assert_close(got, reference_seasonal_mean(day_of_year, values, reference, days, 5))
    # 1 January's neighbours include the end of December
    first = seasonal_mean(day_of_year, values, reference, torch.tensor([366]), half_width=2)
    torch.testing.assert_close(first, values[[0, 1, 2, 364, 365]].mean().view(1))


def test_seasonal_mean_refuses_bad_input():
    day_of_year, values = torch.arange(1, 11), torch.zeros(10)
    with pytest.raises(ValueError, match="no reference day within 1 days of day of the year 9"):
        seasonal_mean(day_of_year, values, torch.tensor([0, 1]), torch.tensor([8]), half_width=1)
    with pytest.raises(ValueError, match="half_width must be an int >= 0, got -1"):
        seasonal_mean(day_of_year, values, torch.tensor([0]), torch.tensor([0]), half_width=-1)
    with pytest.raises(ValueError, match=r"days must be positions in 0\.\.9"):
        seasonal_mean(day_of_year, values, torch.tensor([0]), torch.tensor([10]))
    with pytest.raises(TypeError, match="reference must be a 1-D torch.int64 tensor"):
        seasonal_mean(day_of_year, values, torch.tensor([0.0]), torch.tensor([1]))


def test_season_index_puts_december_in_winter():
    months = torch.arange(1, 13)
    assert season_index(months).tolist() == [0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 0]
    with pytest.raises(ValueError, match="months 1..12"):
        season_index(torch.tensor([13]))
    with pytest.raises(ValueError, match="months 1..12"):
        season_index(torch.tensor([1.0]))


def test_celsius_writes_spanish_degrees():
    assert celsius(2.154) == "2,15\u00a0°C"
    assert celsius(-1.5, 1) == "−1,5\u00a0°C"
    with pytest.raises(TypeError, match="value must be a real number, got str"):
        celsius("2")


# -- the model and its training ---------------------------------------------------------------


@pytest.mark.parametrize("kind", [nn.RNN, nn.LSTM, nn.GRU])
def test_forecaster_is_the_head_on_the_last_state(kind):
    torch.manual_seed(0)
    model = Forecaster(kind, input_size=3, hidden_size=4)
    x = torch.randn(6, 5, 3)
    with torch.no_grad():
        _, state = model.rnn(x)
        h_n = state[0] if kind is nn.LSTM else state
        expected = (h_n[-1] @ model.head.weight.T + model.head.bias).squeeze(-1)
        got = model(x)
    assert got.shape == (6,) and isinstance(model.rnn, kind) and model.rnn.batch_first
    torch.testing.assert_close(got, expected)


def test_forecaster_refuses_other_layers_and_sizes():
    with pytest.raises(TypeError, match="kind must be nn.RNN, nn.LSTM or nn.GRU"):
        Forecaster(nn.Linear, 3, 4)
    with pytest.raises(ValueError, match="hidden_size must be >= 1, got 0"):
        Forecaster(nn.GRU, 3, 0)


def data(seed=0, n=48, length=6):
    """A noisy sum task: the target is the mean of the first feature over the window."""
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(n, length, 2, generator=generator)
    return x, x[:, :, 0].mean(dim=1) + 0.1 * torch.randn(n, generator=generator)


def plain_training(model, loader, val_x, val_y, epochs, lr):
    """The training loop without early stopping, written out: each epoch's mean loss and validation loss."""
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    train_loss, val_loss = [], []
    for _ in range(epochs):
        model.train()
        total, seen = 0.0, 0
        for x, y in loader:
            optimizer.zero_grad()
            loss = (model(x) - y).abs().mean()
            loss.backward()
            optimizer.step()
            total, seen = total + loss.item() * len(y), seen + len(y)
        model.eval()
        with torch.no_grad():
            val_loss.append((model(val_x) - val_y).abs().mean().item())
        train_loss.append(total / seen)
    return train_loss, val_loss


def trained(patience, epochs=12, lr=0.05):
    """Two identical models and loaders: one trained by fit, the other by the plain loop."""
    (x, y), (val_x, val_y) = data(0), data(1, n=16)
    runs = []
    for _ in range(2):
        torch.manual_seed(3)
        model = Forecaster(nn.GRU, 2, 5)
        loader = DataLoader(TensorDataset(x, y), batch_size=8, shuffle=True,
                            generator=torch.Generator().manual_seed(4))
        runs.append((model, loader))
    history = fit(runs[0][0], runs[0][1], val_x, val_y, epochs=epochs, patience=patience, lr=lr)
    plain = plain_training(runs[1][0], runs[1][1], val_x, val_y, epochs, lr)
    return history, plain, runs[0][0], (val_x, val_y)


def test_fit_is_the_plain_loop_stopped_early_with_the_best_weights_back():
    history, (train_loss, val_loss), model, (val_x, val_y) = trained(patience=2, epochs=40, lr=0.05)
    run = len(history.val_loss)
    assert history.train_loss == train_loss[:run] and history.val_loss == val_loss[:run]
    best = int(np.argmin(val_loss[:run])) + 1  # the first epoch with the lowest validation loss
    assert history.best_epoch == best and history.best_val_loss == min(val_loss[:run])
    assert run == 40 or run - best == 2  # stopped after two epochs without improvement
    assert run < 40, "this set-up is meant to stop early"
    assert min(val_loss[best:run], default=math.inf) >= val_loss[best - 1]
    with torch.no_grad():  # the model holds its best epoch's weights
        assert (model(val_x) - val_y).abs().mean().item() == history.best_val_loss
    assert not model.training


def test_fit_with_patience_beyond_the_epochs_runs_them_all():
    history, (train_loss, val_loss), _, _ = trained(patience=50, epochs=6)
    assert history.train_loss == train_loss and history.val_loss == val_loss
    assert isinstance(history, History) and len(history.val_loss) == 6


def test_fit_refuses_bad_input():
    model, (x, y) = Forecaster(nn.RNN, 2, 3), data()
    loader = DataLoader(TensorDataset(x, y), batch_size=8)
    with pytest.raises(TypeError, match="model must be a torch.nn.Module, got str"):
        fit("model", loader, x, y, epochs=1, patience=1, lr=0.1)
    with pytest.raises(TypeError, match="loader must be an iterable of"):
        fit(model, 3, x, y, epochs=1, patience=1, lr=0.1)
    with pytest.raises(ValueError, match=r"val_y must have shape \(48,\)"):
        fit(model, loader, x, y[:5], epochs=1, patience=1, lr=0.1)
    with pytest.raises(ValueError, match="epochs must be >= 1, got 0"):
        fit(model, loader, x, y, epochs=0, patience=1, lr=0.1)
    with pytest.raises(ValueError, match="lr must be a number > 0, got 0"):
        fit(model, loader, x, y, epochs=1, patience=1, lr=0)
    with pytest.raises(ValueError, match="loader gave no batch"):
        fit(model, [], x, y, epochs=1, patience=1, lr=0.1)


# -- figures ------------------------------------------------------------------------------------


def dates(first: datetime.date, n: int) -> list[datetime.date]:
    return [first + datetime.timedelta(days=k) for k in range(n)]


def test_split_series_marks_each_part_and_says_its_days():
    days = dates(datetime.date(2012, 12, 20), 30)
    high, low = torch.linspace(5, 9, 30), torch.linspace(-2, 1, 30)
    parts = {"entrenamiento": days[0], "prueba": days[12]}
    drawn = split_series(days, {"máxima": high, "mínima": low}, parts)
    assert {"máxima", "mínima", "entrenamiento", "prueba"} <= set(texts(drawn))
    ticks = [t.get_text() for t in drawn.figure.axes[0].get_xticklabels()]
    assert ticks == ["2013"]  # 1 January 2013 is the 13th day
    assert "la máxima va de 5,0\u00a0°C a 9,0\u00a0°C" in drawn.alt and "la mínima va de −2,0\u00a0°C a 1,0\u00a0°C" in drawn.alt
    assert "el tramo de entrenamiento empieza el 2012-12-20 (12 días)" in drawn.alt
    assert "el tramo de prueba empieza el 2013-01-01 (18 días)" in drawn.alt
    with pytest.raises(ValueError, match="every part must start on one of dates, in order"):
        split_series(days, {"máxima": high}, {"a": days[5], "b": days[2]})
    with pytest.raises(ValueError, match=r"lines\['máxima'\] must have shape \(30,\)"):
        split_series(days, {"máxima": high[:3]}, parts)


def test_learning_curves_draw_every_run_in_degrees():
    first = History([1.0, 0.5, 0.4], [0.9, 0.6, 0.7], 2)
    second = History([2.0, 1.0], [1.5, 1.2], 2)
    drawn = learning_curves({"nn.RNN": [first, second]}, scale=2.0, seeds=(0, 1))
    lines = {line.get_gid(): line for line in drawn.figure.axes[0].get_lines() if line.get_gid()}
    assert list(lines["val-nn.RNN-0"].get_ydata()) == [1.8, 1.2, 1.4]
    assert list(lines["val-nn.RNN-1"].get_ydata()) == [3.0, 2.4]
    assert "nn.RNN, semilla 0: 3 épocas, el mejor MAE de validación es 1,20\u00a0°C en la época 2" in drawn.alt
    assert "de entrenamiento pasa de 4,00\u00a0°C a 2,00\u00a0°C" in drawn.alt
    with pytest.raises(ValueError, match="one History per seed"):
        learning_curves({"nn.RNN": [first]}, scale=1.0, seeds=(0, 1))


def test_forecast_year_names_the_months_in_spanish_and_scores_each_prediction():
    days = dates(datetime.date(2015, 1, 1), 365)
    truth = torch.linspace(0, 10, 365)
    drawn = forecast_year(days, truth, {"modelo": truth + 1})
    ticks = [t.get_text() for t in drawn.figure.axes[0].get_xticklabels()]
    assert ticks == ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"]
    assert "modelo (MAE 1,00\u00a0°C) va de 1,0\u00a0°C a 11,0\u00a0°C" in drawn.alt
    assert "de 2015-01-01 a 2015-12-31, 365 días" in drawn.alt
    with pytest.raises(ValueError, match="one datetime.date per value of truth"):
        forecast_year(days[:3], truth, {"modelo": truth})


def test_season_errors_bars_are_the_mean_error_of_each_season():
    months = torch.tensor([1, 2, 3, 6, 7, 9, 12, 12])
    error = torch.tensor([1.0, 3.0, 2.0, 4.0, 6.0, 5.0, 2.0, 0.0])
    drawn = season_errors(months, {"persistencia": error, "otro": 2 * error})
    bars = [patch for patch in drawn.figure.axes[0].patches]
    heights = [bar.get_height() for bar in bars]
    winter = np.mean([1.0, 3.0, 2.0, 0.0])
    assert heights[:4] == pytest.approx([winter, 2.0, 5.0, 5.0])
    assert heights[4:] == pytest.approx([2 * winter, 4.0, 10.0, 10.0])
    assert "invierno, 4 días: persistencia 1,50\u00a0°C, otro 3,00\u00a0°C" in drawn.alt
    assert [t.get_text() for t in drawn.figure.axes[0].get_xticklabels()] == ["invierno", "primavera", "verano", "otoño"]
