"""Forecasting a real daily series: windows, a seasonal baseline, early stopping and the chapter's plots.

The chapter «Una serie real» (docs/serie-real.md) predicts tomorrow's maximum temperature in
Seattle from the days before. What a student writes there (the ``Dataset``, the ``DataLoader``,
the split and the normalisation) stays on the page; this module holds what other series reuse:
:func:`windows` (every window at once), :func:`seasonal_mean`, :class:`Forecaster`, :func:`fit`
(training with early stopping on a validation set) and the three figures, drawn through
:func:`rnn_notes.figures.site_figure` like every figure of the site.
"""

import datetime
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from . import _checks
from .figures import ACCENTS, FONT_SIZE, INK, SMALL, WIDTH_PT, SiteFigure, _import_matplotlib, site_figure

KINDS = (nn.RNN, nn.LSTM, nn.GRU)
SEASONS = ("invierno", "primavera", "verano", "otoño")  # meteorological: Dec-Feb, Mar-May, Jun-Aug, Sep-Nov
MONTHS = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")

# The Spanish the figures show. Keys are English; values may use str.format fields.
TEXT = {
    "epoch": "época",
    "mae": "error absoluto medio (°C)",
    "train": "entrenamiento",
    "validation": "validación",
    "temp": "máxima (°C)",
    "truth": "medida",
    "split_alt": "Temperaturas de cada día, de {first} a {last}, {n} días en total: {lines}; {parts}.",
    "split_line": "la {name} va de {low} a {high}",
    "split_part": "el tramo de {name} empieza el {start} ({days} días)",
    "split_caption": (
        "Las temperaturas máxima y mínima de cada día; las líneas verticales separan los años "
        "de entrenamiento, validación y prueba."
    ),
    "curves_alt": "Curvas de aprendizaje, MAE en °C por época, de {runs} entrenamientos: {items}.",
    "curves_item": (
        "{name}, semilla {seed}: {epochs} épocas, el mejor MAE de validación es {best} en la época "
        "{best_epoch}, y el de entrenamiento pasa de {first} a {last}"
    ),
    "curves_caption": (
        "MAE por época, en entrenamiento (discontinuo) y en validación (continuo), con un punto en "
        "la época que se conserva (la de menor MAE de validación). Cada color es un tipo de capa; "
        "cada línea, una semilla."
    ),
    "year_alt": (
        "Temperatura máxima de {first} a {last}, {n} días: la medida va de {low} a {high}; {items}."
    ),
    "year_item": "{name} (MAE {mae}) va de {low} a {high}",
    "year_caption": "La temperatura máxima de cada día del año de prueba y las predicciones del día anterior.",
    "season_alt": "MAE por estación en el año de prueba: {items}.",
    "season_item": "{season}, {days} días: {values}",
    "season_caption": (
        "Error absoluto medio de cada método en cada estación del año de prueba (invierno: "
        "diciembre a febrero; primavera: marzo a mayo; verano: junio a agosto; otoño: septiembre a noviembre)."
    ),
}


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


# -- The chapter's figures -------------------------------------------------------------


def _axes(height: float) -> tuple[object, object]:
    """A figure WIDTH_PT wide, one axes: ticks in ink and the site's small size, no top or right spine."""
    _import_matplotlib()  # matplotlib only when drawing, without its font-cache log
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_PT / 72, height / 72), layout="constrained")
    ax = fig.add_subplot()
    ax.tick_params(labelsize=SMALL, color=INK, labelcolor=INK)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    return fig, ax


# One colour per method in every figure of the chapter; other names take the accents left.
COLOURS = {"nn.RNN": ACCENTS[0], "nn.LSTM": ACCENTS[1], "nn.GRU": ACCENTS[2], "media estacional": ACCENTS[3],
           "persistencia": INK}


def _colours(names: Iterable[str]) -> list[str]:
    """The colour of each name: :data:`COLOURS` for a name that starts with one of its keys, else a free accent."""
    names = list(names)
    fixed = [next((c for key, c in COLOURS.items() if name.startswith(key)), None) for name in names]
    free = [c for c in ACCENTS if c not in fixed] or list(ACCENTS)
    spare = iter(free * len(names))
    return [colour or next(spare) for colour in fixed]


def _legend(ax: object, columns: int) -> None:
    """A frameless legend above the plot, in the site's small size and ink."""
    ax.legend(fontsize=SMALL, frameon=False, labelcolor=INK, ncols=columns, loc="lower center",
              bbox_to_anchor=(0.5, 1.0))


