"""Sphinx configuration for the rnn_notes site; sources live in docs/ (`sphinx-build -c . docs ...`)."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "_ext"))  # the site's own extensions: the rnn_site package

from rnn_site import notebook_cache  # noqa: E402

# -- Project ---------------------------------------------------------------
project = "rnn_notes"
author = "colaboradores de rnn_notes"  # Spanish: it shows in the footer
copyright = "2026, colaboradores de rnn_notes"
language = "es"  # the site's prose is Spanish
locale_dirs = ["locale"]  # docs/locale: Spanish for furo's labels (Anterior, Siguiente, ...)

# -- Extensions ------------------------------------------------------------
# rnn_site.* are the site's own, in _ext/rnn_site/ (its __init__.py says what each does).
extensions = [
    "rnn_site.quiet_build",  # a build log without noise (first: it quiets the ones below)
    "myst_nb",  # MyST Markdown pages executed as notebooks
    "sphinx.ext.autodoc",  # the API page comes from the package's docstrings
    "sphinx.ext.napoleon",  # readable docstring sections
    "sphinx.ext.viewcode",  # "[fuente]" links: students read the by-hand code from the API page
    "sphinx_reredirects",  # moved pages leave a redirect page behind
    "sphinxext.opengraph",  # title and description for link previews
    "sphinx_copybutton",  # a copy button on code cells (code only, see below)
    "rnn_site.exercise_list",  # the chapters' exercises, listed for instructors
    "rnn_site.downloads",  # each chapter's notebook and MyST source, under its title
    "rnn_site.published_links",  # the published-links directive of the instructors page
    "rnn_site.mathml",  # LaTeX to MathML at build time
    "rnn_site.notebook_cache",  # the execution cache: keyed, healed, safe under -j
    "rnn_site.failure_report",  # a failed notebook's file, line and message end the build
    "rnn_site.interrupt",  # Ctrl-C stops the kernels at once and ends in "Interrupted!"
    "rnn_site.theme_strings",  # furo's hard-coded English labels go through the catalog
    "rnn_site.cell_prompts",  # folded cells say what they hide: solution, prediction's answer, code
    "rnn_site.api_names",  # every PyTorch name in a prose code span exists in the installed torch
    "rnn_site.labs",  # the labs' script and style: change a page's input, every number follows
]
myst_enable_extensions = [
    "dollarmath",  # $...$ and $$...$$ in prose
    "amsmath",  # \begin{aligned} and friends as display math
]
myst_update_mathjax = False  # the math is MathML (see Math below); MathJax's config stays untouched

# -- Notebook execution ----------------------------------------------------
nb_execution_mode = "cache"  # every number is computed at build time; unchanged pages reuse theirs
# One cache per state of rnn_notes + the lock (requirements.txt) + Python, so a package or
# dependency change re-runs every page (rnn_site.notebook_cache makes the folder when the build
# starts). Outside _build/ so `make clean` keeps it; `make clean-cache` drops it.
nb_execution_cache_path = notebook_cache.keyed_cache_path(ROOT / ".jupyter_cache", ROOT / "requirements.txt")
# A failing cell or check is a warning, so -W fails the build after every page has run: raising
# inside a -j worker can hang the build (nbclient traps SIGTERM), and pages that failed are
# read again on the next build (rnn_site.notebook_cache).
nb_execution_raise_on_error = False
nb_execution_timeout = 120  # seconds per cell; torch's first import is the slow part
# The build ends with each failed cell's line and message (rnn_site.failure_report); the full
# traceback is in _build/html/reports/<page>.err.log, so the log does not repeat nbclient's.
nb_execution_show_tb = False
nb_render_markdown_format = "myst"  # Markdown outputs (tables) may hold $math$
# Folded cells (tags hide-input/-output/-cell) are myst-nb's native <details>, closed, which work
# offline and without JavaScript; rnn_site.cell_prompts labels each by its tags (solution,
# prediccion), and these are the labels of the rest: code that only typesets a table or equation.
nb_code_prompt_show = "Mostrar el código"
nb_code_prompt_hide = "Ocultar el código"

# -- API docs --------------------------------------------------------------
autodoc_member_order = "bysource"  # the order of the source reads like the site
autodoc_typehints = "description"  # hints beside the parameters keep signatures short
# No intersphinx (it needs the network), so torch's and the standard library's types
# (collections.abc.Callable, datetime.date) cannot be cross-referenced.
nitpick_ignore_regex = [("py:class", r"torch(\..*)?"), ("py:class", r"collections\.abc\..*"),
                        ("py:class", r"datetime\..*")]

# -- Math ------------------------------------------------------------------
# Pages open offline from file://: math is MathML made at build time (Chromium, Firefox and
# Safari draw it natively), not MathJax, which Sphinx loads from a CDN and which would need
# shipping and a working JavaScript speech worker under file://.
html_math_renderer = "mathml"

# -- Copy buttons ----------------------------------------------------------
# Buttons on code (cell inputs, code blocks), none on cell outputs.
copybutton_selector = "div:not(.output) > div.highlight pre"

# -- HTML ------------------------------------------------------------------
html_theme = "furo"  # light and dark, readable on phones; rnn_site.theme_strings translates its labels
pygments_dark_style = "github-dark"  # furo's default ("native") underlines module names like links
html_title = "rnn_notes: RNN, LSTM y GRU a mano"
html_static_path = ["docs/_static"]  # conf.py is at the root: the site's own CSS

# -- Site URL and link previews --------------------------------------------
# The public address, e.g. RNN_NOTES_SITE_URL=https://example.org/rnn_notes/ make html.
# Unset (the default), the pages carry no absolute URL, so a local build links nowhere.
_site_url = os.environ.get("RNN_NOTES_SITE_URL", "").rstrip("/")
html_baseurl = _site_url and _site_url + "/"  # <link rel="canonical">, only when the URL is known
ogp_site_url = html_baseurl  # og:url is absolute only when the URL is known
ogp_social_cards = {"enable": False}  # image cards need matplotlib; builds stay alike everywhere

# -- Stable links ----------------------------------------------------------
# Published links (tests/published_links.txt) must keep working. When a page is moved or
# renamed, map its old name to the new page here; a redirect page is written at the old
# address and the browser keeps the #anchor. Example: {"parametros": "parametros-y-formas.html"}
redirects = {}


def setup(app):
    """docs/_static/site.css: the site's layout fixes on top of furo (tables inside the column)."""
    # Added here rather than with html_css_files, which Sphinx rewrites after saving the
    # configuration, so every rebuild would report "The configuration has changed".
    app.add_css_file("site.css")
