"""The real-series chapter's figures (docs/serie-real.md): the split, learning curves, the test year, errors by season."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence

from torch import Tensor

from .. import _checks
from ..series import MONTHS, SEASONS, History, celsius, season_index
from ._draw import ACCENTS, SMALL, label_axes, plot_axes, styled
from ._svg import INK, SiteFigure, site_figure

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


def _above(columns: int) -> dict:
    """The options of a legend above the plot, in ``columns`` columns (size, ink and no frame come from the style)."""
    return {"ncols": columns, "loc": "lower center", "bbox_to_anchor": (0.5, 1.0)}


@styled
def split_series(dates: Sequence[datetime.date], lines: Mapping[str, Tensor],
                 parts: Mapping[str, datetime.date]) -> SiteFigure:
    """Daily ``lines`` over ``dates``, a tick per year, and a vertical line where each of ``parts`` but the first starts."""
    if not all(isinstance(d, datetime.date) for d in dates) or not dates:
        raise ValueError("dates must be a non-empty sequence of datetime.date")
    if not isinstance(lines, Mapping) or not lines or len(lines) > len(ACCENTS):
        raise ValueError(f"lines must map 1..{len(ACCENTS)} names to tensors, one value per date")
    if not isinstance(parts, Mapping) or not all(isinstance(d, datetime.date) for d in parts.values()):
        raise ValueError("parts must map names to the datetime.date each part starts")
    fig, ax = plot_axes(230)
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
            ax.axvline(first, lw=1.0, ls=":")
        ax.text(first + 8, 1.0, name, transform=ax.get_xaxis_transform(), fontsize=SMALL, va="top")
    years = [k for k, d in enumerate(dates) if (d.month, d.day) == (1, 1)]
    ax.set_xticks(years, [str(dates[k].year) for k in years])
    ax.set_xlim(0, len(dates) - 1)
    label_axes(ax, None, "°C", **_above(len(lines)))
    ends = starts[1:] + [len(dates)]
    items = [TEXT["split_part"].format(name=name, start=start.isoformat(), days=end - first)
             for (name, start), first, end in zip(parts.items(), starts, ends)]
    alt = TEXT["split_alt"].format(first=dates[0].isoformat(), last=dates[-1].isoformat(), n=len(dates),
                                   lines="; ".join(found), parts="; ".join(items))
    return site_figure(fig, alt, TEXT["split_caption"])


@styled
def learning_curves(histories: Mapping[str, Sequence[History]], scale: float, seeds: Sequence[int]) -> SiteFigure:
    """Training (dashed) and validation (solid) loss per epoch, times ``scale`` (°C), one colour per model name."""
    if not isinstance(histories, Mapping) or not histories or len(histories) > len(ACCENTS):
        raise ValueError(f"histories must map 1..{len(ACCENTS)} names to lists of History")
    fig, ax = plot_axes(230)
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
    ax.plot([], [], lw=0.9, ls="--", label=TEXT["train"])
    ax.plot([], [], lw=1.4, label=TEXT["validation"])
    ax.xaxis.get_major_locator().set_params(integer=True)  # epochs are whole numbers
    label_axes(ax, TEXT["epoch"], TEXT["mae"], **_above(3))
    alt = TEXT["curves_alt"].format(runs=len(items), items="; ".join(items))
    return site_figure(fig, alt, TEXT["curves_caption"])


@styled
def forecast_year(dates: Sequence[datetime.date], truth: Tensor, predictions: Mapping[str, Tensor]) -> SiteFigure:
    """The measured series over ``dates`` in ink and each prediction in an accent colour, months in Spanish."""
    truth = _checks.floating("truth", truth)
    if len(dates) != len(truth) or truth.dim() != 1 or not all(isinstance(d, datetime.date) for d in dates):
        raise ValueError(f"dates must be one datetime.date per value of truth ({len(truth)}), got {len(dates)}")
    if not isinstance(predictions, Mapping) or not predictions or len(predictions) > len(ACCENTS):
        raise ValueError(f"predictions must map 1..{len(ACCENTS)} names to tensors like truth")
    fig, ax = plot_axes(230)
    days = list(range(len(dates)))
    ax.plot(days, truth.tolist(), lw=0.8, label=TEXT["truth"], gid="truth")
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
    label_axes(ax, None, TEXT["temp"], **_above(1 + len(predictions)))
    alt = TEXT["year_alt"].format(first=dates[0].isoformat(), last=dates[-1].isoformat(), n=len(dates),
                                  low=celsius(truth.min().item(), 1), high=celsius(truth.max().item(), 1),
                                  items="; ".join(items))
    return site_figure(fig, alt, TEXT["year_caption"])


@styled
def season_errors(months: Tensor, errors: Mapping[str, Tensor]) -> SiteFigure:
    """Bars of each method's mean absolute error (°C) in each season; ``errors`` are absolute errors per day."""
    season = season_index(months)
    if not isinstance(errors, Mapping) or not errors or len(errors) > len(ACCENTS) + 1:
        raise ValueError(f"errors must map 1..{len(ACCENTS) + 1} names to tensors of absolute errors")
    fig, ax = plot_axes(230)
    width = 0.8 / len(errors)
    table = {}
    for k, (colour, (name, error)) in enumerate(zip(_colours(errors), errors.items())):
        error = _checks.floating(f"errors[{name!r}]", error)
        _checks.shape(f"errors[{name!r}]", error, tuple(months.shape), "one absolute error per day")
        table[name] = [error[season == s].mean().item() for s in range(len(SEASONS))]
        ax.bar([s - 0.4 + width * (k + 0.5) for s in range(len(SEASONS))], table[name], width, linewidth=0,
               color=colour, label=name, gid=f"season-{name}")
    ax.set_xticks(range(len(SEASONS)), SEASONS)
    label_axes(ax, None, TEXT["mae"], **_above(3))
    items = [TEXT["season_item"].format(season=s, days=int((season == k).sum()),
                                        values=", ".join(f"{name} {celsius(v[k])}" for name, v in table.items()))
             for k, s in enumerate(SEASONS)]
    return site_figure(fig, TEXT["season_alt"].format(items="; ".join(items)), TEXT["season_caption"])
