"""A build log with what a user needs: the notebooks that ran, warnings, where the site is.

Each line this removes is handled where it comes from:

- sphinxext-opengraph prints "matplotlib is not installed, social cards will not be
  generated" when it is imported without matplotlib, although conf.py turns social cards
  off; this extension imports it first with that print caught (it must be listed before it).
- myst-parser and myst-nb log their whole configuration (about 1,500 characters each), and
  Sphinx logs "Writing evaluated template result to ..." for every templated static file,
  all at the info level; those records are demoted to debug (``sphinx-build -vv`` shows them).
- sphinx-copybutton adds its static folder to ``html_static_path`` when the builder starts,
  after Sphinx has compared the configuration with the saved one, so every rebuild said
  "The configuration has changed". Its folder is added while the configuration loads instead.
- The furo theme registers its option ``pygments_dark_style`` when the builder loads the
  theme, also after that comparison, so the option looked new on every rebuild. The theme is
  loaded when the configuration is ready instead (furo refuses to be listed in
  ``extensions``, and works with HTML builders only, the only ones this site uses).
- myst-parser rewrites ``mathjax4_config`` when the builder starts (conf.py turns that off:
  the site's math is MathML).
"""

from __future__ import annotations

import contextlib
import io
import logging

import sphinx_copybutton
from myst_nb.core.config import NbParserConfig
from myst_parser.config.main import MdParserConfig
from sphinx.application import Sphinx
from sphinx.config import Config

# The loggers of the records to demote (Sphinx prefixes module names with "sphinx.").
_CONFIG_DUMPS = ("sphinx.myst_parser.sphinx_ext.main", "sphinx.myst_nb.sphinx_ext")
_TEMPLATES = "sphinx.sphinx.util.fileutil"


class _ToDebug(logging.Filter):
    """Demote the configuration dumps and the template-evaluation lines to debug."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        dump = any(isinstance(arg, (MdParserConfig, NbParserConfig)) for arg in args)
        if dump or getattr(record, "subtype", None) == "template_evaluation":
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


def _import_opengraph_quietly() -> None:
    """Import sphinxext.opengraph with its matplotlib notice caught; Sphinx then reuses the module."""
    with contextlib.redirect_stdout(io.StringIO()):
        import sphinxext.opengraph  # noqa: F401


def _settle_config(app: Sphinx, config: Config) -> None:
    """Load the theme and add sphinx-copybutton's static folder before the configuration is compared with the saved one."""
    if config.html_theme == "furo":
        app.setup_extension("furo")
    sphinx_copybutton.scb_static_path(app)


def _drop_repeated_static(app: Sphinx) -> None:
    """Remove the second copy of the folder sphinx-copybutton adds again when the builder starts."""
    app.config.html_static_path[:] = list(dict.fromkeys(app.config.html_static_path))


def setup(app: Sphinx) -> dict[str, bool]:
    """Quiet the extensions loaded after this one and keep the configuration stable between builds."""
    _import_opengraph_quietly()
    for name in (*_CONFIG_DUMPS, _TEMPLATES):
        logging.getLogger(name).addFilter(_ToDebug())
    app.connect("config-inited", _settle_config)
    app.connect("builder-inited", _drop_repeated_static, priority=900)  # after sphinx-copybutton's
    return {"parallel_read_safe": True, "parallel_write_safe": True}
