"""Sphinx configuration for the rnn_notes site; sources live in docs/ (`sphinx-build -c . docs ...`)."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "_ext"))  # local extensions

import notebook_cache  # noqa: E402

# -- Project ---------------------------------------------------------------
project = "rnn_notes"
author = "rnn_notes contributors"
copyright = "2026, rnn_notes contributors"
language = "es"  # the site's prose is Spanish

# -- Extensions ------------------------------------------------------------
extensions = [
    "myst_nb",  # MyST Markdown pages executed as notebooks
    "sphinx.ext.autodoc",  # the API page comes from the package's docstrings
    "sphinx.ext.napoleon",  # readable docstring sections
    "notebook_cache",  # cache set-up safe under -j, one log line per executed notebook
]
myst_enable_extensions = [
    "dollarmath",  # $...$ and $$...$$ in prose
    "amsmath",  # \begin{aligned} and friends as display math
]
myst_heading_anchors = 0  # anchors come from explicit (label)= targets only, never from titles

# -- Notebook execution ----------------------------------------------------
nb_execution_mode = "cache"  # every number is computed at build time; unchanged pages reuse theirs
# One cache per state of rnn_notes + requirements.txt + torch, so a package change re-runs every
# page (_ext/notebook_cache.py). Outside _build/ so `make clean` keeps it; `make clean-cache` drops it.
nb_execution_cache_path = notebook_cache.keyed_cache_path(ROOT / ".jupyter_cache", ROOT / "requirements.txt")
# A failing cell or check is a warning, so -W fails the build after every page has run: raising
# inside a -j worker can hang the build (nbclient traps SIGTERM), and pages that failed are
# read again on the next build (_ext/notebook_cache.py).
nb_execution_raise_on_error = False
nb_execution_timeout = 120  # seconds per cell; torch's first import is the slow part
nb_execution_show_tb = True  # the build log names the failed check

# -- API docs --------------------------------------------------------------
autodoc_member_order = "bysource"  # the order of the source reads like the site
autodoc_typehints = "description"  # hints beside the parameters keep signatures short
# No intersphinx (it needs the network), so torch's own types cannot be cross-referenced.
nitpick_ignore_regex = [("py:class", r"torch(\..*)?")]

# -- HTML ------------------------------------------------------------------
html_theme = "furo"
html_title = "rnn_notes: nn.RNN a mano"
nb_render_markdown_format = "myst"  # Markdown outputs (tables) may hold $math$
