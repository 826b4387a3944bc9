"""Sphinx configuration for the rnn_notes site; sources live in docs/ (`sphinx-build -c . docs ...`)."""

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
]
myst_enable_extensions = [
    "dollarmath",  # $...$ and $$...$$ in prose
    "amsmath",  # \begin{aligned} and friends as display math
]
myst_heading_anchors = 0  # anchors come from explicit (label)= targets only, never from titles

# -- Notebook execution ----------------------------------------------------
nb_execution_mode = "force"  # every number on a page is computed at build time
nb_execution_raise_on_error = True  # a failing cell or check fails the build
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
