"""The site's figures, drawn from the layer and its tensors when the pages run.

Every figure goes through one mechanism, :func:`site_figure` (``_svg``): a matplotlib figure
becomes a :class:`SiteFigure`, deterministic, themed and accessible SVG with Spanish
alternative text and a caption. In a notebook the figure is a normal cell output:
``text/html`` (a ``<figure>`` holding the inline SVG and its ``<figcaption>``), which myst-nb
passes through as raw HTML, plus ``image/svg+xml`` and a ``text/plain`` alternative. Inline
SVG rather than an image file is what lets ``currentColor`` follow the page's theme, and the
alternative text can hold computed numbers (myst-nb's ``image: alt:`` cell option is static
text and gives an ``<img>``, which cannot follow the theme).

The package, by concern:

- ``_svg``: :class:`SiteFigure`, :func:`site_figure`, the lazy import of matplotlib;
- ``_draw``: sizes, colours, the one matplotlib style, and the shapes diagrams are made of;
- ``_words``: the Spanish the figures show (one table) and how numbers, shapes and plurals are written;
- ``diagrams``, ``cells``, ``plots``: the figures, by kind.

Code and docstrings are English; the Spanish words are generated next to the numbers they contain.
matplotlib is imported only when a figure is drawn: pages that draw nothing never load it.
"""

from ._draw import FONT_SIZE, SMALL
from ._svg import SiteFigure, site_figure
from .cells import gate_blocks, gru_cell, lstm_cell
from .diagrams import (
    MAX_PACKED_ROWS,
    MAX_STEPS,
    packed_batch,
    parameter_shapes,
    prediction_heads,
    stacked_network,
    step_shapes,
    unrolled_network,
)
from .plots import cell_state_gradients, chunked_states, jacobian_decay, loss_curve, tanh_saturation
from .series import forecast_year, learning_curves, season_errors, split_series

__all__ = [
    "forecast_year",
    "learning_curves",
    "season_errors",
    "split_series",
    "FONT_SIZE",
    "MAX_PACKED_ROWS",
    "MAX_STEPS",
    "SMALL",
    "SiteFigure",
    "cell_state_gradients",
    "chunked_states",
    "gate_blocks",
    "gru_cell",
    "jacobian_decay",
    "loss_curve",
    "lstm_cell",
    "packed_batch",
    "parameter_shapes",
    "prediction_heads",
    "site_figure",
    "stacked_network",
    "step_shapes",
    "tanh_saturation",
    "unrolled_network",
]