def split_series(dates: Sequence[datetime.date], lines: Mapping[str, Tensor],
                 parts: Mapping[str, datetime.date]) -> SiteFigure:
    """Daily ``lines`` over ``dates``, a tick per year, and a vertical line where each of ``parts`` but the first starts."""
    if not all(isinstance(d, datetime.date) for d in dates) or not dates:
        raise ValueError("dates must be a non-empty sequence of datetime.date")
    if not isinstance(lines, Mapping) or not lines or len(lines) > len(ACCENTS):
        raise ValueError(f"lines must map 1..{len(ACCENTS)} names to tensors, one value per date")
    if not isinstance(parts, Mapping) or not all(isinstance(d, datetime.date) for d in parts.values()):
        raise ValueError("parts must map names to the datetime.date each part starts")
    fig, ax = _axes(230)
    found = []
    for colour, (name, values) in zip(_colours(lines), lines.items()):
        values = _checks.floating(f"lines[{name!r}]", values)
        _checks.shape(f"lines[{name!r}]", values, (len(dates),), "one value per date")
        ax.plot(range(len(dates)), values.tolist(), color=colour, lw=0.6, label=name, gid=f"series-{name}")
        found.append(TEXT["split_line"].format(name=name, low=celsius(values.min().item(), 1),
                                               high=celsius(values.max().item(), 1)))
    low, high = ax.get_ylim()
    ax.set_ylim(low, high + 0.15 * (high - low))  # room for the parts' names above the lines
    starts = [dates.index(d) if d in dates else None for d in parts.values()]
    if None in starts or starts != sorted(starts):
        raise ValueError("every part must start on one of dates, in order")
    for k, ((name, start), first) in enumerate(zip(parts.items(), starts)):
        if k:
            ax.axvline(first, color=INK, lw=1.0, ls=":")
        ax.text(first + 8, 1.0, name, transform=ax.get_xaxis_transform(), fontsize=SMALL, color=INK, va="top")
    years = [k for k, d in enumerate(dates) if (d.month, d.day) == (1, 1)]
    ax.set_xticks(years, [str(dates[k].year) for k in years])
    ax.set_xlim(0, len(dates) - 1)
    ax.set_ylabel("°C", fontsize=FONT_SIZE, color=INK)
    _legend(ax, len(lines))
    ends = starts[1:] + [len(dates)]
    items = [TEXT["split_part"].format(name=name, start=start.isoformat(), days=end - first)
             for (name, start), first, end in zip(parts.items(), starts, ends)]
    alt = TEXT["split_alt"].format(first=dates[0].isoformat(), last=dates[-1].isoformat(), n=len(dates),
                                   lines="; ".join(found), parts="; ".join(items))
    return site_figure(fig, alt, TEXT["split_caption"])


def learning_curves(histories: Mapping[str, Sequence[History]], scale: float, seeds: Sequence[int]) -> SiteFigure:
    """Training (dashed) and validation (solid) loss per epoch, times ``scale`` (°C), one colour per model name."""
    if not isinstance(histories, Mapping) or not histories or len(histories) > len(ACCENTS):
        raise ValueError(f"histories must map 1..{len(ACCENTS)} names to lists of History")
    fig, ax = _axes(230)
    items = []
    for colour, (name, runs) in zip(_colours(histories), histories.items()):
        if len(runs) != len(seeds) or not all(isinstance(h, History) for h in runs):
            raise ValueError(f"histories[{name!r}] must hold one History per seed ({len(seeds)})")
        for seed, history in zip(seeds, runs):
            epochs = range(1, len(history.val_loss) + 1)
            ax.plot(epochs, [v * scale for v in history.train_loss], color=colour, lw=0.9, ls="--", alpha=0.8)
            ax.plot(epochs, [v * scale for v in history.val_loss], color=colour, lw=1.4,
                    label=name if seed == seeds[0] else None, gid=f"val-{name}-{seed}")
            ax.plot([history.best_epoch], [history.best_val_loss * scale], "o", color=colour, ms=4)
            items.append(TEXT["curves_item"].format(
                name=name, seed=seed, epochs=len(history.val_loss), best=celsius(history.best_val_loss * scale),
                best_epoch=history.best_epoch, first=celsius(history.train_loss[0] * scale),
                last=celsius(history.train_loss[-1] * scale)))
    ax.plot([], [], color=INK, lw=0.9, ls="--", label=TEXT["train"])
    ax.plot([], [], color=INK, lw=1.4, label=TEXT["validation"])
    ax.xaxis.get_major_locator().set_params(integer=True)  # epochs are whole numbers
    ax.set_xlabel(TEXT["epoch"], fontsize=FONT_SIZE, color=INK)
    ax.set_ylabel(TEXT["mae"], fontsize=FONT_SIZE, color=INK)
    _legend(ax, 3)
    alt = TEXT["curves_alt"].format(runs=len(items), items="; ".join(items))
    return site_figure(fig, alt, TEXT["curves_caption"])


def forecast_year(dates: Sequence[datetime.date], truth: Tensor, predictions: Mapping[str, Tensor]) -> SiteFigure:
    """The measured series over ``dates`` in ink and each prediction in an accent colour, months in Spanish."""
    truth = _checks.floating("truth", truth)
    if len(dates) != len(truth) or truth.dim() != 1 or not all(isinstance(d, datetime.date) for d in dates):
        raise ValueError(f"dates must be one datetime.date per value of truth ({len(truth)}), got {len(dates)}")
    if not isinstance(predictions, Mapping) or not predictions or len(predictions) > len(ACCENTS):
        raise ValueError(f"predictions must map 1..{len(ACCENTS)} names to tensors like truth")
    fig, ax = _axes(230)
    days = list(range(len(dates)))
    ax.plot(days, truth.tolist(), color=INK, lw=0.8, label=TEXT["truth"], gid="truth")
    items = []
    for colour, (name, values) in zip(_colours(predictions), predictions.items()):
        values = _checks.floating(f"predictions[{name!r}]", values)
        _checks.shape(f"predictions[{name!r}]", values, tuple(truth.shape), "one prediction per day")
        ax.plot(days, values.tolist(), color=colour, lw=1.1, alpha=0.9, label=name, gid=f"prediction-{name}")
        items.append(TEXT["year_item"].format(name=name, mae=celsius((values - truth).abs().mean().item()),
                                              low=celsius(values.min().item(), 1), high=celsius(values.max().item(), 1)))
    starts = [k for k, d in enumerate(dates) if d.day == 1]
    ax.set_xticks(starts, [MONTHS[dates[k].month - 1] for k in starts])
    ax.set_xlim(0, len(dates) - 1)
    ax.set_ylabel(TEXT["temp"], fontsize=FONT_SIZE, color=INK)
    _legend(ax, 1 + len(predictions))
    alt = TEXT["year_alt"].format(first=dates[0].isoformat(), last=dates[-1].isoformat(), n=len(dates),
                                  low=celsius(truth.min().item(), 1), high=celsius(truth.max().item(), 1),
                                  items="; ".join(items))
    return site_figure(fig, alt, TEXT["year_caption"])


def season_errors(months: Tensor, errors: Mapping[str, Tensor]) -> SiteFigure:
    """Bars of each method's mean absolute error (°C) in each season; ``errors`` are absolute errors per day."""
    season = season_index(months)
    if not isinstance(errors, Mapping) or not errors or len(errors) > len(ACCENTS) + 1:
        raise ValueError(f"errors must map 1..{len(ACCENTS) + 1} names to tensors of absolute errors")
    fig, ax = _axes(230)
    width = 0.8 / len(errors)
    table = {}
    for k, (colour, (name, error)) in enumerate(zip(_colours(errors), errors.items())):
        error = _checks.floating(f"errors[{name!r}]", error)
        _checks.shape(f"errors[{name!r}]", error, tuple(months.shape), "one absolute error per day")
        table[name] = [error[season == s].mean().item() for s in range(len(SEASONS))]
        ax.bar([s - 0.4 + width * (k + 0.5) for s in range(len(SEASONS))], table[name], width,
               color=colour, label=name, gid=f"season-{name}")
    ax.set_xticks(range(len(SEASONS)), SEASONS)
    ax.set_ylabel(TEXT["mae"], fontsize=FONT_SIZE, color=INK)
    _legend(ax, 3)
    items = [TEXT["season_item"].format(season=s, days=int((season == k).sum()),
                                        values=", ".join(f"{name} {celsius(v[k])}" for name, v in table.items()))
             for k, s in enumerate(SEASONS)]
    return site_figure(fig, TEXT["season_alt"].format(items="; ".join(items)), TEXT["season_caption"])
